package commands_test

import (
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/cec-kg/tizme/commands"
	"github.com/cec-kg/tizme/domain/access"
	"github.com/cec-kg/tizme/domain/commission"
	"github.com/cec-kg/tizme/domain/failure"
	"github.com/cec-kg/tizme/domain/voter"
)

// accessFor is a well-formed record of op1 of TEC-0101 reviewing an
// application of voterStream, read by request req.
func accessFor(voterStream, req string, app uuid.UUID) commands.RecordDataAccess {
	return commands.RecordDataAccess{
		Envelope: env(commands.DataAccessKey(req, voterStream)),
		Staff:    op1, Commission: tec0101, Voter: voterStream, Application: app,
		Purpose: "application_review", RequestID: req, At: tFile,
	}
}

// TestRecordDataAccess: given a voter on the list, when staff read their
// data, then each read is one VoterDataAccessed on the commission's access
// stream; a retried request records nothing more; malformed records are
// refused with their codes.
func TestRecordDataAccess(t *testing.T) {
	t.Parallel()
	for _, store := range []struct {
		name string
		opts worldOptions
	}{
		{"postgres", worldOptions{}},
		{"esdb", worldOptions{esdb: true}},
	} {
		t.Run(store.name, func(t *testing.T) {
			t.Parallel()
			w := newWorld(t, store.opts)
			v := w.registerVoter(t, pinAsan)
			app := uuid.MustParse("7e0b3f2a-93c1-4a57-8d0e-2f6b1c9a4d11")
			const stream = "access-tec-0101"

			res := w.must(t, accessFor(v, "req-1", app))
			if res.Stream != stream || res.Events != 1 {
				t.Fatalf("result %+v, want 1 event on %s", res, stream)
			}
			got, _ := lastOf[access.VoterDataAccessed](t, w, stream)
			want := access.VoterDataAccessed{Staff: op1, Commission: tec0101, Voter: v, ApplicationID: app,
				Purpose: "application_review", RequestID: "req-1", At: tFile}
			if got != want {
				t.Errorf("recorded %+v, want %+v", got, want)
			}

			// The same request again (a retry): answered, nothing written.
			again := w.must(t, accessFor(v, "req-1", app))
			if !again.Replayed {
				t.Errorf("retry %+v, want a replayed answer", again)
			}
			// Another read, by other staff, without an application: a
			// second record on the same stream, no conflict.
			lookup := commands.RecordDataAccess{Envelope: env(commands.DataAccessKey("req-2", v)), Staff: op2, Commission: "tec-0101",
				Voter: v, Purpose: "entry_lookup", RequestID: "req-2", At: tFile.Add(time.Minute)}
			w.must(t, lookup)
			if n := len(w.types(t, stream)); n != 2 {
				t.Errorf("%s holds %d events, want 2", stream, n)
			}
			second, _ := lastOf[access.VoterDataAccessed](t, w, stream)
			if second.ApplicationID != uuid.Nil || second.Commission != tec0101 || second.Staff != op2 {
				t.Errorf("second record %+v", second)
			}

			cases := []struct {
				name   string
				change func(*commands.RecordDataAccess)
				want   *failure.Error
			}{
				{"no time", func(c *commands.RecordDataAccess) { c.At = time.Time{} }, commands.ErrMissingField},
				{"no commission", func(c *commands.RecordDataAccess) { c.Commission = "" }, commands.ErrMissingField},
				{"bad commission", func(c *commands.RecordDataAccess) { c.Commission = "XYZ-1" }, commission.ErrRef},
				{"no staff", func(c *commands.RecordDataAccess) { c.Staff = "" }, access.ErrMissing},
				{"staff with a space", func(c *commands.RecordDataAccess) { c.Staff = "op 1" }, access.ErrStaff},
				{"voter by PIN", func(c *commands.RecordDataAccess) { c.Voter = pinAsan }, voter.ErrBadStream},
				{"unknown purpose", func(c *commands.RecordDataAccess) { c.Purpose = "curiosity" }, access.ErrUnknownPurpose},
				{"no request ID", func(c *commands.RecordDataAccess) { c.RequestID = "" }, access.ErrMissing},
			}
			for _, tc := range cases {
				t.Run(tc.name, func(t *testing.T) {
					c := accessFor(v, "req-bad", app)
					c.Envelope = env(key())
					tc.change(&c)
					w.refuse(t, c, tc.want)
				})
			}
			if n := len(w.types(t, stream)); n != 2 {
				t.Errorf("after the refusals %s holds %d events, want 2", stream, n)
			}
		})
	}
}

// TestRecordDataAccessConcurrent: reads recorded at once on one
// commission's stream all land: records never conflict.
func TestRecordDataAccessConcurrent(t *testing.T) {
	t.Parallel()
	w := newWorld(t, worldOptions{bare: true})
	v := "voter-" + strings.Repeat("0f", 16)
	const n = 16
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			req := "req-" + string(rune('a'+i))
			_, err := w.send(t, accessFor(v, req, uuid.Nil))
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Errorf("record: %v", err)
		}
	}
	if got := len(w.types(t, "access-tec-0101")); got != n {
		t.Errorf("%d records, want %d", got, n)
	}
}

package popreg_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/cec-kg/tizme/cmd/tizme/internal/popreg"
	"github.com/cec-kg/tizme/domain"
	"github.com/cec-kg/tizme/domain/calendar"
	"github.com/cec-kg/tizme/domain/person"
	"github.com/cec-kg/tizme/domain/precinct"
	"github.com/cec-kg/tizme/domain/voter"
	"github.com/cec-kg/tizme/eventstore"
	"github.com/cec-kg/tizme/eventstore/postgres"
	"github.com/cec-kg/tizme/eventstore/postgres/pgtest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

var (
	testKey = []byte("0123456789abcdef0123456789abcdef")
	testNow = time.Date(2026, 11, 22, 9, 30, 0, 0, time.UTC)
)

const header = "pin,surname,given_name,patronymic,birth_date,sex,passport,region,district,settlement,street,building,apartment,precinct"

// row writes a data line of a male voter born on 1990-05-15 with serial s.
func row(serial int, edit func(f []string)) string {
	f := []string{fmt.Sprintf("215051990%05d", serial), "Асанов", "Нурлан", "Бакытович", "1990-05-15", "M", "ID1234567",
		"город Бишкек", "Ленинский район", "Бишкек", "улица Киевская", "12", "5", "1001"}
	if edit != nil {
		edit(f)
	}
	return strings.Join(f, ",")
}

func newStore(t *testing.T) *postgres.Store {
	t.Helper()
	ctx := context.Background()
	pool := pgtest.NewPool(t)
	if err := postgres.Migrate(ctx, pool); err != nil {
		t.Fatal(err)
	}
	store := postgres.New(pool, postgres.Options{Types: domain.NewCodec()})
	t.Cleanup(func() { _ = store.Close() })
	return store
}

// countEvents counts the stored events in the table itself. A log reader
// (ReadAll) sees only the events below the cluster-wide visibility
// horizon, which another test's writer in flight can hold back: right
// after a bulk import it could see none of them.
func countEvents(t *testing.T, store *postgres.Store) int {
	t.Helper()
	var n int
	if err := store.Pool().QueryRow(context.Background(), `SELECT count(*) FROM es_events`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// streamLength reads one stream, which no horizon holds back.
func streamLength(t *testing.T, store *postgres.Store, stream string) int {
	t.Helper()
	events, err := store.ReadStream(context.Background(), stream, eventstore.ReadStreamOptions{Direction: eventstore.Forwards, Limit: 100})
	if errors.Is(err, eventstore.ErrStreamNotFound) {
		return 0
	}
	if err != nil {
		t.Fatal(err)
	}
	return len(events)
}

func known(n precinct.Number) bool { return n.Int() == 1001 || n.Int() == 1002 }

type rejected struct {
	line int
	code string
}

func readRejects(t *testing.T, b []byte) []rejected {
	t.Helper()
	recs, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
	if err != nil {
		t.Fatalf("rejects file is not CSV: %v\n%s", err, b)
	}
	if len(recs) == 0 || !slices.Equal(recs[0], popreg.RejectsHeader) {
		t.Fatalf("rejects header %v", recs)
	}
	var out []rejected
	for _, r := range recs[1:] {
		var line int
		fmt.Sscan(r[0], &line)
		if r[2] == "" || r[3] == "" {
			t.Errorf("reject %v: no reason or no row", r)
		}
		out = append(out, rejected{line, r[1]})
	}
	slices.SortFunc(out, func(a, b rejected) int { return a.line - b.line })
	return out
}

func TestImportWithBadRows(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	store := newStore(t)

	// A voter registered by other means, with another event.
	const otherPIN = "21505199000900"

	cases := []struct {
		name     string
		line     string
		wantCode string // "" = imported
	}{
		{"good", row(1, nil), ""},
		{"bad PIN", row(2, func(f []string) { f[0] = f[0][:13] }), "pin.bad_length"},
		{"PIN and sex disagree", row(3, func(f []string) { f[5] = "F" }), "row.pin_sex_mismatch"},
		{"bad date", row(4, func(f []string) { f[4] = "1990-02-30" }), "row.bad_birth_date"},
		{"PIN and birth date disagree", row(5, func(f []string) { f[4] = "1990-05-16" }), "row.pin_birth_date_mismatch"},
		{"unknown passport series", row(6, func(f []string) { f[6] = "XX1234567" }), "passport.unknown_series"},
		{"duplicate PIN in file", row(1, nil), "row.duplicate_pin"},
		{"missing value", row(7, func(f []string) { f[1] = "" }), "row.missing_value"},
		{"wrong column count", row(8, nil) + ",extra", "row.field_count"},
		{"not UTF-8", row(9, func(f []string) { f[2] = "Нур\xffлан" }), "row.not_utf8"},
		{"quoted comma", row(10, func(f []string) { f[10] = `"улица Киевская, ""двор"""` }), ""},
		{"unknown precinct", row(11, func(f []string) { f[13] = "1003" }), "row.unknown_precinct"},
		{"bad quotes", row(12, func(f []string) { f[1] = `Аса"нов` }), "row.bad_quotes"},
		{"female voter, no patronymic, no district", "11505199000013,Асанова,Айгүл,,1990-05-15,F,AN7654321,город Ош,,Ош,,,,1002", ""},
		{"registered by other means", row(900, nil), "voter.already_registered"},
		{"good after the bad ones", row(14, nil), ""},
	}
	var file strings.Builder
	file.WriteString(header + "\r\n")
	var want []rejected
	imported := 0
	for i, c := range cases {
		file.WriteString(c.line + "\r\n")
		if c.wantCode == "" {
			imported++
		} else {
			want = append(want, rejected{i + 2, c.wantCode})
		}
	}
	file.WriteString("\r\n") // a trailing blank line is not a row

	other, err := person.ParsePIN(otherPIN, calendar.DayOf(testNow))
	if err != nil {
		t.Fatal(err)
	}
	stream := voter.StreamFor(testKey, other)
	codec := domain.NewCodec()
	d, err := codec.Encode(voter.VoterRegistered{PIN: otherPIN, Surname: "Асанов", GivenName: "Нурлан", Sex: "M", Passport: "ID0000001",
		Address: voter.Address{Region: "город Бишкек", Settlement: "Бишкек"}, Precinct: 1001, RegisteredFrom: "application", At: testNow})
	if err != nil {
		t.Fatal(err)
	}
	d.ID = uuid.New()
	if _, err := store.Append(ctx, stream, eventstore.NoStream(), d); err != nil {
		t.Fatal(err)
	}

	run := func(name string) popreg.Summary {
		t.Helper()
		var rejects bytes.Buffer
		sum, err := popreg.Import(ctx, popreg.ImportConfig{
			Store: store, Key: testKey, Now: testNow, KnownPrecinct: known, Rejects: &rejects,
			ChunkStreams: 2, Writers: 2,
		}, strings.NewReader(file.String()))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if got := readRejects(t, rejects.Bytes()); !slices.Equal(got, want) {
			t.Errorf("%s: rejects\n got %v\nwant %v", name, got, want)
		}
		if sum.Rows != len(cases) || sum.Rejected != len(want) {
			t.Errorf("%s: rows %d rejected %d; want %d, %d", name, sum.Rows, sum.Rejected, len(cases), len(want))
		}
		return sum
	}

	first := run("first run")
	if first.Imported != imported || first.AlreadyPresent != 0 || first.Events != imported {
		t.Errorf("first run: %+v; want %d imported", first, imported)
	}
	for i, c := range cases {
		if c.wantCode != "" {
			continue
		}
		pin, err := person.ParsePIN(strings.SplitN(c.line, ",", 2)[0], calendar.DayOf(testNow))
		if err != nil {
			t.Fatal(err)
		}
		if n := streamLength(t, store, voter.StreamFor(testKey, pin)); n != 1 {
			t.Errorf("case %d (%s): the voter's stream holds %d events, want 1", i, c.name, n)
		}
	}
	if got := countEvents(t, store); got != imported+1 {
		t.Errorf("log holds %d events, want %d", got, imported+1)
	}
	second := run("second run")
	if second.Imported != 0 || second.AlreadyPresent != imported || second.Events != 0 {
		t.Errorf("second run: %+v; want %d already present, nothing appended", second, imported)
	}
	if got := countEvents(t, store); got != imported+1 {
		t.Errorf("after the second run the log holds %d events, want %d", got, imported+1)
	}
}

func TestImportBadHeaderWritesNothing(t *testing.T) {
	t.Parallel()
	store := newStore(t)
	good := row(1, nil)
	for _, c := range []struct {
		name, file string
	}{
		{"empty file", ""},
		{"missing column", strings.TrimSuffix(header, ",precinct") + "\n" + good},
		{"unknown column", header + ",email\n" + good + ",x"},
		{"repeated column", header + ",pin\n" + good + ",x"},
		{"no header, data first", good + "\n" + good},
		{"not UTF-8", "pin\xff," + header + "\n" + good},
	} {
		t.Run(c.name, func(t *testing.T) {
			var rejects bytes.Buffer
			_, err := popreg.Import(context.Background(), popreg.ImportConfig{Store: store, Key: testKey, Now: testNow, Rejects: &rejects},
				strings.NewReader(c.file))
			if !errors.Is(err, popreg.ErrHeader) {
				t.Errorf("error %v, want ErrHeader", err)
			}
			if rejects.Len() != 0 {
				t.Errorf("rejects file written: %q", rejects.String())
			}
		})
	}
	if got := countEvents(t, store); got != 0 {
		t.Errorf("log holds %d events after bad headers", got)
	}
}

func TestWriterRoundTrip(t *testing.T) {
	t.Parallel()
	rows := []popreg.Row{
		{PIN: "21505199000001", Surname: "Иванов", GivenName: "Сергей", Patronymic: "Петрович", BirthDate: "1990-05-15", Sex: "M",
			Passport: "AN1234567", Region: "Чуйская область", District: "Сокулукский район", Settlement: "Сокулук",
			Street: `улица "Мира", 5`, Building: "12/1", Apartment: "", Precinct: "1001"},
		{PIN: "11505199000002", Surname: "Асанова", GivenName: "Айгүл", BirthDate: "1990-05-15", Sex: "F",
			Passport: "ID7654321", Region: "город Ош", Settlement: "Ош", Precinct: "1002"},
	}
	var b bytes.Buffer
	w, err := popreg.NewWriter(&b)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		if err := w.Write(r); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	rd, err := popreg.NewReader(&b, popreg.ReaderOptions{Today: calendar.DayOf(testNow)})
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range rows {
		rec, err := rd.Next()
		if err != nil {
			t.Fatalf("row %d: %v", i, err)
		}
		if rec.PIN.String() != r.PIN || rec.Address.Street() != r.Street || rec.Line != i+2 || rec.Precinct.String() == "" {
			t.Errorf("row %d read back as %+v", i, rec)
		}
	}
	if _, err := rd.Next(); !errors.Is(err, io.EOF) {
		t.Errorf("after the last row: %v, want io.EOF", err)
	}
}

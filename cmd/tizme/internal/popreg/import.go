package popreg

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/cec-kg/tizme/domain"
	"github.com/cec-kg/tizme/domain/calendar"
	"github.com/cec-kg/tizme/domain/failure"
	"github.com/cec-kg/tizme/domain/person"
	"github.com/cec-kg/tizme/domain/precinct"
	"github.com/cec-kg/tizme/domain/voter"
	"github.com/cec-kg/tizme/eventstore"
)

// Actor is the metadata actor of imported events.
const Actor = "system:import"

// Namespace is the UUID namespace of registration event IDs.
//
// WARNING: changing it makes a second import of the same file append every
// voter again as "already registered" rejects. Never change it.
var Namespace = uuid.MustParse("0b6f3c8e-52d4-5a1e-9c7d-3e8f14a2b9c0")

// RegistrationEventID is the ID of the VoterRegistered event that opens a
// voter stream when it comes from the population register: a function of
// the stream alone, so importing a row again is an idempotent retry that
// writes nothing. The demo data uses it too, so importing the demo's CSV
// into the demo's database finds every voter already present.
func RegistrationEventID(stream string) uuid.UUID {
	return uuid.NewSHA1(Namespace, []byte(stream+"#0"))
}

// Defaults of ImportConfig.
const (
	DefaultChunkStreams = 5000
	DefaultWriters      = 2
)

// ImportConfig is what Import needs.
type ImportConfig struct {
	// Store receives the events.
	Store eventstore.BulkAppender
	// Key is the voter-stream key (voter.StreamFor).
	Key []byte
	// Now is the time of the import: the registrations take effect then,
	// and a birth date after its Bishkek day is refused.
	Now time.Time
	// Series are the passport series accepted; zero = person.DefaultSeries.
	Series person.SeriesSet
	// KnownPrecinct, when set, refuses rows naming another precinct.
	KnownPrecinct func(precinct.Number) bool
	// Rejects, when set, receives the rejects file (RejectsHeader).
	Rejects io.Writer
	// Progress, when set, is called after every chunk, from one goroutine
	// at a time.
	Progress func(Progress)
	// ChunkStreams is how many voters go in one bulk append;
	// Writers how many bulk appends run at once.
	ChunkStreams, Writers int
}

// Progress is how far an import has got.
type Progress struct {
	// Rows counts the rows read, good and bad; Bytes the input consumed.
	Rows  int
	Bytes int64
	// Events counts the events appended.
	Events  int
	Elapsed time.Duration
}

// Summary is what an import did.
type Summary struct {
	// Rows counts the data rows read (not the header, not blank lines).
	Rows int
	// Imported counts the voters registered by this run, AlreadyPresent
	// those whose registration was already stored (an earlier run of the
	// same file), Rejected the rows refused.
	Imported, AlreadyPresent, Rejected int
	// Events counts the events appended.
	Events   int
	Duration time.Duration
}

// EventsPerSecond is the append rate of the import.
func (s Summary) EventsPerSecond() float64 {
	if s.Duration <= 0 {
		return 0
	}
	return float64(s.Events) / s.Duration.Seconds()
}

// RejectsHeader is the header of the rejects file: the line number, the
// reason code, the reason, and the row as it was written (invalid UTF-8
// replaced by U+FFFD, so the rejects file itself is UTF-8).
var RejectsHeader = []string{"line", "reason_code", "reason", "row"}

// pending is one good row on its way to the store.
type pending struct {
	rec    Record
	stream string
}

// Import reads an export from r and registers every good row's voter with
// a VoterRegistered event (source population-register), in bulk appends
// of cfg.ChunkStreams voters, cfg.Writers at a time. A bad row is written
// to cfg.Rejects and skipped; the rest go on. A bad header, a failing
// input or a failing store stops the import with an error: chunks already
// appended stay appended, and running the same file again completes it.
func Import(ctx context.Context, cfg ImportConfig, r io.Reader) (Summary, error) {
	start := time.Now()
	if cfg.ChunkStreams <= 0 {
		cfg.ChunkStreams = DefaultChunkStreams
	}
	if cfg.Writers <= 0 {
		cfg.Writers = DefaultWriters
	}
	if err := voter.CheckKey(cfg.Key); err != nil {
		return Summary{}, err
	}
	rd, err := NewReader(r, ReaderOptions{Today: calendar.DayOf(cfg.Now), Series: cfg.Series, KnownPrecinct: cfg.KnownPrecinct})
	if err != nil {
		return Summary{}, err
	}
	im := &importer{cfg: cfg, codec: domain.NewCodec(), start: start}
	if cfg.Rejects != nil {
		im.rejects = csv.NewWriter(cfg.Rejects)
		if err := im.rejects.Write(RejectsHeader); err != nil {
			return Summary{}, fmt.Errorf("write the rejects file: %w", err)
		}
	}

	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	chunks := make(chan []pending, cfg.Writers)
	var wg sync.WaitGroup
	for range cfg.Writers {
		wg.Go(func() {
			for c := range chunks {
				if err := im.append(ctx, c); err != nil {
					cancel(err)
				}
			}
		})
	}

	readErr := func() error {
		defer close(chunks)
		chunk := make([]pending, 0, cfg.ChunkStreams)
		send := func() error {
			if len(chunk) == 0 {
				return nil
			}
			select {
			case chunks <- chunk:
			case <-ctx.Done():
				return context.Cause(ctx)
			}
			chunk = make([]pending, 0, cfg.ChunkStreams)
			im.progress(rd.BytesRead())
			return nil
		}
		for {
			rec, err := rd.Next()
			var re *RowError
			switch {
			case errors.Is(err, io.EOF):
				return send()
			case errors.As(err, &re):
				im.count(func(s *Summary) { s.Rows++ })
				if err := im.reject(re); err != nil {
					return err
				}
				continue
			case err != nil:
				return fmt.Errorf("read the file: %w", err)
			}
			im.count(func(s *Summary) { s.Rows++ })
			chunk = append(chunk, pending{rec: rec, stream: voter.StreamFor(cfg.Key, rec.PIN)})
			if len(chunk) == cfg.ChunkStreams {
				if err := send(); err != nil {
					return err
				}
			}
		}
	}()
	wg.Wait()
	if readErr == nil {
		readErr = context.Cause(ctx)
	}
	im.progress(rd.BytesRead())
	if im.rejects != nil {
		im.rejects.Flush()
		if err := im.rejects.Error(); err != nil && readErr == nil {
			readErr = fmt.Errorf("write the rejects file: %w", err)
		}
	}
	im.mu.Lock()
	defer im.mu.Unlock()
	im.sum.Duration = time.Since(start)
	return im.sum, readErr
}

type importer struct {
	cfg     ImportConfig
	codec   *eventstore.Codec
	start   time.Time
	mu      sync.Mutex
	sum     Summary
	rejects *csv.Writer
}

func (im *importer) count(f func(*Summary)) {
	im.mu.Lock()
	f(&im.sum)
	im.mu.Unlock()
}

func (im *importer) reject(re *RowError) error {
	im.mu.Lock()
	defer im.mu.Unlock()
	im.sum.Rejected++
	if im.rejects == nil {
		return nil
	}
	raw := strings.ToValidUTF8(re.Raw, "\uFFFD")
	if err := im.rejects.Write([]string{strconv.Itoa(re.Line), string(re.Code), re.Reason, raw}); err != nil {
		return fmt.Errorf("write the rejects file: %w", err)
	}
	return nil
}

func (im *importer) progress(bytes int64) {
	if im.cfg.Progress == nil {
		return
	}
	im.mu.Lock()
	p := Progress{Rows: im.sum.Rows, Bytes: bytes, Events: im.sum.Events, Elapsed: time.Since(im.start)}
	im.mu.Unlock()
	im.cfg.Progress(p)
}

// event builds the registration of rec through the voter aggregate, so
// the import obeys the same rules as a registration by staff.
func (im *importer) event(p pending) (eventstore.EventData, error) {
	e := voter.New(p.stream)
	err := e.Register(voter.Registration{
		PIN: p.rec.PIN, Name: p.rec.Name, BirthDate: p.rec.BirthDate, Passport: p.rec.Passport,
		Address: p.rec.Address, Precinct: p.rec.Precinct, Source: voter.FromPopulationRegister,
	}, im.cfg.Now)
	if err != nil {
		return eventstore.EventData{}, err
	}
	d, err := im.codec.Encode(e.Pending()[0])
	if err != nil {
		return eventstore.EventData{}, err
	}
	d.ID = RegistrationEventID(p.stream)
	d.Metadata = eventstore.Metadata{Actor: Actor}
	return d, nil
}

// append writes one chunk. Streams the store refuses (a voter already
// registered with another event) become rejects. When the whole bulk
// append fails, each stream is tried alone, so one bad stream cannot
// hold back the others.
func (im *importer) append(ctx context.Context, chunk []pending) error {
	batch := make([]eventstore.StreamEvents, 0, len(chunk))
	byStream := make(map[string]pending, len(chunk))
	for _, p := range chunk {
		d, err := im.event(p)
		if err != nil {
			if err := im.reject(storeReject(p, err)); err != nil {
				return err
			}
			continue
		}
		batch = append(batch, eventstore.StreamEvents{Stream: p.stream, Expected: eventstore.NoStream(), Events: []eventstore.EventData{d}})
		byStream[p.stream] = p
	}
	res, err := im.cfg.Store.AppendBulk(ctx, batch)
	if err == nil {
		return im.record(res, byStream)
	}
	if ctx.Err() != nil {
		return err
	}
	for _, se := range batch {
		res, err := im.cfg.Store.AppendBulk(ctx, []eventstore.StreamEvents{se})
		switch {
		case err == nil:
			if err := im.record(res, byStream); err != nil {
				return err
			}
		case isEventError(err):
			if err := im.reject(storeReject(byStream[se.Stream], err)); err != nil {
				return err
			}
		default:
			return fmt.Errorf("append: %w", err)
		}
	}
	return nil
}

func (im *importer) record(res eventstore.BulkResult, byStream map[string]pending) error {
	for _, rj := range res.Rejected {
		if err := im.reject(storeReject(byStream[rj.Stream], rj.Err)); err != nil {
			return err
		}
	}
	im.count(func(s *Summary) {
		// One event per voter: events appended are voters imported.
		s.Imported += res.Appended
		s.AlreadyPresent += res.Duplicates
		s.Events += res.Appended
	})
	return nil
}

// isEventError reports whether err is about the events of one stream
// rather than the store being unavailable.
func isEventError(err error) bool {
	for _, e := range []error{eventstore.ErrWrongExpectedVersion, eventstore.ErrDuplicateEventID, eventstore.ErrInvalidEvent,
		eventstore.ErrInvalidStream, eventstore.ErrEventTooLarge, eventstore.ErrUnknownEventType} {
		if errors.Is(err, e) {
			return true
		}
	}
	return false
}

func storeReject(p pending, err error) *RowError {
	re := &RowError{Line: p.rec.Line, Raw: p.rec.Raw, Code: CodeStore, Reason: err.Error()}
	switch {
	case errors.Is(err, eventstore.ErrWrongExpectedVersion):
		re.Code, re.Reason = voter.ErrAlreadyRegistered.Code(), "already registered: the voter's entry exists with another registration"
	case errors.Is(err, eventstore.ErrDuplicateEventID):
		re.Reason = "the registration's event ID is stored in another stream (was the voter-stream key changed?)"
	default:
		if code, ok := failure.CodeOf(err); ok {
			re.Code = code
		}
	}
	return re
}

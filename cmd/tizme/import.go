package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/cec-kg/tizme/cmd/tizme/internal/popreg"
	"github.com/cec-kg/tizme/domain/precinct"
	"github.com/cec-kg/tizme/eventstore"
)

// progressOutput is where one-shot loads draw their progress bar.
var progressOutput io.Writer = os.Stderr

// errNeedsPostgresEvents is returned by import and demo-data when the
// events live in EventStoreDB: both write through PostgreSQL's bulk path.
var errNeedsPostgresEvents = errors.New("the events must be in PostgreSQL (bulk append): unset " + envEventStoreURL +
	" for this command, or use tizme demo-data -append=false to write only the CSV")

// importFile is `tizme import [-rejects FILE] <file.csv>`: the
// population-register export becomes VoterRegistered events through the
// bulk append path (docs/import.md). Bad rows go to the rejects file and
// do not stop the rest; a second run of the same file appends nothing.
//
// With EVENTSTORE_URL set it refuses before reading anything: appending
// millions of voters one stream at a time is not an import.
func importFile(ctx context.Context, cfg Config, log *slog.Logger, stdout io.Writer) error {
	path := cfg.ArgList()[0]
	if cfg.EventStoreURL != "" {
		return fmt.Errorf("import: %w", errNeedsPostgresEvents)
	}
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("import: %w", err)
	}
	defer f.Close()
	var size int64
	if st, err := f.Stat(); err == nil {
		size = st.Size()
	}
	rejectsPath := cfg.ImportRejects
	if rejectsPath == "" {
		rejectsPath = rejectsFileOf(path)
	}
	return withStore(ctx, cfg, log, func(db *database, events eventstore.Store) (err error) {
		store, ok := events.(eventstore.BulkAppender)
		if !ok {
			return fmt.Errorf("import: %w", errNeedsPostgresEvents)
		}
		key, err := voterKey(ctx, cfg, db.pool)
		if err != nil {
			return err
		}
		known, err := establishedPrecincts(ctx, events)
		if err != nil {
			return err
		}
		if len(known) == 0 {
			return errors.New("import: no precinct is established yet, so no row could be placed; load the reference data first (tizme demo-data for a demonstration)")
		}
		// Real voters arrive: the development issuer's auto setting must
		// no longer take this database for the demo's.
		if err := clearDemoOnly(ctx, db.pool); err != nil {
			return fmt.Errorf("import: %w", err)
		}
		rf, err := os.Create(rejectsPath)
		if err != nil {
			return fmt.Errorf("import: rejects file: %w", err)
		}
		rejects := bufio.NewWriter(rf)
		defer func() {
			if rf != nil {
				err = errors.Join(err, rejects.Flush(), rf.Close())
			}
		}()
		bar := newLoadProgress(progressOutput, isTerminal(progressOutput), "rows")
		sum, err := popreg.Import(ctx, popreg.ImportConfig{
			Store: store, Key: key, Now: time.Now(), Rejects: rejects,
			KnownPrecinct: func(n precinct.Number) bool { return known[n.Int()] },
			Progress: func(p popreg.Progress) {
				bar.update(int64(p.Rows), p.Bytes, size, p.Events, p.Elapsed)
			},
		}, f)
		bar.done()
		if errors.Is(err, popreg.ErrHeader) {
			// Nothing was read, so there is nothing to reject.
			err = errors.Join(err, rejects.Flush(), rf.Close(), os.Remove(rejectsPath))
			rf = nil
		}
		if err != nil {
			return fmt.Errorf("import %s: %w", path, err)
		}
		fmt.Fprintf(stdout, "imported %d, already present %d, rejected %d of %d rows in %s (%.0f events/s)\n",
			sum.Imported, sum.AlreadyPresent, sum.Rejected, sum.Rows, sum.Duration.Round(time.Millisecond), sum.EventsPerSecond())
		if sum.Rejected > 0 {
			fmt.Fprintf(stdout, "rejected rows, with line numbers and reasons: %s\n", rejectsPath)
		}
		log.Info("import done", "rows", sum.Rows, "imported", sum.Imported, "already_present", sum.AlreadyPresent,
			"rejected", sum.Rejected, "rejects_file", rejectsPath)
		return nil
	})
}

// rejectsFileOf is the default rejects file: register.csv gives
// register.rejects.csv.
func rejectsFileOf(path string) string {
	return strings.TrimSuffix(path, ".csv") + ".rejects.csv"
}

// establishedPrecincts reads the numbers of every precinct established in
// the log.
func establishedPrecincts(ctx context.Context, events eventstore.Store) (map[int]bool, error) {
	known := map[int]bool{}
	filter := eventstore.Filter{StreamPrefixes: []string{precinct.StreamPrefix}, EventTypes: []string{precinct.TypePrecinctEstablished}}
	after := eventstore.Start
	for {
		page, err := events.ReadAll(ctx, eventstore.ReadAllOptions{After: after, Filter: filter, Limit: 1000})
		if err != nil {
			return nil, fmt.Errorf("read the precincts: %w", err)
		}
		for _, e := range page.Events {
			n, err := precinct.ParseNumber(strings.TrimPrefix(e.Stream, precinct.StreamPrefix))
			if err == nil {
				known[n.Int()] = true
			}
		}
		after = page.Checkpoint
		if page.AtEnd {
			return known, nil
		}
	}
}

// loadProgress draws the progress of a load: items done, their rate, the
// events appended and their rate, and the time left, estimated from the
// share of the work done (bytes of the file, or items of a known total).
// On a terminal it redraws one line; otherwise it writes a line every few
// seconds.
type loadProgress struct {
	w     io.Writer
	tty   bool
	unit  string
	mu    sync.Mutex
	last  time.Time
	drawn bool
}

func newLoadProgress(w io.Writer, tty bool, unit string) *loadProgress {
	return &loadProgress{w: w, tty: tty, unit: unit}
}

// update shows items done, and done of total units of work (bytes, or
// items; total 0 = unknown).
func (p *loadProgress) update(items, done, total int64, events int, elapsed time.Duration) {
	p.mu.Lock()
	defer p.mu.Unlock()
	now := time.Now()
	every := 2 * time.Second
	if p.tty {
		every = 200 * time.Millisecond
	}
	if now.Sub(p.last) < every {
		return
	}
	p.last = now
	secs := max(elapsed.Seconds(), 0.001)
	var b strings.Builder
	if total > 0 {
		frac := min(float64(done)/float64(total), 1)
		const width = 24
		filled := int(frac * width)
		fmt.Fprintf(&b, "[%s%s] %3.0f%% ", strings.Repeat("=", filled), strings.Repeat(" ", width-filled), frac*100)
	}
	fmt.Fprintf(&b, "%d %s  %.0f %s/s  %d events  %.0f events/s  %s", items, p.unit, float64(items)/secs, p.unit,
		events, float64(events)/secs, elapsed.Round(100*time.Millisecond))
	if total > 0 && done > 0 && done < total {
		left := time.Duration(float64(elapsed) * float64(total-done) / float64(done))
		fmt.Fprintf(&b, "  ETA %s", left.Round(time.Second))
	}
	if p.tty {
		fmt.Fprintf(p.w, "\r\x1b[2K%s", b.String())
		p.drawn = true
		return
	}
	fmt.Fprintln(p.w, b.String())
}

// done ends the redrawn line.
func (p *loadProgress) done() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.drawn {
		fmt.Fprintln(p.w)
		p.drawn = false
	}
}

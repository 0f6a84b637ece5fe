package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"sync/atomic"
	"time"

	"github.com/cec-kg/tizme/cmd/tizme/internal/demodata"
	"github.com/cec-kg/tizme/cmd/tizme/internal/feed"
	"github.com/cec-kg/tizme/cmd/tizme/internal/popreg"
	"github.com/cec-kg/tizme/eventstore"
)

// csvOnlyKey is the voter-stream key of `demo-data -append=false`: no
// stream is written, and the CSV does not depend on the key, so no
// database is needed to make one.
var csvOnlyKey = []byte("demo-data: CSV only, no stream is written")

// demoData is `tizme demo-data [-voters N] [-seed S] [-csv FILE]
// [-append=true|false]`: a deterministic synthetic population
// (internal/demodata) appended to the store through the bulk path, and/or
// written as the population-register CSV that `tizme import` reads.
// Appending it again appends nothing. With EVENTSTORE_URL set it refuses
// to append (the bulk path is PostgreSQL's) but still writes the CSV with
// -append=false.
func demoData(ctx context.Context, cfg Config, log *slog.Logger, stdout io.Writer) (err error) {
	if cfg.DemoDataAppend && cfg.EventStoreURL != "" {
		return fmt.Errorf("demo-data: %w", errNeedsPostgresEvents)
	}
	opts := demodata.Options{Seed: cfg.DemoDataSeed, Voters: cfg.DemoDataVoters, Now: time.Now()}
	bar := newLoadProgress(progressOutput, isTerminal(progressOutput), "voters")
	var voters atomic.Int64
	var appended atomic.Int64
	start := time.Now()
	progress := func() {
		n := voters.Load()
		bar.update(n, n, int64(opts.Voters), int(appended.Load()), time.Since(start))
	}

	var rows func(popreg.Row) error
	var finishCSV func() error
	if cfg.DemoDataCSV != "" {
		f, err := os.Create(cfg.DemoDataCSV)
		if err != nil {
			return fmt.Errorf("demo-data: %w", err)
		}
		buf := bufio.NewWriterSize(f, 1<<20)
		w, err := popreg.NewWriter(buf)
		if err != nil {
			return errors.Join(err, f.Close())
		}
		rows = func(r popreg.Row) error {
			if voters.Add(1)%1000 == 0 {
				progress()
			}
			return w.Write(r)
		}
		finishCSV = func() error { return errors.Join(w.Flush(), buf.Flush(), f.Close()) }
		defer func() {
			if finishCSV != nil {
				err = errors.Join(err, finishCSV())
			}
		}()
	}
	report := func(stats demodata.Stats, res *demodata.LoadResult) {
		bar.done()
		fmt.Fprintf(stdout, "demo data: %d voters, %d TECs, %d DECs, %d precincts (%d abroad, each with its PEC), %d movers (%d repeat), applications %v\n",
			stats.Voters, stats.TECs, stats.DECs, stats.Precincts, stats.AbroadPrecincts, stats.Movers, stats.RepeatMovers, stats.Applications)
		if res != nil {
			took := time.Since(start)
			fmt.Fprintf(stdout, "appended %d events, %d already present, in %s (%.0f events/s)\n",
				res.Appended, res.Duplicates, took.Round(time.Millisecond), float64(res.Appended)/max(took.Seconds(), 0.001))
		}
		if cfg.DemoDataCSV != "" {
			fmt.Fprintf(stdout, "population-register CSV: %s (tizme import reads it)\n", cfg.DemoDataCSV)
		}
		w := demodata.Walkthrough()
		fmt.Fprintf(stdout, "walkthrough: voter %s (PIN %s) at precinct %d of %s, staff %s, auditor %s, election %s\n",
			w.VoterName, w.VoterPIN, w.Precinct, w.Commission, w.StaffSubject, w.AuditorSubject, w.Election)
	}

	if !cfg.DemoDataAppend {
		if rows != nil {
			opts.Key = csvOnlyKey
			stats, err := demodata.Generate(ctx, opts, demodata.Sink{Row: rows})
			if err != nil {
				return fmt.Errorf("demo-data: %w", err)
			}
			report(stats, nil)
		}
		if cfg.DemoDataFeedDelta == "" {
			return nil
		}
		// The sample delta is made for the demo voters the database
		// holds, whatever day they were made on.
		return withStore(ctx, cfg, log, func(_ *database, events eventstore.Store) error {
			return writeDemoDelta(ctx, events, cfg.DemoDataFeedDelta, stdout)
		})
	}
	return withStore(ctx, cfg, log, func(db *database, events eventstore.Store) error {
		store, ok := events.(eventstore.BulkAppender)
		if !ok {
			return fmt.Errorf("demo-data: %w", errNeedsPostgresEvents)
		}
		key, err := voterKey(ctx, cfg, db.pool)
		if err != nil {
			return err
		}
		opts.Key = key
		if rows == nil {
			rows = func(popreg.Row) error {
				if voters.Add(1)%1000 == 0 {
					progress()
				}
				return nil
			}
		}
		// Only a log the demo fills from empty holds nothing but demo data
		// (TIZME_DEV_ISSUER=auto reads the marker).
		empty, err := logEmpty(ctx, cfg, db, events)
		if err != nil {
			return fmt.Errorf("demo-data: %w", err)
		}
		res, err := demodata.Load(ctx, countingAppender{store, &appended}, opts, rows)
		if err != nil {
			return fmt.Errorf("demo-data: %w", err)
		}
		if empty {
			if err := markDemoOnly(ctx, db.pool); err != nil {
				return fmt.Errorf("demo-data: %w", err)
			}
		}
		report(res.Stats, &res)
		log.Info("demo data appended", "voters", res.Voters, "events", res.Appended, "duplicates", res.Duplicates)
		if cfg.DemoDataFeedDelta != "" {
			return writeDemoDelta(ctx, events, cfg.DemoDataFeedDelta, stdout)
		}
		return nil
	})
}

// countingAppender counts the events appended, for the progress bar.
type countingAppender struct {
	eventstore.BulkAppender
	n *atomic.Int64
}

func (c countingAppender) AppendBulk(ctx context.Context, batch []eventstore.StreamEvents) (eventstore.BulkResult, error) {
	res, err := c.BulkAppender.AppendBulk(ctx, batch)
	c.n.Add(int64(res.Appended))
	return res, err
}

// writeDemoDelta writes the sample population-register delta for the demo
// voters in events (demodata.FeedDelta) to path, as JSON lines.
func writeDemoDelta(ctx context.Context, events eventstore.Store, path string, stdout io.Writer) error {
	d, err := demodata.FeedDelta(ctx, events, time.Now())
	if err != nil {
		return fmt.Errorf("demo-data: feed delta: %w", err)
	}
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("demo-data: %w", err)
	}
	if err := errors.Join(feed.WriteJSONLines(f, d.Changes), f.Close()); err != nil {
		return fmt.Errorf("demo-data: feed delta: %w", err)
	}
	fmt.Fprintf(stdout, "population-register delta: %s, %d changes (%d to be refused); apply it with: tizme feed %s\n",
		path, len(d.Changes), len(d.Rejects), path)
	return nil
}

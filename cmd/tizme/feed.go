package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/common/expfmt"

	"github.com/cec-kg/tizme/cmd/tizme/internal/feed"
	cmds "github.com/cec-kg/tizme/commands"
	"github.com/cec-kg/tizme/commands/bus"
	"github.com/cec-kg/tizme/domain"
	"github.com/cec-kg/tizme/eventstore"
)

// feedChanges is `tizme feed [-rejects FILE] [-metrics-file FILE]
// <delta>` or `tizme feed -url URL`: the population register's changes
// (docs/feed.md) become voter-list commands, each idempotent by its
// source change ID, so a delta applied twice changes nothing. Changes
// that cannot be applied go to the rejects file and to the commission's
// to-do (table feed_todo). Each run is recorded in feed_runs; with
// -metrics-file its counters are written for Prometheus' textfile
// collector, since the feed is a process of its own that no scraper
// reaches.
func feedChanges(ctx context.Context, cfg Config, log *slog.Logger, stdout io.Writer) error {
	if cfg.FeedName == "" {
		cfg.FeedName = feed.DefaultName
	}
	var path string
	if args := cfg.ArgList(); len(args) == 1 {
		path = args[0]
	}
	source := path
	if source == "" {
		source = cfg.FeedURL
	}
	rejectsPath := cfg.ImportRejects
	switch {
	case rejectsPath != "":
	case path != "":
		rejectsPath = strings.TrimSuffix(path, filepath.Ext(path)) + ".rejects.csv"
	default:
		rejectsPath = fmt.Sprintf("%s-%s.rejects.csv", cfg.FeedName, time.Now().UTC().Format("20060102T150405Z"))
	}
	var (
		in   io.Reader
		size int64
	)
	if path != "" {
		f, err := os.Open(path)
		if err != nil {
			return fmt.Errorf("feed: %w", err)
		}
		defer f.Close()
		if st, err := f.Stat(); err == nil {
			size = st.Size()
		}
		in = f
	}
	return withStore(ctx, cfg, log, func(db *database, events eventstore.Store) (err error) {
		key, err := voterKey(ctx, cfg, db.pool)
		if err != nil {
			return err
		}
		fdb := feed.DB{Pool: db.pool}
		if err := fdb.Migrate(ctx); err != nil {
			return fmt.Errorf("feed: %w", err)
		}
		busCfg := bus.Config{Store: events, Codec: domain.NewCodec(), Results: db.pool, Logger: log}
		cmdBus, err := bus.New(busCfg)
		if err != nil {
			return err
		}
		defer func() { err = errors.Join(err, cmdBus.Close()) }()
		if _, err := cmds.RegisterAll(cmdBus, cmds.Deps{VoterKey: key}); err != nil {
			return err
		}
		if err := cmdBus.Start(ctx); err != nil {
			return err
		}
		rf, err := os.Create(rejectsPath)
		if err != nil {
			return fmt.Errorf("feed: rejects file: %w", err)
		}
		rejects := bufio.NewWriter(rf)
		defer func() { err = errors.Join(err, rejects.Flush(), rf.Close()) }()

		started := time.Now()
		bar := newLoadProgress(progressOutput, isTerminal(progressOutput), "changes")
		a, err := feed.NewApplier(feed.Config{
			Bus: cmdBus, Store: events, Key: key, Name: cfg.FeedName, Now: started, RunID: "feed-run-" + uuid.NewString(),
			Rejects: rejects, ToDo: fdb.RecordToDo,
			Progress: func(p feed.Progress) { bar.update(int64(p.Changes), p.Bytes, size, p.Events, p.Elapsed) },
		})
		if err != nil {
			return err
		}
		var runErr error
		if path != "" {
			_, runErr = a.Apply(ctx, in)
		} else {
			since, err := fdb.Cursor(ctx, cfg.FeedName)
			if err != nil {
				return fmt.Errorf("feed: read the cursor: %w", err)
			}
			_, runErr = feed.Pull(ctx, feed.PullConfig{URL: cfg.FeedURL, Cursor: since,
				SetCursor: func(ctx context.Context, c string) error { return fdb.SetCursor(ctx, cfg.FeedName, c) }}, a)
		}
		bar.done()
		sum, ferr := a.Finish()
		runErr = errors.Join(runErr, ferr)
		shown := source
		if path == "" {
			shown = redactURL(cfg.FeedURL)
		}
		if err := fdb.RecordRun(context.WithoutCancel(ctx), cfg.FeedName, shown, started, sum, runErr); err != nil {
			runErr = errors.Join(runErr, err)
		}
		if cfg.FeedMetrics != "" {
			if err := writeFeedMetrics(ctx, fdb, cfg.FeedMetrics); err != nil {
				runErr = errors.Join(runErr, err)
			}
		}
		fmt.Fprintf(stdout, "feed %s: %d changes: applied %d, already applied %d, unchanged %d, rejected %d; %d events in %s\n",
			cfg.FeedName, sum.Changes, sum.Applied, sum.AlreadyApplied, sum.Unchanged, sum.Rejected, sum.Events, sum.Duration.Round(time.Millisecond))
		if sum.Rejected > 0 {
			codes := make([]string, 0, len(sum.Rejects))
			for c, n := range sum.Rejects {
				codes = append(codes, fmt.Sprintf("%s %d", c, n))
			}
			sort.Strings(codes)
			fmt.Fprintf(stdout, "rejected (%s), with reasons: %s; also in the commission's to-do (table feed_todo)\n", strings.Join(codes, ", "), rejectsPath)
		}
		log.Info("feed done", "feed", cfg.FeedName, "changes", sum.Changes, "applied", sum.Applied, "already_applied", sum.AlreadyApplied,
			"unchanged", sum.Unchanged, "rejected", sum.Rejected, "events", sum.Events, "rejects_file", rejectsPath)
		if runErr != nil {
			return fmt.Errorf("feed %s: %w", shown, runErr)
		}
		return nil
	})
}

// validFeedName reports whether s is a feed name: letters, digits, '-'
// and '_', at most 64.
func validFeedName(s string) bool {
	if len(s) > 64 {
		return false
	}
	for _, r := range s {
		if !(r == '-' || r == '_' || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') || (r >= '0' && r <= '9')) {
			return false
		}
	}
	return true
}

// redactURL hides a URL's password and query (which may carry a token).
func redactURL(s string) string {
	if i := strings.IndexByte(s, '?'); i >= 0 {
		s = s[:i] + "?…"
	}
	if i := strings.Index(s, "://"); i >= 0 {
		if j := strings.IndexByte(s[i+3:], '@'); j >= 0 {
			s = s[:i+3] + "…@" + s[i+3+j+1:]
		}
	}
	return s
}

// writeFeedMetrics writes the feed's counters (totals over feed_runs, and
// the last run's) as a Prometheus textfile, atomically: the same series
// as serve's /metrics (feed.Collector), for a host whose scraper reads
// node_exporter's textfile collector instead.
func writeFeedMetrics(ctx context.Context, fdb feed.DB, path string) error {
	reg := prometheus.NewRegistry()
	reg.MustRegister(feed.NewCollector(fdb.Pool))
	families, err := reg.Gather()
	if err != nil {
		return fmt.Errorf("feed metrics: %w", err)
	}
	var b strings.Builder
	for _, mf := range families {
		if _, err := expfmt.MetricFamilyToText(&b, mf); err != nil {
			return fmt.Errorf("feed metrics: %w", err)
		}
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, []byte(b.String()), 0o644); err != nil {
		return fmt.Errorf("feed metrics: %w", err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("feed metrics: %w", err)
	}
	return nil
}

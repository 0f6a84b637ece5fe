package main

import (
	"context"
	"io"
	"log/slog"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/cec-kg/tizme/cmd/tizme/internal/bench/servicebench"
	"github.com/cec-kg/tizme/eventstore/postgres/pgtest"
)

// TestBenchService runs the service benchmark end to end at a tiny size:
// demo data, the register import, every rebuild, commands, `tizme serve`
// as a separate process (this test binary) under self-check load, its
// peak memory, and as-of lists. It checks that every figure was measured,
// not how fast: speed is for `make bench`. The portal's pages and the
// signed-in desks (a voter's timeline, a TEC's queue) are loaded beside
// their JSON API, and the data is backed up and restored into a fresh
// database.
func TestBenchService(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute) // a safety net on a busy machine, not a measure
	defer cancel()
	log := slog.New(slog.DiscardHandler)
	server, err := openBenchServer(ctx, Config{DatabaseURL: pgtest.NewDatabase(t)}, log)
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		if err := server.close(); err != nil {
			t.Errorf("drop the bench databases: %v", err)
		}
	}()
	benchServerCommand = func() (servicebench.ServerCommand, error) {
		return servicebench.ServerCommand{Path: os.Args[0], Env: []string{envRunMain + "=1"}}, nil
	}
	size := servicebench.Config{Voters: 3000, BaselineEvents: 200, NaiveProjectionEvents: 200,
		CommandDuration: 500 * time.Millisecond, LoadDuration: time.Second, LoadWorkers: 8, AsOfSamples: 10}
	results, err := benchService(ctx, server, size, time.Now().UnixNano(), log, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []struct {
		prefix   string
		baseline bool
	}{
		{"demo-data:", false},
		{"import: tizme import of 3000", true},
		{"rebuild: public voter list", true},
		{"rebuild: all", true},
		{"commands: durable consent.give through the bus, 1 client(s)", true},
		{"commands: durable consent.give through the bus, 64 client(s)", true},
		{"portal: home page", true},
		{"portal: precinct page with its map", true},
		{"portal: a region's precinct map", true},
		{"portal: published list, one page", true},
		{"portal: statistics of the republic", true},
		{"portal: statistics of a region", true},
		{"portal: self-check answer", true},
		{"portal: precinct finder, search", true},
		{"portal: elections", true},
		{"portal: help", true},
		{"portal: daily checkpoints", true},
		{"portal: cabinet: a voter's timeline (signed in", true},
		{"portal: staff desk: the queue of the busiest TEC (signed in", true},
		{"public self-check over HTTP", true},
		{"self-check look-up in process", true},
		{"peak RSS of tizme serve", false},
		{"as-of list, one precinct", true},
		{"as-of list, whole list streamed (3000 rows", false},
		{"backup: tizme backup of", false},
		{"restore: tizme restore of", true},
	} {
		found := false
		for _, r := range results {
			if !strings.HasPrefix(r.Name, want.prefix) {
				continue
			}
			found = true
			if r.Value <= 0 || (want.baseline && (r.Baseline <= 0 || r.Ratio <= 0)) {
				t.Errorf("%s: value %v, baseline %v, ratio %v", r.Name, r.Value, r.Baseline, r.Ratio)
			}
		}
		if !found {
			t.Errorf("no figure named %q among %d", want.prefix, len(results))
		}
	}
}

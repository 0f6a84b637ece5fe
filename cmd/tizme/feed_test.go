package main

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/cec-kg/tizme/eventstore"
	"github.com/cec-kg/tizme/eventstore/postgres"
)

// waitForLog waits until log readers see every stored event (appends
// become visible once older transactions of the cluster have ended).
func waitForLog(t *testing.T, pool *pgxpool.Pool) {
	t.Helper()
	store := postgres.New(pool, postgres.Options{})
	defer store.Close()
	ctx := context.Background()
	for deadline := time.Now().Add(time.Minute); ; time.Sleep(20 * time.Millisecond) {
		var stored int
		if err := pool.QueryRow(ctx, `SELECT count(*) FROM es_events`).Scan(&stored); err != nil {
			t.Fatal(err)
		}
		seen, after := 0, eventstore.Start
		for {
			page, err := store.ReadAll(ctx, eventstore.ReadAllOptions{After: after, Limit: 5000})
			if err != nil {
				t.Fatal(err)
			}
			seen += len(page.Events)
			after = page.Checkpoint
			if page.AtEnd {
				break
			}
		}
		if seen == stored {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("log readers see %d of %d events", seen, stored)
		}
	}
}

// TestFeedAppliesDemoDelta: the README's commands. demo-data writes the
// sample delta for the demo voters in the database; tizme feed applies
// it, with rejects and metrics; a second run changes nothing.
func TestFeedAppliesDemoDelta(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	url, pool := newDatabase(t)
	mustRun(t, url, "demo-data", "-voters", "300", "-seed", "5")
	waitForLog(t, pool)
	delta := filepath.Join(dir, "demo-delta.jsonl")
	out := mustRun(t, url, "demo-data", "-append=false", "-feed-delta", delta)
	if !strings.Contains(out, "15 changes (5 to be refused)") {
		t.Errorf("demo-data -feed-delta said:\n%s", out)
	}

	count := func() int {
		var n int
		if err := pool.QueryRow(context.Background(), `SELECT count(*) FROM es_events`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	metrics := filepath.Join(dir, "tizme_feed.prom")
	before := count()
	out = mustRun(t, url, "feed", "-metrics-file", metrics, delta)
	if !strings.Contains(out, "15 changes: applied 10, already applied 0, unchanged 0, rejected 5") ||
		!strings.Contains(out, filepath.Join(dir, "demo-delta.rejects.csv")) {
		t.Errorf("first feed run said:\n%s", out)
	}
	if count() == before {
		t.Error("the first run appended nothing")
	}
	rejects, err := os.ReadFile(filepath.Join(dir, "demo-delta.rejects.csv"))
	if err != nil {
		t.Fatal(err)
	}
	for _, code := range []string{"voter.not_registered", "voter.removed", "precinct.not_established", "pin.bad_length", "feed.unknown_type"} {
		if !strings.Contains(string(rejects), ","+code+",") {
			t.Errorf("rejects file lacks %s:\n%s", code, rejects)
		}
	}

	before = count()
	out = mustRun(t, url, "feed", "-metrics-file", metrics, delta)
	if !strings.Contains(out, "15 changes: applied 0, already applied 10, unchanged 0, rejected 5; 0 events") {
		t.Errorf("second feed run said:\n%s", out)
	}
	if got := count(); got != before {
		t.Errorf("the second run appended %d events", got-before)
	}
	prom, err := os.ReadFile(metrics)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		`tizme_feed_changes_total{feed="population-register",outcome="applied"} 10`,
		`tizme_feed_changes_total{feed="population-register",outcome="already_applied"} 10`,
		`tizme_feed_changes_total{feed="population-register",outcome="rejected"} 10`,
		`tizme_feed_runs_total{feed="population-register"} 2`,
		`tizme_feed_last_run_success{feed="population-register"} 1`,
	} {
		if !strings.Contains(string(prom), want) {
			t.Errorf("metrics file lacks %s:\n%s", want, prom)
		}
	}
}

func TestLoadConfigFeed(t *testing.T) {
	t.Parallel()
	env := func(string) string { return "" }
	for _, c := range []struct {
		name string
		args []string
		env  func(string) string
		ok   bool
	}{
		{"a file", []string{"delta.jsonl"}, env, true},
		{"a URL", []string{"-url", "https://srs.example/changes"}, env, true},
		{"a URL from the environment", nil, func(k string) string {
			if k == envFeedURL {
				return "https://srs.example/changes"
			}
			return ""
		}, true},
		{"nothing to apply", nil, env, false},
		{"a file and a URL", []string{"-url", "https://srs.example/changes", "delta.jsonl"}, env, false},
		{"two files", []string{"a.jsonl", "b.jsonl"}, env, false},
		{"a bad feed name", []string{"-feed", "a b", "delta.jsonl"}, env, false},
	} {
		_, err := loadConfig("feed", c.args, c.env, io.Discard)
		if (err == nil) != c.ok {
			t.Errorf("%s: error %v, want ok %v", c.name, err, c.ok)
		}
	}
}

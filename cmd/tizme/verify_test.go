package main

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"strings"
	"testing"
)

// TestVerifyCommand builds a read model with `tizme rebuild`, verifies it
// (OK), tampers with a live row and verifies again: DRIFT, the table and
// both versions of the row printed, and an error.
func TestVerifyCommand(t *testing.T) {
	url, pool := countedLog(t)
	ctx := context.Background()

	useRegistry(t, streamCounts{})
	setEnv(t, map[string]string{envDatabaseURL: url})
	if err := run(t.Context(), []string{"rebuild", "test_stream_counts"}, io.Discard, io.Discard); err != nil {
		t.Fatal(err)
	}
	cfg := defaultConfig()
	cfg.DatabaseURL = url
	cfg.Args = "test_stream_counts"
	log := slog.New(slog.NewTextHandler(io.Discard, nil))

	var out bytes.Buffer
	if err := verify(t.Context(), cfg, log, &out); err != nil {
		t.Fatalf("clean verify: %v\n%s", err, out.String())
	}
	t.Logf("clean:\n%s", out.String())
	for _, want := range []string{"test_stream_counts: OK at checkpoint", "30 events replayed", "  test_stream_counts: OK, 3 rows"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}

	if _, err := pool.Exec(ctx, `UPDATE test_stream_counts__v2 SET n = 99 WHERE stream = 's-1'`); err != nil {
		t.Fatal(err)
	}
	out.Reset()
	err := verify(t.Context(), cfg, log, &out)
	t.Logf("tampered:\n%s", out.String())
	if !errors.Is(err, errDrift) || !strings.Contains(err.Error(), "test_stream_counts") {
		t.Errorf("error %v, want drift of test_stream_counts", err)
	}
	for _, want := range []string{
		"test_stream_counts: DRIFT at checkpoint",
		"  test_stream_counts: DRIFT, live 3 rows",
		"1 rows only in live, 1 only in replay",
		"only in live: (s-1,99)",
		"only in replay: (s-1,20)",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
	var ok bool
	if err := pool.QueryRow(ctx, `SELECT ok FROM projection_verifications WHERE projection = 'test_stream_counts'
		ORDER BY verified_at DESC LIMIT 1`).Scan(&ok); err != nil || ok {
		t.Errorf("latest stored verification ok=%v, err %v; want a drift", ok, err)
	}
	var left int
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM pg_class WHERE relname LIKE '%\_\_verify%'`).Scan(&left); err != nil || left != 0 {
		t.Errorf("%d scratch relations left (err %v)", left, err)
	}
}

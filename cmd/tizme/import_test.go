package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/cec-kg/tizme/cmd/tizme/internal/demodata"
	"github.com/cec-kg/tizme/cmd/tizme/internal/popreg"
	"github.com/cec-kg/tizme/domain/voter"
	"github.com/cec-kg/tizme/eventstore/postgres"
	"github.com/cec-kg/tizme/eventstore/postgres/pgtest"
)

// runCmd runs a tizme command line against the database at url and
// returns its standard output.
func runCmd(t *testing.T, url string, args ...string) (string, error) {
	t.Helper()
	var out bytes.Buffer
	if url != "" {
		args = append([]string{args[0], "-database-url", url, "-log-level", "warn"}, args[1:]...)
	}
	err := run(context.Background(), args, &out, io.Discard)
	return out.String(), err
}

func mustRun(t *testing.T, url string, args ...string) string {
	t.Helper()
	out, err := runCmd(t, url, args...)
	if err != nil {
		t.Fatalf("tizme %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return out
}

// registrations counts the VoterRegistered events in the log.
func registrations(t *testing.T, pool *pgxpool.Pool) int {
	t.Helper()
	var n int
	if err := pool.QueryRow(context.Background(), `SELECT count(*) FROM es_events WHERE type = $1`, voter.TypeVoterRegistered).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func newDatabase(t *testing.T) (string, *pgxpool.Pool) {
	t.Helper()
	url := pgtest.NewDatabase(t)
	pool, err := pgxpool.New(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	return url, pool
}

// waitForPrecincts waits until log readers see n precincts: appends become
// visible once older transactions of the cluster (other tests' databases)
// have ended.
func waitForPrecincts(t *testing.T, pool *pgxpool.Pool, n int) {
	t.Helper()
	store := postgres.New(pool, postgres.Options{})
	defer store.Close()
	for deadline := time.Now().Add(time.Minute); ; time.Sleep(20 * time.Millisecond) {
		known, err := establishedPrecincts(context.Background(), store)
		if err != nil {
			t.Fatal(err)
		}
		if len(known) == n {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("log readers see %d precincts, want %d", len(known), n)
		}
	}
}

// TestDemoDataCSVImportRoundTrip: the CSV demo-data writes imports into a
// database holding the reference data with every voter registered and
// nothing rejected but the one bad row; a second import appends nothing;
// and importing the CSV into the database demo-data appended to finds
// every voter already present.
func TestDemoDataCSVImportRoundTrip(t *testing.T) {
	t.Parallel()
	const voters = 3000
	dir := t.TempDir()
	csvOnly := filepath.Join(dir, "register.csv")
	mustRun(t, "", "demo-data", "-voters", "3000", "-seed", "9", "-csv", csvOnly, "-append=false")

	// A bad row at the end: its PIN says male, its sex female.
	data, err := os.ReadFile(csvOnly)
	if err != nil {
		t.Fatal(err)
	}
	if got := bytes.Count(data, []byte("\n")); got != voters+1 {
		t.Fatalf("the CSV has %d lines, want a header and %d rows", got, voters)
	}
	bad := "21505199000000,Асанов,Нурлан,,1990-05-15,F,ID1234567,город Бишкек,,Бишкек,,,,1001\n"
	if err := os.WriteFile(csvOnly, append(data, bad...), 0o600); err != nil {
		t.Fatal(err)
	}

	url, pool := newDatabase(t)
	// The reference data alone (the same precincts as for 3,000 voters).
	mustRun(t, url, "demo-data", "-voters", "0", "-seed", "9")
	home, abroad := demodata.Precincts(voters)
	waitForPrecincts(t, pool, home+abroad)

	out := mustRun(t, url, "import", csvOnly)
	if !strings.Contains(out, "imported 3000, already present 0, rejected 1 of 3001 rows") {
		t.Errorf("first import said:\n%s", out)
	}
	if got := registrations(t, pool); got != voters {
		t.Errorf("%d registrations after the import, want %d", got, voters)
	}
	rejects, err := os.ReadFile(filepath.Join(dir, "register.rejects.csv"))
	if err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(bytes.NewReader(rejects)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 2 || recs[1][0] != "3002" || recs[1][1] != string(popreg.CodePINSexMismatch) || recs[1][3]+"\n" != bad {
		t.Errorf("rejects file:\n%s", rejects)
	}

	out = mustRun(t, url, "import", "-rejects", filepath.Join(dir, "again.csv"), csvOnly)
	if !strings.Contains(out, "imported 0, already present 3000, rejected 1 of 3001 rows") {
		t.Errorf("second import said:\n%s", out)
	}
	if got := registrations(t, pool); got != voters {
		t.Errorf("%d registrations after the second import, want %d", got, voters)
	}

	// demo-data appending and writing the CSV: the same rows, and their
	// registrations are the ones an import makes.
	url2, pool2 := newDatabase(t)
	appended := filepath.Join(dir, "appended.csv")
	mustRun(t, url2, "demo-data", "-voters", "3000", "-seed", "9", "-csv", appended)
	data2, err := os.ReadFile(appended)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(data, data2) {
		t.Error("the CSV differs between -append=false and -append=true")
	}
	waitForPrecincts(t, pool2, home+abroad)
	out = mustRun(t, url2, "import", appended)
	if !strings.Contains(out, "imported 0, already present 3000, rejected 0 of 3000 rows") {
		t.Errorf("import into the demo database said:\n%s", out)
	}
	if got := registrations(t, pool2); got != voters {
		t.Errorf("%d registrations in the demo database, want %d", got, voters)
	}
}

func TestImportRefusals(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	badHeader := filepath.Join(dir, "bad-header.csv")
	if err := os.WriteFile(badHeader, []byte("pin,surname\n21505199000001,Асанов\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	url, pool := newDatabase(t)
	mustRun(t, url, "demo-data", "-voters", "0")
	home, abroad := demodata.Precincts(0)
	waitForPrecincts(t, pool, home+abroad)
	tests := []struct {
		name    string
		args    []string
		wantErr string
	}{
		{"bad header", []string{"import", badHeader}, "missing column"},
		{"no such file", []string{"import", filepath.Join(dir, "none.csv")}, "no such file"},
		{"events in EventStoreDB", []string{"import", "-eventstore-url", "esdb://localhost:2113", badHeader}, "PostgreSQL"},
		{"demo-data into EventStoreDB", []string{"demo-data", "-eventstore-url", "esdb://localhost:2113"}, "PostgreSQL"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := runCmd(t, url, tt.args...)
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("err = %v, want one about %q", err, tt.wantErr)
			}
		})
	}
	if got := registrations(t, pool); got != 0 {
		t.Errorf("%d registrations written by refused commands", got)
	}
	if _, err := os.Stat(filepath.Join(dir, "bad-header.rejects.csv")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a rejects file was left for a refused header: %v", err)
	}
}

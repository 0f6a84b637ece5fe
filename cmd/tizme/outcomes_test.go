package main

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cec-kg/tizme/domain/election"
)

// TestOutcomesCommand: `tizme outcomes` records a past election's outcome
// from the CEC's file on real PostgreSQL; the same file twice changes
// nothing; a bad file is refused with its report and a non-zero exit.
func TestOutcomesCommand(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	url, pool := newDatabase(t)
	mustRun(t, url, "demo-data", "-voters", "300", "-seed", "5")
	waitForLog(t, pool)
	outcomes := func() int {
		var n int
		if err := pool.QueryRow(context.Background(), `SELECT count(*) FROM es_events WHERE type = $1`, election.TypeElectionOutcomeRecorded).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	demo := outcomes()
	if demo == 0 {
		t.Fatal("the demo data holds no past election's outcome")
	}
	header := strings.Join(election.OutcomeColumns, ",") + "\n"
	good := filepath.Join(dir, "2021.csv")
	if err := os.WriteFile(good, []byte(header+
		"2021-presidential,1001,1500,560,20,575,300,275,60,110,130,120,95,60\n"+
		"2021-presidential,1002,1200,400,10,405,210,195,40,80,90,85,70,40\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	out := mustRun(t, url, "outcomes", "-file", good, "-election", "2021-presidential")
	if !strings.Contains(out, "2 precincts: recorded 2, unchanged 0") || outcomes() != demo+2 {
		t.Errorf("first run said:\n%s", out)
	}
	out = mustRun(t, url, "outcomes", "-file", good, "-election", "2021-presidential")
	if !strings.Contains(out, "2 precincts: recorded 0, unchanged 2") || outcomes() != demo+2 {
		t.Errorf("second run said:\n%s", out)
	}

	bad := filepath.Join(dir, "bad.csv")
	if err := os.WriteFile(bad, []byte(header+
		"2021-presidential,1001,100,90,20,100,50,50,20,20,20,20,10,10\n"+
		"2021-presidential,9999,10,5,0,5,3,2,1,1,1,1,1,0\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := runCmd(t, url, "outcomes", "-file", bad, "-election", "2021-presidential")
	if !errors.Is(err, errOutcomesRefused) || !strings.Contains(out, "refused, 1 problems") ||
		!strings.Contains(out, "2\tidentified_biometric\tPrecinct 1001 identified more voters (110) than are on its list (100). (election.outcome_identified_over_list)") {
		t.Errorf("a bad row: %v\n%s", err, out)
	}
	// Rows that pass the file's checks but name an unknown precinct are
	// refused by the command, with the same report.
	if err := os.WriteFile(bad, []byte(header+"2021-presidential,9999,10,5,0,5,3,2,1,1,1,1,1,0\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	out, err = runCmd(t, url, "outcomes", "-file", bad, "-election", "2021-presidential")
	if !errors.Is(err, errOutcomesRefused) || !strings.Contains(out, "2\tprecinct\tPrecinct 9999 is not established. (election.outcome_unknown_precinct)") {
		t.Errorf("an unknown precinct: %v\n%s", err, out)
	}
	// The demo's election ahead has not been held.
	ahead := filepath.Join(dir, "ahead.csv")
	if err := os.WriteFile(ahead, []byte(header+"parliamentary-demo,1001,10,5,0,5,3,2,1,1,1,1,1,0\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	out, err = runCmd(t, url, "outcomes", "-file", ahead, "-election", "parliamentary-demo")
	if !errors.Is(err, errOutcomesRefused) || !strings.Contains(out, "election.outcome_not_held") {
		t.Errorf("not held: %v\n%s", err, out)
	}
	if outcomes() != demo+2 {
		t.Errorf("refusals recorded outcomes")
	}
	// Both flags are required.
	if _, err := runCmd(t, url, "outcomes", "-file", good); err == nil {
		t.Error("no -election accepted")
	}
}

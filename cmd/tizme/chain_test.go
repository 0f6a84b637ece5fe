package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/google/uuid"
)

// TestVerifyChainCommand chains a log with `tizme checkpoint`, then edits,
// deletes or inserts a row of es_events directly in PostgreSQL: `tizme
// verify -chain` fails naming that event, its stream, revision and
// position, and what was done to it.
func TestVerifyChainCommand(t *testing.T) {
	for _, tc := range []struct {
		name   string
		tamper string // SQL; $1 and $2 are the tx and seq of s-1's revision 4
		want   []string
	}{
		{"edited", `UPDATE es_events SET data = '{"n": 3}' WHERE tx = $1 AND seq = $2`,
			[]string{"edited: event ", "(stream s-1, revision 4) at position "}},
		{"removed", `DELETE FROM es_events WHERE tx = $1 AND seq = $2`,
			[]string{"removed: event ", "(stream s-1, revision 4) at position "}},
		{"inserted", `INSERT INTO es_events (tx, seq, id, stream, revision, type, version, data, metadata)
			OVERRIDING SYSTEM VALUE VALUES ($1, $2 + 1, '` + uuid.NewString() + `', 'forged', 0, 'TestCounted', 1, '{"n": 2}', '{}')`,
			[]string{"inserted: event ", "(stream forged, revision 0) at position "}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			url, pool := countedLog(t)
			setEnv(t, map[string]string{envDatabaseURL: url})
			var out bytes.Buffer
			if err := run(t.Context(), []string{"checkpoint"}, &out, io.Discard); err != nil {
				t.Fatal(err)
			}
			var c struct {
				Events int64  `json:"events"`
				Head   string `json:"chain_head"`
			}
			if err := json.Unmarshal(out.Bytes(), &c); err != nil || c.Events != 30 || len(c.Head) != 64 {
				t.Fatalf("checkpoint %s (err %v), want 30 events", out.String(), err)
			}
			out.Reset()
			if err := run(t.Context(), []string{"verify", "-chain"}, &out, io.Discard); err != nil {
				t.Fatalf("clean log: %v\n%s", err, out.String())
			}
			if !strings.Contains(out.String(), "chain: OK, 30 links checked") {
				t.Errorf("clean log: output %q", out.String())
			}

			var tx, seq int64
			if err := pool.QueryRow(t.Context(), `SELECT tx, seq FROM es_events WHERE stream = 's-1' AND revision = 4`).Scan(&tx, &seq); err != nil {
				t.Fatal(err)
			}
			if _, err := pool.Exec(t.Context(), tc.tamper, tx, seq); err != nil {
				t.Fatal(err)
			}
			out.Reset()
			err := run(t.Context(), []string{"verify", "-chain"}, &out, io.Discard)
			t.Logf("%s", out.String())
			at := fmt.Sprintf("%d/%d", tx, seq)
			if tc.name == "inserted" {
				at = fmt.Sprintf("%d/%d", tx, seq+1)
			}
			if !errors.Is(err, errChainBroken) {
				t.Fatalf("error %v, want a broken chain", err)
			}
			for _, want := range append(tc.want, at) {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error %q lacks %q", err, want)
				}
			}
			if !strings.Contains(out.String(), "chain: BROKEN") {
				t.Errorf("output %q", out.String())
			}
		})
	}
}

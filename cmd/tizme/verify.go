package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"time"

	"github.com/cec-kg/tizme/eventstore"
	"github.com/cec-kg/tizme/projections"
)

// errDrift is returned by `tizme verify` when a read model differs from a
// replay of the log.
var errDrift = errors.New("read models drift from the log")

// verify is `tizme verify [projection…]`: it replays the whole log into
// scratch tables for each read model named (all when none is) and compares
// every table with the live one at a common checkpoint. It prints one line
// per table, OK or DRIFT, then the differing rows, stores the result in
// projection_verifications, and fails when any table drifts.
func verify(ctx context.Context, cfg Config, log *slog.Logger, stdout io.Writer) (err error) {
	if cfg.VerifyChain {
		return verifyChain(ctx, cfg, log, stdout)
	}
	all, codec := registry()
	selected, err := selectProjections(all, cfg.ArgList())
	if err != nil {
		return err
	}
	if len(selected) == 0 {
		fmt.Fprintln(stdout, "tizme verify: no read models are registered yet; nothing to verify")
		return nil
	}

	var results []projections.VerifyResult
	err = withStore(ctx, cfg, log, func(db *database, events eventstore.Store) error {
		var err error
		results, err = projections.Verify(ctx, projections.VerifyConfig{
			Pool: db.pool, Store: events, Codec: codec, Logger: log,
		}, selected)
		printVerify(stdout, results)
		return err
	})
	if err != nil {
		return err
	}
	var drifted []string
	for _, r := range results {
		if !r.OK {
			drifted = append(drifted, r.Projection)
		}
	}
	if len(drifted) > 0 {
		return fmt.Errorf("%w: %s", errDrift, strings.Join(drifted, ", "))
	}
	return nil
}

// printVerify writes the report: a line per projection, a line per
// table, and under each drifting table its differing rows.
func printVerify(w io.Writer, results []projections.VerifyResult) {
	for _, r := range results {
		if !r.Installed {
			fmt.Fprintf(w, "%s: not installed; nothing to verify\n", r.Projection)
			continue
		}
		verdict := "OK"
		if !r.OK {
			verdict = "DRIFT"
		}
		fmt.Fprintf(w, "%s: %s at checkpoint %s (version %d, %s, %d events replayed in %s)\n",
			r.Projection, verdict, r.CheckpointText, r.Version, r.State, r.Events, r.Duration.Round(time.Millisecond))
		if r.DefinitionChanged {
			fmt.Fprintf(w, "  note: the code's tables differ from the live version's; a rebuild is due\n")
		}
		for _, t := range r.Tables {
			if t.Equal {
				fmt.Fprintf(w, "  %s: OK, %d rows, digest %s\n", t.Table, t.LiveRows, t.LiveDigest)
				continue
			}
			fmt.Fprintf(w, "  %s: DRIFT, live %d rows (digest %s), replay %d rows (digest %s); %d rows only in live, %d only in replay\n",
				t.Table, t.LiveRows, t.LiveDigest, t.ReplayRows, t.ReplayDigest, t.OnlyLiveCount, t.OnlyReplayCount)
			printRows(w, "only in live", t.OnlyLive, t.OnlyLiveCount)
			printRows(w, "only in replay", t.OnlyReplay, t.OnlyReplayCount)
		}
	}
}

func printRows(w io.Writer, what string, rows []string, total int64) {
	for _, row := range rows {
		fmt.Fprintf(w, "    %s: %s\n", what, row)
	}
	if more := total - int64(len(rows)); more > 0 {
		fmt.Fprintf(w, "    … and %d more %s\n", more, what)
	}
}

package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/cec-kg/tizme/chain"
	"github.com/cec-kg/tizme/eventstore"
)

// errChainBroken is returned by `tizme verify -chain` when the log does
// not match its hash chain.
var errChainBroken = errors.New("the log does not match its hash chain")

// verifyChain is `tizme verify -chain`: it recomputes the hash chain from
// the log, compares it with the stored links and the published
// checkpoints, prints a line per problem and fails naming the first event
// that was edited, removed or inserted.
func verifyChain(ctx context.Context, cfg Config, log *slog.Logger, stdout io.Writer) error {
	var rep chain.Report
	err := withStore(ctx, cfg, log, func(db *database, events eventstore.Store) error {
		var err error
		rep, err = chain.Verify(ctx, db.pool, events)
		return err
	})
	if err != nil {
		return err
	}
	printChainReport(stdout, rep)
	if first, ok := rep.First(); ok {
		return fmt.Errorf("%w: first %s", errChainBroken, first)
	}
	return nil
}

func printChainReport(w io.Writer, rep chain.Report) {
	verdict := "OK"
	if !rep.OK() {
		verdict = "BROKEN"
	}
	fmt.Fprintf(w, "chain: %s, %d links checked through position %s, head %s; %d published checkpoints compared\n",
		verdict, rep.Checked, rep.Through, rep.Head, rep.Checkpoints)
	if rep.Unchained > 0 {
		fmt.Fprintf(w, "  %d newer events are not chained yet (the chain follower runs in tizme serve; tizme checkpoint catches up)\n", rep.Unchained)
	}
	for _, p := range rep.Problems {
		fmt.Fprintf(w, "  %s\n", p)
	}
	if more := rep.ProblemCount - int64(len(rep.Problems)); more > 0 {
		fmt.Fprintf(w, "  … and %d more problems\n", more)
	}
}

// checkpoint is `tizme checkpoint`: it chains the log up to now and
// publishes a checkpoint (what serve does daily), printed as JSON.
func checkpoint(ctx context.Context, cfg Config, log *slog.Logger, stdout io.Writer) error {
	return withStore(ctx, cfg, log, func(db *database, events eventstore.Store) error {
		f := &chain.Follower{Pool: db.pool, Store: events, Logger: log}
		if _, err := f.CatchUp(ctx); err != nil {
			return err
		}
		c, err := chain.Publish(ctx, db.pool, f, time.Now())
		if err != nil {
			return err
		}
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(c)
	})
}

package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"runtime/debug"
	"slices"
	"strings"
	"time"

	"github.com/cec-kg/tizme/eventstore"
	"github.com/cec-kg/tizme/projections"
	"github.com/cec-kg/tizme/readmodels"
)

// registry lists the read models and their codec; tests replace it.
var registry = readmodels.Registry

// rebuild is `tizme rebuild [projection…]`: it rebuilds the named read
// models (all when none is named) from the whole log into fresh tables
// while the current ones keep serving and `tizme serve` keeps them up to
// date, then switches each atomically. Progress goes to stdout: one line
// redrawn in place on a terminal, a line every few seconds otherwise.
func rebuild(ctx context.Context, cfg Config, log *slog.Logger, stdout io.Writer) (err error) {
	all, codec := registry()
	selected, err := selectProjections(all, cfg.ArgList())
	if err != nil {
		return err
	}
	if len(selected) == 0 {
		fmt.Fprintln(stdout, "tizme rebuild: no read models are registered yet; nothing to rebuild")
		return nil
	}

	return withStore(ctx, cfg, log, func(db *database, events eventstore.Store) error {
		return rebuildAll(ctx, db, events, codec, selected, log, stdout)
	})
}

func rebuildAll(ctx context.Context, db *database, events eventstore.Store, codec *eventstore.Codec, selected []projections.Projection, log *slog.Logger, stdout io.Writer) error {
	defer debug.SetGCPercent(debug.SetGCPercent(projections.RebuildGCPercent))

	bar := projections.NewProgressBar(stdout, isTerminal(stdout))
	for _, p := range selected {
		res, err := projections.Rebuild(ctx, projections.RebuildConfig{
			Pool: db.pool, Store: events, Codec: codec, Logger: log, Progress: bar.Update,
		}, p)
		if err != nil {
			return fmt.Errorf("rebuild %s: %w", p.Name(), err)
		}
		fmt.Fprintf(stdout, "%s: version %d is live, %d events in %s (%.0f events/s)\n",
			res.Projection, res.Version, res.Events, res.Duration.Round(time.Millisecond), res.Rate())
	}
	return nil
}

// selectProjections returns the projections named, in the order named,
// or all of them when none is named.
func selectProjections(all []projections.Projection, names []string) ([]projections.Projection, error) {
	if len(names) == 0 {
		return all, nil
	}
	byName := map[string]projections.Projection{}
	known := make([]string, 0, len(all))
	for _, p := range all {
		byName[p.Name()] = p
		known = append(known, p.Name())
	}
	slices.Sort(known)
	var out []projections.Projection
	var unknown []string
	for _, n := range names {
		p, ok := byName[n]
		switch {
		case !ok:
			unknown = append(unknown, fmt.Sprintf("%q", n))
		case !slices.Contains(out, p):
			out = append(out, p)
		}
	}
	if len(unknown) > 0 {
		list := "none are registered yet"
		if len(known) > 0 {
			list = "known: " + strings.Join(known, ", ")
		}
		return nil, fmt.Errorf("%w: %s (%s)", projections.ErrUnknownProjection, strings.Join(unknown, ", "), list)
	}
	return out, nil
}

// isTerminal reports whether w is a terminal (a character device).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

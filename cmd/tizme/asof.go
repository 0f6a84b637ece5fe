package main

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"strconv"
	"time"

	"github.com/cec-kg/tizme/domain"
	"github.com/cec-kg/tizme/eventstore"
	"github.com/cec-kg/tizme/projections"
)

// asofOutput is the JSON form of `tizme asof`.
type asofOutput struct {
	At       string                `json:"at"`
	Precinct int                   `json:"precinct"`
	Rows     []projections.ListRow `json:"rows"`
	Digest   string                `json:"digest"`
}

// asof is `tizme asof [-at T] [-precinct N] [-format csv|json] [-replay]`:
// it prints the voter list as it stood at T (default now), for one
// precinct or all, from the voter versions read model, or with -replay by
// folding the raw event log (no read model involved). The output ends with
// a digest of the rows, so the two ways can be compared: CSV with a header
// and a final line "# digest sha256:<hex> rows=<n> at=<RFC 3339>", or a
// JSON object {at, precinct, rows, digest}.
func asof(ctx context.Context, cfg Config, log *slog.Logger, stdout io.Writer) (err error) {
	at := time.Now().UTC()
	if cfg.AsOfAt != "" {
		if at, err = time.Parse(time.RFC3339Nano, cfg.AsOfAt); err != nil {
			return fmt.Errorf("-at %q: want an RFC 3339 time: %w", cfg.AsOfAt, err)
		}
		at = at.UTC()
	}
	if cfg.AsOfPrecinct < 0 {
		return fmt.Errorf("-precinct %d: want a precinct number, or 0 for all", cfg.AsOfPrecinct)
	}
	format := cfg.AsOfFormat
	if format == "" {
		format = "csv"
	}
	if format != "csv" && format != "json" {
		return fmt.Errorf("-format %q: want csv or json", format)
	}

	var rows []projections.ListRow
	err = withStore(ctx, cfg, log, func(db *database, events eventstore.Store) error {
		var err error
		rows, err = listAsOf(ctx, cfg, log, db, events, at)
		return err
	})
	if err != nil {
		return err
	}
	if rows == nil {
		rows = []projections.ListRow{}
	}
	return writeAsOf(stdout, format, at, cfg.AsOfPrecinct, rows)
}

// writeAsOf prints rows with their digest in format.
func writeAsOf(w io.Writer, format string, at time.Time, precinct int, rows []projections.ListRow) error {
	digest := "sha256:" + projections.Digest(rows)
	atText := at.UTC().Format(time.RFC3339Nano)
	if format == "json" {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(asofOutput{At: atText, Precinct: precinct, Rows: rows, Digest: digest})
	}
	cw := csv.NewWriter(w)
	if err := cw.Write([]string{"precinct", "tec", "surname", "given_name", "patronymic", "stream"}); err != nil {
		return err
	}
	for _, r := range rows {
		if err := cw.Write([]string{strconv.Itoa(r.Precinct), r.TEC, r.Surname, r.GivenName, r.Patronymic, r.Stream}); err != nil {
			return err
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return err
	}
	_, err := fmt.Fprintf(w, "# digest %s rows=%d at=%s\n", digest, len(rows), atText)
	return err
}

// listAsOf reads the list as of at from the voter-versions read model, or
// with -replay from the raw log.
func listAsOf(ctx context.Context, cfg Config, log *slog.Logger, db *database, events eventstore.Store, at time.Time) ([]projections.ListRow, error) {
	if cfg.AsOfReplay {
		rows, err := projections.ReplayAsOf(ctx, events, domain.NewCodec(), at, cfg.AsOfPrecinct)
		if err != nil {
			return nil, fmt.Errorf("replay the log as of %s: %w", at.Format(time.RFC3339Nano), err)
		}
		return rows, nil
	}
	p := projections.NewVoterVersions()
	st, err := projections.Status(ctx, db.pool, events, []projections.Projection{p})
	if err != nil {
		return nil, fmt.Errorf("status of %s: %w", p.Name(), err)
	}
	if len(st) == 1 && (st[0].State != projections.StateRunning || st[0].EventsBehind > 0) {
		log.Warn("the voter versions read model is not up to date; the answer may be stale (see `tizme serve`, `tizme rebuild voter_versions`, or use -replay)",
			"state", st[0].State, "events_behind", st[0].EventsBehind)
	}
	rows, err := projections.AsOf(ctx, db.pool, at, cfg.AsOfPrecinct)
	if err != nil {
		return nil, fmt.Errorf("%w (is the %s read model built? run `tizme rebuild %s` or use -replay)", err, p.Name(), p.Name())
	}
	return rows, nil
}

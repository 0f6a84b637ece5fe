package main

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strconv"
	"time"

	"github.com/cec-kg/tizme/domain"
	"github.com/cec-kg/tizme/domain/calendar"
	"github.com/cec-kg/tizme/eventstore"
	"github.com/cec-kg/tizme/projections"
	"github.com/cec-kg/tizme/readmodels"
)

// asofOutput is the JSON form of `tizme asof`: At for the list as
// recorded, Mode "effective" and Day for the list as effective.
type asofOutput struct {
	Mode     string               `json:"mode,omitempty"`
	Day      string               `json:"day,omitempty"`
	At       string               `json:"at,omitempty"`
	Precinct int                  `json:"precinct"`
	Rows     []readmodels.ListRow `json:"rows"`
	Digest   string               `json:"digest"`
}

// asof is `tizme asof [-at T | -effective DAY] [-precinct N] [-format
// csv|json] [-replay]`: it prints the voter list as recorded at T (default
// now: what the system showed then), or with -effective as effective on
// DAY (what is now known to have been true then, back-dated events
// included; docs/events-voter-list.md), for one precinct or all, from the
// read model of that sense, or with -replay by folding the raw event log
// (no read model involved). The output ends with a digest of the rows, so
// the two ways can be compared: CSV with a header and a final line
// "# digest sha256:<hex> rows=<n> at=<RFC 3339>" (or "effective=<DAY>"),
// or a JSON object {at, precinct, rows, digest} (or {mode, day, …}).
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

	var day calendar.Date
	if cfg.AsOfEffective != "" {
		if cfg.AsOfAt != "" {
			return errors.New("-at and -effective: give one")
		}
		if day, err = calendar.ParseDate(cfg.AsOfEffective); err != nil {
			return fmt.Errorf("-effective %q: want a day such as 2026-09-10: %w", cfg.AsOfEffective, err)
		}
	}

	var rows []readmodels.ListRow
	err = withStore(ctx, cfg, log, func(db *database, events eventstore.Store) error {
		var err error
		if !day.IsZero() {
			rows, err = listEffective(ctx, cfg, log, db, events, day)
		} else {
			rows, err = listAsOf(ctx, cfg, log, db, events, at)
		}
		return err
	})
	if err != nil {
		return err
	}
	if rows == nil {
		rows = []readmodels.ListRow{}
	}
	if !day.IsZero() {
		return writeEffective(stdout, format, day, cfg.AsOfPrecinct, rows)
	}
	return writeAsOf(stdout, format, at, cfg.AsOfPrecinct, rows)
}

// writeEffective prints the list as effective on day with its digest in
// format.
func writeEffective(w io.Writer, format string, day calendar.Date, precinct int, rows []readmodels.ListRow) error {
	if format == "json" {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(asofOutput{Mode: string(readmodels.ListEffective), Day: day.String(), Precinct: precinct, Rows: rows,
			Digest: "sha256:" + readmodels.Digest(rows)})
	}
	if err := writeCSVRows(w, rows); err != nil {
		return err
	}
	_, err := fmt.Fprintf(w, "# digest sha256:%s rows=%d effective=%s\n", readmodels.Digest(rows), len(rows), day)
	return err
}

// writeCSVRows prints the CSV header and rows.
func writeCSVRows(w io.Writer, rows []readmodels.ListRow) error {
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
	return cw.Error()
}

// listEffective reads the list as effective on day from the voter
// effective read model, or with -replay from the raw log sorted by
// effective time.
func listEffective(ctx context.Context, cfg Config, log *slog.Logger, db *database, events eventstore.Store, day calendar.Date) ([]readmodels.ListRow, error) {
	if cfg.AsOfReplay {
		rows, err := readmodels.ReplayAsEffective(ctx, events, domain.NewCodec(), day, cfg.AsOfPrecinct)
		if err != nil {
			return nil, fmt.Errorf("replay the log as effective on %s: %w", day, err)
		}
		return rows, nil
	}
	p := readmodels.NewVoterEffective()
	st, err := projections.Status(ctx, db.pool, events, []projections.Projection{p})
	if err != nil {
		return nil, fmt.Errorf("status of %s: %w", p.Name(), err)
	}
	if len(st) == 1 && (st[0].State != projections.StateRunning || st[0].EventsBehind > 0) {
		log.Warn("the voter effective read model is not up to date; the answer may be stale (see `tizme serve`, `tizme rebuild voter_effective`, or use -replay)",
			"state", st[0].State, "events_behind", st[0].EventsBehind)
	}
	rows, err := readmodels.AsEffective(ctx, db.pool, day, cfg.AsOfPrecinct)
	if err != nil {
		return nil, fmt.Errorf("%w (is the %s read model built? run `tizme rebuild %s` or use -replay)", err, p.Name(), p.Name())
	}
	return rows, nil
}

// writeAsOf prints rows with their digest in format.
func writeAsOf(w io.Writer, format string, at time.Time, precinct int, rows []readmodels.ListRow) error {
	digest := "sha256:" + readmodels.Digest(rows)
	atText := at.UTC().Format(time.RFC3339Nano)
	if format == "json" {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(asofOutput{At: atText, Precinct: precinct, Rows: rows, Digest: digest})
	}
	if err := writeCSVRows(w, rows); err != nil {
		return err
	}
	_, err := fmt.Fprintf(w, "# digest %s rows=%d at=%s\n", digest, len(rows), atText)
	return err
}

// listAsOf reads the list as of at from the voter-versions read model, or
// with -replay from the raw log.
func listAsOf(ctx context.Context, cfg Config, log *slog.Logger, db *database, events eventstore.Store, at time.Time) ([]readmodels.ListRow, error) {
	if cfg.AsOfReplay {
		rows, err := readmodels.ReplayAsOf(ctx, events, domain.NewCodec(), at, cfg.AsOfPrecinct)
		if err != nil {
			return nil, fmt.Errorf("replay the log as of %s: %w", at.Format(time.RFC3339Nano), err)
		}
		return rows, nil
	}
	p := readmodels.NewVoterVersions()
	st, err := projections.Status(ctx, db.pool, events, []projections.Projection{p})
	if err != nil {
		return nil, fmt.Errorf("status of %s: %w", p.Name(), err)
	}
	if len(st) == 1 && (st[0].State != projections.StateRunning || st[0].EventsBehind > 0) {
		log.Warn("the voter versions read model is not up to date; the answer may be stale (see `tizme serve`, `tizme rebuild voter_versions`, or use -replay)",
			"state", st[0].State, "events_behind", st[0].EventsBehind)
	}
	rows, err := readmodels.AsOf(ctx, db.pool, at, cfg.AsOfPrecinct)
	if err != nil {
		return nil, fmt.Errorf("%w (is the %s read model built? run `tizme rebuild %s` or use -replay)", err, p.Name(), p.Name())
	}
	return rows, nil
}

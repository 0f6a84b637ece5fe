package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strconv"
	"time"

	"github.com/google/uuid"

	cmds "github.com/cec-kg/tizme/commands"
	"github.com/cec-kg/tizme/commands/bus"
	"github.com/cec-kg/tizme/domain"
	"github.com/cec-kg/tizme/domain/election"
	"github.com/cec-kg/tizme/domain/failure"
	"github.com/cec-kg/tizme/eventstore"
)

// OutcomesActor is the actor recorded on outcomes `tizme outcomes`
// records.
const OutcomesActor = "cli:outcomes"

// errOutcomesRefused means the file was refused; the report is printed.
var errOutcomesRefused = errors.New("outcomes: the file was refused; nothing was recorded")

// recordOutcomes is `tizme outcomes -file F -election E`: a held
// election's outcome per precinct from the CEC's file (VP 2.4, VP 3.6;
// docs/outcomes.md), through the same command as the administration's
// API. A file with any problem is refused whole and its report printed,
// one line per problem (line, column, reason); the same file twice
// changes nothing.
func recordOutcomes(ctx context.Context, cfg Config, log *slog.Logger, stdout io.Writer) error {
	id, err := election.ParseID(cfg.OutcomesElection)
	if err != nil {
		return fmt.Errorf("outcomes: -election: %w", err)
	}
	file, err := os.ReadFile(cfg.OutcomesFile)
	if err != nil {
		return fmt.Errorf("outcomes: %w", err)
	}
	sum := sha256.Sum256(file)
	source := hex.EncodeToString(sum[:])
	rows, err := election.ParseOutcomes(bytes.NewReader(file), id)
	if err != nil {
		return printOutcomeReport(stdout, cfg.OutcomesFile, err)
	}
	return withStore(ctx, cfg, log, func(db *database, events eventstore.Store) (err error) {
		key, err := voterKey(ctx, cfg, db.pool)
		if err != nil {
			return err
		}
		busCfg := bus.Config{Store: events, Codec: domain.NewCodec(), Results: db.pool, Logger: log}
		cmdBus, err := bus.New(busCfg)
		if err != nil {
			return err
		}
		defer func() { err = errors.Join(err, cmdBus.Close()) }()
		if _, err := cmds.RegisterAll(cmdBus, cmds.Deps{VoterKey: key}); err != nil {
			return err
		}
		if err := cmdBus.Start(ctx); err != nil {
			return err
		}
		run := uuid.NewString()
		ctx := bus.WithMeta(ctx, bus.Meta{Actor: OutcomesActor, RequestID: "outcomes-" + run})
		res, err := cmdBus.Send(ctx, cmds.RecordElectionOutcome{
			Envelope: bus.Envelope{IdempotencyKey: bus.ScopedKey(bus.ScopeAdmin, []string{OutcomesActor}, cmds.NameRecordElectionOutcome, run)},
			Election: id.String(), Source: source, Rows: rows, At: time.Now().UTC(),
		})
		if err != nil {
			if _, ok := failure.CodeOf(err); ok {
				return printOutcomeReport(stdout, cfg.OutcomesFile, err)
			}
			return err
		}
		var r election.OutcomeResult
		if len(res.Value) > 0 {
			if err := json.Unmarshal(res.Value, &r); err != nil {
				return err
			}
		}
		fmt.Fprintf(stdout, "outcomes %s of %s: %d precincts: recorded %d, unchanged %d (sha256 %s)\n",
			cfg.OutcomesFile, id, len(rows), r.Recorded, r.Unchanged, source)
		log.Info("outcomes recorded", "election", id.String(), "precincts", len(rows), "recorded", r.Recorded, "unchanged", r.Unchanged)
		return nil
	})
}

// printOutcomeReport prints why file was refused, one problem a line, in
// English, and returns errOutcomesRefused (exit status 1).
func printOutcomeReport(w io.Writer, file string, err error) error {
	msgs := domain.Messages()
	rep, ok := election.ReportOf(err)
	if !ok {
		code, _ := failure.CodeOf(err)
		fmt.Fprintf(w, "outcomes %s: refused: %s (%s)\n", file, msgs.Render(code, "en", failure.ParamsOf(err)), code)
		return fmt.Errorf("%w: %w", errOutcomesRefused, err)
	}
	n := len(rep)
	if c, err := strconv.Atoi(failure.ParamsOf(err)["count"]); err == nil {
		n = c
	}
	fmt.Fprintf(w, "outcomes %s: refused, %d problems; nothing was recorded\nline\tcolumn\treason\n", file, n)
	for _, is := range rep {
		field := is.Field
		if field == "" {
			field = "-"
		}
		fmt.Fprintf(w, "%d\t%s\t%s (%s)\n", is.Line, field, msgs.Render(is.Code, "en", is.Params), is.Code)
	}
	return errOutcomesRefused
}

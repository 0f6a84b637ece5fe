package main

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/cec-kg/tizme/chain"
	cmds "github.com/cec-kg/tizme/commands"
	"github.com/cec-kg/tizme/commands/bus"
	"github.com/cec-kg/tizme/domain/voter"
	"github.com/cec-kg/tizme/eventstore"
	pgmigrate "github.com/cec-kg/tizme/internal/migrate"
	"github.com/cec-kg/tizme/projections"
	"github.com/cec-kg/tizme/readmodels"
)

// settingsMigrations hold values tizme makes once and keeps with the data.
var settingsMigrations = []string{
	`CREATE TABLE tizme_settings (
		name       text PRIMARY KEY,
		value      text NOT NULL,
		created_at timestamptz NOT NULL DEFAULT now())`,
}

// settingVoterKey names the voter-stream key in tizme_settings.
const settingVoterKey = "voter_stream_key"

// voterKey returns the secret key of voter stream names: TIZME_VOTER_KEY
// when set, else the one kept in the database, made on the first start.
//
// WARNING: the key must never change once voter events are stored (every
// voter's stream name is derived from it). Keeping it with the data means
// a restore brings its key along. It protects PINs in stream names, logs
// and URLs; the events themselves hold the PIN, so whoever reads the
// database learns nothing more from the key.
func voterKey(ctx context.Context, cfg Config, pool *pgxpool.Pool) ([]byte, error) {
	if cfg.VoterKey != "" {
		key, err := decodeKey(cfg.VoterKey)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", envVoterKey, err)
		}
		return key, voter.CheckKey(key)
	}
	if err := pgmigrate.Apply(ctx, pool, "settings", settingsMigrations); err != nil {
		return nil, err
	}
	fresh := make([]byte, 32)
	if _, err := rand.Read(fresh); err != nil {
		return nil, err
	}
	if _, err := pool.Exec(ctx, `INSERT INTO tizme_settings (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING`,
		settingVoterKey, hex.EncodeToString(fresh)); err != nil {
		return nil, fmt.Errorf("store the voter-stream key: %w", err)
	}
	var stored string
	if err := pool.QueryRow(ctx, `SELECT value FROM tizme_settings WHERE name = $1`, settingVoterKey).Scan(&stored); err != nil {
		return nil, fmt.Errorf("read the voter-stream key: %w", err)
	}
	key, err := hex.DecodeString(stored)
	if err != nil {
		return nil, fmt.Errorf("the stored voter-stream key is not hex: %w", err)
	}
	return key, voter.CheckKey(key)
}

// decodeKey reads a key written as hex or base64.
func decodeKey(s string) ([]byte, error) {
	s = strings.TrimSpace(s)
	if key, err := hex.DecodeString(s); err == nil {
		return key, nil
	}
	if key, err := base64.StdEncoding.DecodeString(s); err == nil {
		return key, nil
	}
	return nil, errors.New("want hex or base64")
}

// services are the background parts of serve: the command bus with every
// handler, the reactions, and the projection runner.
type services struct {
	Bus *bus.Bus
	// VoterKey is the voter-stream key the handlers use.
	VoterKey []byte
	// Projections reports the read models' state and lag.
	Projections func(context.Context) ([]projections.ProjectionStatus, error)
	// Reactions reports how far the reactions are behind the log.
	Reactions func(context.Context) (projections.ProjectionStatus, error)
	stop      context.CancelFunc
	wg        sync.WaitGroup
	errs      chan error
}

// reactionsName names the reactions in /readyz and the logs.
const reactionsName = "reactions"

// startServices starts the command bus, the reactor and the projection
// runner on events. Close stops them in reverse order.
func startServices(ctx context.Context, cfg Config, db *database, events eventstore.Store, codec *eventstore.Codec, log *slog.Logger) (*services, error) {
	key, err := voterKey(ctx, cfg, db.pool)
	if err != nil {
		return nil, err
	}
	busCfg := bus.Config{Store: events, Codec: codec, Results: db.pool, Logger: log}
	cmdBus, err := bus.New(busCfg)
	if err != nil {
		return nil, err
	}
	// The crowded-address flag counts voters per address from a read model.
	deps := cmds.Deps{VoterKey: key, Addresses: readmodels.AddressCounter{Pool: db.pool}}
	reactions, err := cmds.RegisterAll(cmdBus, deps)
	if err != nil {
		return nil, errors.Join(err, cmdBus.Close())
	}
	if err := cmdBus.Start(ctx); err != nil {
		return nil, errors.Join(err, cmdBus.Close())
	}
	list, _ := readmodels.Registry()
	// The read models' tables exist before any reaction reads them.
	if err := projections.Install(ctx, db.pool, list); err != nil {
		return nil, errors.Join(err, cmdBus.Close())
	}
	// A read model whose tables changed shape since this database was
	// made (a new release over an old data folder) would fail on its
	// first live batch: rebuild it first, from the log, as `tizme rebuild`
	// would.
	if err := rebuildChanged(ctx, db, events, codec, list, log); err != nil {
		return nil, errors.Join(err, cmdBus.Close())
	}
	runner, err := projections.NewRunner(projections.RunnerConfig{
		Pool: db.pool, Store: events, Codec: codec, Projections: list, Logger: log,
	})
	if err != nil {
		return nil, errors.Join(err, cmdBus.Close())
	}
	bg, stop := context.WithCancel(context.WithoutCancel(ctx))
	s := &services{Bus: cmdBus, VoterKey: key, stop: stop, errs: make(chan error, 4)}
	s.Projections = func(ctx context.Context) ([]projections.ProjectionStatus, error) {
		return projections.Lag(ctx, db.pool, events, list)
	}
	reactor := cmds.NewReactor(reactions, "")
	s.Reactions = func(ctx context.Context) (projections.ProjectionStatus, error) {
		from, err := reactor.Checkpoint(ctx)
		if err != nil {
			return projections.ProjectionStatus{}, err
		}
		return projections.ReaderLag(ctx, events, reactionsName, from, cmds.ReactionEventTypes)
	}
	// The hash chain follows the log; a checkpoint is published daily
	// (docs/integrity.md).
	follower := &chain.Follower{Pool: db.pool, Store: events, Logger: log}
	daily := func(ctx context.Context) error { return chain.RunDaily(ctx, db.pool, log, nil) }
	for _, run := range []func(context.Context) error{reactor.Run, runner.Run, follower.Run, daily} {
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			if err := run(bg); err != nil {
				log.Error("background service stopped", "err", err)
				s.errs <- err
			}
		}()
	}
	log.Info("command bus, reactions and projections running", "projections", len(list))
	return s, nil
}

// Close stops the reactor and the projections, then the bus.
func (s *services) Close() error {
	s.stop()
	s.wg.Wait()
	close(s.errs)
	var errs []error
	for err := range s.errs {
		errs = append(errs, err)
	}
	return errors.Join(append(errs, s.Bus.Close())...)
}

// rebuildChanged rebuilds, before the runner starts, every read model
// whose stored table definition differs from the code's.
func rebuildChanged(ctx context.Context, db *database, events eventstore.Store, codec *eventstore.Codec, list []projections.Projection, log *slog.Logger) error {
	statuses, err := projections.Status(ctx, db.pool, events, list)
	if err != nil {
		return err
	}
	for i, st := range statuses {
		if !st.DefinitionChanged {
			continue
		}
		log.Info("read model tables changed: rebuilding before serving", "projection", st.Name)
		res, err := projections.Rebuild(ctx, projections.RebuildConfig{Pool: db.pool, Store: events, Codec: codec, Logger: log}, list[i])
		if err != nil {
			return fmt.Errorf("rebuild %s (its tables changed): %w", st.Name, err)
		}
		log.Info("read model rebuilt", "projection", st.Name, "version", res.Version, "events", res.Events)
	}
	return nil
}

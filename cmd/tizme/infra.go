package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime"
	"strings"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/cec-kg/tizme/chain"
	// Imported as cmds: this package's subcommand table is named commands.
	cmds "github.com/cec-kg/tizme/commands"
	"github.com/cec-kg/tizme/commands/bus"
	"github.com/cec-kg/tizme/domain"
	"github.com/cec-kg/tizme/eventstore"
	"github.com/cec-kg/tizme/eventstore/esdb"
	"github.com/cec-kg/tizme/eventstore/postgres"
	"github.com/cec-kg/tizme/eventstore/postgres/pgserver"
	"github.com/cec-kg/tizme/projections"
	"github.com/cec-kg/tizme/websession"
)

// embeddedDatabase is the database the private PostgreSQL serves.
const embeddedDatabase = "tizme"

// database is the PostgreSQL that holds the read models (and, without
// EVENTSTORE_URL, the events): an external one or a private one.
type database struct {
	pool   *pgxpool.Pool
	server *pgserver.Server // nil for DATABASE_URL
	log    *slog.Logger
}

// defaultPoolConns is the pool size unless the connection string sets
// pool_max_conns: the projections' ownership locks (one connection each),
// the bus, the reactions and the commands of the HTTP handlers (their
// reads have a pool of their own: openReadPool).
const defaultPoolConns = 40

// openDatabase connects to DATABASE_URL, or starts the private PostgreSQL
// in the data folder and connects to its "tizme" database.
func openDatabase(ctx context.Context, cfg Config, log *slog.Logger) (_ *database, err error) {
	db := &database{log: log}
	connString := cfg.DatabaseURL
	if connString == "" {
		srv, err := pgserver.Start(ctx, pgserver.Config{
			DataDir: cfg.DataDir,
			BinDir:  cfg.PGBinDir,
			Durable: true,
			Logger:  log,
		})
		if err != nil {
			if errors.Is(err, pgserver.ErrNoBinaries) {
				return nil, fmt.Errorf("start the private PostgreSQL (or set %s to use a running server): %w", envDatabaseURL, err)
			}
			return nil, fmt.Errorf("start the private PostgreSQL: %w", err)
		}
		db.server = srv
		defer func() {
			if err != nil {
				err = errors.Join(err, srv.Stop())
			}
		}()
		log.Info("private PostgreSQL started", "data_dir", srv.DataDir())
		if err := srv.EnsureDatabase(ctx, embeddedDatabase); err != nil {
			return nil, err
		}
		connString = srv.ConnString(embeddedDatabase)
	}

	poolCfg, err := pgxpool.ParseConfig(connString)
	if err != nil {
		return nil, fmt.Errorf("%s is not a valid PostgreSQL connection string", envDatabaseURL)
	}
	poolCfg.ConnConfig.RuntimeParams["application_name"] = "tizme"
	// pgx's default (4 on two cores) starves the service: each running
	// projection holds a connection for its ownership lock, and the HTTP
	// handlers and the command bus need their own. A pool_max_conns in
	// the connection string still decides.
	if !strings.Contains(connString, "pool_max_conns") {
		poolCfg.MaxConns = defaultPoolConns
	}
	pool, err := pgxpool.NewWithConfig(ctx, poolCfg)
	if err != nil {
		return nil, fmt.Errorf("connect to PostgreSQL: %w", err)
	}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("connect to PostgreSQL at %s:%d: %w", poolCfg.ConnConfig.Host, poolCfg.ConnConfig.Port, err)
	}
	db.pool = pool
	if db.server == nil {
		log.Info("connected to PostgreSQL", "host", poolCfg.ConnConfig.Host, "port", poolCfg.ConnConfig.Port,
			"database", poolCfg.ConnConfig.Database)
	}
	return db, nil
}

// readPoolConns is the size of the pool the HTTP handlers read through
// (openReadPool): four connections a core, from 4 to 32.
func readPoolConns() int32 { return int32(min(max(4*runtime.GOMAXPROCS(0), 4), 32)) }

// openReadPool opens the pool the HTTP handlers read the read models and
// the browser sessions through, beside db's pool (the projections, the
// reactions, the command bus). It is small on purpose: under 64 requests
// in flight on two cores, the handlers' reads through the shared pool had
// up to 30 PostgreSQL backends running at once, taking the cores from
// each other and from the server; through 8 connections the staff desk's
// queue page served 20 % more pages with a p99 of 46 ms instead of 106
// (docs/PERFORMANCE.md, "Reads through a pool of their own"). Its
// connections are opened at start, so a burst of requests does not open
// them. A handler holds at most one of them at a time (the API's tests
// read through a pool of one: api/world_test.go).
func openReadPool(ctx context.Context, db *database) (*pgxpool.Pool, error) {
	cfg := db.pool.Config()
	cfg.ConnConfig.RuntimeParams["application_name"] = "tizme-reads"
	cfg.MaxConns = readPoolConns()
	cfg.MinConns = cfg.MaxConns
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("connect to PostgreSQL: %w", err)
	}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("connect to PostgreSQL: %w", err)
	}
	return pool, nil
}

// Close closes the pool and stops the private PostgreSQL, if any.
func (db *database) Close() error {
	db.pool.Close()
	if db.server == nil {
		return nil
	}
	return db.server.Stop()
}

// migrateDatabase brings the schema up to date. The event store's tables
// are only made when PostgreSQL holds the events.
func migrateDatabase(ctx context.Context, cfg Config, db *database) error {
	if cfg.EventStoreURL == "" {
		if err := postgres.Migrate(ctx, db.pool); err != nil {
			return fmt.Errorf("migrate the event store: %w", err)
		}
	}
	// Command results and reaction checkpoints live in PostgreSQL with
	// either event store.
	if err := bus.Migrate(ctx, db.pool); err != nil {
		return fmt.Errorf("migrate the command results: %w", err)
	}
	if err := cmds.MigrateReactions(ctx, db.pool); err != nil {
		return fmt.Errorf("migrate the reaction checkpoints: %w", err)
	}
	if err := projections.Migrate(ctx, db.pool); err != nil {
		return fmt.Errorf("migrate the projection state: %w", err)
	}
	if err := websession.Migrate(ctx, db.pool); err != nil {
		return fmt.Errorf("migrate the browser sessions: %w", err)
	}
	if err := chain.Migrate(ctx, db.pool); err != nil {
		return fmt.Errorf("migrate the hash chain: %w", err)
	}
	db.log.Info("database schema up to date")
	return nil
}

// openEventStore opens EventStoreDB when EVENTSTORE_URL is set, and the
// PostgreSQL event store otherwise.
func openEventStore(ctx context.Context, cfg Config, db *database, log *slog.Logger) (eventstore.Store, error) {
	if cfg.EventStoreURL != "" {
		store, err := esdb.New(ctx, cfg.EventStoreURL, esdb.Options{Logger: log, Types: domain.NewCodec()})
		if err != nil {
			return nil, fmt.Errorf("connect to EventStoreDB: %w", err)
		}
		log.Info("event store: EventStoreDB")
		return store, nil
	}
	log.Info("event store: PostgreSQL")
	// The store refuses event types the domain does not know.
	return postgres.New(db.pool, postgres.Options{Logger: log, Types: domain.NewCodec()}), nil
}

// withStore opens the database (migrated) and the event store, runs fn, and
// closes both: the frame of every one-shot command that reads the log.
func withStore(ctx context.Context, cfg Config, log *slog.Logger, fn func(db *database, events eventstore.Store) error) (err error) {
	db, err := openDatabase(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, db.Close()) }()
	if err := migrateDatabase(ctx, cfg, db); err != nil {
		return err
	}
	events, err := openEventStore(ctx, cfg, db, log)
	if err != nil {
		return err
	}
	defer func() {
		if cerr := events.Close(); cerr != nil {
			err = errors.Join(err, fmt.Errorf("close the event store: %w", cerr))
		}
	}()
	return fn(db, events)
}

package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/cec-kg/tizme/eventstore"
	pgmigrate "github.com/cec-kg/tizme/internal/migrate"
)

// settingDemoOnly names the marker in tizme_settings that says the log
// holds only the synthetic demo data. The demo loaders write it when they
// fill an empty log; `tizme import` deletes it before appending real
// voters. TIZME_DEV_ISSUER=auto turns the development issuer on only while
// it is there.
const settingDemoOnly = "demo_data_only"

// markDemoOnly records that the log holds only demo data.
func markDemoOnly(ctx context.Context, pool *pgxpool.Pool) error {
	if err := pgmigrate.Apply(ctx, pool, "settings", settingsMigrations); err != nil {
		return err
	}
	if _, err := pool.Exec(ctx, `INSERT INTO tizme_settings (name, value) VALUES ($1, 'true') ON CONFLICT (name) DO NOTHING`,
		settingDemoOnly); err != nil {
		return fmt.Errorf("mark the database as holding demo data only: %w", err)
	}
	return nil
}

// clearDemoOnly records that the log may hold real data. It is done before
// the first real event is appended, so no moment exists when real data
// and the marker are both there.
func clearDemoOnly(ctx context.Context, pool *pgxpool.Pool) error {
	if err := pgmigrate.Apply(ctx, pool, "settings", settingsMigrations); err != nil {
		return err
	}
	if _, err := pool.Exec(ctx, `DELETE FROM tizme_settings WHERE name = $1`, settingDemoOnly); err != nil {
		return fmt.Errorf("clear the demo-data marker: %w", err)
	}
	return nil
}

// demoOnly reports whether the marker is there.
func demoOnly(ctx context.Context, pool *pgxpool.Pool) (bool, error) {
	if err := pgmigrate.Apply(ctx, pool, "settings", settingsMigrations); err != nil {
		return false, err
	}
	var v string
	err := pool.QueryRow(ctx, `SELECT value FROM tizme_settings WHERE name = $1`, settingDemoOnly).Scan(&v)
	if errors.Is(err, pgx.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("read the demo-data marker: %w", err)
	}
	return true, nil
}

// logEmpty reports whether the event log holds no event at all. With the
// events in PostgreSQL it asks the table, not a log reader: a reader sees
// only events below the visibility horizon, which a transaction in flight
// elsewhere in the cluster can hold back.
func logEmpty(ctx context.Context, cfg Config, db *database, events eventstore.Store) (bool, error) {
	if cfg.EventStoreURL == "" {
		var exists bool
		if err := db.pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM es_events)`).Scan(&exists); err != nil {
			return false, fmt.Errorf("read the event log: %w", err)
		}
		return !exists, nil
	}
	page, err := events.ReadAll(ctx, eventstore.ReadAllOptions{Limit: 1})
	if err != nil {
		return false, fmt.Errorf("read the event log: %w", err)
	}
	return len(page.Events) == 0, nil
}

// errDevIssuerOnRealData refuses TIZME_DEV_ISSUER=on over data that is not
// the demo's.
var errDevIssuerOnRealData = errors.New(envDevIssuer + "=on, but this database holds data that was not loaded by the demo " +
	"(tizme import, or events from the API): the development issuer signs a token for anyone who asks, so tizme refuses to start; " +
	"set " + envDevIssuer + "=off and configure " + envOIDCIssuer + ", or use a fresh data folder for a demo")

// devIssuerDecision decides whether serve runs the development issuer:
// off never; auto only for the private PostgreSQL whose log holds only the
// demo data (the marker); on also over an empty log, and refuses to start
// over anything else. DATABASE_URL with on is refused by Config.Validate.
func devIssuerDecision(ctx context.Context, cfg Config, db *database, events eventstore.Store) (bool, error) {
	if cfg.DevIssuer == devIssuerOff || cfg.OIDCIssuer != "" {
		return false, nil
	}
	if cfg.DevIssuer == devIssuerAuto && cfg.DatabaseURL != "" {
		return false, nil
	}
	marked, err := demoOnly(ctx, db.pool)
	if err != nil {
		return false, fmt.Errorf("development issuer: %w", err)
	}
	if marked || cfg.DevIssuer == devIssuerAuto {
		return marked, nil
	}
	empty, err := logEmpty(ctx, cfg, db, events)
	if err != nil {
		return false, fmt.Errorf("development issuer: %w", err)
	}
	if !empty {
		return false, errDevIssuerOnRealData
	}
	return true, nil
}

// Listen addresses when TIZME_HTTP_ADDR is not set: loopback only while the
// development issuer runs (anyone who reaches it can sign in as anyone).
const (
	defaultHTTPAddr   = ":8080"
	devIssuerHTTPAddr = "127.0.0.1:8080"
)

// listenAddr is cfg.HTTPAddr, or the default for whether the development
// issuer runs.
func (c Config) listenAddr(devIssuer bool) string {
	switch {
	case c.HTTPAddr != "":
		return c.HTTPAddr
	case devIssuer:
		return devIssuerHTTPAddr
	}
	return defaultHTTPAddr
}

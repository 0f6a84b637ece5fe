package main

import (
	"context"
	"errors"
	"path/filepath"
	"testing"

	"github.com/cec-kg/tizme/cmd/tizme/internal/demodata"
	"github.com/cec-kg/tizme/eventstore/postgres"
)

// TestDevIssuerOnlyOnDemoData follows a private database from empty through
// the demo loader to an import of real voters (issue 10, item 8): auto
// turns the development issuer on only while the demo loader's marker is
// there, and on refuses to start once the import has cleared it.
func TestDevIssuerOnlyOnDemoData(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	url, pool := newDatabase(t)
	if err := postgres.Migrate(ctx, pool); err != nil {
		t.Fatal(err)
	}
	events := postgres.New(pool, postgres.Options{})
	t.Cleanup(func() { events.Close() })
	db := &database{pool: pool}
	decide := func(setting string) (bool, error) {
		cfg := defaultConfig()
		cfg.DevIssuer = setting // and no DATABASE_URL: the private PostgreSQL
		return devIssuerDecision(ctx, cfg, db, events)
	}
	check := func(stage, setting string, want bool, wantErr error) {
		t.Helper()
		got, err := decide(setting)
		if !errors.Is(err, wantErr) || got != want {
			t.Errorf("%s, %s=%s: on = %v, err = %v; want %v, %v", stage, envDevIssuer, setting, got, err, want, wantErr)
		}
		if off, err := decide(devIssuerOff); off || err != nil {
			t.Errorf("%s, off: on = %v, err = %v", stage, off, err)
		}
	}

	check("empty log", devIssuerAuto, false, nil)
	check("empty log", devIssuerOn, true, nil)

	csvFile := filepath.Join(t.TempDir(), "register.csv")
	mustRun(t, url, "demo-data", "-voters", "20", "-seed", "9", "-csv", csvFile)
	check("demo data", devIssuerAuto, true, nil)
	check("demo data", devIssuerOn, true, nil)

	home, abroad := demodata.Precincts(20)
	waitForPrecincts(t, pool, home+abroad)
	mustRun(t, url, "import", csvFile)
	check("after tizme import", devIssuerAuto, false, nil)
	check("after tizme import", devIssuerOn, false, errDevIssuerOnRealData)

	// More demo data over real data does not make it demo data again.
	mustRun(t, url, "demo-data", "-voters", "20", "-seed", "10")
	check("demo data over real data", devIssuerAuto, false, nil)

	// An identity provider always wins over auto.
	cfg := defaultConfig()
	cfg.OIDCIssuer = "https://id.gov.kg"
	if on, err := devIssuerDecision(ctx, cfg, db, events); on || err != nil {
		t.Errorf("with %s: on = %v, err = %v", envOIDCIssuer, on, err)
	}
}

// TestListenAddrDefault: while the development issuer runs, the default
// address is loopback only; an explicit address is kept.
func TestListenAddrDefault(t *testing.T) {
	t.Parallel()
	cfg := defaultConfig()
	if got := cfg.listenAddr(true); got != "127.0.0.1:8080" {
		t.Errorf("default with the development issuer = %q, want 127.0.0.1:8080", got)
	}
	if got := cfg.listenAddr(false); got != ":8080" {
		t.Errorf("default without it = %q, want :8080", got)
	}
	cfg.HTTPAddr = "0.0.0.0:9000"
	if got := cfg.listenAddr(true); got != "0.0.0.0:9000" {
		t.Errorf("explicit address = %q, want it kept", got)
	}
}

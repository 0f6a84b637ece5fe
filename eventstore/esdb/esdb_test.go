package esdb_test

import (
	"context"
	"io"
	"log/slog"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/cec-kg/tizme/eventstore"
	"github.com/cec-kg/tizme/eventstore/esdb"
	"github.com/cec-kg/tizme/eventstore/esdb/esdbfake"
	"github.com/cec-kg/tizme/eventstore/storetest"
)

// TestConformanceFake runs the port's suite against the wire-level fake:
// it checks the adapter's requests, error mapping and subscription
// handling, not EventStoreDB itself (see TestConformanceServer).
func TestConformanceFake(t *testing.T) {
	t.Parallel()
	var fakes sync.Map // *esdb.Store -> *esdbfake.Server
	newStore := func(t *testing.T, types eventstore.TypeChecker) eventstore.Store {
		fake := startFake(t)
		s := openStore(t, fake.ConnString(), esdb.Options{Types: types})
		fakes.Store(s, fake)
		t.Cleanup(func() { fakes.Delete(s) })
		return s
	}
	fakeOf := func(t *testing.T, s eventstore.Store) *esdbfake.Server {
		t.Helper()
		fake, ok := fakes.Load(s)
		if !ok {
			t.Fatal("store was not made by this harness")
		}
		return fake.(*esdbfake.Server)
	}
	storetest.Run(t, storetest.Harness{
		New:          func(t *testing.T) eventstore.Store { return newStore(t, nil) },
		NewWithTypes: newStore,
		HoldAppend: func(t *testing.T, s eventstore.Store, stream string, events []eventstore.EventData) func() error {
			t.Helper()
			return holdAppend(t, fakeOf(t, s), s, stream, events)
		},
		Disrupt: func(t *testing.T, s eventstore.Store) { fakeOf(t, s).DropSubscriptions() },
	})
}

// TestConformanceServer runs the suite against the EventStoreDB named by
// EVENTSTORE_URL (e.g. esdb://localhost:2113?tls=false), when it is set.
// The suite uses its own stream prefixes, so the server may hold other data.
func TestConformanceServer(t *testing.T) {
	url := serverURL(t)
	t.Parallel()
	newStore := func(t *testing.T, types eventstore.TypeChecker) eventstore.Store {
		return openStore(t, url, esdb.Options{Types: types})
	}
	storetest.Run(t, storetest.Harness{
		New:          func(t *testing.T) eventstore.Store { return newStore(t, nil) },
		NewWithTypes: newStore,
	})
}

func serverURL(t *testing.T) string {
	t.Helper()
	url := os.Getenv("EVENTSTORE_URL")
	if url == "" {
		t.Skip("EVENTSTORE_URL is not set")
	}
	return url
}

func startFake(t *testing.T) *esdbfake.Server {
	t.Helper()
	fake, err := esdbfake.Start()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(fake.Close)
	return fake
}

// openStore connects a store and closes it when the test ends (before the
// fake it may talk to, which was started earlier).
func openStore(t *testing.T, url string, opts esdb.Options) *esdb.Store {
	t.Helper()
	if opts.Logger == nil {
		opts.Logger = quietLogger()
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	s, err := esdb.New(ctx, url, opts)
	if err != nil {
		t.Fatalf("connect to %s: %v", url, err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("close: %v", err)
		}
	})
	return s
}

// holdAppend starts an append that the fake keeps uncommitted until the
// returned function releases it; that function returns the append's error.
func holdAppend(t *testing.T, fake *esdbfake.Server, s eventstore.Store, stream string, events []eventstore.EventData) func() error {
	t.Helper()
	release := fake.HoldNextAppend()
	done := make(chan error, 1)
	go func() {
		_, err := s.Append(context.Background(), stream, eventstore.Any(), events...)
		done <- err
	}()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := fake.WaitHeld(ctx, 1); err != nil {
		release()
		t.Fatalf("the append did not reach the fake: %v", err)
	}
	return func() error {
		release()
		return <-done
	}
}

// quietLogger drops the client's chatter; tests that check logs make
// their own.
func quietLogger() *slog.Logger {
	return slog.New(slog.NewTextHandler(io.Discard, nil))
}

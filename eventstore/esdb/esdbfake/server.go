// Package esdbfake is an in-process gRPC server that speaks enough of the
// EventStoreDB client protocol (the Streams and ServerFeatures services, as
// generated in github.com/EventStore/EventStore-Client-Go/v4/protos) for the
// official Go client to talk to it over plaintext.
//
// It is a wire-level fake, NOT EventStoreDB. It exists so that the esdb
// adapter's requests, error mapping and subscription handling are tested on
// every `go test`, without a server. What it checks is only as good as its
// reading of the protocol; the real server remains the authority, and the
// adapter's tests also run against one when EVENTSTORE_URL is set.
//
// What it models:
//   - an in-memory log; each event gets a global position when it commits
//     (commit == prepare, strictly increasing, not contiguous);
//   - stream revisions and expected-revision checks (any, no stream, stream
//     exists, exact), answering with the WrongExpectedVersion shape the
//     client reads, current revision included;
//   - idempotent re-appends of the same event IDs at the same place;
//   - the maximum append size (1 MiB by default, as in EventStoreDB);
//   - reads of one stream (forwards, backwards, from start, end or a
//     revision; "stream not found") and of $all (forwards, backwards, from
//     start, end or a position);
//   - subscriptions to $all: catch-up then live, filters on stream or event
//     type by prefix or regular expression, and checkpoints every
//     window × multiplier scanned events and at the end of the catch-up.
//
// What it approximates or leaves out: positions are not byte offsets of a
// transaction file; a read or subscription from a position that is neither
// 0, the end of the log nor an event's position fails (EventStoreDB rejects
// positions that are not record boundaries, but with its own rules); the
// idempotency check of an append with expected revision "any" looks at
// every event of the stream, where EventStoreDB only remembers recent event
// IDs; checkpoints are counted per event, where EventStoreDB counts per page
// read; CaughtUp is sent only to clients that announce compatibility ≥ 1;
// there are no system events, no links, no stream metadata, no deletes, no
// batch appends, no persistent subscriptions, no authentication, no TLS and
// no cluster gossip.
//
// Test hooks: HoldNextAppend keeps the next append uncommitted until
// released (it then gets its position at commit time, after events
// committed meanwhile) and WaitHeld tells when it is held;
// DropSubscriptions ends every open read and subscription with
// codes.Unavailable, as a restarting node would; StartOn brings a server
// back on the address of a closed one (with an empty log);
// RepeatSubscriptionStart injects a fault EventStoreDB is not known to
// have, to check that clients deduplicate.
package esdbfake

import (
	"context"
	"errors"
	"fmt"
	"net"
	"sync"
	"time"

	"github.com/EventStore/EventStore-Client-Go/v4/protos/serverfeatures"
	"github.com/EventStore/EventStore-Client-Go/v4/protos/shared"
	api "github.com/EventStore/EventStore-Client-Go/v4/protos/streams"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// DefaultMaxAppendSize is EventStoreDB's default maximum size of one append,
// counted as the server does: data + metadata + twice the event type length.
const DefaultMaxAppendSize = 1 << 20

// ServerVersion is the version the fake reports through ServerFeatures.
const ServerVersion = "24.10.0"

// Server is a running fake. Its methods are safe for concurrent use.
type Server struct {
	grpc *grpc.Server
	lis  net.Listener
	done chan struct{} // closed by Close
	once sync.Once

	db *db
}

// Start starts a fake on 127.0.0.1 at a free port.
func Start() (*Server, error) { return StartOn("127.0.0.1:0") }

// StartOn starts a fake listening on addr (host:port). Tests use it to bring
// a server back on the address of one they closed.
func StartOn(addr string) (*Server, error) {
	lis, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("esdbfake: listen on %s: %w", addr, err)
	}
	s := &Server{
		grpc: grpc.NewServer(),
		lis:  lis,
		done: make(chan struct{}),
		db:   newDB(DefaultMaxAppendSize, time.Now),
	}
	api.RegisterStreamsServer(s.grpc, &streamsService{db: s.db, done: s.done})
	serverfeatures.RegisterServerFeaturesServer(s.grpc, featuresService{})
	go func() {
		// Serve returns when Close stops the server; there is nobody to
		// report another error to, and the client sees it as Unavailable.
		_ = s.grpc.Serve(lis)
	}()
	return s, nil
}

// Addr is the host:port the fake listens on.
func (s *Server) Addr() string { return s.lis.Addr().String() }

// ConnString is the connection string for the official client (plaintext).
func (s *Server) ConnString() string {
	return "esdb://" + s.Addr() + "?tls=false"
}

// Close stops the server at once: open calls fail with Unavailable on the
// client side, and held appends are abandoned (never committed).
func (s *Server) Close() {
	s.once.Do(func() {
		close(s.done)
		s.grpc.Stop()
	})
}

// HoldNextAppend makes the next Append call that reaches the server (after
// this call) wait, with its events received but not committed, until
// release is called. Its expected revision is checked and its position
// assigned when it commits, so events committed meanwhile come first in
// $all. release may be called more than once, and before the append
// arrives (the append then goes through at once).
func (s *Server) HoldNextAppend() (release func()) {
	return s.db.holdNext()
}

// WaitHeld blocks until at least n appends are waiting on a hold, or ctx is
// done. Call it after starting the append you held, so that the next append
// you make is not the one that gets held.
func (s *Server) WaitHeld(ctx context.Context, n int) error {
	return s.db.waitHeld(ctx, n)
}

// DropSubscriptions ends every open Read call (subscriptions included) with
// codes.Unavailable, so clients must resubscribe. Calls started afterwards
// are not affected.
func (s *Server) DropSubscriptions() {
	s.db.dropReads()
}

// SetMaxAppendSize changes the maximum size of one append (see
// DefaultMaxAppendSize).
func (s *Server) SetMaxAppendSize(n int) {
	s.db.mu.Lock()
	defer s.db.mu.Unlock()
	s.db.maxAppendSize = n
}

// RepeatSubscriptionStart is a fault to inject: while on, a subscription
// from a position sends the event at that position again before the ones
// after it. EventStoreDB is not known to do this; it lets tests check that
// a client never delivers an event twice.
func (s *Server) RepeatSubscriptionStart(on bool) {
	s.db.mu.Lock()
	defer s.db.mu.Unlock()
	s.db.repeatStart = on
}

var errDropped = status.Error(codes.Unavailable, "esdbfake: connection dropped by DropSubscriptions")

// errClosed is what a call sees when the server stops under it.
var errClosed = status.Error(codes.Unavailable, "esdbfake: server closed")

type featuresService struct {
	serverfeatures.UnimplementedServerFeaturesServer
}

// GetSupportedMethods lists the methods the fake implements; the client
// reads the version and looks for batch append and persistent subscription
// support, neither of which the fake offers.
func (featuresService) GetSupportedMethods(context.Context, *shared.Empty) (*serverfeatures.SupportedMethods, error) {
	const svc = "event_store.client.streams.streams"
	return &serverfeatures.SupportedMethods{
		EventStoreServerVersion: ServerVersion,
		Methods: []*serverfeatures.SupportedMethod{
			{ServiceName: svc, MethodName: "read"},
			{ServiceName: svc, MethodName: "append"},
		},
	}, nil
}

func invalid(format string, args ...any) error {
	return status.Errorf(codes.InvalidArgument, "esdbfake: "+format, args...)
}

// ctxErr turns a finished call context into the status a client sees.
func ctxErr(ctx context.Context) error {
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return status.Error(codes.DeadlineExceeded, "esdbfake: deadline exceeded")
	}
	return status.Error(codes.Canceled, "esdbfake: call canceled")
}

// Package esdb is the EventStoreDB (KurrentDB) adapter of the event store
// port, for production deployments. It uses the official gRPC client,
// github.com/EventStore/EventStore-Client-Go/v4.
//
// How the port maps onto EventStoreDB:
//   - A stream is an EventStoreDB stream of the same name; a revision is its
//     event number; a Position is the event's commit/prepare position in
//     $all.
//   - Event data is stored as JSON. Our Metadata and the schema version are
//     the event's JSON metadata, with EventStoreDB's "$correlationId" and
//     "$causationId" conventions (see metadataJSON).
//   - Recorded is the server's "created" timestamp.
//   - ReadAll and SubscribeAll never return system events (types or streams
//     starting with "$").
//
// WARNING: EventStoreDB cannot enforce everything the port describes. It
// does not know event IDs stored elsewhere, so Append never reports
// eventstore.ErrDuplicateEventID: re-sending an event ID with an expectation
// that no longer matches its place is a wrong expected version when it is
// the same place, and a new event otherwise (expectation "any"). And the
// server limits the size of one append (1 MiB by default); see
// Options.MaxAppendSize.
package esdb

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"time"

	kurrent "github.com/EventStore/EventStore-Client-Go/v4/esdb"

	"github.com/cec-kg/tizme/eventstore"
)

// ErrClosed means the store was closed.
var ErrClosed = errors.New("esdb: store closed")

// Defaults of Options.
const (
	DefaultCheckpointInterval = 32
	DefaultReadBatch          = 500
	DefaultMaxAppendSize      = 1 << 20 // EventStoreDB's default MaxAppendSize; above eventstore.MaxAppendSize
	DefaultRetryMin           = 50 * time.Millisecond
	DefaultRetryMax           = 2 * time.Second
)

// Options tune a Store. The zero value is usable.
type Options struct {
	// Types, when set, makes Append refuse unknown (type, version) pairs.
	Types eventstore.TypeChecker
	// Logger receives subscription retries and the client's own messages.
	// Default slog.Default().
	Logger *slog.Logger
	// CheckpointInterval is how many events the server scans between two
	// checkpoints of a subscription, matching or not; it is also the
	// server's page size while a subscription catches up. Lower values give
	// a quiet subscriber more checkpoints. Default 32.
	CheckpointInterval int
	// ReadBatch is how many events ReadAll asks the server for at a time.
	// Default 500.
	ReadBatch int
	// MaxAppendSize must not exceed the server's MaxAppendSize setting.
	// Append refuses larger appends with eventstore.ErrEventTooLarge before
	// sending them. The size counts data, metadata and twice the type name,
	// as EventStoreDB does. Default 1 MiB, the server's default.
	MaxAppendSize int
	// RetryMin and RetryMax bound the backoff between resubscriptions.
	// Defaults 50ms and 2s.
	RetryMin, RetryMax time.Duration
}

// Validate reports every invalid option at once.
func (o Options) Validate() error {
	var errs []error
	if o.CheckpointInterval < 0 {
		errs = append(errs, fmt.Errorf("CheckpointInterval %d is negative", o.CheckpointInterval))
	}
	if o.ReadBatch < 0 || o.ReadBatch == 1 {
		errs = append(errs, fmt.Errorf("ReadBatch %d: need 0 (default) or at least 2", o.ReadBatch))
	}
	if o.MaxAppendSize < 0 {
		errs = append(errs, fmt.Errorf("MaxAppendSize %d is negative", o.MaxAppendSize))
	}
	if o.RetryMin < 0 || o.RetryMax < 0 {
		errs = append(errs, fmt.Errorf("negative retry backoff %v..%v", o.RetryMin, o.RetryMax))
	}
	if o.RetryMin > 0 && o.RetryMax > 0 && o.RetryMin > o.RetryMax {
		errs = append(errs, fmt.Errorf("RetryMin %v exceeds RetryMax %v", o.RetryMin, o.RetryMax))
	}
	return errors.Join(errs...)
}

func (o Options) withDefaults() Options {
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.CheckpointInterval == 0 {
		o.CheckpointInterval = DefaultCheckpointInterval
	}
	if o.ReadBatch == 0 {
		o.ReadBatch = DefaultReadBatch
	}
	if o.MaxAppendSize == 0 {
		o.MaxAppendSize = DefaultMaxAppendSize
	}
	if o.RetryMin == 0 {
		o.RetryMin = DefaultRetryMin
	}
	if o.RetryMax == 0 {
		o.RetryMax = max(DefaultRetryMax, o.RetryMin)
	}
	return o
}

// Store is the EventStoreDB event store. It is safe for concurrent use.
type Store struct {
	connString string
	opts       Options
	log        *slog.Logger

	mu     sync.Mutex
	client *kurrent.Client
	closed bool
}

var _ eventstore.Store = (*Store)(nil)

// New connects to the server named by connString (esdb://… or
// esdb+discover://…, as in EVENTSTORE_URL) and checks that it answers.
func New(ctx context.Context, connString string, opts Options) (*Store, error) {
	if err := opts.Validate(); err != nil {
		return nil, fmt.Errorf("esdb: options: %w", err)
	}
	opts = opts.withDefaults()
	s := &Store{connString: connString, opts: opts, log: opts.Logger}
	client, err := s.newClient()
	if err != nil {
		return nil, err
	}
	s.client = client
	if err := s.ping(ctx); err != nil {
		_ = client.Close()
		return nil, fmt.Errorf("esdb: connect: %w", err)
	}
	return s, nil
}

// ping reads one event of a stream nobody writes; "not found" is an answer.
func (s *Store) ping(ctx context.Context) error {
	return s.do(func(c *kurrent.Client) error {
		rs, err := c.ReadStream(ctx, "tizme-connection-check", kurrent.ReadStreamOptions{}, 1)
		if err != nil {
			return err
		}
		defer rs.Close()
		_, err = rs.Recv()
		if err == nil || errors.Is(err, io.EOF) || hasCode(err, kurrent.ErrorCodeResourceNotFound) {
			return nil
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return err
	})
}

func (s *Store) newClient() (*kurrent.Client, error) {
	cfg, err := kurrent.ParseConnectionString(s.connString)
	if err != nil {
		// The parse error may quote the connection string, password
		// included, so it is not wrapped.
		return nil, errors.New("esdb: invalid connection string")
	}
	cfg.Logger = clientLogger(s.log)
	client, err := kurrent.NewClient(cfg)
	if err != nil {
		return nil, fmt.Errorf("esdb: new client: %w", err)
	}
	return client, nil
}

// Close closes the client. Subscriptions then end with ErrClosed.
func (s *Store) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil
	}
	s.closed = true
	return s.client.Close()
}

func (s *Store) current() (*kurrent.Client, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil, ErrClosed
	}
	return s.client, nil
}

// do runs op with the current client. A client whose node discovery failed
// (the server was unreachable for about a second) closes itself for good and
// then answers every call with ErrorCodeConnectionClosed, before sending
// anything; do then replaces it and runs op once more.
func (s *Store) do(op func(*kurrent.Client) error) error {
	c, err := s.current()
	if err != nil {
		return err
	}
	err = op(c)
	if !hasCode(err, kurrent.ErrorCodeConnectionClosed) {
		return err
	}
	if c, err = s.renew(c); err != nil {
		return err
	}
	return op(c)
}

// renew replaces dead with a new client, unless another caller did already.
//
// WARNING: the dead client is dropped, not closed. Its connection goroutine
// has already ended, and closing it could panic a call of it still failing
// (the client reports some failures on the channel that Close closes).
func (s *Store) renew(dead *kurrent.Client) (*kurrent.Client, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil, ErrClosed
	}
	if s.client != dead {
		return s.client, nil
	}
	c, err := s.newClient()
	if err != nil {
		return nil, err
	}
	s.log.Warn("esdb: the client gave up on the server; reconnecting with a new client")
	s.client = c
	return c, nil
}

func hasCode(err error, code kurrent.ErrorCode) bool {
	// Not kurrent.FromError: its ok is true only when err is nil.
	var e *kurrent.Error
	return errors.As(err, &e) && e.Code() == code
}

// clientLogger sends the client's messages to l. The client logs every
// failed call and every ended subscription, ours included, as errors; the
// store logs what matters itself, so they go out at Info and below.
func clientLogger(l *slog.Logger) kurrent.LoggingFunc {
	return func(level kurrent.LogLevel, format string, args ...any) {
		lv := slog.LevelDebug
		if level == kurrent.LogError || level == kurrent.LogWarn {
			lv = slog.LevelInfo
		}
		if !l.Enabled(context.Background(), lv) {
			return
		}
		l.Log(context.Background(), lv, "esdb client: "+fmt.Sprintf(format, args...))
	}
}

// opError turns a client error into the port's terms. A done ctx wins, so
// that callers can test for context.Canceled and DeadlineExceeded.
func opError(ctx context.Context, op string, err error) error {
	if ctxErr := ctx.Err(); ctxErr != nil {
		return fmt.Errorf("%s: %w", op, ctxErr)
	}
	switch {
	case errors.Is(err, ErrClosed):
		return fmt.Errorf("%s: %w", op, err)
	case hasCode(err, kurrent.ErrorCodeResourceNotFound):
		return fmt.Errorf("%s: %w", op, eventstore.ErrStreamNotFound)
	case hasCode(err, kurrent.ErrorCodeStreamDeleted):
		return fmt.Errorf("%s: %w (deleted): %v", op, eventstore.ErrStreamNotFound, err)
	case hasCode(err, kurrent.ErrorCodeDeadlineExceeded):
		return fmt.Errorf("%s: %w: %v", op, context.DeadlineExceeded, err)
	}
	return fmt.Errorf("%s: %w", op, err)
}

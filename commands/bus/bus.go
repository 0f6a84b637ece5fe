package bus

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"reflect"
	"sync"
	"time"

	"github.com/ThreeDotsLabs/watermill"
	"github.com/ThreeDotsLabs/watermill/components/cqrs"
	"github.com/ThreeDotsLabs/watermill/components/requestreply"
	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/ThreeDotsLabs/watermill/pubsub/gochannel"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/cec-kg/tizme/eventstore"
)

// Defaults of Config.
const (
	DefaultHandleTimeout = time.Minute
	DefaultCloseTimeout  = 30 * time.Second
)

// Message metadata keys and topic prefixes.
//
// WARNING: persisted once the bus crosses processes (NATS, Kafka); never
// rename them.
const (
	metaMetadataKey     = "tizme_meta"
	deadlineMetadataKey = "tizme_deadline"
	commandTopicPrefix  = "tizme.command."
	replyTopicPrefix    = "tizme.reply."
)

// PubSub carries command and reply messages.
type PubSub interface {
	message.Publisher
	message.Subscriber
}

// Config configures a Bus.
type Config struct {
	// Store is the event store. Required.
	Store eventstore.Store
	// Codec maps events to their persisted types. Required.
	Codec *eventstore.Codec
	// Results is the PostgreSQL database holding command_results
	// (Migrate) and the reaction checkpoints (MigrateReactions).
	// Required.
	//
	// WARNING: with an event store that is an
	// eventstore.AtomicAppender (the PostgreSQL one), Results must be the
	// store's own database: a command's events and result then commit in
	// one transaction of the store, and rejections and look-ups read the
	// same command_results through Results.
	Results *pgxpool.Pool
	// Errors tells rejections from failures and rebuilds errors after the
	// bus. Domain errors (*failure.Error) need no registration. Default:
	// NewErrors().
	Errors *Errors
	// Retries is how often a command is decided again after a concurrent
	// change to its stream. Default DefaultRetries.
	Retries int
	// HandleTimeout bounds one command's handling when the sender's
	// context has no earlier deadline. Default DefaultHandleTimeout.
	HandleTimeout time.Duration
	// CloseTimeout bounds how long Close waits for commands in progress.
	// Default DefaultCloseTimeout.
	CloseTimeout time.Duration
	// Logger logs every command (never its payload). Default
	// slog.Default().
	Logger *slog.Logger
	// Observe, when set, is called once per handled command: the metrics
	// hook.
	Observe func(Observation)
	// Middleware wraps every handler, outside the standard chain.
	Middleware []Middleware
	// PubSub carries commands and replies. Default: in-process
	// GoChannels owned by the bus. Replies go to one topic per command
	// sent, which a broker must create and drop cheaply.
	PubSub PubSub
}

// Validate reports every problem at once.
func (c Config) Validate() error {
	var errs []error
	if c.Store == nil {
		errs = append(errs, errors.New("missing Store"))
	}
	if c.Codec == nil {
		errs = append(errs, errors.New("missing Codec"))
	}
	if c.Results == nil {
		errs = append(errs, errors.New("missing Results: the PostgreSQL pool holding command_results (with the PostgreSQL event store, the store's own)"))
	}
	if c.Retries < 0 {
		errs = append(errs, fmt.Errorf("negative Retries %d", c.Retries))
	}
	if c.HandleTimeout < 0 {
		errs = append(errs, fmt.Errorf("negative HandleTimeout %v", c.HandleTimeout))
	}
	if c.CloseTimeout < 0 {
		errs = append(errs, fmt.Errorf("negative CloseTimeout %v", c.CloseTimeout))
	}
	return errors.Join(errs...)
}

func (c Config) withDefaults() Config {
	if c.Errors == nil {
		c.Errors = NewErrors()
	}
	if c.Retries == 0 {
		c.Retries = DefaultRetries
	}
	if c.HandleTimeout == 0 {
		c.HandleTimeout = DefaultHandleTimeout
	}
	if c.CloseTimeout == 0 {
		c.CloseTimeout = DefaultCloseTimeout
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	return c
}

// Bus is the command bus: watermill's CQRS command bus and processor
// with request/reply, so that Send returns the handler's answer. Register
// every handler, Start, Send, Close.
type Bus struct {
	cfg  Config
	idem *idempotency
	// pubsub carries commands, replies the answers; they are the same
	// unless the bus owns them.
	pubsub, replies PubSub
	own             bool
	router          *message.Router
	commands        *cqrs.CommandBus
	processor       *cqrs.CommandProcessor
	backend         *requestreply.PubSubBackend[Result]

	mu      sync.RWMutex
	names   map[string]struct{}
	started bool
	closed  bool
	done    chan error // Router.Run's return
}

// New builds a bus. Handlers are added with Register before Start.
func New(cfg Config) (*Bus, error) {
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("commands: bus config: %w", err)
	}
	cfg = cfg.withDefaults()
	b := &Bus{
		cfg:     cfg,
		idem:    newIdempotency(cfg.Results, cfg.Store, cfg.Errors),
		pubsub:  cfg.PubSub,
		replies: cfg.PubSub,
		names:   map[string]struct{}{},
		done:    make(chan error, 1),
	}
	// Watermill's own Info messages (handlers starting, stopping) are
	// Debug here: the command log is ours.
	wlog := watermill.NewSlogLoggerWithLevelMapping(cfg.Logger, map[slog.Level]slog.Level{slog.LevelInfo: slog.LevelDebug})
	if b.pubsub == nil {
		b.pubsub = gochannel.NewGoChannel(gochannel.Config{}, wlog)
		// A reply is published only once it was delivered, so that a
		// handler that ended has answered: Close closes the channels only
		// after the handlers ended, and no answer is lost in transit.
		// Commands must not block so: GoChannel holds the topic's lock
		// while it waits, which would handle one command at a time.
		b.replies = gochannel.NewGoChannel(gochannel.Config{BlockPublishUntilSubscriberAck: true}, wlog)
		b.own = true
	}
	marshaler := cqrs.JSONMarshaler{GenerateName: commandName}

	var err error
	if b.router, err = message.NewRouter(message.RouterConfig{CloseTimeout: cfg.CloseTimeout}, wlog); err != nil {
		return nil, fmt.Errorf("commands: router: %w", err)
	}
	b.commands, err = cqrs.NewCommandBusWithConfig(b.pubsub, cqrs.CommandBusConfig{
		GeneratePublishTopic: func(p cqrs.CommandBusGeneratePublishTopicParams) (string, error) {
			return commandTopicPrefix + p.CommandName, nil
		},
		OnSend: func(p cqrs.CommandBusOnSendParams) error {
			return writeMessageContext(p.Message)
		},
		Marshaler: marshaler,
		Logger:    wlog,
	})
	if err != nil {
		return nil, fmt.Errorf("commands: command bus: %w", err)
	}
	b.processor, err = cqrs.NewCommandProcessorWithConfig(b.router, cqrs.CommandProcessorConfig{
		GenerateSubscribeTopic: func(p cqrs.CommandProcessorGenerateSubscribeTopicParams) (string, error) {
			return commandTopicPrefix + p.CommandName, nil
		},
		SubscriberConstructor: func(cqrs.CommandProcessorSubscriberConstructorParams) (message.Subscriber, error) {
			return keepOpen{b.pubsub}, nil
		},
		Marshaler: marshaler,
		Logger:    wlog,
	})
	if err != nil {
		return nil, fmt.Errorf("commands: command processor: %w", err)
	}
	b.backend, err = requestreply.NewPubSubBackend[Result](requestreply.PubSubBackendConfig{
		Publisher: b.replies,
		SubscriberConstructor: func(requestreply.PubSubBackendSubscribeParams) (message.Subscriber, error) {
			return b.replies, nil
		},
		GeneratePublishTopic: func(p requestreply.PubSubBackendPublishParams) (string, error) {
			return replyTopicPrefix + string(p.OperationID), nil
		},
		GenerateSubscribeTopic: func(p requestreply.PubSubBackendSubscribeParams) (string, error) {
			return replyTopicPrefix + string(p.OperationID), nil
		},
		Logger: wlog,
		// A failed command is answered, not redelivered: the caller
		// decides whether to send it again (with the same key).
		AckCommandErrors: true,
	}, replyMarshaler{errs: cfg.Errors})
	if err != nil {
		return nil, fmt.Errorf("commands: reply backend: %w", err)
	}
	return b, nil
}

// commandName is the marshaler's naming: the command's own persisted
// name, as cqrs.NamedStruct does with Name(), so that renaming a Go type
// never renames a command.
func commandName(v any) string {
	if c, ok := v.(interface{ CommandName() string }); ok {
		return c.CommandName()
	}
	return ""
}

// Register adds the handler of command C, built from its Decider and
// wrapped in the standard decorators. C must be a struct type (not a
// pointer) with a value-receiver CommandName. Register before Start.
func Register[C Command, P any, T Aggregate](b *Bus, d Decider[C, P, T]) error {
	if d.Target == nil || d.Decide == nil {
		return fmt.Errorf("commands: register %v: the Decider needs Target and Decide", reflect.TypeFor[C]())
	}
	if reflect.TypeFor[C]().Kind() != reflect.Struct {
		return fmt.Errorf("commands: register %v: commands are structs, used by value", reflect.TypeFor[C]())
	}
	var zero C
	name := zero.CommandName()
	if name == "" {
		return fmt.Errorf("commands: register %v: empty CommandName", reflect.TypeFor[C]())
	}

	b.mu.Lock()
	defer b.mu.Unlock()
	switch {
	case b.started || b.closed:
		return fmt.Errorf("commands: register %s: the bus is already started", name)
	case hasName(b.names, name):
		return fmt.Errorf("commands: register %s: a handler is already registered", name)
	}
	h := chain(core(b.cfg.Store, b.cfg.Codec, b.cfg.Errors, d), b.cfg.Middleware, b.cfg.Logger, b.cfg.Observe, b.cfg.Errors, b.idem, b.cfg.Retries)
	handler := requestreply.NewCommandHandlerWithResult[C, Result](name, b.backend, func(ctx context.Context, cmd *C) (Result, error) {
		ctx, cancel, err := readMessageContext(ctx, b.cfg.HandleTimeout)
		if err != nil {
			return Result{}, err
		}
		defer cancel()
		return h(ctx, *cmd)
	})
	if err := b.processor.AddHandlers(handler); err != nil {
		return fmt.Errorf("commands: register %s: %w", name, err)
	}
	b.names[name] = struct{}{}
	return nil
}

func hasName(names map[string]struct{}, name string) bool {
	_, ok := names[name]
	return ok
}

// Handles reports whether a handler is registered for the command with
// this persisted name: a sender of optional commands (the reactions) skips
// those not registered.
func (b *Bus) Handles(name string) bool {
	b.mu.RLock()
	defer b.mu.RUnlock()
	return hasName(b.names, name)
}

// Store returns the event store the bus's handlers load from and append
// to (Config.Store), for handlers that read other aggregates.
func (b *Bus) Store() eventstore.Store { return b.cfg.Store }

// Codec returns the bus's event codec (Config.Codec).
func (b *Bus) Codec() *eventstore.Codec { return b.cfg.Codec }

// Results returns the PostgreSQL database of command_results
// (Config.Results), which also holds tables of the bus's users, such as
// the reaction checkpoints.
func (b *Bus) Results() *pgxpool.Pool { return b.cfg.Results }

// Logger returns the bus's logger (Config.Logger, or its default).
func (b *Bus) Logger() *slog.Logger { return b.cfg.Logger }

// Start runs the bus's handlers in the background and returns once they
// listen. ctx bounds only the start: Close stops the bus.
func (b *Bus) Start(ctx context.Context) error {
	b.mu.Lock()
	if b.started || b.closed {
		b.mu.Unlock()
		return errors.New("commands: bus already started or closed")
	}
	b.started = true
	b.mu.Unlock()
	// The router runs on a context of its own: cancelling it would cancel
	// the commands in progress instead of letting Close wait for them.
	go func() { b.done <- b.router.Run(context.Background()) }()
	select {
	case <-b.router.Running():
		return nil
	case err := <-b.done:
		b.done <- err
		return fmt.Errorf("commands: start the bus: %w", err)
	case <-ctx.Done():
		return fmt.Errorf("commands: start the bus: %w", ctx.Err())
	}
}

// Send hands cmd to its handler and waits for the answer: the handler's
// Result, or its error rebuilt from its code (a *WireError), so that
// errors.Is(err, sentinel) holds for every registered sentinel (see
// Errors). The Meta of ctx (WithMeta) and its deadline travel with the
// command.
//
// A command without an idempotency key, or without a handler, is refused
// here (ErrMissingIdempotencyKey, ErrUnknownCommand).
func (b *Bus) Send(ctx context.Context, cmd Command) (Result, error) {
	if err := ValidateKey(cmd.Key()); err != nil {
		return Result{}, err
	}
	name := cmd.CommandName()
	b.mu.RLock()
	started, closed, known := b.started, b.closed, hasName(b.names, name)
	b.mu.RUnlock()
	switch {
	case closed:
		return Result{}, fmt.Errorf("send %s: %w", name, ErrBusClosed)
	case !started:
		return Result{}, fmt.Errorf("send %s: commands: bus not started", name)
	case !known:
		return Result{}, fmt.Errorf("send %s: %w", name, ErrUnknownCommand)
	}
	reply, err := requestreply.SendWithReply[Result](ctx, b.commands, b.backend, cmd)
	if err != nil {
		if ctx.Err() != nil {
			return Result{}, fmt.Errorf("send %s: %w", name, ctx.Err())
		}
		return Result{}, fmt.Errorf("send %s: %w", name, err)
	}
	if reply.Error != nil {
		var timeout requestreply.ReplyTimeoutError
		if errors.As(reply.Error, &timeout) {
			// The wait ended without an answer: the caller gave up, or the
			// bus closed under it.
			if ctx.Err() != nil {
				return Result{}, fmt.Errorf("send %s: %w", name, ctx.Err())
			}
			return Result{}, fmt.Errorf("send %s: %w (%v)", name, ErrBusClosed, reply.Error)
		}
		return Result{}, reply.Error
	}
	return reply.HandlerResult, nil
}

// Close stops taking commands, waits (up to CloseTimeout) for those in
// progress to be handled and answered, and releases the bus.
func (b *Bus) Close() error {
	b.mu.Lock()
	if b.closed {
		b.mu.Unlock()
		return nil
	}
	b.closed = true
	started := b.started
	b.mu.Unlock()

	var errs []error
	if started {
		// The router returns once every handler in progress has ended,
		// its reply delivered.
		errs = append(errs, b.router.Close(), <-b.done)
	}
	if b.own {
		// A command sent after its handler stopped listening is answered
		// now: its wait ends with ErrBusClosed.
		errs = append(errs, b.pubsub.Close(), b.replies.Close())
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("commands: close the bus: %w", err)
	}
	return nil
}

// keepOpen is the pub/sub as the router's subscriber. The router closes
// its subscribers as soon as it starts closing, which would cut the
// replies of the commands it still waits for; the bus closes the pub/sub
// itself, after the router.
type keepOpen struct{ message.Subscriber }

func (keepOpen) Close() error { return nil }

// writeMessageContext puts the sender's Meta and deadline on a command
// message.
func writeMessageContext(msg *message.Message) error {
	ctx := msg.Context()
	if m := MetaFrom(ctx); m != (Meta{}) {
		b, err := json.Marshal(m)
		if err != nil {
			return err
		}
		msg.Metadata.Set(metaMetadataKey, string(b))
	}
	if d, ok := ctx.Deadline(); ok {
		msg.Metadata.Set(deadlineMetadataKey, d.UTC().Format(time.RFC3339Nano))
	}
	return nil
}

// readMessageContext gives a handler its context: the Meta and deadline
// sent with the command message, without the cancellation of the
// subscription (Close lets a command in progress finish), and at most
// timeout long.
func readMessageContext(ctx context.Context, timeout time.Duration) (context.Context, context.CancelFunc, error) {
	msg := cqrs.OriginalMessageFromCtx(ctx)
	ctx = context.WithoutCancel(ctx)
	deadline := time.Now().Add(timeout)
	if msg == nil {
		c, cancel := context.WithDeadline(ctx, deadline)
		return c, cancel, nil
	}
	if raw := msg.Metadata.Get(metaMetadataKey); raw != "" {
		var m Meta
		if err := json.Unmarshal([]byte(raw), &m); err != nil {
			return nil, nil, fmt.Errorf("commands: metadata of message %s: %w", msg.UUID, err)
		}
		ctx = WithMeta(ctx, m)
	}
	if raw := msg.Metadata.Get(deadlineMetadataKey); raw != "" {
		d, err := time.Parse(time.RFC3339Nano, raw)
		if err != nil {
			return nil, nil, fmt.Errorf("commands: deadline of message %s: %w", msg.UUID, err)
		}
		if d.Before(deadline) {
			deadline = d
		}
	}
	c, cancel := context.WithDeadline(ctx, deadline)
	return c, cancel, nil
}

// wireReply is a reply message's payload.
type wireReply struct {
	Result *Result    `json:"result,omitempty"`
	Error  *wireError `json:"error,omitempty"`
}

// replyMarshaler carries a handler's error as its code, text and
// parameters, and rebuilds it from the registry, where watermill's JSON
// marshaler would keep only the text.
type replyMarshaler struct{ errs *Errors }

func (m replyMarshaler) MarshalReply(p requestreply.BackendOnCommandProcessedParams[Result]) (*message.Message, error) {
	var w wireReply
	if p.HandleErr != nil {
		e := m.errs.encode(p.HandleErr)
		w.Error = &e
	} else {
		r := p.HandlerResult
		w.Result = &r
	}
	b, err := json.Marshal(w)
	if err != nil {
		return nil, fmt.Errorf("commands: marshal reply: %w", err)
	}
	return message.NewMessage(watermill.NewUUID(), b), nil
}

func (m replyMarshaler) UnmarshalReply(msg *message.Message) (requestreply.Reply[Result], error) {
	var w wireReply
	if err := json.Unmarshal(msg.Payload, &w); err != nil {
		return requestreply.Reply[Result]{}, fmt.Errorf("commands: unmarshal reply: %w", err)
	}
	switch {
	case w.Error != nil:
		return requestreply.Reply[Result]{Error: m.errs.decode(*w.Error)}, nil
	case w.Result != nil:
		return requestreply.Reply[Result]{HandlerResult: *w.Result}, nil
	}
	return requestreply.Reply[Result]{}, errors.New("commands: empty reply")
}

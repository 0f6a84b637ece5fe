package commands_test

import (
	"context"
	"errors"
	"maps"
	"strings"
	"testing"

	"github.com/google/uuid"

	"github.com/cec-kg/tizme/commands/bus"
	"github.com/cec-kg/tizme/domain/failure"
	"github.com/cec-kg/tizme/eventstore"
)

func TestBusRoundTrip(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, be backend) {
		b := newBench(t, be, benchOptions{})
		id := uuid.NewString()

		res := b.mustSend(t, Deposit{Envelope: env(key()), Account: id, Amount: 7})
		if res.Stream != "account-"+id || res.Revision != 0 || res.Events != 1 || res.Replayed {
			t.Fatalf("first deposit: %+v", res)
		}
		if got := decode[balance](t, res).Balance; got != 7 {
			t.Fatalf("balance answered %d, want 7", got)
		}
		res = b.mustSend(t, Withdraw{Envelope: env(key()), Account: id, Amount: 3})
		if res.Revision != 1 || decode[balance](t, res).Balance != 4 {
			t.Fatalf("withdrawal: %+v", res)
		}
		if got := b.balance(t, id); got != 4 {
			t.Fatalf("stored balance %d, want 4", got)
		}
	})
}

func TestBusKeepsErrorIdentity(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, be backend) {
		b := newBench(t, be, benchOptions{})
		id := uuid.NewString()
		b.mustSend(t, Deposit{Envelope: env(key()), Account: id, Amount: 2})

		t.Run("typed rejection with parameters", func(t *testing.T) {
			_, err := b.send(t, Withdraw{Envelope: env(key()), Account: id, Amount: 100})
			if !errors.Is(err, ErrInsufficientFunds) || !errors.Is(err, bus.ErrRejected) {
				t.Fatalf("err %v: want ErrInsufficientFunds and ErrRejected", err)
			}
			var w *bus.WireError
			if !errors.As(err, &w) || w.Code() != "account.insufficient_funds" {
				t.Fatalf("err %v: want a *WireError with code account.insufficient_funds", err)
			}
			if want := map[string]string{"need": "100", "have": "2"}; !maps.Equal(w.Params(), want) {
				t.Errorf("params %v, want %v", w.Params(), want)
			}
			if err.Error() != "insufficient funds: need 100, have 2" {
				t.Errorf("text %q", err.Error())
			}
			if code, ok := failure.CodeOf(err); !ok || code != ErrInsufficientFunds.Code() {
				t.Errorf("failure.CodeOf: %q, %v", code, ok)
			}
		})
		t.Run("failure.With rejection", func(t *testing.T) {
			b.mustSend(t, Claim{Envelope: env(key()), Account: id, By: "a"})
			_, err := b.send(t, Claim{Envelope: env(key()), Account: id, By: "b"})
			if !errors.Is(err, ErrAlreadyClaimed) || errors.Is(err, ErrInsufficientFunds) || !errors.Is(err, bus.ErrRejected) {
				t.Fatalf("err %v: want ErrAlreadyClaimed only", err)
			}
			if p := failure.ParamsOf(err); p["by"] != "a" {
				t.Errorf("failure.ParamsOf: %v", p)
			}
		})
		t.Run("registered failure sentinel", func(t *testing.T) {
			_, err := b.send(t, Deposit{Envelope: env(key()), Account: id, Amount: -1})
			var f *failure.Error
			if !errors.Is(err, ErrBadAmount) || !errors.As(err, &f) || f != ErrBadAmount {
				t.Fatalf("err %v: want ErrBadAmount itself in the chain", err)
			}
		})
		t.Run("registered plain rejection", func(t *testing.T) {
			k := key()
			for range 2 {
				_, err := b.send(t, Fail{Envelope: env(k), Account: id, How: "frozen"})
				if !errors.Is(err, ErrFrozen) || !errors.Is(err, bus.ErrRejected) {
					t.Fatalf("err %v: want ErrFrozen", err)
				}
			}
		})
		t.Run("unregistered error", func(t *testing.T) {
			_, err := b.send(t, Fail{Envelope: env(key()), Account: id, How: "error"})
			if !errors.Is(err, bus.ErrFailed) || errors.Is(err, bus.ErrRejected) || !strings.Contains(err.Error(), "disk on fire") {
				t.Fatalf("err %v: want ErrFailed with the text kept", err)
			}
		})
		t.Run("panic", func(t *testing.T) {
			_, err := b.send(t, Fail{Envelope: env(key()), Account: id, How: "panic"})
			if !errors.Is(err, bus.ErrPanicked) {
				t.Fatalf("err %v: want ErrPanicked", err)
			}
		})
		t.Run("unmarshalable answer writes nothing", func(t *testing.T) {
			other := uuid.NewString()
			if _, err := b.send(t, Fail{Envelope: env(key()), Account: other, How: "unmarshalable"}); err == nil {
				t.Fatal("no error")
			}
			if n := len(b.events(t, "account-"+other)); n != 0 {
				t.Fatalf("%d events written", n)
			}
		})
	})
}

func TestBusRefusesBadCommands(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, be backend) {
		b := newBench(t, be, benchOptions{})
		for _, tc := range []struct {
			name string
			cmd  bus.Command
			want error
		}{
			{"missing key", Deposit{Account: "x", Amount: 1}, bus.ErrMissingIdempotencyKey},
			{"control character in key", Deposit{Envelope: env("a\nb"), Account: "x", Amount: 1}, bus.ErrInvalidIdempotencyKey},
			{"key too long", Deposit{Envelope: env(strings.Repeat("k", bus.MaxKeyLength+1)), Account: "x", Amount: 1}, bus.ErrInvalidIdempotencyKey},
			{"no handler", Unregistered{Envelope: env(key())}, bus.ErrUnknownCommand},
		} {
			t.Run(tc.name, func(t *testing.T) {
				if _, err := b.send(t, tc.cmd); !errors.Is(err, tc.want) {
					t.Fatalf("err %v, want %v", err, tc.want)
				}
			})
		}
		if n := b.hooks.decides.Load(); n != 0 {
			t.Fatalf("%d decisions made for refused commands", n)
		}
		if n := len(b.events(t, "account-x")); n != 0 {
			t.Fatalf("%d events written", n)
		}
	})
}

func TestMetadataOnEveryEvent(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, be backend) {
		b := newBench(t, be, benchOptions{})
		id := uuid.NewString()
		meta := bus.Meta{CorrelationID: "corr-1", CausationID: "event-9", Actor: "staff-42", AuthMethod: "cloud-signature", RequestID: "req-5"}
		ctx := bus.WithMeta(ctxFor(t), meta)
		if _, err := b.bus.Send(ctx, Deposit{Envelope: env(key()), Account: id, Amount: 1, Times: 3}); err != nil {
			t.Fatal(err)
		}
		k := key()
		if _, err := b.bus.Send(ctxFor(t), Deposit{Envelope: env(k), Account: id, Amount: 1}); err != nil {
			t.Fatal(err)
		}
		evs := b.events(t, "account-"+id)
		if len(evs) != 4 {
			t.Fatalf("%d events, want 4", len(evs))
		}
		want := eventstore.Metadata{CorrelationID: "corr-1", CausationID: "event-9", Actor: "staff-42", AuthMethod: "cloud-signature", RequestID: "req-5"}
		for i, e := range evs[:3] {
			if e.Metadata != want {
				t.Errorf("event %d: metadata %+v, want %+v", i, e.Metadata, want)
			}
		}
		// Without Meta, the command is its own cause and starts its own
		// correlation.
		if got, want := evs[3].Metadata, (eventstore.Metadata{CorrelationID: k, CausationID: k}); got != want {
			t.Errorf("event without meta: %+v, want %+v", got, want)
		}
	})
}

func TestMetaContext(t *testing.T) {
	t.Parallel()
	if m := bus.MetaFrom(context.Background()); m != (bus.Meta{}) {
		t.Fatalf("meta from an empty context: %+v", m)
	}
	m := bus.Meta{Actor: "a"}
	if got := bus.MetaFrom(bus.WithMeta(context.Background(), m)); got != m {
		t.Fatalf("got %+v", got)
	}
}

func TestBusCloseLetsCommandsFinish(t *testing.T) {
	t.Parallel()
	entered, release := make(chan struct{}), make(chan struct{})
	h := &hooks{inside: func() {
		close(entered)
		<-release
	}}
	b := newBench(t, backends[0], benchOptions{hooks: h})
	id := uuid.NewString()
	sent := make(chan error, 1)
	go func() {
		_, err := b.bus.Send(ctxFor(t), Deposit{Envelope: env(key()), Account: id, Amount: 1})
		sent <- err
	}()
	<-entered
	closed := make(chan error, 1)
	go func() { closed <- b.bus.Close() }()
	close(release)
	if err := <-sent; err != nil {
		t.Fatalf("command in progress during Close: %v", err)
	}
	if err := <-closed; err != nil {
		t.Fatalf("close: %v", err)
	}
	if _, err := b.send(t, Deposit{Envelope: env(key()), Account: id, Amount: 1}); !errors.Is(err, bus.ErrBusClosed) {
		t.Fatalf("send after close: %v, want ErrBusClosed", err)
	}
	if got := b.balance(t, id); got != 1 {
		t.Fatalf("balance %d, want 1", got)
	}
}

func TestBusConfig(t *testing.T) {
	t.Parallel()
	err := bus.Config{Retries: -1}.Validate()
	for _, want := range []string{"Store", "Codec", "Results", "Retries"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Validate: %v, want a problem with %s", err, want)
		}
	}
}

func TestRegister(t *testing.T) {
	t.Parallel()
	b := newBench(t, backends[0], benchOptions{})
	d := bus.Decider[Deposit, struct{}, *account]{
		Target: func(c Deposit, _ struct{}) *account { return newAccount(c.Account) },
		Decide: func(context.Context, *account, Deposit, struct{}) (any, error) { return nil, nil },
	}
	if err := bus.Register(b.bus, d); err == nil {
		t.Fatal("registered on a started bus")
	}
	cmdBus, err := bus.New(bus.Config{Store: b.store, Codec: b.codec, Results: b.pool, Logger: quietLogger()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmdBus.Close() })
	must(t, bus.Register(cmdBus, d))
	if err := bus.Register(cmdBus, d); err == nil {
		t.Fatal("registered the same command twice")
	}
	if err := bus.Register(cmdBus, bus.Decider[Deposit, struct{}, *account]{}); err == nil {
		t.Fatal("registered a Decider without functions")
	}
}

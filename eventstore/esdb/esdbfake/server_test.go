package esdbfake_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	kurrent "github.com/EventStore/EventStore-Client-Go/v4/esdb"
	"github.com/EventStore/EventStore-Client-Go/v4/protos/shared"
	api "github.com/EventStore/EventStore-Client-Go/v4/protos/streams"
	"github.com/google/uuid"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/status"

	"github.com/cec-kg/tizme/eventstore/esdb/esdbfake"
)

func start(t *testing.T) (*esdbfake.Server, *kurrent.Client) {
	t.Helper()
	fake, err := esdbfake.Start()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(fake.Close)
	cfg, err := kurrent.ParseConnectionString(fake.ConnString())
	if err != nil {
		t.Fatal(err)
	}
	cfg.Logger = kurrent.NoopLogging()
	c, err := kurrent.NewClient(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close() })
	return fake, c
}

func ctxFor(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func events(n int) []kurrent.EventData {
	out := make([]kurrent.EventData, n)
	for i := range out {
		out[i] = kurrent.EventData{EventID: uuid.New(), EventType: fmt.Sprintf("T%d", i), ContentType: kurrent.ContentTypeJson, Data: []byte(`{}`)}
	}
	return out
}

func collect(rs *kurrent.ReadStream, err error) ([]*kurrent.RecordedEvent, error) {
	if err != nil {
		return nil, err
	}
	defer rs.Close()
	var out []*kurrent.RecordedEvent
	for {
		ev, err := rs.Recv()
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return out, err
		}
		out = append(out, ev.OriginalEvent())
	}
}

// TestWrongExpectedVersionShape checks what the client makes of the fake's
// answer, for every expectation.
func TestWrongExpectedVersionShape(t *testing.T) {
	t.Parallel()
	_, c := start(t)
	ctx := ctxFor(t)
	if _, err := c.AppendToStream(ctx, "s", kurrent.AppendToStreamOptions{ExpectedRevision: kurrent.NoStream{}}, events(3)...); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		stream string
		exp    kurrent.ExpectedRevision
		want   string
	}{
		{"s", kurrent.NoStream{}, "expecting 'no_stream' but got '2'"},
		{"s", kurrent.Revision(7), "expecting '7' but got '2'"},
		{"missing", kurrent.StreamExists{}, "expecting 'stream_exists' but got 'no_stream'"},
		{"missing", kurrent.Revision(0), "expecting '0' but got 'no_stream'"},
	}
	for _, tc := range cases {
		_, err := c.AppendToStream(ctx, tc.stream, kurrent.AppendToStreamOptions{ExpectedRevision: tc.exp}, events(1)...)
		var e *kurrent.Error
		if !errors.As(err, &e) || e.Code() != kurrent.ErrorCodeWrongExpectedVersion || !strings.HasSuffix(err.Error(), tc.want) {
			t.Errorf("%s %T: err = %v, want wrong expected version %q", tc.stream, tc.exp, err, tc.want)
		}
	}
}

func TestReads(t *testing.T) {
	t.Parallel()
	_, c := start(t)
	ctx := ctxFor(t)
	before := time.Now()
	for _, s := range []string{"a", "b", "a"} {
		if _, err := c.AppendToStream(ctx, s, kurrent.AppendToStreamOptions{}, events(2)...); err != nil {
			t.Fatal(err)
		}
	}
	all, err := collect(c.ReadAll(ctx, kurrent.ReadAllOptions{}, 100))
	if err != nil || len(all) != 6 {
		t.Fatalf("read $all: %d events, %v", len(all), err)
	}
	for i, e := range all {
		if e.Position.Commit != e.Position.Prepare || i > 0 && e.Position.Commit <= all[i-1].Position.Commit {
			t.Errorf("event %d at %v: want commit == prepare, increasing", i, e.Position)
		}
		if e.CreatedDate.Before(before.Add(-time.Second)) || e.CreatedDate.After(time.Now().Add(time.Second)) {
			t.Errorf("event %d created %v, want about now", i, e.CreatedDate)
		}
	}
	back, err := collect(c.ReadAll(ctx, kurrent.ReadAllOptions{Direction: kurrent.Backwards, From: all[4].Position}, 2))
	if err != nil || len(back) != 2 || back[0].EventID != all[3].EventID || back[1].EventID != all[2].EventID {
		t.Errorf("read $all backwards from the 5th: %v, %v; want the 4th and 3rd", back, err)
	}
	from, err := collect(c.ReadAll(ctx, kurrent.ReadAllOptions{From: all[4].Position}, 10))
	if err != nil || len(from) != 2 || from[0].EventID != all[4].EventID {
		t.Errorf("read $all from the 5th: %d events, %v; want 2, starting with it", len(from), err)
	}
	odd := all[4].Position
	odd.Commit++
	odd.Prepare++
	if _, err := collect(c.ReadAll(ctx, kurrent.ReadAllOptions{From: odd}, 10)); err == nil {
		t.Error("read from a position inside an event succeeded")
	}
	a, err := collect(c.ReadStream(ctx, "a", kurrent.ReadStreamOptions{Direction: kurrent.Backwards, From: kurrent.End{}}, 3))
	if err != nil || len(a) != 3 || a[0].EventNumber != 3 || a[2].EventNumber != 1 {
		t.Errorf("read a backwards from the end: %v, %v", a, err)
	}
	_, err = collect(c.ReadStream(ctx, "c", kurrent.ReadStreamOptions{}, 3))
	var e *kurrent.Error
	if !errors.As(err, &e) || e.Code() != kurrent.ErrorCodeResourceNotFound {
		t.Errorf("read a missing stream: %v, want ResourceNotFound", err)
	}
}

// TestRawProtocol sends what the Go client never does: string UUIDs, a
// filter without a window, and compatibility 1 (CaughtUp).
func TestRawProtocol(t *testing.T) {
	t.Parallel()
	fake, c := start(t)
	ctx := ctxFor(t)
	if _, err := c.AppendToStream(ctx, "voter-1", kurrent.AppendToStreamOptions{}, events(3)...); err != nil {
		t.Fatal(err)
	}
	conn, err := grpc.NewClient(fake.Addr(), grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = conn.Close() })
	read, err := api.NewStreamsClient(conn).Read(ctx, &api.ReadReq{Options: &api.ReadReq_Options{
		StreamOption: &api.ReadReq_Options_All{All: &api.ReadReq_Options_AllOptions{
			AllOption: &api.ReadReq_Options_AllOptions_Start{Start: &shared.Empty{}},
		}},
		CountOption: &api.ReadReq_Options_Subscription{Subscription: &api.ReadReq_Options_SubscriptionOptions{}},
		FilterOption: &api.ReadReq_Options_Filter{Filter: &api.ReadReq_Options_FilterOptions{
			Filter: &api.ReadReq_Options_FilterOptions_StreamIdentifier{StreamIdentifier: &api.ReadReq_Options_FilterOptions_Expression{
				Prefix: []string{"voter-"},
			}},
			Window:                       &api.ReadReq_Options_FilterOptions_Count{Count: &shared.Empty{}},
			CheckpointIntervalMultiplier: 1,
		}},
		UuidOption:    &api.ReadReq_Options_UUIDOption{Content: &api.ReadReq_Options_UUIDOption_String_{String_: &shared.Empty{}}},
		ControlOption: &api.ReadReq_Options_ControlOption{Compatibility: 1},
	}})
	if err != nil {
		t.Fatal(err)
	}
	var kinds []string
	for len(kinds) < 6 {
		m, err := read.Recv()
		if err != nil {
			t.Fatalf("after %v: %v", kinds, err)
		}
		switch v := m.Content.(type) {
		case *api.ReadResp_Confirmation:
			kinds = append(kinds, "confirmation")
		case *api.ReadResp_Event:
			if _, err := uuid.Parse(v.Event.GetEvent().GetId().GetString_()); err != nil {
				t.Errorf("asked for string IDs, got %v", v.Event.GetEvent().GetId())
			}
			kinds = append(kinds, "event")
		case *api.ReadResp_Checkpoint_:
			kinds = append(kinds, "checkpoint")
		case *api.ReadResp_CaughtUp_:
			kinds = append(kinds, "caught-up")
		default:
			kinds = append(kinds, fmt.Sprintf("%T", v))
		}
	}
	if got := strings.Join(kinds, ","); got != "confirmation,event,event,event,checkpoint,caught-up" {
		t.Errorf("subscription sent %s", got)
	}
	fake.DropSubscriptions()
	if _, err := read.Recv(); status.Code(err) != codes.Unavailable {
		t.Errorf("after DropSubscriptions: %v, want Unavailable", err)
	}
}

package eventstore_test

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/cec-kg/tizme/eventstore"
)

// voterRegisteredV2 is the current shape; v1 had one "name" field.
type voterRegisteredV2 struct {
	Surname   string `json:"surname"`
	GivenName string `json:"given_name"`
}

type consentGiven struct {
	Purpose string `json:"purpose"`
}

const (
	typeVoterRegistered = "VoterRegistered"
	typeConsentGiven    = "ConsentGiven"
)

func newCodec(t *testing.T) *eventstore.Codec {
	t.Helper()
	c := eventstore.NewCodec()
	c.RegisterUpcaster(typeVoterRegistered, 1, func(data json.RawMessage) (json.RawMessage, error) {
		var v1 struct {
			Name string `json:"name"`
		}
		if err := json.Unmarshal(data, &v1); err != nil {
			return nil, err
		}
		return json.Marshal(voterRegisteredV2{Surname: v1.Name, GivenName: "?"})
	})
	eventstore.Register[voterRegisteredV2](c, typeVoterRegistered, 2)
	eventstore.Register[consentGiven](c, typeConsentGiven, 1)
	return c
}

func TestCodecRoundTripAndUpcast(t *testing.T) {
	t.Parallel()
	c := newCodec(t)
	data, err := c.Encode(voterRegisteredV2{Surname: "Асанов", GivenName: "Бакыт"})
	if err != nil {
		t.Fatal(err)
	}
	if data.Type != typeVoterRegistered || data.Version != 2 {
		t.Fatalf("encoded as %s v%d, want %s v2", data.Type, data.Version, typeVoterRegistered)
	}
	got, err := c.Decode(eventstore.RecordedEvent{Type: data.Type, Version: data.Version, Data: data.Data})
	if err != nil {
		t.Fatal(err)
	}
	if got != (voterRegisteredV2{Surname: "Асанов", GivenName: "Бакыт"}) {
		t.Errorf("decoded %+v", got)
	}
	old, err := c.Decode(eventstore.RecordedEvent{Type: typeVoterRegistered, Version: 1, Data: []byte(`{"name":"Осмонова"}`)})
	if err != nil {
		t.Fatal(err)
	}
	if old != (voterRegisteredV2{Surname: "Осмонова", GivenName: "?"}) {
		t.Errorf("upcast v1 = %+v", old)
	}
	if ptr, err := c.Encode(&consentGiven{Purpose: "application"}); err != nil || ptr.Type != typeConsentGiven {
		t.Errorf("encode a pointer: %+v, %v", ptr, err)
	}
}

func TestCodecRefusesTheUnknown(t *testing.T) {
	t.Parallel()
	c := newCodec(t)
	cases := map[string]eventstore.RecordedEvent{
		"unknown type":   {Type: "VoterTeleported", Version: 1, Data: []byte(`{}`)},
		"future version": {Type: typeConsentGiven, Version: 2, Data: []byte(`{}`)},
		"version 0":      {Type: typeConsentGiven, Version: 0, Data: []byte(`{}`)},
	}
	for name, r := range cases {
		if _, err := c.Decode(r); !errors.Is(err, eventstore.ErrUnknownEventType) {
			t.Errorf("%s: err = %v, want ErrUnknownEventType", name, err)
		}
	}
	if _, err := c.Encode(struct{ X int }{}); !errors.Is(err, eventstore.ErrUnknownEventType) {
		t.Errorf("encode unregistered: err = %v, want ErrUnknownEventType", err)
	}
	if _, err := c.Decode(eventstore.RecordedEvent{Type: typeConsentGiven, Version: 1, Data: []byte(`{"purpose":`)}); err == nil {
		t.Error("decoding broken JSON succeeded")
	}
	for _, k := range []struct {
		typ  string
		v    int
		want bool
	}{{typeVoterRegistered, 1, true}, {typeVoterRegistered, 2, true}, {typeVoterRegistered, 3, false}, {typeConsentGiven, 1, true}, {"X", 1, false}} {
		if got := c.Known(k.typ, k.v); got != k.want {
			t.Errorf("Known(%s, %d) = %v, want %v", k.typ, k.v, got, k.want)
		}
	}
}

func TestCodecMissingUpcasterIsAnError(t *testing.T) {
	t.Parallel()
	c := eventstore.NewCodec()
	eventstore.Register[consentGiven](c, typeConsentGiven, 3)
	c.RegisterUpcaster(typeConsentGiven, 2, func(d json.RawMessage) (json.RawMessage, error) { return d, nil })
	if c.Known(typeConsentGiven, 1) {
		t.Error("v1 is known without a v1→v2 upcaster")
	}
	if _, err := c.Decode(eventstore.RecordedEvent{Type: typeConsentGiven, Version: 1, Data: []byte(`{}`)}); !errors.Is(err, eventstore.ErrUnknownEventType) {
		t.Errorf("decode v1 without upcaster: %v", err)
	}
}

func TestCodecDuplicateRegistrationPanics(t *testing.T) {
	t.Parallel()
	defer func() {
		if recover() == nil {
			t.Error("registering a type name twice did not panic")
		}
	}()
	c := newCodec(t)
	eventstore.Register[struct{ Y int }](c, typeConsentGiven, 1)
}

func TestPositionOrder(t *testing.T) {
	t.Parallel()
	a, b, c := eventstore.Position{Commit: 1, Prepare: 9}, eventstore.Position{Commit: 2, Prepare: 1}, eventstore.Position{Commit: 2, Prepare: 3}
	if a.Compare(b) != -1 || b.Compare(c) != -1 || c.Compare(a) != 1 || b.Compare(b) != 0 {
		t.Error("positions must order by commit, then prepare")
	}
	if !eventstore.Start.IsZero() || a.IsZero() {
		t.Error("IsZero")
	}
}

func TestExpectedRevisionAllows(t *testing.T) {
	t.Parallel()
	cases := []struct {
		exp     eventstore.ExpectedRevision
		exists  bool
		current uint64
		want    bool
	}{
		{eventstore.Any(), false, 0, true},
		{eventstore.Any(), true, 5, true},
		{eventstore.NoStream(), false, 0, true},
		{eventstore.NoStream(), true, 0, false},
		{eventstore.StreamExists(), false, 0, false},
		{eventstore.StreamExists(), true, 0, true},
		{eventstore.Exact(3), true, 3, true},
		{eventstore.Exact(3), true, 4, false},
		{eventstore.Exact(0), false, 0, false},
	}
	for _, tc := range cases {
		if got := tc.exp.Allows(tc.exists, tc.current); got != tc.want {
			t.Errorf("%s.Allows(%v, %d) = %v, want %v", tc.exp, tc.exists, tc.current, got, tc.want)
		}
	}
}

func TestFilterMatches(t *testing.T) {
	t.Parallel()
	f := eventstore.Filter{StreamPrefixes: []string{"voter-", "application-"}, EventTypes: []string{"A", "B"}}
	cases := []struct {
		stream, typ string
		want        bool
	}{
		{"voter-1", "A", true}, {"application-9", "B", true}, {"voter-1", "C", false}, {"consent-1", "A", false}, {"vote", "A", false},
	}
	for _, tc := range cases {
		if got := f.Matches(tc.stream, tc.typ); got != tc.want {
			t.Errorf("Matches(%s, %s) = %v, want %v", tc.stream, tc.typ, got, tc.want)
		}
	}
	if !(eventstore.Filter{}).Matches("anything", "Any") {
		t.Error("the empty filter must match everything")
	}
}

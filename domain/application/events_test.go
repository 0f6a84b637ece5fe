package application_test

import (
	"encoding/json"
	"testing"

	"github.com/cec-kg/tizme/domain/application"
	"github.com/cec-kg/tizme/eventstore"
)

// TestSubmittedV1StillReads: an ApplicationSubmitted stored before v2
// (no "pin") decodes as v2 with an empty PIN; v2 stores the PIN of an
// inclusion.
func TestSubmittedV1StillReads(t *testing.T) {
	t.Parallel()
	c := eventstore.NewCodec()
	application.Register(c)
	v1 := submitted()
	data, err := json.Marshal(v1)
	if err != nil {
		t.Fatal(err)
	}
	got, err := c.Decode(eventstore.RecordedEvent{Type: application.TypeApplicationSubmitted, Version: 1, Data: data})
	if err != nil {
		t.Fatal(err)
	}
	if s, ok := got.(application.ApplicationSubmitted); !ok || s.PIN != "" || s.Receipt != v1.Receipt || s.DecisionDue != v1.DecisionDue {
		t.Errorf("v1 decoded as %#v", got)
	}
	v2 := v1
	v2.Kind, v2.PIN = "absent_from_list", "10503199000123"
	enc, err := c.Encode(v2)
	if err != nil {
		t.Fatal(err)
	}
	if enc.Version != 2 {
		t.Errorf("encoded as version %d", enc.Version)
	}
	var raw map[string]any
	if err := json.Unmarshal(enc.Data, &raw); err != nil || raw["pin"] != "10503199000123" {
		t.Errorf("v2 JSON %s", enc.Data)
	}
}

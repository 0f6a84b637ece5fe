package api_test

import (
	"encoding/json"
	"maps"
	"slices"
	"testing"
	"time"

	"github.com/cec-kg/tizme/api"
)

// TestSelfCheckFoundAndNotFoundLookAlike: the answer for a PIN nobody has,
// and for a registered PIN with another identity document, has the same
// members as a found one, and none comes sooner than the floor, so neither
// shape nor timing tells more than "found" (VP 2.2).
func TestSelfCheckFoundAndNotFoundLookAlike(t *testing.T) {
	t.Parallel()
	const floor = 80 * time.Millisecond
	w := newWorld(t, worldOptions{cfg: api.Config{SelfCheckFloor: floor}})
	members := func(pin, doc string) ([]string, bool) {
		start := time.Now()
		r := w.expect(t, call{method: "POST", path: "/api/v1/public/self-check", body: map[string]string{"pin": pin, "document": doc}}, 200, "")
		if took := time.Since(start); took < floor {
			t.Errorf("self-check of %s answered in %s, before the %s floor", pin[:1], took, floor)
		}
		var body map[string]json.RawMessage
		r.json(t, &body)
		return slices.Sorted(maps.Keys(body)), string(body["found"]) == "true"
	}
	found, ok := members(pinAsan, passportAsan)
	if !ok {
		t.Fatal("the registered voter was not found")
	}
	// The document is accepted as people type it.
	if _, ok := members(pinAsan, "id 123-4567"); !ok {
		t.Error("the registered voter was not found by a lower-case document with a space and a hyphen")
	}
	missing, ok := members(pinNobody, passportAsan)
	if ok {
		t.Fatal("a PIN nobody has was found")
	}
	mismatch, ok := members(pinAsan, passportAigul)
	if ok {
		t.Fatal("a registered PIN was found with another voter's document")
	}
	if !slices.Equal(found, missing) || !slices.Equal(found, mismatch) {
		t.Errorf("members differ: found %v, not found %v, document mismatch %v", found, missing, mismatch)
	}
}

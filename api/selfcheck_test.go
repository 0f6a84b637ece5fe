package api_test

import (
	"encoding/json"
	"maps"
	"slices"
	"testing"
	"time"

	"github.com/cec-kg/tizme/api"
)

// TestSelfCheckFoundAndNotFoundLookAlike: the answer for a PIN nobody has
// has the same members as a found one, and neither comes sooner than the
// floor, so neither shape nor timing tells more than "found" (VP 2.2).
func TestSelfCheckFoundAndNotFoundLookAlike(t *testing.T) {
	t.Parallel()
	const floor = 80 * time.Millisecond
	w := newWorld(t, worldOptions{cfg: api.Config{SelfCheckFloor: floor}})
	members := func(pin string) ([]string, bool) {
		start := time.Now()
		r := w.expect(t, call{method: "POST", path: "/api/v1/public/self-check", body: map[string]string{"pin": pin}}, 200, "")
		if took := time.Since(start); took < floor {
			t.Errorf("self-check of %s answered in %s, before the %s floor", pin[:1], took, floor)
		}
		var body map[string]json.RawMessage
		r.json(t, &body)
		return slices.Sorted(maps.Keys(body)), string(body["found"]) == "true"
	}
	found, ok := members(pinAsan)
	if !ok {
		t.Fatal("the registered voter was not found")
	}
	missing, ok := members(pinNobody)
	if ok {
		t.Fatal("a PIN nobody has was found")
	}
	if !slices.Equal(found, missing) {
		t.Errorf("members differ: found %v, not found %v", found, missing)
	}
}

package aggregate_test

import (
	"reflect"
	"testing"

	"github.com/cec-kg/tizme/domain/aggregate"
)

func TestRoot(t *testing.T) {
	t.Parallel()
	var r aggregate.Root
	if rev, exists := r.Revision(); rev != 0 || exists {
		t.Errorf("zero Root: Revision() = %d, %v; want 0, false", rev, exists)
	}
	if p := r.Pending(); p != nil {
		t.Errorf("zero Root: Pending() = %v", p)
	}

	r.Loaded(0)
	r.Loaded(1)
	if rev, exists := r.Revision(); rev != 1 || !exists {
		t.Errorf("after Loaded(1): Revision() = %d, %v", rev, exists)
	}

	r.Recorded("a")
	r.Recorded("b")
	if rev, _ := r.Revision(); rev != 1 {
		t.Errorf("Recorded moved the revision to %d", rev)
	}
	p := r.Pending()
	if !reflect.DeepEqual(p, []any{"a", "b"}) {
		t.Errorf("Pending() = %v", p)
	}
	p[0] = "changed"
	if r.Pending()[0] != "a" {
		t.Error("Pending() does not return a copy")
	}

	r.Saved(3)
	if rev, exists := r.Revision(); rev != 3 || !exists {
		t.Errorf("after Saved(3): Revision() = %d, %v", rev, exists)
	}
	if p := r.Pending(); p != nil {
		t.Errorf("after Saved: Pending() = %v", p)
	}
}

func TestRootNewStream(t *testing.T) {
	t.Parallel()
	var r aggregate.Root
	r.Recorded("first")
	if _, exists := r.Revision(); exists {
		t.Error("recording on a new aggregate made its stream exist")
	}
	r.Saved(0)
	if rev, exists := r.Revision(); rev != 0 || !exists {
		t.Errorf("after Saved(0): Revision() = %d, %v", rev, exists)
	}
}

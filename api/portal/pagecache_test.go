package portal

import (
	"strings"
	"testing"
)

// TestPageCacheBounded: the cache keeps no more bytes than its limit,
// dropping the least recently used page first, and drops everything when
// the read models move.
func TestPageCacheBounded(t *testing.T) {
	t.Parallel()
	page := func(key string) *keptPage { return &keptPage{key: key, plain: []byte(strings.Repeat("x", 1000))} }
	pc := newPageCache(3 * page("a").size())
	for _, k := range []string{"a", "b", "c"} {
		pc.put("s1", page(k))
	}
	if _, ok := pc.get("a", "s1"); !ok {
		t.Fatal("a not kept")
	}
	pc.put("s1", page("d")) // b is the least recently used now
	if _, ok := pc.get("b", "s1"); ok {
		t.Error("b kept beyond the limit")
	}
	for _, k := range []string{"a", "c", "d"} {
		if _, ok := pc.get(k, "s1"); !ok {
			t.Errorf("%s dropped", k)
		}
	}
	if pc.size > pc.limit || pc.len() != 3 {
		t.Errorf("size %d of %d, %d pages", pc.size, pc.limit, pc.len())
	}
	if _, ok := pc.get("a", "s2"); ok {
		t.Error("a page of another state served")
	}
	pc.put("s2", page("e"))
	if pc.len() != 1 || pc.size != page("e").size() {
		t.Errorf("after the state moved: %d pages, %d bytes", pc.len(), pc.size)
	}
	pc.put("s2", &keptPage{key: "huge", plain: make([]byte, 4*1000)})
	if _, ok := pc.get("huge", "s2"); ok {
		t.Error("a page larger than the limit kept")
	}
}

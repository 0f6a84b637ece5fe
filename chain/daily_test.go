package chain

import (
	"testing"
	"time"
)

// TestNextDaily: the daily checkpoint is at 00:05 Bishkek time (UTC+6),
// that is 18:05 UTC the day before.
func TestNextDaily(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ now, want string }{
		{"2026-12-06T11:00:00Z", "2026-12-06T18:05:00Z"},
		{"2026-12-06T18:04:59Z", "2026-12-06T18:05:00Z"},
		{"2026-12-06T18:05:00Z", "2026-12-07T18:05:00Z"},
		{"2026-12-06T23:00:00Z", "2026-12-07T18:05:00Z"},
	} {
		now, _ := time.Parse(time.RFC3339, tc.now)
		if got := nextDaily(now).UTC().Format(time.RFC3339); got != tc.want {
			t.Errorf("after %s: %s, want %s", tc.now, got, tc.want)
		}
	}
}

package projections

import (
	"fmt"
	"io"
	"strings"
	"sync"
	"time"
)

// ProgressBar renders RebuildProgress. On a terminal (tty) it redraws one
// line in place with \r; otherwise (a log file, CI) it writes a line at
// most every LogEvery, and one per phase change.
type ProgressBar struct {
	w        io.Writer
	tty      bool
	logEvery time.Duration

	mu      sync.Mutex
	last    time.Time
	phase   string
	drawn   bool
	current string
}

// NewProgressBar writes to w; tty says whether w is a terminal.
func NewProgressBar(w io.Writer, tty bool) *ProgressBar {
	return &ProgressBar{w: w, tty: tty, logEvery: 2 * time.Second}
}

// Update draws p. Its method value fits RebuildConfig.Progress.
func (b *ProgressBar) Update(p RebuildProgress) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.current != "" && b.current != p.Projection && b.drawn && b.tty {
		fmt.Fprintln(b.w)
		b.drawn = false
	}
	b.current = p.Projection
	line := progressLine(p)
	switch {
	case b.tty:
		fmt.Fprintf(b.w, "\r\x1b[2K%s", line)
		b.drawn = true
		if p.Phase == PhaseDone {
			fmt.Fprintln(b.w)
			b.drawn = false
		}
	case p.Phase != b.phase || time.Since(b.last) >= b.logEvery:
		fmt.Fprintln(b.w, line)
		b.last = time.Now()
	}
	b.phase = p.Phase
}

// progressLine is one line: name, phase, bar, counts, rate, remaining.
func progressLine(p RebuildProgress) string {
	var s strings.Builder
	fmt.Fprintf(&s, "%s v%d %-8s ", p.Projection, p.Version, p.Phase)
	if p.Total > 0 {
		frac := min(float64(p.Events)/float64(p.Total), 1)
		const width = 24
		filled := int(frac * width)
		fmt.Fprintf(&s, "[%s%s] %3.0f%% ", strings.Repeat("=", filled), strings.Repeat(" ", width-filled), frac*100)
	}
	fmt.Fprintf(&s, "%s events  %s events/s", thousands(p.Events), thousands(int64(p.Rate())))
	if r := p.Remaining(); r >= 0 {
		fmt.Fprintf(&s, "  %s remaining", thousands(r))
		if rate := p.Rate(); rate > 0 && r > 0 {
			fmt.Fprintf(&s, " (~%s)", (time.Duration(float64(r) / rate * float64(time.Second))).Round(time.Second))
		}
	}
	fmt.Fprintf(&s, "  %s", p.Elapsed.Round(100*time.Millisecond))
	return s.String()
}

// thousands writes n with comma separators: 1,234,567.
func thousands(n int64) string {
	s := fmt.Sprint(n)
	if n < 0 {
		return "-" + thousands(-n)
	}
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}

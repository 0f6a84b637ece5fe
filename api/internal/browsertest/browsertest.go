// Package browsertest drives real Chromium from Go tests (chromedp): it
// starts a headless browser with a fresh profile and no network chatter,
// checks pages with axe-core, and saves a screenshot of every page a test
// visited when the test fails. Every audience's pages (portal, cabinet,
// desks) use it.
//
// Chromium and axe-core are required: a test FAILS, with what to install,
// when either is missing (a browser test that skips is a test nobody runs).
package browsertest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// EnvChromium names the Chromium binary when it is not /usr/bin/chromium.
const EnvChromium = "TIZME_CHROMIUM"

// EnvScreenshots is the folder screenshots of failed tests go to; default
// a folder under the system's temporary one.
const EnvScreenshots = "TIZME_SCREENSHOTS"

// AxePath is axe-core's script, relative to the repository root, where
// `npm ci --prefix tools/axe` (make test) puts it.
const AxePath = "tools/axe/node_modules/axe-core/axe.min.js"

// chromium finds the browser.
func chromium() (string, error) {
	if p := os.Getenv(EnvChromium); p != "" {
		return p, nil
	}
	for _, name := range []string{"/usr/bin/chromium", "chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p, nil
		}
	}
	return "", errors.New("browsertest: Chromium is not installed: apt-get install chromium (or set " + EnvChromium + ")")
}

// repoRoot is the folder holding go.mod, above the working directory.
func repoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("browsertest: no go.mod above the working directory")
		}
		dir = parent
	}
}

func axeSource() (string, error) {
	root, err := repoRoot()
	if err != nil {
		return "", err
	}
	b, err := os.ReadFile(filepath.Join(root, AxePath))
	if err != nil {
		return "", fmt.Errorf("browsertest: axe-core is not installed (%w): run `npm ci --prefix tools/axe` (make test does)", err)
	}
	return string(b), nil
}

// Browser is one headless Chromium for one test.
type Browser struct {
	t    *testing.T
	ctx  context.Context
	axe  string
	name string // prefixes the screenshots of a second window (Another)
	mu   sync.Mutex
	seen []string
}

// Start starts Chromium with a fresh profile, closed when the test ends.
// The window is width × height CSS pixels.
func Start(t *testing.T, width, height int) *Browser {
	t.Helper()
	path, err := chromium()
	if err != nil {
		t.Fatal(err)
	}
	axe, err := axeSource()
	if err != nil {
		t.Fatal(err)
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path),
		chromedp.Headless,
		chromedp.DisableGPU,
		chromedp.UserDataDir(t.TempDir()),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("hide-scrollbars", true),
		chromedp.Flag("window-size", fmt.Sprintf("%d,%d", width, height)),
	}
	if os.Geteuid() == 0 {
		opts = append(opts, chromedp.NoSandbox)
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(actx)
	b := &Browser{t: t, ctx: ctx, axe: axe}
	// Start the browser now, without a timeout (a timeout on the first
	// Run would stop the browser when it ends).
	if err := chromedp.Do(ctx); err != nil {
		cancel()
		cancelAlloc()
		t.Fatalf("browsertest: start Chromium %s: %v", path, err)
	}
	t.Cleanup(func() {
		if t.Failed() {
			b.screenshotAll()
		}
		cancel()
		cancelAlloc()
	})
	return b
}

// Another opens a second person's window in the same Chromium: a new
// browser context, with cookies of its own (as a private window), so two
// people can be signed in at once. name prefixes its screenshots. It
// closes when the test ends; on failure it saves its pages as Start's do.
func (b *Browser) Another(name string) *Browser {
	b.t.Helper()
	ctx, cancel := chromedp.NewContext(b.ctx, chromedp.WithNewBrowserContext())
	o := &Browser{t: b.t, ctx: ctx, axe: b.axe, name: name}
	if err := chromedp.Do(ctx); err != nil {
		cancel()
		b.t.Fatalf("browsertest: open a window for %s: %v", name, err)
	}
	b.t.Cleanup(func() { // runs before Start's: the browser still runs
		if b.t.Failed() {
			o.screenshotAll()
		}
		cancel()
	})
	return o
}

// Context is the browser's context, for chromedp calls of one's own.
func (b *Browser) Context() context.Context { return b.ctx }

// Do runs steps, failing the test on an error. Each call has a minute.
func (b *Browser) Do(what string, steps ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, time.Minute)
	defer cancel()
	if err := chromedp.Do(ctx, steps...); err != nil {
		b.t.Fatalf("%s: %v", what, err)
	}
	b.remember()
}

// Run runs one action with a value, failing the test on an error. An
// action that lands while the page navigates (a click's new page
// replacing the old one) finds its JavaScript context gone; it never ran
// there, so it is run again, within the same minute.
func Run[T any](b *Browser, what string, a chromedp.Action[T]) T {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, time.Minute)
	defer cancel()
	for {
		v, err := chromedp.Run(ctx, a)
		if err != nil && navigatedAway(err) && ctx.Err() == nil {
			time.Sleep(20 * time.Millisecond) // the new page's context comes up
			continue
		}
		if err != nil {
			b.t.Fatalf("%s: %v", what, err)
		}
		b.remember()
		return v
	}
}

// navigatedAway reports the DevTools error of an evaluation whose
// execution context a navigation destroyed.
func navigatedAway(err error) bool {
	msg := err.Error()
	return strings.Contains(msg, "Cannot find context with specified id") ||
		strings.Contains(msg, "Execution context was destroyed")
}

// Open navigates to url and waits for the page's main landmark.
func (b *Browser) Open(url string) {
	b.t.Helper()
	b.Do("open "+url, chromedp.Navigate(url), chromedp.WaitReady(chromedp.CSS("main")))
}

// Location is the current page's address.
func (b *Browser) Location() string {
	b.t.Helper()
	return Run(b, "location", chromedp.Location())
}

func (b *Browser) remember() {
	loc, err := chromedp.Run(b.ctx, chromedp.Location())
	if err != nil || loc == "" || loc == "about:blank" {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, s := range b.seen {
		if s == loc {
			return
		}
	}
	b.seen = append(b.seen, loc)
}

// Violation is one axe-core rule a page breaks.
type Violation struct {
	ID     string `json:"id"`
	Impact string `json:"impact"`
	Help   string `json:"help"`
	Nodes  []struct {
		Target []any  `json:"target"`
		HTML   string `json:"html"`
	} `json:"nodes"`
}

// Axe runs axe-core on the current page (WCAG 2.0/2.1 A and AA rules) and
// fails the test for every serious or critical violation; it returns all
// violations.
func (b *Browser) Axe() []Violation {
	b.t.Helper()
	script := b.axe + `
;axe.run(document, {runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}, resultTypes: ["violations"]})
 .then(r => JSON.stringify(r.violations))`
	raw := Run(b, "axe-core", chromedp.Evaluate[string](script, chromedp.EvalAwaitPromise))
	var vs []Violation
	if err := json.Unmarshal([]byte(raw), &vs); err != nil {
		b.t.Fatalf("axe-core answer: %v", err)
	}
	loc := b.Location()
	for _, v := range vs {
		if v.Impact == "serious" || v.Impact == "critical" {
			var where []string
			for _, n := range v.Nodes {
				where = append(where, n.HTML)
			}
			b.t.Errorf("%s: accessibility (%s) %s: %s; at %s", loc, v.Impact, v.ID, v.Help, strings.Join(where, " | "))
		}
	}
	return vs
}

var unsafeName = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

// Screenshot saves a full-page PNG (quality 100 is PNG; less is JPEG) of the current page as name in the
// screenshot folder and returns its path.
func (b *Browser) Screenshot(name string) string {
	b.t.Helper()
	png, err := chromedp.Run(b.ctx, chromedp.FullScreenshot(100))
	if err != nil {
		b.t.Logf("screenshot %s: %v", name, err)
		return ""
	}
	dir := os.Getenv(EnvScreenshots)
	if dir == "" {
		dir = filepath.Join(os.TempDir(), "tizme-screenshots")
	}
	dir = filepath.Join(dir, unsafeName.ReplaceAllString(b.t.Name(), "_"))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		b.t.Logf("screenshot %s: %v", name, err)
		return ""
	}
	if b.name != "" {
		name = b.name + "-" + name
	}
	file := unsafeName.ReplaceAllString(name, "_")
	if len(file) > 120 { // a page's URL can pass the file system's 255 bytes
		file = file[:120]
	}
	p := filepath.Join(dir, file+".png")
	if err := os.WriteFile(p, png, 0o644); err != nil {
		b.t.Logf("screenshot %s: %v", name, err)
		return ""
	}
	return p
}

// screenshotAll saves the current page and every page the test visited.
func (b *Browser) screenshotAll() {
	ctx, cancel := context.WithTimeout(b.ctx, 2*time.Minute)
	defer cancel()
	if p := b.Screenshot("current"); p != "" {
		b.t.Logf("screenshot of the page at failure: %s", p)
	}
	b.mu.Lock()
	seen := append([]string(nil), b.seen...)
	b.mu.Unlock()
	for i, u := range seen {
		if err := chromedp.Do(ctx, chromedp.Navigate(u)); err != nil {
			continue
		}
		if p := b.Screenshot(fmt.Sprintf("%02d-%s", i+1, u)); p != "" {
			b.t.Logf("screenshot of %s: %s", u, p)
		}
	}
}

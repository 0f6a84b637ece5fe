package feed

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"time"
)

// MaxPages bounds the pages of one pull.
const MaxPages = 10000

// PullConfig is what Pull needs.
type PullConfig struct {
	// URL is the endpoint: GET URL?since=<cursor> answers the changes
	// after the cursor, in order, as JSON lines (200, possibly empty).
	URL    string
	Client *http.Client
	// Cursor is the stored cursor ("" = from the beginning); SetCursor
	// stores the new one after each page is applied.
	Cursor    string
	SetCursor func(context.Context, string) error
}

// Pull fetches pages from the endpoint and applies each with a, until a
// page holds no change. After each page the cursor becomes the page's last
// change ID, so that the next run (say tomorrow's) continues there.
func Pull(ctx context.Context, cfg PullConfig, a *Applier) (cursor string, err error) {
	client := cfg.Client
	if client == nil {
		client = &http.Client{Timeout: 5 * time.Minute}
	}
	base, err := url.Parse(cfg.URL)
	if err != nil || (base.Scheme != "http" && base.Scheme != "https") {
		return cfg.Cursor, fmt.Errorf("feed URL %q: want http:// or https://", cfg.URL)
	}
	cursor = cfg.Cursor
	for range MaxPages {
		u := *base
		q := u.Query()
		q.Set("since", cursor)
		u.RawQuery = q.Encode()
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
		if err != nil {
			return cursor, err
		}
		req.Header.Set("Accept", "application/jsonl, application/x-ndjson")
		resp, err := client.Do(req)
		if err != nil {
			return cursor, fmt.Errorf("pull: %w", err)
		}
		if resp.StatusCode != http.StatusOK {
			body, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
			resp.Body.Close()
			return cursor, fmt.Errorf("pull: %s answered %s: %s", base.Redacted(), resp.Status, body)
		}
		last, err := a.Apply(ctx, resp.Body)
		resp.Body.Close()
		if err != nil {
			return cursor, fmt.Errorf("pull: %w", err)
		}
		if last == "" || last == cursor {
			return cursor, nil
		}
		cursor = last
		if cfg.SetCursor != nil {
			if err := cfg.SetCursor(ctx, cursor); err != nil {
				return cursor, fmt.Errorf("store the cursor: %w", err)
			}
		}
	}
	return cursor, fmt.Errorf("pull: more than %d pages; run again to continue", MaxPages)
}

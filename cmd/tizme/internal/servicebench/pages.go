package servicebench

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/cec-kg/tizme/cmd/tizme/internal/demodata"
	"github.com/cec-kg/tizme/eventstore/storebench"
)

// Targets of the portal's pages (issue 12, WEB.md).
const (
	targetPageP99Ms      = 50
	targetPageBytes      = 60 << 10
	targetMapPageBytes   = 250 << 10
	pagesFirstPrecinct   = 1001
	pageLoadShareDivisor = 4
)

// pageCase is one page type and the JSON API answer of the same data, its
// baseline.
type pageCase struct {
	name     string
	page     func(i int) string
	baseline func(i int) string
	hasMap   bool
}

// pages loads each page type with LoadWorkers clients and measures its p99
// and its compressed size, beside the JSON API answer of the same data.
func (b *bench) pages(ctx context.Context, client *http.Client, base string) ([]storebench.Result, error) {
	home, _ := demodata.Precincts(b.cfg.Voters)
	precinct := func(i int) int { return pagesFirstPrecinct + (i*7919)%home }
	cases := []pageCase{
		{"home page", func(int) string { return "/?lang=ky" }, func(int) string { return "/api/v1/public/list" }, false},
		{"precinct page with its map", func(i int) string { return fmt.Sprintf("/precincts/%d?lang=ky", precinct(i)) },
			func(i int) string { return fmt.Sprintf("/api/v1/public/precincts/%d", precinct(i)) }, true},
		{"a region's precinct map (Bishkek)", func(int) string { return "/precincts?region=KG-GB&lang=ru" },
			func(int) string { return "/api/v1/public/precincts?region=KG-GB" }, true},
		{"published list, one page", func(i int) string { return fmt.Sprintf("/precincts/%d/list?lang=ky", precinct(i)) },
			func(i int) string { return fmt.Sprintf("/api/v1/public/precincts/%d/voters?per_page=50", precinct(i)) }, false},
		{"statistics of the republic", func(int) string { return "/stats?lang=ru" },
			func(int) string { return "/api/v1/public/stats/voters?level=region" }, false},
		{"statistics of a region", func(int) string { return "/stats?level=region&key=KG-C&lang=ky" },
			func(int) string { return "/api/v1/public/stats/voters?level=tec" }, false},
	}
	get := func(ctx context.Context, path string) ([]byte, error) {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+path, nil)
		if err != nil {
			return nil, err
		}
		res, err := client.Do(req)
		if err != nil {
			return nil, err
		}
		defer res.Body.Close()
		raw, err := io.ReadAll(res.Body)
		if err != nil {
			return nil, err
		}
		if res.StatusCode != http.StatusOK {
			return nil, fmt.Errorf("GET %s answered %d", path, res.StatusCode)
		}
		return raw, nil
	}
	d := max(b.cfg.LoadDuration/pageLoadShareDivisor, time.Second)
	var results []storebench.Result
	for _, c := range cases {
		// The largest compressed size of a sample of the pages.
		var largest int
		for i := range 20 {
			raw, err := get(ctx, c.page(i))
			if err != nil {
				return results, fmt.Errorf("servicebench: %s: %w", c.name, err)
			}
			largest = max(largest, gzipSize(raw))
		}
		b.say("page %s: %d requests in flight for %s, then its JSON baseline...", c.name, b.cfg.LoadWorkers, d)
		rate, lat, err := storebench.Hammer(ctx, b.cfg.LoadWorkers, d, func(ctx context.Context, w, i int) error {
			_, err := get(ctx, c.page(w*1000+i))
			return err
		})
		if err != nil {
			return results, fmt.Errorf("servicebench: %s: %w", c.name, err)
		}
		baseRate, baseLat, err := storebench.Hammer(ctx, b.cfg.LoadWorkers, d, func(ctx context.Context, w, i int) error {
			_, err := get(ctx, c.baseline(w*1000+i))
			return err
		})
		if err != nil {
			return results, fmt.Errorf("servicebench: %s baseline: %w", c.name, err)
		}
		budget := targetPageBytes
		if c.hasMap {
			budget = targetMapPageBytes
		}
		results = append(results, storebench.Result{
			Name: fmt.Sprintf("portal: %s, %d in flight, largest %.1f KB gzipped (baseline: the JSON API's answer of the same data)",
				c.name, b.cfg.LoadWorkers, float64(largest)/1024),
			Unit: "pages/s", Value: rate, Baseline: baseRate, Ratio: rate / baseRate,
			P50Ms: lat.Quantile(0.5), P99Ms: lat.Quantile(0.99), BaselineP99Ms: baseLat.Quantile(0.99),
			Target: fmt.Sprintf("p99 ≤ %d ms, ≤ %d KB gzipped", targetPageP99Ms, budget>>10),
			Met:    lat.Quantile(0.99) <= targetPageP99Ms && largest <= budget,
		})
	}
	return results, nil
}

func gzipSize(raw []byte) int {
	var buf bytes.Buffer
	w, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	_, _ = w.Write(raw)
	_ = w.Close()
	return buf.Len()
}

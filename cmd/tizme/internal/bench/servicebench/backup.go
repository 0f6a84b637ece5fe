package servicebench

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/cec-kg/tizme/cmd/tizme/internal/bench/harness"
)

// backupRestore runs `tizme backup` on the main database (once the served
// process has stopped) and `tizme restore` of that backup into a fresh
// database of the same server: restore loads the parts, chains the
// events, rebuilds every read model and checks the chain head and each
// read model's digests against the manifest (issue 15). The baseline of
// the restore is this run's own rebuild of every read model, the part of
// the restore a deployment would spend anyway.
func (b *bench) backupRestore(ctx context.Context) ([]harness.Result, error) {
	if b.env.NewDatabase == nil {
		b.say("backup and restore: not measured (no database to restore into)")
		return nil, nil
	}
	dir := filepath.Join(b.env.TempDir, "backup")
	defer os.RemoveAll(dir)
	run := func(dbURL, sub string) (time.Duration, error) {
		cmd := b.env.Server.command(ctx, sub, dir)
		cmd.Env = append(append(os.Environ(), b.env.Server.Env...),
			"DATABASE_URL="+dbURL, "TIZME_DEV_ISSUER=off", "TIZME_LOG_LEVEL=error", "TIZME_DEMO_VOTERS=0", "EVENTSTORE_URL=")
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		start := time.Now()
		if err := cmd.Run(); err != nil {
			return 0, fmt.Errorf("servicebench: tizme %s: %w: %s", sub, err, tail(out.String()))
		}
		took := time.Since(start)
		b.say("  tizme %s took %s: %s", sub, took.Round(time.Second), tail(out.String()))
		return took, nil
	}
	b.say("backup: tizme backup of the main database...")
	backupTook, err := run(b.env.MainURL, "backup")
	if err != nil {
		return nil, err
	}
	raw, err := os.ReadFile(filepath.Join(dir, "manifest.json"))
	if err != nil {
		return nil, err
	}
	var m struct {
		Events int64 `json:"events"`
		Parts  []struct {
			Bytes int64 `json:"bytes"`
		} `json:"parts"`
	}
	if err := json.Unmarshal(raw, &m); err != nil || m.Events == 0 {
		return nil, fmt.Errorf("servicebench: the backup's manifest: %v (%d events)", err, m.Events)
	}
	var size int64
	for _, p := range m.Parts {
		size += p.Bytes
	}
	target, err := b.env.NewDatabase(ctx)
	if err != nil {
		return nil, err
	}
	b.say("restore: tizme restore into a fresh database (load, chain, rebuild every read model, check)...")
	restoreTook, err := run(target, "restore")
	if err != nil {
		return nil, err
	}
	backupRate := float64(m.Events) / backupTook.Seconds()
	restoreRate := float64(m.Events) / restoreTook.Seconds()
	results := []harness.Result{{
		Name: fmt.Sprintf("backup: tizme backup of %d events (%.2f GB of parts, manifest with every read model's digests) in %s (informational)",
			m.Events, float64(size)/1e9, minutes(backupTook)),
		Unit: "events/s", Value: backupRate, P50Ms: float64(backupTook) / float64(time.Millisecond), Met: true,
	}}
	r := harness.Result{
		Name: fmt.Sprintf("restore: tizme restore of %d events into a fresh database, rebuilt and checked, in %s (baseline: this run's rebuild of every read model, %s)",
			m.Events, minutes(restoreTook), minutes(b.rebuildTook)),
		Unit: "events/s", Value: restoreRate, P50Ms: float64(restoreTook) / float64(time.Millisecond), Met: true,
	}
	if b.rebuildTook > 0 {
		r.Baseline = float64(m.Events) / b.rebuildTook.Seconds()
		r.Ratio = r.Value / r.Baseline
		r.BaselineP99Ms = float64(b.rebuildTook) / float64(time.Millisecond)
	}
	return append(results, r), nil
}

// minutes writes d as "12 min 3 s".
func minutes(d time.Duration) string {
	d = d.Round(time.Second)
	if d < time.Minute {
		return d.String()
	}
	return fmt.Sprintf("%d min %d s", int(d/time.Minute), int((d%time.Minute)/time.Second))
}

package main

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"math/rand/v2"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/cec-kg/tizme/domain"
	"github.com/cec-kg/tizme/domain/calendar"
	"github.com/cec-kg/tizme/domain/precinct"
	"github.com/cec-kg/tizme/domain/voter"
	"github.com/cec-kg/tizme/eventstore"
	"github.com/cec-kg/tizme/eventstore/postgres"
	"github.com/cec-kg/tizme/eventstore/postgres/pgtest"
	"github.com/cec-kg/tizme/projections"
	"github.com/cec-kg/tizme/readmodels"
)

var asofEffectiveRE = regexp.MustCompile(`(?m)^# digest sha256:([0-9a-f]{64}) rows=(\d+) effective=(\d{4}-\d\d-\d\d)\n\z`)

// asofRestamp gives each event a random effective time within 15 days of
// first, in whole hours: back-dated and forward-dated against log order.
func asofRestamp(rng *rand.Rand, steps []asofStep, first calendar.Date) {
	for i := range steps {
		at := first.Start().Add(time.Duration(rng.IntN(15*24)) * time.Hour)
		switch v := steps[i].value.(type) {
		case voter.VoterRegistered:
			v.At = at
			steps[i].value = v
		case voter.VoterDetailsCorrected:
			v.At = at
			steps[i].value = v
		case voter.VoterMovedPrecinct:
			v.At = at
			steps[i].value = v
		case voter.VoterRemoved:
			v.At = at
			steps[i].value = v
		case voter.VoterRestored:
			v.At = at
			steps[i].value = v
		case precinct.PrecinctEstablished:
			v.At = at
			steps[i].value = v
		}
	}
}

// TestAsOfEffective: a randomised history with random effective times;
// `tizme asof -effective DAY` and `tizme asof -effective DAY -replay`
// print the same list and digest on random days, whole and per precinct,
// in CSV and JSON; -at with -effective, or a bad day, is refused.
func TestAsOfEffective(t *testing.T) {
	url := pgtest.NewDatabase(t)
	ctx := context.Background()
	pool, err := pgxpool.New(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	if err := postgres.Migrate(ctx, pool); err != nil {
		t.Fatal(err)
	}
	store := postgres.New(pool, postgres.Options{})
	defer store.Close()
	codec := domain.NewCodec()
	rng := rand.New(rand.NewPCG(43, 43))
	first := calendar.MustDate(2026, 4, 1)
	steps := asofHistory(rng, 60)
	asofRestamp(rng, steps, first)
	var last eventstore.Position
	for _, s := range steps {
		ed, err := codec.Encode(s.value)
		if err != nil {
			t.Fatal(err)
		}
		ed.ID = uuid.New()
		res, err := store.Append(ctx, s.stream, eventstore.Any(), ed)
		if err != nil {
			t.Fatal(err)
		}
		last = res.Position
	}
	for deadline := time.Now().Add(time.Minute); ; time.Sleep(10 * time.Millisecond) {
		page, err := store.ReadAll(ctx, eventstore.ReadAllOptions{After: eventstore.Start, Limit: 1,
			Filter: eventstore.Filter{EventTypes: []string{"NoSuchType"}}})
		if err != nil {
			t.Fatal(err)
		}
		if page.Checkpoint.Compare(last) >= 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the appended events did not become visible within a minute")
		}
	}
	if _, err := projections.Rebuild(ctx, projections.RebuildConfig{Pool: pool, Store: store, Codec: codec,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}, readmodels.NewVoterEffective()); err != nil {
		t.Fatal(err)
	}

	cfg := defaultConfig()
	cfg.DatabaseURL = url
	nonEmpty := 0
	days := []calendar.Date{first.AddDays(-1), first.AddDays(16)}
	for range 10 {
		days = append(days, first.AddDays(rng.IntN(16)))
	}
	for i, day := range days {
		cfg.AsOfEffective, cfg.AsOfPrecinct = day.String(), 0
		if i%3 == 1 {
			cfg.AsOfPrecinct = []int{1001, 1002, 2001, 2002}[rng.IntN(4)]
		}
		cfg.AsOfFormat, cfg.AsOfReplay = "csv", false
		model := asofRun(t, cfg)
		cfg.AsOfReplay = true
		replay := asofRun(t, cfg)
		if model != replay {
			t.Errorf("effective %s precinct %d:\nread model:\n%s\nreplay:\n%s", day, cfg.AsOfPrecinct, model, replay)
		}
		m := asofEffectiveRE.FindStringSubmatch(model)
		if m == nil || m[3] != day.String() || !strings.HasPrefix(model, "precinct,tec,") {
			t.Fatalf("no digest line for %s at the end:\n%s", day, model)
		}
		if m[2] != "0" {
			nonEmpty++
		}
		if i == 0 && m[2] != "0" {
			t.Errorf("the day before every effective time: %s rows", m[2])
		}
		if i%4 == 0 {
			cfg.AsOfFormat = "json"
			var js [2]asofOutput
			for k, replay := range []bool{false, true} {
				cfg.AsOfReplay = replay
				if err := json.Unmarshal([]byte(asofRun(t, cfg)), &js[k]); err != nil {
					t.Fatal(err)
				}
			}
			if js[0].Digest != "sha256:"+m[1] || js[1].Digest != js[0].Digest || js[0].Mode != "effective" || js[0].Day != day.String() || js[0].At != "" {
				t.Errorf("JSON %+v / %+v disagrees with CSV digest %s on %s", js[0], js[1], m[1], day)
			}
		}
	}
	if nonEmpty < len(days)/2 {
		t.Errorf("only %d of %d answers were non-empty", nonEmpty, len(days))
	}

	for _, bad := range []Config{{AsOfEffective: "2026-04-31"}, {AsOfEffective: "2026-04-02", AsOfAt: "2026-04-02T00:00:00Z"}} {
		c := cfg
		c.AsOfEffective, c.AsOfAt = bad.AsOfEffective, bad.AsOfAt
		if err := asof(t.Context(), c, slog.New(slog.DiscardHandler), io.Discard); err == nil {
			t.Errorf("-effective %q -at %q: no error", bad.AsOfEffective, bad.AsOfAt)
		}
	}
}

package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"regexp"
	"slices"
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

type asofStep struct {
	stream string
	value  any
}

// asofHistory is a random history of list events over four precincts of
// two TECs (one established after voters use it).
func asofHistory(rng *rand.Rand, n int) []asofStep {
	at := time.Date(2026, 6, 1, 4, 0, 0, 0, time.UTC)
	est := func(num int, tec string) asofStep {
		return asofStep{fmt.Sprintf("precinct-%d", num), precinct.PrecinctEstablished{Number: num, TEC: tec, Region: "KG-GB",
			Address: precinct.Address{Region: "Бишкек", District: "Ленинский", Settlement: "Бишкек", Street: "Манаса", Building: "1"}, At: at}}
	}
	precincts := []int{1001, 1002, 2001, 2002}
	names := []string{"Асанов", "Исакова", "Садыков", "Токтогулова", "Жумабеков", "Осмонова", "O'Neil, Jr"}
	stream := func(i int) string { return fmt.Sprintf("voter-%032x", i) }
	out := []asofStep{est(1001, "TEC-0101"), est(1002, "TEC-0101"), est(2001, "TEC-0201")}
	voters := 0
	where := map[int]int{}
	for len(out) < n {
		if len(out) == n/2 {
			out = append(out, est(2002, "TEC-0201"))
			continue
		}
		if voters < 3 || rng.IntN(4) == 0 {
			voters++
			p := precincts[rng.IntN(4)]
			where[voters] = p
			out = append(out, asofStep{stream(voters), voter.VoterRegistered{PIN: "x", Surname: names[rng.IntN(len(names))],
				GivenName: names[rng.IntN(len(names))], Patronymic: "", BirthDate: calendar.MustDate(1980, 1, 2), Sex: "F",
				Passport: "AN1", Precinct: p, RegisteredFrom: "population-register", At: at}})
			continue
		}
		i := 1 + rng.IntN(voters)
		var v any
		switch rng.IntN(4) {
		case 0:
			pat := names[rng.IntN(len(names))]
			v = voter.VoterDetailsCorrected{Surname: names[rng.IntN(len(names))], Patronymic: &pat, At: at}
		case 1:
			to := precincts[rng.IntN(4)]
			v = voter.VoterMovedPrecinct{From: where[i], To: to, Reason: "form2", At: at}
			where[i] = to
		case 2:
			v = voter.VoterRemoved{Reason: "other", Note: "n", Basis: "b", At: at}
		default:
			v = voter.VoterRestored{Reason: "r", At: at}
		}
		out = append(out, asofStep{stream(i), v})
	}
	return out
}

func asofRun(t *testing.T, cfg Config) string {
	t.Helper()
	var out bytes.Buffer
	if err := asof(t.Context(), cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), &out); err != nil {
		t.Fatal(err)
	}
	return out.String()
}

var asofDigestRE = regexp.MustCompile(`(?m)^# digest sha256:([0-9a-f]{64}) rows=(\d+) at=(\S+)\n\z`)

// TestAsOfAgreesWithReplay: randomised history; `tizme asof` and `tizme
// asof -replay` print the same list and digest for random instants,
// exactly at recorded times, and before the first event, in CSV and JSON.
func TestAsOfAgreesWithReplay(t *testing.T) {
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
	rng := rand.New(rand.NewPCG(42, 42))
	var last eventstore.Position
	for _, s := range asofHistory(rng, 60) {
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
		time.Sleep(time.Duration(rng.IntN(3)) * time.Millisecond)
	}
	var times []time.Time
	for deadline := time.Now().Add(time.Minute); ; time.Sleep(10 * time.Millisecond) {
		page, err := store.ReadAll(ctx, eventstore.ReadAllOptions{After: eventstore.Start, Limit: 10_000})
		if err != nil {
			t.Fatal(err)
		}
		if page.Checkpoint.Compare(last) >= 0 {
			for _, e := range page.Events {
				times = append(times, e.Recorded)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the appended events did not become visible within a minute")
		}
	}
	if _, err := projections.Rebuild(ctx, projections.RebuildConfig{Pool: pool, Store: store, Codec: codec,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}, readmodels.NewVoterVersions()); err != nil {
		t.Fatal(err)
	}

	first, lastAt := slices.MinFunc(times, time.Time.Compare), slices.MaxFunc(times, time.Time.Compare)
	instants := []time.Time{first.Add(-time.Second), first, lastAt, lastAt.Add(time.Minute)}
	for range 8 {
		instants = append(instants, times[rng.IntN(len(times))])
	}
	for range 30 {
		instants = append(instants, first.Add(time.Duration(rng.Int64N(int64(lastAt.Sub(first))+1))))
	}
	cfg := defaultConfig()
	cfg.DatabaseURL = url
	nonEmpty := 0
	for i, at := range instants {
		cfg.AsOfAt = at.In(time.FixedZone("Asia/Bishkek", 6*3600)).Format(time.RFC3339Nano)
		cfg.AsOfPrecinct = 0
		if i%3 == 1 {
			cfg.AsOfPrecinct = []int{1001, 1002, 2001, 2002}[rng.IntN(4)]
		}
		cfg.AsOfFormat, cfg.AsOfReplay = "csv", false
		model := asofRun(t, cfg)
		cfg.AsOfReplay = true
		replay := asofRun(t, cfg)
		if model != replay {
			t.Errorf("as of %s precinct %d:\nread model:\n%s\nreplay:\n%s", cfg.AsOfAt, cfg.AsOfPrecinct, model, replay)
		}
		m := asofDigestRE.FindStringSubmatch(model)
		if m == nil {
			t.Fatalf("no digest line at the end:\n%s", model)
		}
		if !strings.HasPrefix(model, "precinct,tec,surname,given_name,patronymic,stream\n") {
			t.Errorf("no CSV header:\n%s", model)
		}
		if got := strings.Count(model, "\n") - 2; fmt.Sprint(got) != m[2] {
			t.Errorf("digest line says rows=%s, output has %d rows", m[2], got)
		}
		if m[2] != "0" {
			nonEmpty++
		}
		if i == 0 && m[2] != "0" {
			t.Errorf("before the first event: %s rows", m[2])
		}
		if i%5 == 0 {
			cfg.AsOfFormat = "json"
			var js [2]asofOutput
			for k, replay := range []bool{false, true} {
				cfg.AsOfReplay = replay
				if err := json.Unmarshal([]byte(asofRun(t, cfg)), &js[k]); err != nil {
					t.Fatal(err)
				}
			}
			if js[0].Digest != "sha256:"+m[1] || js[1].Digest != js[0].Digest || len(js[0].Rows) != len(js[1].Rows) ||
				js[0].Precinct != cfg.AsOfPrecinct || js[0].At != m[3] {
				t.Errorf("JSON %+v / %+v disagrees with CSV digest %s at %s", js[0], js[1], m[1], m[3])
			}
		}
	}
	if nonEmpty < len(instants)/2 {
		t.Errorf("only %d of %d answers were non-empty", nonEmpty, len(instants))
	}
}

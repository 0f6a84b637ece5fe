package readmodels_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/cec-kg/tizme/projections"
	"github.com/cec-kg/tizme/projections/projectiontest"
	"github.com/cec-kg/tizme/readmodels"
)

// TestRegistryNamesAreUnique: names are persisted keys of checkpoints and
// tables; two projections may not share one, nor a table name.
func TestRegistryNamesAreUnique(t *testing.T) {
	t.Parallel()
	list, codec := readmodels.Registry()
	if len(list) < 7 {
		t.Fatalf("%d projections registered", len(list))
	}
	names, tables := map[string]bool{}, map[string]string{}
	for _, p := range list {
		if names[p.Name()] {
			t.Errorf("projection name %q twice", p.Name())
		}
		names[p.Name()] = true
		for _, tab := range p.Tables() {
			if other, dup := tables[tab.Name]; dup {
				t.Errorf("table %q in %s and %s", tab.Name, other, p.Name())
			}
			tables[tab.Name] = p.Name()
		}
		for _, typ := range p.EventTypes() {
			if !codec.Known(typ, 1) {
				t.Errorf("%s handles %q, which the codec does not know", p.Name(), typ)
			}
		}
	}
}

// TestPublicReadModelsHoldNoPersonalData installs every registered
// projection in a real database and reads the columns of every table the
// portal may serve: none may hold a PIN, birth date, passport or home
// address (VP 3.7).
func TestPublicReadModelsHoldNoPersonalData(t *testing.T) {
	t.Parallel()
	e := projectiontest.NewEnv(t)
	list, codec := readmodels.Registry()
	e.Codec = codec
	r := e.StartRunner(t, nil, list...)
	defer r.Stop(t)
	forbidden := []string{"pin", "birth", "passport", "address", "street", "building", "home"}
	publicTables := 0
	for _, p := range list {
		pub, ok := p.(readmodels.PublicProjection)
		if !ok || !pub.Public() {
			continue
		}
		for _, table := range pub.PublicTables() {
			publicTables++
			var cols []string
			projectiontest.WaitFor(t, "view "+table, func() (bool, string) {
				rows, err := e.Pool.Query(context.Background(),
					`SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1`, table)
				if err != nil {
					return false, err.Error()
				}
				cols = cols[:0]
				for rows.Next() {
					var c string
					if err := rows.Scan(&c); err != nil {
						return false, err.Error()
					}
					cols = append(cols, c)
				}
				return len(cols) > 0, "no columns yet"
			})
			for _, c := range cols {
				for _, f := range forbidden {
					if strings.Contains(strings.ToLower(c), f) {
						t.Errorf("public table %s (%s) has column %q", table, p.Name(), c)
					}
				}
			}
		}
	}
	if publicTables < 5 {
		t.Errorf("only %d public tables checked", publicTables)
	}
}

// TestRegistryEveryReadModelTwoWaysAndVerify runs every registered read
// model over one history holding every event type they handle: the rows
// are the same whether the history comes one event per batch or in one
// rebuild chunk, and Verify then finds no drift.
func TestRegistryEveryReadModelTwoWaysAndVerify(t *testing.T) {
	t.Parallel()
	history := pmrHistory()
	for _, script := range [][]rmStep{pdScript(), append(vappScript(), vaFailScript()...), vcScript(), daScript(), elScript(), pcScript(), eoOnlyScript()} {
		for _, s := range script {
			v := s.value
			if raw, ok := v.(json.RawMessage); ok {
				v = pmrV1{typ: s.typ, data: raw}
			}
			history = append(history, pmrStep{s.stream, v})
		}
	}
	list, _ := readmodels.Registry()
	for _, p := range list {
		t.Run(p.Name(), func(t *testing.T) {
			t.Parallel()
			e := projectiontest.NewEnv(t)
			_, e.Codec = readmodels.Registry()
			last := pmrAppend(t, e, "registry", history)
			pmrEventByEvent(t, e, p, last)
			live := pmrDump(t, e, p)
			pmrOneBatch(t, e, p)
			pmrSameDumps(t, live, pmrDump(t, e, p))
			for _, res := range e.Verify(t, projections.VerifyConfig{NoRecord: true}, p) {
				if !res.OK {
					t.Errorf("verify %s: %+v", p.Name(), res)
				}
			}
		})
	}
}

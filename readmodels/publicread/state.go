package publicread

import (
	"context"
	"fmt"
	"strings"

	"github.com/cec-kg/tizme/chain"
	"github.com/cec-kg/tizme/readmodels"
)

// publicSources are the read models the portal may read: every projection
// of the registry that declares itself public. A new public projection is
// counted without a change here.
var publicSources = func() []string {
	list, _ := readmodels.Registry()
	var out []string
	for _, p := range list {
		if pub, ok := p.(readmodels.PublicProjection); ok && pub.Public() {
			out = append(out, p.Name())
		}
	}
	return out
}()

// State is where the public read models stand: each one's version and the
// number of events it has applied, and with withChain also the published
// checkpoints of the hash chain. While it reads the same, every public
// read-out reads the same (one query over a table of a few rows), so a
// page rendered from them may be served again (the portal's page cache).
//
// The count of events applied, not the checkpoint, is compared: a
// checkpoint also moves over events a read model does not handle, and
// that would throw rendered pages away on every event of the log.
// WARNING: State must be read before the read-outs it stands for, never
// after, so that a page is never kept under a state newer than its data.
func (r *Reader) State(ctx context.Context, withChain bool) (string, error) {
	sql := `SELECT coalesce(string_agg(name || ':' || version || ':' || events_applied, ',' ORDER BY name), '')
		FROM projection_state WHERE name = ANY($1)`
	if withChain {
		sql = `SELECT coalesce((SELECT string_agg(name || ':' || version || ':' || events_applied, ',' ORDER BY name)
			FROM projection_state WHERE name = ANY($1)), '') || '|' ||
			(SELECT count(*) || ':' || coalesce(max(id), 0) FROM ` + chain.CheckpointsTable + `)`
	}
	var state string
	if err := r.db.QueryRow(ctx, sql, publicSources).Scan(&state); err != nil {
		return "", fmt.Errorf("publicread: read models' state: %w", err)
	}
	return state, nil
}

// stateKey carries a State read in a request's context.
type stateKey struct{}

// WithState returns ctx carrying state, as State read it for the request
// before its read-outs: a read-out that keeps what it read for a read
// model's state (the directory) takes that read model's from it instead
// of asking the database again. What it answers is then of the state the
// request read first, never newer than the state the caller keys by.
func WithState(ctx context.Context, state string) context.Context {
	return context.WithValue(ctx, stateKey{}, state)
}

// stateIn is the state of the read model named name in ctx's State
// ("version:events applied", as projection_state holds it), and whether
// ctx carries one that holds it.
func stateIn(ctx context.Context, name string) (string, bool) {
	s, _ := ctx.Value(stateKey{}).(string)
	if s == "" {
		return "", false
	}
	s, _, _ = strings.Cut(s, "|") // the chain's part, after the read models'
	for part := range strings.SplitSeq(s, ",") {
		if rest, ok := strings.CutPrefix(part, name+":"); ok {
			return rest, true
		}
	}
	return "", false
}

package publicread

import (
	"context"
	"testing"
)

// TestStateIn: a read model's own state is read off the State a request
// carries, with or without the chain's part; a name that only begins
// like another's, a State without it, or none at all is not found.
func TestStateIn(t *testing.T) {
	t.Parallel()
	const s = "precinct_directory:3:120,precinct_directory_x:1:9,voter_list:2:4000"
	for _, c := range []struct {
		ctx  context.Context
		name string
		want string
		ok   bool
	}{
		{WithState(context.Background(), s), "precinct_directory", "3:120", true},
		{WithState(context.Background(), s), "voter_list", "2:4000", true},
		{WithState(context.Background(), s+"|4:17"), "voter_list", "2:4000", true},
		{WithState(context.Background(), s), "precinct", "", false},
		{WithState(context.Background(), "voter_list:2:4000"), "precinct_directory", "", false},
		{WithState(context.Background(), ""), "precinct_directory", "", false},
		{context.Background(), "precinct_directory", "", false},
	} {
		if got, ok := stateIn(c.ctx, c.name); got != c.want || ok != c.ok {
			t.Errorf("%s: %q %v, want %q %v", c.name, got, ok, c.want, c.ok)
		}
	}
}

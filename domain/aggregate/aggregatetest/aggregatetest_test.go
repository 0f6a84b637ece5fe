package aggregatetest_test

import (
	"errors"
	"testing"

	"github.com/cec-kg/tizme/domain/aggregate"
	"github.com/cec-kg/tizme/domain/aggregate/aggregatetest"
	"github.com/cec-kg/tizme/eventstore"
)

// counter is a toy aggregate for testing the helper.
type counter struct {
	aggregate.Root
	n int
}

type Added struct {
	By int `json:"by"`
}

var errNegative = errors.New("negative")

func (c *counter) Stream() string { return "counter-1" }

func (c *counter) Apply(e any) {
	if e, ok := e.(Added); ok {
		c.n += e.By
	}
}

func (c *counter) Add(by int) error {
	if by < 0 {
		return errNegative
	}
	if by == 0 {
		return nil
	}
	e := Added{By: by}
	c.Apply(e)
	c.Recorded(e)
	return nil
}

func TestGiven(t *testing.T) {
	t.Parallel()
	c := aggregatetest.Given(&counter{}, Added{By: 2}, Added{By: 3})
	if c.n != 5 {
		t.Errorf("n = %d, want 5", c.n)
	}
	if rev, exists := c.Revision(); rev != 1 || !exists {
		t.Errorf("Revision() = %d, %v; want 1, true", rev, exists)
	}
}

func TestRun(t *testing.T) {
	t.Parallel()
	aggregatetest.Spec[*counter]{
		New:      func() *counter { return &counter{} },
		Register: func(c *eventstore.Codec) { eventstore.Register[Added](c, "Added", 1) },
	}.Run(t, []aggregatetest.Case[*counter]{
		{
			Name:   "records",
			Given:  []any{Added{By: 1}},
			When:   func(c *counter) error { return c.Add(2) },
			Then:   []any{Added{By: 2}},
			Stream: "counter-1",
		},
		{
			Name: "nothing to record",
			When: func(c *counter) error { return c.Add(0) },
		},
		{
			Name:  "rejects",
			Given: []any{Added{By: 1}},
			When:  func(c *counter) error { return c.Add(-1) },
			Err:   errNegative,
		},
	})
}

package projections_test

import (
	"os"
	"testing"

	"github.com/cec-kg/tizme/eventstore/postgres/pgtest"
)

func TestMain(m *testing.M) {
	if os.Getenv(childEnv) != "" {
		os.Exit(childMain())
	}
	pgtest.Main(m)
}

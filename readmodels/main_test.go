package readmodels_test

import (
	"testing"

	"github.com/cec-kg/tizme/eventstore/postgres/pgtest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

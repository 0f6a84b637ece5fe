package person_test

import (
	"os"
	"testing"

	"github.com/cec-kg/tizme/domain/failure/failuretest"
	"github.com/cec-kg/tizme/domain/person"
)

func TestMessages(t *testing.T) {
	t.Parallel()
	failuretest.CheckPackage(t, person.Messages(), os.DirFS("."))
}

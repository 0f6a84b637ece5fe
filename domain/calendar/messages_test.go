package calendar_test

import (
	"os"
	"testing"

	"github.com/cec-kg/tizme/domain/calendar"
	"github.com/cec-kg/tizme/domain/failure/failuretest"
)

func TestMessages(t *testing.T) {
	t.Parallel()
	failuretest.CheckPackage(t, calendar.Messages(), os.DirFS("."))
}

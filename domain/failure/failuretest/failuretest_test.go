package failuretest_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/cec-kg/tizme/domain/failure"
	"github.com/cec-kg/tizme/domain/failure/failuretest"
)

// recorder is a testing.TB that collects failures instead of failing.
type recorder struct {
	testing.TB
	errs []string
}

func (r *recorder) Helper() {}
func (r *recorder) Errorf(format string, args ...any) {
	r.errs = append(r.errs, fmt.Sprintf(format, args...))
}

var (
	errA = failure.New("t.a", "a")
	errB = failure.New("t.b", "b")
)

func TestCheck(t *testing.T) {
	t.Parallel()
	full := failure.Text{Ky: "ky {n}", Ru: "ru {n}", En: "en {n}"}
	cases := []struct {
		name      string
		cat       failure.Catalogue
		sentinels []*failure.Error
		want      []string // substrings of the expected failures, in order
	}{
		{"complete", failure.Catalogue{"t.a": full, "t.b": full}, []*failure.Error{errA, errB}, nil},
		{"missing code", failure.Catalogue{"t.a": full}, []*failure.Error{errA, errB}, []string{`"t.b" has no text`}},
		{"missing language", failure.Catalogue{"t.a": {Ky: "ky", Ru: "ru"}}, []*failure.Error{errA}, []string{"no en text"}},
		{"blank language", failure.Catalogue{"t.a": {Ky: " ", Ru: "ru", En: "en"}}, []*failure.Error{errA}, []string{"no ky text"}},
		{"placeholder mismatch", failure.Catalogue{"t.a": {Ky: "{n}", Ru: "{m}", En: "{n}"}}, []*failure.Error{errA}, []string{"placeholders differ"}},
		{"orphan text", failure.Catalogue{"t.a": full, "t.z": full}, []*failure.Error{errA}, []string{`"t.z", which no sentinel uses`}},
		{"duplicate sentinel", failure.Catalogue{"t.a": full}, []*failure.Error{errA, failure.New("t.a", "again")}, []string{"used by two sentinels"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			r := &recorder{TB: t}
			failuretest.Check(r, c.cat, c.sentinels...)
			if len(r.errs) != len(c.want) {
				t.Fatalf("failures %q, want %d matching %q", r.errs, len(c.want), c.want)
			}
			for i, w := range c.want {
				if !strings.Contains(r.errs[i], w) {
					t.Errorf("failure %q does not mention %q", r.errs[i], w)
				}
			}
		})
	}
}

func TestSentinelCodes(t *testing.T) {
	t.Parallel()
	fsys := fstest.MapFS{
		"a.go": {Data: []byte(`package p

import "github.com/cec-kg/tizme/domain/failure"

const codeC = "p.c"

var (
	ErrA = failure.New("p.a", "a")
	errB = failure.New(failure.Code("p.b"), "b")
	ErrC = failure.New(codeC, "c")
	notOne = fmt.Errorf("x")
)
`)},
		"a_test.go":  {Data: []byte("package p\nvar ErrT = failure.New(\"p.test\", \"t\")\n")},
		"sub/b.go":   {Data: []byte("package q\nvar ErrQ = failure.New(\"q.q\", \"q\")\n")},
		"readme.txt": {Data: []byte("not go")},
	}
	codes, err := failuretest.SentinelCodes(fsys)
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(codes)
	if want := []failure.Code{"p.a", "p.b", "p.c"}; !slices.Equal(codes, want) {
		t.Errorf("codes %v, want %v", codes, want)
	}
}

func TestSentinelCodesUnreadable(t *testing.T) {
	t.Parallel()
	fsys := fstest.MapFS{"a.go": {Data: []byte("package p\nvar ErrX = failure.New(code(), \"x\")\n")}}
	if _, err := failuretest.SentinelCodes(fsys); err == nil || !strings.Contains(err.Error(), "ErrX") {
		t.Errorf("want an error naming ErrX, got %v", err)
	}
}

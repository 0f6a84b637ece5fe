package lang_test

import (
	"errors"
	"os"
	"testing"

	"github.com/cec-kg/tizme/domain/failure/failuretest"
	"github.com/cec-kg/tizme/domain/lang"
)

func TestParse(t *testing.T) {
	t.Parallel()
	cases := []struct {
		in   string
		want lang.Lang
		err  error
	}{
		{"ky", lang.Ky, nil},
		{"KY", lang.Ky, nil},
		{"kir", lang.Ky, nil},
		{"ky-KG", lang.Ky, nil},
		{"ru", lang.Ru, nil},
		{"ru-RU", lang.Ru, nil},
		{"ru_KG", lang.Ru, nil},
		{" rus ", lang.Ru, nil},
		{"en", lang.En, nil},
		{"en-GB", lang.En, nil},
		{"eng", lang.En, nil},
		{"kk", "", lang.ErrUnknown},
		{"de", "", lang.ErrUnknown},
		{"", "", lang.ErrUnknown},
		{"kyr", "", lang.ErrUnknown},
	}
	for _, c := range cases {
		t.Run(c.in, func(t *testing.T) {
			t.Parallel()
			got, err := lang.Parse(c.in)
			if !errors.Is(err, c.err) || (c.err == nil && err != nil) {
				t.Fatalf("Parse(%q) error %v, want %v", c.in, err, c.err)
			}
			if got != c.want {
				t.Errorf("Parse(%q) = %q, want %q", c.in, got, c.want)
			}
			if c.err == nil && (!got.Valid() || got.String() != string(c.want)) {
				t.Errorf("Valid/String wrong for %q", got)
			}
		})
	}
}

func TestAll(t *testing.T) {
	t.Parallel()
	if len(lang.All) != 3 || lang.All[0] != lang.Ky {
		t.Errorf("All = %v: the state language comes first", lang.All)
	}
	if lang.Lang("de").Valid() {
		t.Error(`"de" is valid`)
	}
}

func TestMessages(t *testing.T) {
	t.Parallel()
	failuretest.CheckPackage(t, lang.Messages(), os.DirFS("."))
}

package text_test

import (
	"testing"

	"github.com/cec-kg/tizme/domain/internal/text"
)

func TestClean(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		in   string
		want string
		bad  rune
		ok   bool
	}{
		{"plain", "Бишкек", "Бишкек", 0, true},
		{"trim and collapse", "  Чүй \u00a0  облусу  ", "Чүй облусу", 0, true},
		{"tab and line break at the ends", "\tЧүй облусу\r\n", "Чүй облусу", 0, true},
		{"thin and ideographic spaces", "a\u2009b\u3000c", "a b c", 0, true},
		{"empty", "", "", 0, true},
		{"only spaces", " \u00a0 ", "", 0, true},
		{"tab inside", "a\tb", "", '\t', false},
		{"line break inside", "a\nb", "", '\n', false},
		{"NUL", "a\x00b", "", 0, false},
		{"DEL", "a\x7fb", "", 0x7f, false},
		{"zero-width space", "a\u200bb", "", 0x200b, false},
		{"soft hyphen", "a\u00adb", "", 0xad, false},
		{"byte order mark", "\ufeffa", "", 0xfeff, false},
		{"bidi override", "a\u202eb", "", 0x202e, false},
		{"line separator", "a\u2028b", "", 0x2028, false},
		{"private use", "a\ue000b", "", 0xe000, false},
		{"invalid UTF-8", "a\xffb", "", 0xfffd, false},
		{"replacement character", "a\ufffdb", "", 0xfffd, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			got, bad, ok := text.Clean(c.in)
			if ok != c.ok || got != c.want || (!c.ok && bad != c.bad) {
				t.Errorf("Clean(%q) = %q, %U, %v; want %q, %U, %v", c.in, got, bad, ok, c.want, c.bad, c.ok)
			}
		})
	}
}

func TestChar(t *testing.T) {
	t.Parallel()
	for r, want := range map[rune]string{'ө': "ө", '7': "7", '\t': "U+0009", 0x200b: "U+200B", ' ': "U+0020", 0x0301: "U+0301"} {
		if got := text.Char(r); got != want {
			t.Errorf("Char(%U) = %q, want %q", r, got, want)
		}
	}
}

func TestClip(t *testing.T) {
	t.Parallel()
	cases := []struct {
		in   string
		n    int
		want string
	}{
		{"abc", 5, "abc"},
		{"abc", 3, "abc"},
		{"abcd", 3, "abc…"},
		{"өмүрбек", 3, "өмү…"},
		{"", 0, ""},
	}
	for _, c := range cases {
		if got := text.Clip(c.in, c.n); got != c.want {
			t.Errorf("Clip(%q, %d) = %q, want %q", c.in, c.n, got, c.want)
		}
	}
}

// Package failure holds the errors a person can see: sentinels with a
// stable code, errors that carry parameters for the message, and the
// catalogue that renders a code in Kyrgyz, Russian or English.
//
// A domain package declares its sentinels with New, wraps them with With
// (or its own typed error that unwraps to the sentinel and has a Params
// method) and exports Messages() with a Text for every sentinel. The API
// layer maps a code to an HTTP status and renders the text in the caller's
// language; nothing below it formats messages for people.
package failure

import (
	"errors"
	"maps"
	"slices"
	"strings"
)

// Code is the stable, persisted-in-clients identifier of an error, such as
// "pin.bad_length". WARNING: clients and translations key on it; never
// rename a released code.
type Code string

// Error is a sentinel error with a stable code. Compare with errors.Is.
type Error struct {
	code Code
	text string
}

// New returns a sentinel. text is the English developer text returned by
// Error(); the texts shown to people live in the package's catalogue.
func New(code Code, text string) *Error {
	return &Error{code: code, text: text}
}

// Error returns the developer text.
func (e *Error) Error() string { return e.text }

// Code returns the stable code.
func (e *Error) Code() Code { return e.code }

// With returns an error that is errors.Is(err, sentinel) and carries params
// for the message template (see Catalogue.Render). params is copied.
func With(sentinel *Error, params map[string]string) error {
	return &withParams{sentinel: sentinel, params: maps.Clone(params)}
}

type withParams struct {
	sentinel *Error
	params   map[string]string
}

// Error returns the sentinel's text followed by the parameters, sorted by
// name, so logs are stable.
func (w *withParams) Error() string {
	if len(w.params) == 0 {
		return w.sentinel.text
	}
	var b strings.Builder
	b.WriteString(w.sentinel.text)
	b.WriteString(" (")
	for i, k := range slices.Sorted(maps.Keys(w.params)) {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(k)
		b.WriteString("=")
		b.WriteString(w.params[k])
	}
	b.WriteString(")")
	return b.String()
}

// Unwrap returns the sentinel, so errors.Is matches it.
func (w *withParams) Unwrap() error { return w.sentinel }

// Params returns a copy of the parameters.
func (w *withParams) Params() map[string]string { return maps.Clone(w.params) }

// CodeOf returns the code of the first *Error in err's chain.
func CodeOf(err error) (Code, bool) {
	var e *Error
	if errors.As(err, &e) {
		return e.code, true
	}
	return "", false
}

// ParamsOf returns the parameters of the first error in err's chain that has
// a Params() map[string]string method (With's errors and typed errors such
// as a window error), or nil.
func ParamsOf(err error) map[string]string {
	var p interface{ Params() map[string]string }
	if errors.As(err, &p) {
		return p.Params()
	}
	return nil
}

// Text is one message in the three languages tizme speaks: Kyrgyz, the state
// language, and Russian, the official one (VC §4, VP 2.3), plus English for
// observers. A text may hold {name} placeholders filled from the error's
// parameters.
type Text struct {
	Ky, Ru, En string
}

// Catalogue maps codes to texts.
type Catalogue map[Code]Text

// Lookup returns the text of code.
func (c Catalogue) Lookup(code Code) (Text, bool) {
	t, ok := c[code]
	return t, ok
}

// Render returns the message for code in lang ("ky", "ru" or "en"; a
// region subtag such as "ru-RU" is ignored) with {name} placeholders
// replaced from params. An unknown language, or a language whose text is
// missing, falls back to Kyrgyz (VC §4). Placeholders without a parameter
// are left as they are. Render returns "" for an unknown code.
func (c Catalogue) Render(code Code, lang string, params map[string]string) string {
	t, ok := c[code]
	if !ok {
		return ""
	}
	primary, _, _ := strings.Cut(strings.ToLower(strings.TrimSpace(lang)), "-")
	s := t.Ky
	switch primary {
	case "ru":
		s = t.Ru
	case "en":
		s = t.En
	}
	if s == "" {
		s = t.Ky
	}
	return fill(s, params)
}

// fill replaces {name} with params[name], scanning once so a value that
// itself contains braces is never expanded again.
func fill(s string, params map[string]string) string {
	if len(params) == 0 || !strings.Contains(s, "{") {
		return s
	}
	var b strings.Builder
	for {
		open := strings.IndexByte(s, '{')
		if open < 0 {
			break
		}
		end := strings.IndexByte(s[open:], '}')
		if end < 0 {
			break
		}
		name := s[open+1 : open+end]
		v, ok := params[name]
		if !ok {
			b.WriteString(s[:open+end+1])
		} else {
			b.WriteString(s[:open])
			b.WriteString(v)
		}
		s = s[open+end+1:]
	}
	b.WriteString(s)
	return b.String()
}

// Placeholders returns the sorted, distinct {name} placeholders of s.
func Placeholders(s string) []string {
	var names []string
	for {
		open := strings.IndexByte(s, '{')
		if open < 0 {
			break
		}
		end := strings.IndexByte(s[open:], '}')
		if end < 0 {
			break
		}
		names = append(names, s[open+1:open+end])
		s = s[open+end+1:]
	}
	slices.Sort(names)
	return slices.Compact(names)
}

// Merge joins catalogues. It panics on a code defined twice: two packages
// claiming one code is a programming error found at start-up.
func Merge(cs ...Catalogue) Catalogue {
	out := Catalogue{}
	for _, c := range cs {
		for code, t := range c {
			if _, dup := out[code]; dup {
				panic("failure: code " + string(code) + " defined twice")
			}
			out[code] = t
		}
	}
	return out
}

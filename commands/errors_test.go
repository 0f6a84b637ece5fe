package commands_test

import (
	"errors"
	"slices"
	"testing"

	"github.com/cec-kg/tizme/commands/bus"
	"github.com/cec-kg/tizme/domain/failure"
)

func TestErrorsRegistry(t *testing.T) {
	t.Parallel()
	r := bus.NewErrors()
	if !slices.Contains(r.Codes(), bus.CodeConflict) || !slices.Contains(r.Codes(), bus.CodeMissingKey) {
		t.Fatalf("codes %v: the machinery's own are missing", r.Codes())
	}
	sentinel := failure.New("test.registry", "registered")
	bus.RegisterRejections(r, sentinel)
	if !slices.Contains(r.Codes(), "test.registry") {
		t.Fatal("RegisterRejections did not register")
	}
	for _, tc := range []struct {
		name     string
		register func()
	}{
		{"duplicate code", func() { r.Reject("test.registry", errors.New("other")) }},
		{"sentinel twice", func() { r.Reject("test.other", sentinel) }},
		{"empty code", func() { r.Reject("", errors.New("x")) }},
		{"nil sentinel", func() { r.Reject("test.nil", nil) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Fatal("no panic")
				}
			}()
			tc.register()
		})
	}
}

func TestValidateKey(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		key  string
		want error
	}{
		{"ok", "3f0c-any printable text, кириллица too", nil},
		{"empty", "", bus.ErrMissingIdempotencyKey},
		{"tab", "a\tb", bus.ErrInvalidIdempotencyKey},
		{"not UTF-8", "a\xffb", bus.ErrInvalidIdempotencyKey},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if err := bus.ValidateKey(tc.key); !errors.Is(err, tc.want) || (tc.want == nil) != (err == nil) {
				t.Fatalf("ValidateKey(%q) = %v, want %v", tc.key, err, tc.want)
			}
		})
	}
}

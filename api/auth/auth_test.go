package auth_test

import (
	"errors"
	"testing"

	"github.com/cec-kg/tizme/api/auth"
)

func TestBearerToken(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		header  string
		want    string
		wantErr error
	}{
		{"bearer", "Bearer abc.def.ghi", "abc.def.ghi", nil},
		{"scheme is case-insensitive", "bEaReR abc.def.ghi", "abc.def.ghi", nil},
		{"extra spaces around the token", "  Bearer   abc.def.ghi  ", "abc.def.ghi", nil},
		{"empty header", "", "", auth.ErrNoToken},
		{"spaces only", "   ", "", auth.ErrNoToken},
		{"scheme without token", "Bearer", "", auth.ErrNoToken},
		{"scheme and spaces", "Bearer   ", "", auth.ErrNoToken},
		{"basic auth", "Basic dXNlcjpwYXNz", "", auth.ErrNoToken},
		{"token without scheme", "abc.def.ghi", "", auth.ErrNoToken},
		{"scheme run into the token", "Bearerabc.def.ghi", "", auth.ErrNoToken},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := auth.BearerToken(tt.header)
			if !errors.Is(err, tt.wantErr) || (tt.wantErr == nil && err != nil) {
				t.Fatalf("BearerToken(%q) error = %v, want %v", tt.header, err, tt.wantErr)
			}
			if got != tt.want {
				t.Errorf("BearerToken(%q) = %q, want %q", tt.header, got, tt.want)
			}
		})
	}
}

func TestPrincipalHas(t *testing.T) {
	t.Parallel()
	p := auth.Principal{Roles: []auth.Role{auth.RoleStaff, auth.RoleAuditor}}
	tests := []struct {
		name string
		role auth.Role
		want bool
	}{
		{"first role", auth.RoleStaff, true},
		{"second role", auth.RoleAuditor, true},
		{"role not held", auth.RoleVoter, false},
		{"empty role", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := p.Has(tt.role); got != tt.want {
				t.Errorf("Has(%q) = %v, want %v", tt.role, got, tt.want)
			}
		})
	}
}

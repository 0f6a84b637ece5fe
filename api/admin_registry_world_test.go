package api_test

import (
	"context"
	"testing"
	"time"

	"github.com/cec-kg/tizme/api"
	"github.com/cec-kg/tizme/api/auth"
	"github.com/cec-kg/tizme/api/session"
)

// The browser world of the administration's commissions, staff and
// content pages (issue 14): newWebWorld's people, a CEC administrator and
// an operator the administrator will assign (op-new of TEC-0101).

const (
	labelRegistryAdmin = "CEC administrator"
	labelOpNew         = "Staff op-new of TEC-0101"
	opNew              = "op-new"
)

func registryWebWorld(t *testing.T) *world {
	t.Helper()
	return newWorld(t, worldOptions{deps: func(t *testing.T, w *world, d *api.Deps) {
		ctx := context.Background()
		must(t, session.Migrate(ctx, w.pool))
		sessions, err := session.New(w.pool, session.Config{Idle: 30 * time.Minute, Absolute: 12 * time.Hour})
		must(t, err)
		base := "http://" + w.ts.Listener.Addr().String()
		must(t, w.dev.EnableLogin(auth.DevLoginConfig{
			ClientID: webClientID, ClientSecret: webClientSecret, RedirectURIs: []string{base + "/auth/callback"},
			Identities: []auth.DevIdentity{
				{Label: labelRegistryAdmin, Principal: auth.Principal{Subject: "cec-admin-1", Name: "Администратор БШК", Roles: []auth.Role{auth.RoleCECAdmin}}},
				{Label: labelOpNew, Principal: auth.Principal{Subject: opNew, Name: "Жаңы оператор", Roles: []auth.Role{auth.RoleStaff}, Commission: tec0101}},
				{Label: labelAuditor, Principal: auth.Principal{Subject: "auditor-1", Roles: []auth.Role{auth.RoleAuditor}}},
			},
		}))
		client, err := auth.NewClient(auth.ClientConfig{
			Issuer: w.dev.Issuer(), AuthURL: w.dev.AuthorizeURL(), TokenURL: w.dev.TokenURL(), JWKSURL: w.dev.JWKSURL(),
			ClientID: webClientID, ClientSecret: webClientSecret, RedirectURL: base + "/auth/callback",
		})
		must(t, err)
		d.Browser = &api.BrowserSignIn{Client: client, Sessions: sessions}
	}})
}

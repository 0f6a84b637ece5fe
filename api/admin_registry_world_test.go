package api_test

import (
	"testing"

	"github.com/cec-kg/tizme/api/auth"
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
	return newWorld(t, worldOptions{deps: webDepsWith(false, []auth.DevIdentity{
		{Label: labelRegistryAdmin, Principal: auth.Principal{Subject: "cec-admin-1", Name: "Администратор БШК", Roles: []auth.Role{auth.RoleCECAdmin}}},
		{Label: labelOpNew, Principal: auth.Principal{Subject: opNew, Name: "Жаңы оператор", Roles: []auth.Role{auth.RoleStaff}, Commission: tec0101}},
		{Label: labelAuditor, Principal: auth.Principal{Subject: "auditor-1", Roles: []auth.Role{auth.RoleAuditor}}},
	})})
}

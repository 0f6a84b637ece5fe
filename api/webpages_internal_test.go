package api

import (
	"testing"

	"github.com/cec-kg/tizme/api/auth"
)

// TestWebTextsComplete: every text of the sign-in and desk pages is in
// Kyrgyz, Russian and English, and every refusal page and sign-in method
// has its words, as every role and its desk.
func TestWebTextsComplete(t *testing.T) {
	t.Parallel()
	for key, text := range webTexts {
		if !text.Complete() {
			t.Errorf("%s lacks a language: %+v", key, text)
		}
	}
	var keys []string
	for _, k := range []pageKind{pageWrongRole, pageCSRF, pageCrossSite, pageSessionEnded, pageSignInFailed} {
		keys = append(keys, "refused."+string(k)+".title", "refused."+string(k)+".body", "refused."+string(k)+".next")
	}
	for _, r := range roleOrder {
		keys = append(keys, "role."+string(r), deskKey[r])
	}
	for _, m := range []string{auth.MethodCloudSignature, auth.MethodEID, auth.MethodQR, auth.MethodFaceID} {
		keys = append(keys, "method."+m)
	}
	for _, r := range []auth.Role{auth.RoleVoter, auth.RoleStaff, auth.RoleAuditor} {
		keys = append(keys, "role."+string(r))
	}
	for _, k := range keys {
		if _, ok := webTexts[k]; !ok {
			t.Errorf("no text %s", k)
		}
	}
}

package signedin

import (
	"github.com/cec-kg/tizme/api/auth"
	"github.com/cec-kg/tizme/api/i18n"
)

// Texts are the words every signed-in page shares: the sign-in methods
// ("method." and the method; "method." alone for an unknown one) and the
// roles ("role." and the role). The server's sign-in pages carry them
// among their own.
var Texts = map[string]i18n.Text{
	"role." + string(auth.RoleVoter):   {Ky: "шайлоочу", Ru: "избиратель", En: "voter"},
	"role." + string(auth.RoleStaff):   {Ky: "комиссиянын кызматкери", Ru: "сотрудник комиссии", En: "commission staff"},
	"role." + string(auth.RoleAuditor): {Ky: "аудитор", Ru: "аудитор", En: "auditor"},

	"method." + auth.MethodCloudSignature: {Ky: "булуттук электрондук кол тамга", Ru: "облачная электронная подпись", En: "cloud e-signature"},
	"method." + auth.MethodEID:            {Ky: "ID-карта", Ru: "ID-карта", En: "eID card"},
	"method." + auth.MethodQR:             {Ky: "QR-код", Ru: "QR-код", En: "QR code"},
	"method." + auth.MethodFaceID:         {Ky: "Face ID", Ru: "Face ID", En: "Face ID"},
	"method.":                             {Ky: "белгисиз", Ru: "неизвестен", En: "unknown"},
}

// MethodText names the sign-in method m in l: "unknown" in l for "", and
// "" for a method it has no words for.
func MethodText(m string, l i18n.Lang) string { return Texts["method."+m].In(l) }

// RoleText names role r in l ("" for a role it has no words for).
func RoleText(r auth.Role, l i18n.Lang) string { return Texts["role."+string(r)].In(l) }

package portal

import (
	"net/http"

	"github.com/cec-kg/tizme/api/httpapi"
	"github.com/labstack/echo/v4"
)

// Info is the help the portal shows beside the list (VP 3.6, VP 4.11):
// where to register biometric data, whom to call, what to do when an
// entry is wrong. Texts come in the caller's language. The CEC's
// administrators maintain all of it (issue 14: /api/v1/admin/content);
// the read model portal_content holds it.
type Info struct {
	Language        string          `json:"language"`
	CallCentre      CallCentre      `json:"call_centre"`
	BiometricPoints []BiometricSpot `json:"biometric_registration_points"`
	Help            []HelpItem      `json:"help"`
	// Demo is true while nothing has been published yet: the answer is
	// then empty, not the commission's content.
	Demo bool `json:"demo"`
}

// CallCentre is the commission's public hotline.
type CallCentre struct {
	Phone string `json:"phone"`
	Hours string `json:"hours"`
	Email string `json:"email"`
}

// BiometricSpot is a place that registers biometric data (VC §6: a voter
// must be biometrically registered).
type BiometricSpot struct {
	// Region is the settlement the point is in, in the caller's language.
	Region  string `json:"region"`
	Name    string `json:"name"`
	Address string `json:"address"`
	Hours   string `json:"hours"`
}

// HelpItem is one question and its answer.
type HelpItem struct {
	Question string `json:"question"`
	Answer   string `json:"answer"`
}

func (h *apiHandlers) info(c echo.Context) error {
	lang := httpapi.RequestLang(c)
	content, err := h.d.Public.Content(c.Request().Context())
	if err != nil {
		return err
	}
	l := lang.String()
	out := Info{Language: l, BiometricPoints: []BiometricSpot{}, Help: []HelpItem{},
		Demo: content.CallCentre == nil && len(content.Points) == 0 && len(content.Help) == 0}
	if cc := content.CallCentre; cc != nil {
		out.CallCentre = CallCentre{Phone: cc.Phone, Email: cc.Email, Hours: cc.Hours.In(l)}
	}
	for _, p := range content.Points {
		out.BiometricPoints = append(out.BiometricPoints, BiometricSpot{Region: p.Place.In(l), Name: p.Name.In(l), Address: p.Address, Hours: p.Hours.In(l)})
	}
	for _, h := range content.Help {
		out.Help = append(out.Help, HelpItem{Question: h.Question.In(l), Answer: h.Answer.In(l)})
	}
	httpapi.PublicCache(c)
	c.Response().Header().Set("Content-Language", l)
	c.Response().Header().Add(echo.HeaderVary, "Accept-Language")
	return c.JSON(http.StatusOK, out)
}

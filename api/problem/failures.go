package problem

import (
	"net/http"
	"sort"
	"strings"

	"github.com/cec-kg/tizme/api/i18n"
	"github.com/cec-kg/tizme/domain/failure"
)

// MapFailures makes every error with a domain *failure.Error in its chain
// (also one rebuilt after crossing the command bus) resolve to that
// failure's own code, with the status statusOf gives and the catalogue's
// text as detail, its {placeholders} filled from the error's parameters
// (an application's window dates, a field's name). Every code of cat is
// also defined, so /problems lists it. Title is the generic title of the
// status. Call it after the specific Map rules: it matches any failure.
func (r *Registry) MapFailures(cat failure.Catalogue, statusOf func(failure.Code) int) {
	codes := make([]failure.Code, 0, len(cat))
	for code := range cat {
		codes = append(codes, code)
	}
	sort.Slice(codes, func(i, j int) bool { return codes[i] < codes[j] })
	for _, code := range codes {
		r.Define(r.failureDef(cat, code, statusOf(code), nil))
	}
	r.rules = append(r.rules, rule{
		name: "domain failures",
		resolve: func(err error) (Def, bool) {
			code, ok := failure.CodeOf(err)
			if !ok {
				return Def{}, false
			}
			if _, known := cat[code]; !known {
				return Def{}, false
			}
			return r.failureDef(cat, code, statusOf(code), failure.ParamsOf(err)), true
		},
	})
}

func (r *Registry) failureDef(cat failure.Catalogue, code failure.Code, status int, params map[string]string) Def {
	return Def{
		Code:   Code(code),
		Status: status,
		Title:  r.titleFor(status),
		Detail: i18n.Text{
			Ky: cat.Render(code, "ky", params),
			Ru: cat.Render(code, "ru", params),
			En: cat.Render(code, "en", params),
		},
	}
}

// titleFor is the title of the generic code of status.
func (r *Registry) titleFor(status int) i18n.Text {
	if code, ok := statusCodes[status]; ok {
		if d, ok := r.defs[code]; ok {
			return d.Title
		}
	}
	return r.defs[CodeValidationFailed].Title
}

// FailureStatus is the HTTP status of a domain failure code, from its
// last segment: something that does not exist is 404; a state that
// forbids the action (already decided, withdrawn, closed) is 409; an actor
// outside their remit is 403; any other broken rule is 422.
func FailureStatus(code failure.Code) int {
	_, last, _ := strings.Cut(string(code), ".")
	switch {
	case strings.HasPrefix(last, "not_found"), last == "not_registered", last == "not_established", last == "not_scheduled",
		last == "removal_request_not_found":
		return http.StatusNotFound
	case strings.HasPrefix(last, "forbidden"), last == "wrong_commission", last == "not_yours", last == "not_staff", last == "own_application":
		return http.StatusForbidden
	case strings.HasPrefix(last, "already_"), last == "withdrawn", last == "not_accepted", last == "removed",
		last == "not_removed", last == "closed", last == "not_given", last == "withdrawn_before_given",
		last == "removal_request_expired":
		return http.StatusConflict
	}
	return http.StatusUnprocessableEntity
}

package problem

import (
	"errors"
	"fmt"
	"net/http"
	"sort"

	"github.com/cec-kg/tizme/api/i18n"
)

// Registry maps errors to codes and codes to statuses and texts.
//
// WARNING: a Registry is filled once, while the server is built, and only
// read afterwards; Define and Map are not safe to call while requests are
// being served.
type Registry struct {
	defs  map[Code]Def
	rules []rule
	// split and fieldOf list the errors one error stands for (SplitWith).
	split   func(error) []error
	fieldOf func(error) string
}

type rule struct {
	code  Code
	name  string
	match func(error) bool
	// resolve, when set, replaces code and match: it builds the
	// definition from the error itself (MapFailures).
	resolve func(error) (Def, bool)
}

// NewRegistry returns a registry that knows the generic codes (Generic) and
// maps *ValidationError to CodeValidationFailed.
func NewRegistry() *Registry {
	r := &Registry{defs: make(map[Code]Def)}
	for _, d := range Generic() {
		r.Define(d)
	}
	MapAs[*ValidationError](r, CodeValidationFailed)
	return r
}

// Define adds a code. It panics on a programming error: an empty or
// duplicate code, a status outside 400-599, or a title or detail missing in
// one of the languages.
func (r *Registry) Define(d Def) {
	switch {
	case d.Code == "":
		panic("problem: Define with an empty code")
	case r.defs[d.Code].Code != "":
		panic(fmt.Sprintf("problem: code %q defined twice", d.Code))
	case d.Status < 400 || d.Status > 599:
		panic(fmt.Sprintf("problem: code %q has status %d, want 4xx or 5xx", d.Code, d.Status))
	case !d.Title.Complete():
		panic(fmt.Sprintf("problem: code %q lacks a title in some language", d.Code))
	case !d.Detail.Complete():
		panic(fmt.Sprintf("problem: code %q lacks a detail in some language", d.Code))
	}
	r.defs[d.Code] = d
}

// Map makes every error for which errors.Is(err, target) holds resolve to
// code. Rules are tried in the order they were added, so map the more
// specific errors first. It panics when code is not defined.
func (r *Registry) Map(target error, code Code) {
	r.mustHave(code)
	r.rules = append(r.rules, rule{
		code:  code,
		name:  target.Error(),
		match: func(err error) bool { return errors.Is(err, target) },
	})
}

// MapAs makes every error whose chain holds an E (errors.As) resolve to
// code. It panics when code is not defined.
func MapAs[E error](r *Registry, code Code) {
	r.mustHave(code)
	r.rules = append(r.rules, rule{
		code: code,
		name: fmt.Sprintf("%T", *new(E)),
		match: func(err error) bool {
			var target E
			return errors.As(err, &target)
		},
	})
}

func (r *Registry) mustHave(code Code) {
	if _, ok := r.defs[code]; !ok {
		panic(fmt.Sprintf("problem: code %q is not defined", code))
	}
}

// Lookup returns the definition of code.
func (r *Registry) Lookup(code Code) (Def, bool) {
	d, ok := r.defs[code]
	return d, ok
}

// Resolve returns the definition of the first rule that matches err, and
// false when none does (the caller then decides: an HTTP status it knows,
// or CodeInternal).
func (r *Registry) Resolve(err error) (Def, bool) {
	for _, rl := range r.rules {
		if rl.resolve != nil {
			if d, ok := rl.resolve(err); ok {
				return d, true
			}
			continue
		}
		if rl.match(err) {
			return r.defs[rl.code], true
		}
	}
	return Def{}, false
}

// ForStatus returns the generic definition for an HTTP error status, for
// errors that carry only a status (the router's 404 and 405). An error
// status without a code of its own gets CodeHTTPError; anything else is
// treated as 500.
func (r *Registry) ForStatus(status int) Def {
	if code, ok := statusCodes[status]; ok {
		if d, ok := r.defs[code]; ok {
			return d
		}
	}
	if status < 400 || status > 599 {
		return r.defs[CodeInternal]
	}
	text := http.StatusText(status)
	if text == "" {
		text = fmt.Sprintf("HTTP %d", status)
	}
	return Def{
		Code:   CodeHTTPError,
		Status: status,
		Title:  i18n.Text{Ky: "Суроо-талапты аткаруу мүмкүн болгон жок", Ru: "Не удалось выполнить запрос", En: text},
		Detail: i18n.Text{Ky: text, Ru: text, En: text},
	}
}

// Internal returns the definition of CodeInternal.
func (r *Registry) Internal() Def { return r.defs[CodeInternal] }

// Defs returns every defined code, sorted by code.
func (r *Registry) Defs() []Def {
	out := make([]Def, 0, len(r.defs))
	for _, d := range r.defs {
		out = append(out, d)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Code < out[j].Code })
	return out
}

// Problem renders err, already resolved to def, in lang. It adds the
// members that err carries: the fields of a *ValidationError ("errors"),
// else the errors err stands for when it stands for several (SplitWith,
// "errors" too), and those given to Extend. It never copies err's own message into the
// document: that text is for logs, and may hold personal data.
func (r *Registry) Problem(err error, def Def, lang i18n.Lang) Problem {
	p := Problem{
		Type:   TypeBase + string(def.Code),
		Title:  def.Title.In(lang),
		Status: def.Status,
		Detail: def.Detail.In(lang),
		Code:   def.Code,
		Lang:   lang,
	}
	var ext *extended
	if errors.As(err, &ext) {
		p.Extensions = make(map[string]any, len(ext.members)+1)
		for k, v := range ext.members {
			p.Extensions[k] = v
		}
	}
	var verr *ValidationError
	if errors.As(err, &verr) && len(verr.Fields) > 0 {
		if p.Extensions == nil {
			p.Extensions = make(map[string]any, 1)
		}
		p.Extensions["errors"] = r.fieldProblems(verr, lang)
	} else if list := r.splitProblems(err, lang); def.Status < http.StatusInternalServerError && len(list) > 1 {
		if p.Extensions == nil {
			p.Extensions = make(map[string]any, 1)
		}
		p.Extensions["errors"] = list
	}
	return p
}

// FieldProblem is one entry of a problem's "errors" member: a field of a
// request the server validated (ValidationError), or one of a command's
// several field errors (SplitWith).
type FieldProblem struct {
	// Field names the field: the request's, or for a command's field
	// error the one it names (SplitWith's fieldOf).
	Field   string `json:"field"`
	Code    Code   `json:"code"`
	Message string `json:"message"`
}

// SplitWith makes a problem of an error that stands for several (a
// command's field errors, which split lists, the first first) carry them
// all in its "errors" member: each with its own code, its message in the
// answer's language and the field fieldOf names. The document's code and
// detail stay the first error's, as for one error.
func (r *Registry) SplitWith(split func(error) []error, fieldOf func(error) string) {
	r.split, r.fieldOf = split, fieldOf
}

// splitProblems lists the errors err stands for (SplitWith); nil when
// there is no split.
func (r *Registry) splitProblems(err error, lang i18n.Lang) []FieldProblem {
	if r.split == nil {
		return nil
	}
	errs := r.split(err)
	if len(errs) < 2 {
		return nil
	}
	out := make([]FieldProblem, 0, len(errs))
	for _, e := range errs {
		d, ok := r.Resolve(e)
		if !ok || d.Code == CodeValidationFailed {
			d = r.defs[CodeInvalidValue]
		}
		fp := FieldProblem{Code: d.Code, Message: d.Detail.In(lang)}
		if r.fieldOf != nil {
			fp.Field = r.fieldOf(e)
		}
		out = append(out, fp)
	}
	return out
}

func (r *Registry) fieldProblems(verr *ValidationError, lang i18n.Lang) []FieldProblem {
	out := make([]FieldProblem, 0, len(verr.Fields))
	for _, f := range verr.Fields {
		d, ok := r.Resolve(f.Err)
		if !ok || d.Code == CodeValidationFailed {
			d = r.defs[CodeInvalidValue]
		}
		out = append(out, FieldProblem{Field: f.Field, Code: d.Code, Message: d.Detail.In(lang)})
	}
	return out
}

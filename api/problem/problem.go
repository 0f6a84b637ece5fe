// Package problem renders errors as RFC 9457 problem details
// (application/problem+json) with a stable machine code and a title and
// detail in the caller's language.
//
// Every error that can reach a client is mapped in ONE Registry (built in
// package api): an error value or type -> a code -> a status and translated
// texts. Handlers only return errors; the echo error handler asks the
// registry. Anything the registry does not know is a 500 "internal", whose
// cause is logged, never shown.
package problem

import (
	"encoding/json"
	"maps"
	"net/http"

	"github.com/cec-kg/tizme/api/i18n"
)

// ContentType is the media type of a problem document (RFC 9457 §3).
const ContentType = "application/problem+json"

// TypeBase prefixes a code to form the problem's type URI. It is a relative
// reference, resolved against the API's own address, where the server
// describes the code.
const TypeBase = "/problems/"

// Code is a stable, machine-readable error code. Clients branch on it, so a
// released code is never renamed.
type Code string

// The generic codes. Domain packages' errors get their own codes, defined
// where the registry is built.
const (
	CodeBadRequest           Code = "bad_request"
	CodeValidationFailed     Code = "validation_failed"
	CodeUnauthorized         Code = "unauthorized"
	CodeForbidden            Code = "forbidden"
	CodeNotFound             Code = "not_found"
	CodeMethodNotAllowed     Code = "method_not_allowed"
	CodeNotAcceptable        Code = "not_acceptable"
	CodeConflict             Code = "conflict"
	CodePayloadTooLarge      Code = "payload_too_large"
	CodeUnsupportedMediaType Code = "unsupported_media_type"
	CodeTooManyRequests      Code = "too_many_requests"
	CodeInternal             Code = "internal"
	CodeNotReady             Code = "not_ready"
	CodeTimeout              Code = "timeout"
	// CodeHTTPError covers an HTTP status that has no code of its own.
	CodeHTTPError Code = "http_error"
)

// Problem is one problem details document. The standard members are fields;
// Extensions adds members of the problem type (never overriding a standard
// one).
type Problem struct {
	Type      string `json:"type"`
	Title     string `json:"title"`
	Status    int    `json:"status"`
	Detail    string `json:"detail,omitempty"`
	Instance  string `json:"instance,omitempty"`
	Code      Code   `json:"code"`
	RequestID string `json:"request_id,omitempty"`
	// Lang is the language of Title and Detail; it goes into the
	// Content-Language header, not the body.
	Lang       i18n.Lang      `json:"-"`
	Extensions map[string]any `json:"-"`
}

// MarshalJSON flattens Extensions into the document.
func (p Problem) MarshalJSON() ([]byte, error) {
	type plain Problem
	if len(p.Extensions) == 0 {
		return json.Marshal(plain(p))
	}
	base, err := json.Marshal(plain(p))
	if err != nil {
		return nil, err
	}
	var members map[string]json.RawMessage
	if err := json.Unmarshal(base, &members); err != nil {
		return nil, err
	}
	for k, v := range p.Extensions {
		if _, standard := members[k]; standard || reserved[k] {
			continue
		}
		raw, err := json.Marshal(v)
		if err != nil {
			return nil, err
		}
		members[k] = raw
	}
	return json.Marshal(members)
}

var reserved = map[string]bool{
	"type": true, "title": true, "status": true, "detail": true,
	"instance": true, "code": true, "request_id": true,
}

// Def defines a code: its status and its texts. Title names the kind of
// problem; Detail tells the caller what happened or what to do.
type Def struct {
	Code   Code
	Status int
	Title  i18n.Text
	Detail i18n.Text
}

// Extend wraps err so that its problem document carries extra members (for
// example the failing checks of a readiness probe). The code still comes
// from err.
func Extend(err error, members map[string]any) error {
	return &extended{err: err, members: maps.Clone(members)}
}

type extended struct {
	err     error
	members map[string]any
}

func (e *extended) Error() string { return e.err.Error() }
func (e *extended) Unwrap() error { return e.err }

// statusCodes maps HTTP statuses (from the router or from echo.HTTPError)
// to generic codes.
var statusCodes = map[int]Code{
	http.StatusBadRequest:            CodeBadRequest,
	http.StatusUnauthorized:          CodeUnauthorized,
	http.StatusForbidden:             CodeForbidden,
	http.StatusNotFound:              CodeNotFound,
	http.StatusMethodNotAllowed:      CodeMethodNotAllowed,
	http.StatusNotAcceptable:         CodeNotAcceptable,
	http.StatusConflict:              CodeConflict,
	http.StatusRequestEntityTooLarge: CodePayloadTooLarge,
	http.StatusUnsupportedMediaType:  CodeUnsupportedMediaType,
	http.StatusUnprocessableEntity:   CodeValidationFailed,
	http.StatusTooManyRequests:       CodeTooManyRequests,
	http.StatusInternalServerError:   CodeInternal,
	http.StatusServiceUnavailable:    CodeNotReady,
}

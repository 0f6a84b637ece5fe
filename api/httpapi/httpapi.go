// Package httpapi holds the HTTP parts every audience's API shares (the
// public portal's, the voter cabinet's, the commission staff's, the
// auditors' and the CEC administration's): the HTTP layer's own errors,
// which the server's one error handler maps to problem documents, the
// reading of common query and path parameters, the caching and
// list-update headers, and the language of an answer.
//
// It holds no route, no handler and no reader: an audience's package
// takes only what it needs from here and from its own narrow
// dependencies.
package httpapi

import "errors"

// Errors of the HTTP layer's own, mapped to problem codes by the server
// (package api, errors.go).
var (
	// ErrRateLimited means a client address asked too often.
	ErrRateLimited = errors.New("api: too many requests from this address")
	// ErrUnknownPrecinct means a precinct number names no precinct.
	ErrUnknownPrecinct = errors.New("api: no such precinct")
	// ErrNoEntry means the signed-in voter has no entry in the list.
	ErrNoEntry = errors.New("api: the voter has no entry in the list")
	// ErrNotFound means the addressed resource does not exist (or is not
	// the caller's to see: the answer is the same).
	ErrNotFound = errors.New("api: not found")
	// ErrBadParameter means a query or path parameter is malformed.
	ErrBadParameter = errors.New("api: bad parameter")
	// ErrUnsupportedFormat means the requested format is neither JSON nor
	// CSV.
	ErrUnsupportedFormat = errors.New("api: unsupported format")
)

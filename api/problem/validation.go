package problem

import "strings"

// CodeInvalidValue is the code of a field error that no rule maps to a more
// precise code.
const CodeInvalidValue Code = "invalid_value"

// FieldError is one invalid input field.
type FieldError struct {
	// Field names the field as the client sent it, e.g. "pin" or
	// "address.street".
	Field string
	// Err says why it is invalid; the registry maps it to a code and a
	// translated message (typically a domain parse error).
	Err error
}

// ValidationError lists every invalid field of one request, so a client can
// show them all at once instead of one per round trip. It resolves to
// CodeValidationFailed (422) with an "errors" member.
type ValidationError struct {
	Fields []FieldError
}

// Add records that field is invalid because of err; a nil err is ignored,
// so a handler can write v.Add("pin", pinErr) for every parsed field.
func (v *ValidationError) Add(field string, err error) {
	if err != nil {
		v.Fields = append(v.Fields, FieldError{Field: field, Err: err})
	}
}

// Err returns v when it holds a field error and nil otherwise.
//
// WARNING: return v.Err(), not v itself: a nil *ValidationError stored in an
// error interface is not a nil error.
func (v *ValidationError) Err() error {
	if v == nil || len(v.Fields) == 0 {
		return nil
	}
	return v
}

func (v *ValidationError) Error() string {
	var b strings.Builder
	b.WriteString("invalid request:")
	for i, f := range v.Fields {
		if i > 0 {
			b.WriteByte(';')
		}
		b.WriteString(" ")
		b.WriteString(f.Field)
		b.WriteString(": ")
		b.WriteString(f.Err.Error())
	}
	return b.String()
}

// Unwrap exposes the field errors to errors.Is and errors.As.
func (v *ValidationError) Unwrap() []error {
	errs := make([]error, len(v.Fields))
	for i, f := range v.Fields {
		errs[i] = f.Err
	}
	return errs
}

// Package feed is the population-register feed that `tizme feed` applies:
// the changes the State Registration Service reports about people (a
// citizen reaching 18, a death, a change of citizenship or of legal
// capacity, a new address, name or document), each with the source's own
// change ID, as JSON lines or CSV (docs/feed.md). Every change becomes the
// matching voter-list command, sent with an idempotency key derived from
// its change ID, so a delta applied twice changes nothing; a change that
// cannot be applied goes to the rejects file and to the commission's
// to-do (table feed_todo) with its reason.
package feed

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/cec-kg/tizme/domain/failure"
)

// The change types.
//
// WARNING: a published file format (docs/feed.md) that the registration
// service's export follows. Never rename one.
const (
	// TypeReachedVotingAge: a citizen who reaches 18 by voting day
	// (VC §6) joins the list.
	TypeReachedVotingAge = "reached_voting_age"
	// TypeCitizenshipAcquired: a new (or regained) citizen joins the list;
	// an entry removed for loss of citizenship is restored.
	TypeCitizenshipAcquired = "citizenship_acquired"
	// TypeDeath, TypeCitizenshipLost and TypeIncapacity (legal incapacity
	// by court decision) take the entry off the list.
	TypeDeath           = "death"
	TypeCitizenshipLost = "citizenship_lost"
	TypeIncapacity      = "incapacity"
	// TypeCapacityRestored: an entry removed for incapacity is restored.
	TypeCapacityRestored = "capacity_restored"
	// TypeAddressChange: a new registered address; with it the precinct
	// the change names (the register knows which precinct serves an
	// address; the list has no rule of its own).
	TypeAddressChange = "address_change"
	// TypeNameChange, TypeDocumentChange and TypeBirthDateChange correct
	// personal data.
	TypeNameChange      = "name_change"
	TypeDocumentChange  = "document_change"
	TypeBirthDateChange = "birth_date_change"
)

// Types lists every change type.
var Types = []string{
	TypeReachedVotingAge, TypeCitizenshipAcquired, TypeDeath, TypeCitizenshipLost, TypeIncapacity,
	TypeCapacityRestored, TypeAddressChange, TypeNameChange, TypeDocumentChange, TypeBirthDateChange,
}

// The columns (CSV) and members (JSON lines) of a change.
//
// WARNING: a published file format (docs/feed.md); never rename one.
const (
	ColChangeID   = "change_id"
	ColType       = "type"
	ColPIN        = "pin"
	ColEffective  = "effective"
	ColBasis      = "basis"
	ColSurname    = "surname"
	ColGivenName  = "given_name"
	ColPatronymic = "patronymic"
	ColBirthDate  = "birth_date"
	ColPassport   = "passport"
	ColRegion     = "region"
	ColDistrict   = "district"
	ColSettlement = "settlement"
	ColStreet     = "street"
	ColBuilding   = "building"
	ColPrecinct   = "precinct"
)

// Columns lists every column, in the order Writer writes them.
var Columns = []string{
	ColChangeID, ColType, ColPIN, ColEffective, ColBasis, ColSurname, ColGivenName, ColPatronymic,
	ColBirthDate, ColPassport, ColRegion, ColDistrict, ColSettlement, ColStreet, ColBuilding, ColPrecinct,
}

// requiredColumns must be in a CSV header; the others may be left out.
var requiredColumns = []string{ColChangeID, ColType, ColPIN}

// Reason codes of changes refused by the feed's own rules. Changes refused
// by a domain parser or a command carry that failure's code instead
// (pin.bad_length, voter.not_registered, precinct.closed, ...).
//
// WARNING: written to rejects files and feed_todo, which operators sort
// and count by; never rename one.
const (
	CodeNotUTF8         failure.Code = "feed.not_utf8"
	CodeBadLine         failure.Code = "feed.bad_line"
	CodeMissingValue    failure.Code = "feed.missing_value"
	CodeBadChangeID     failure.Code = "feed.bad_change_id"
	CodeUnknownType     failure.Code = "feed.unknown_type"
	CodeDuplicateChange failure.Code = "feed.duplicate_change_id"
	CodeBadDate         failure.Code = "feed.bad_date"
	CodeBadPrecinct     failure.Code = "feed.bad_precinct"
	// CodeRemovedOtherReason: a restoring change (capacity restored,
	// citizenship acquired) for an entry removed for another reason, which
	// only staff may undo.
	CodeRemovedOtherReason failure.Code = "feed.removed_for_another_reason"
	// CodeStore: a refusal that carries no stable code of its own.
	CodeStore failure.Code = "feed.not_applied"
)

// MaxChangeID bounds a change ID, in bytes (it becomes part of an
// idempotency key).
const MaxChangeID = 100

// MaxLineBytes bounds one line.
const MaxLineBytes = 64 << 10

// ErrHeader means a CSV delta's header row is missing, names an unknown
// column, repeats one or lacks a required one. Nothing is applied.
var ErrHeader = errors.New("feed: bad header row")

// Change is one change as the source wrote it: text, not yet checked.
type Change struct {
	ChangeID, Type, PIN string
	// Effective is the day the change took effect in the register
	// (YYYY-MM-DD), for the record.
	Effective string
	// Basis names the register's record (a death record number, a court
	// decision).
	Basis                                          string
	Surname, GivenName, Patronymic                 string
	BirthDate, Passport                            string
	Region, District, Settlement, Street, Building string
	Precinct                                       string
}

func (c *Change) field(col string) *string {
	switch col {
	case ColChangeID:
		return &c.ChangeID
	case ColType:
		return &c.Type
	case ColPIN:
		return &c.PIN
	case ColEffective:
		return &c.Effective
	case ColBasis:
		return &c.Basis
	case ColSurname:
		return &c.Surname
	case ColGivenName:
		return &c.GivenName
	case ColPatronymic:
		return &c.Patronymic
	case ColBirthDate:
		return &c.BirthDate
	case ColPassport:
		return &c.Passport
	case ColRegion:
		return &c.Region
	case ColDistrict:
		return &c.District
	case ColSettlement:
		return &c.Settlement
	case ColStreet:
		return &c.Street
	case ColBuilding:
		return &c.Building
	case ColPrecinct:
		return &c.Precinct
	}
	return nil
}

// MarshalJSON writes the JSON-lines form: every non-empty member.
func (c Change) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	first := true
	for _, col := range Columns {
		v := *c.field(col)
		if v == "" {
			continue
		}
		if !first {
			b.WriteByte(',')
		}
		first = false
		k, _ := json.Marshal(col)
		b.Write(k)
		b.WriteByte(':')
		if col == ColPrecinct {
			if _, err := strconv.Atoi(v); err == nil {
				b.WriteString(v)
				continue
			}
		}
		s, err := json.Marshal(v)
		if err != nil {
			return nil, err
		}
		b.Write(s)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// Line is one change read from a delta, or the reason it could not be.
type Line struct {
	// N is the line number (the header of a CSV delta is line 1).
	N   int
	Raw string
	Change
	// Err, when set, is why the line is not a change (*Reject).
	Err *Reject
}

// Reject is a change that was not applied: where, why (a stable code and
// a developer text), and the line as written.
type Reject struct {
	Line     int
	ChangeID string
	Code     failure.Code
	Reason   string
	Raw      string
}

func (r *Reject) Error() string {
	return fmt.Sprintf("line %d (change %q): %s: %s", r.Line, r.ChangeID, r.Code, r.Reason)
}

// Reader reads a delta, JSON lines or CSV: a first line starting with
// "{" is JSON lines, anything else a CSV header.
type Reader struct {
	r     *bufio.Reader
	csv   bool
	head  map[string]int
	n     int
	line  int
	bytes int64
}

// NewReader starts reading a delta. A CSV delta's bad header is ErrHeader.
func NewReader(r io.Reader) (*Reader, error) {
	rd := &Reader{r: bufio.NewReaderSize(r, 64<<10)}
	peek, _ := rd.r.Peek(64)
	trimmed := bytes.TrimLeft(bytes.TrimPrefix(peek, []byte("\ufeff")), " \t\r\n")
	if len(trimmed) == 0 || trimmed[0] == '{' {
		return rd, nil
	}
	rd.csv = true
	line, err := rd.readLine()
	if err != nil && !errors.Is(err, io.EOF) {
		return nil, err
	}
	line = strings.TrimPrefix(line, "\ufeff")
	if !utf8.ValidString(line) {
		return nil, fmt.Errorf("%w: not UTF-8", ErrHeader)
	}
	fields, err := csv.NewReader(strings.NewReader(line)).Read()
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrHeader, err)
	}
	rd.head, rd.n = map[string]int{}, len(fields)
	var problems []string
	for i, f := range fields {
		name := strings.ToLower(strings.TrimSpace(f))
		switch _, dup := rd.head[name]; {
		case (&Change{}).field(name) == nil:
			problems = append(problems, fmt.Sprintf("unknown column %q", f))
		case dup:
			problems = append(problems, fmt.Sprintf("column %q twice", name))
		}
		rd.head[name] = i
	}
	for _, c := range requiredColumns {
		if _, ok := rd.head[c]; !ok {
			problems = append(problems, fmt.Sprintf("missing column %q", c))
		}
	}
	if len(problems) > 0 {
		return nil, fmt.Errorf("%w: %s (columns: %s)", ErrHeader, strings.Join(problems, "; "), strings.Join(Columns, ","))
	}
	return rd, nil
}

// BytesRead is how much of the input has been consumed.
func (rd *Reader) BytesRead() int64 { return rd.bytes }

func (rd *Reader) readLine() (string, error) {
	rd.line++
	var buf []byte
	for {
		chunk, err := rd.r.ReadSlice('\n')
		rd.bytes += int64(len(chunk))
		if len(buf) <= MaxLineBytes {
			buf = append(buf, chunk...)
		}
		if errors.Is(err, bufio.ErrBufferFull) {
			continue
		}
		if err != nil && !errors.Is(err, io.EOF) {
			return "", err
		}
		if errors.Is(err, io.EOF) && len(buf) == 0 {
			return "", io.EOF
		}
		return strings.TrimSuffix(strings.TrimSuffix(string(buf), "\n"), "\r"), nil
	}
}

// Next returns the next line: a change, or one with Err set. After the
// last it returns io.EOF; another error is the input failing.
func (rd *Reader) Next() (Line, error) {
	for {
		s, err := rd.readLine()
		if err != nil {
			return Line{}, err
		}
		if strings.TrimSpace(s) == "" {
			continue
		}
		return rd.parse(s), nil
	}
}

func (rd *Reader) parse(s string) Line {
	l := Line{N: rd.line, Raw: s}
	bad := func(code failure.Code, reason string) Line {
		l.Err = &Reject{Line: l.N, ChangeID: l.ChangeID, Code: code, Reason: reason, Raw: strings.ToValidUTF8(s, "\uFFFD")}
		return l
	}
	if len(s) > MaxLineBytes {
		l.Raw = s[:256]
		return bad(CodeBadLine, fmt.Sprintf("line longer than %d bytes", MaxLineBytes))
	}
	if !utf8.ValidString(s) {
		return bad(CodeNotUTF8, "the line is not valid UTF-8")
	}
	if rd.csv {
		fields, err := csv.NewReader(strings.NewReader(s)).Read()
		if err != nil {
			return bad(CodeBadLine, "not a CSV record: "+err.Error())
		}
		if len(fields) != rd.n {
			return bad(CodeBadLine, fmt.Sprintf("%d fields, the header has %d", len(fields), rd.n))
		}
		for col, i := range rd.head {
			*l.field(col) = strings.TrimSpace(fields[i])
		}
	} else {
		var m map[string]json.RawMessage
		if err := json.Unmarshal([]byte(s), &m); err != nil {
			return bad(CodeBadLine, "not a JSON object: "+err.Error())
		}
		if id, ok := m[ColChangeID]; ok {
			_ = json.Unmarshal(id, &l.ChangeID)
		}
		for k, v := range m {
			p := l.field(k)
			if p == nil {
				return bad(CodeBadLine, fmt.Sprintf("unknown member %q", k))
			}
			var str string
			if err := json.Unmarshal(v, &str); err != nil {
				var n json.Number
				if k != ColPrecinct || json.Unmarshal(v, &n) != nil {
					return bad(CodeBadLine, fmt.Sprintf("%s: want a string", k))
				}
				str = n.String()
			}
			*p = strings.TrimSpace(str)
		}
	}
	switch {
	case l.ChangeID == "":
		return bad(CodeMissingValue, "change_id is empty")
	case !validChangeID(l.ChangeID):
		return bad(CodeBadChangeID, fmt.Sprintf("change_id: at most %d printable characters", MaxChangeID))
	case l.Type == "":
		return bad(CodeMissingValue, "type is empty")
	case l.PIN == "":
		return bad(CodeMissingValue, "pin is empty")
	}
	known := false
	for _, t := range Types {
		known = known || t == l.Type
	}
	if !known {
		return bad(CodeUnknownType, fmt.Sprintf("type %q: want one of %s", l.Type, strings.Join(Types, ", ")))
	}
	return l
}

func validChangeID(s string) bool {
	if len(s) > MaxChangeID {
		return false
	}
	for _, r := range s {
		if !unicode.IsPrint(r) {
			return false
		}
	}
	return true
}

// WriteJSONLines writes changes as JSON lines.
func WriteJSONLines(w io.Writer, changes []Change) error {
	for _, c := range changes {
		b, err := c.MarshalJSON()
		if err != nil {
			return err
		}
		if _, err := w.Write(append(b, '\n')); err != nil {
			return err
		}
	}
	return nil
}

package popreg

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/cec-kg/tizme/domain/calendar"
	"github.com/cec-kg/tizme/domain/failure"
	"github.com/cec-kg/tizme/domain/geo"
	"github.com/cec-kg/tizme/domain/person"
	"github.com/cec-kg/tizme/domain/precinct"
)

// Reason codes of rows refused by the file's own rules. Rows refused by a
// domain parser carry that parser's failure code instead (pin.bad_length,
// passport.unknown_series, name.bad_char, address.missing_part, ...), and
// a voter already in the list with another registration carries
// voter.already_registered.
//
// WARNING: the codes are written to rejects files that operators sort and
// count by; never rename one.
const (
	CodeNotUTF8          failure.Code = "row.not_utf8"
	CodeBadQuotes        failure.Code = "row.bad_quotes"
	CodeFieldCount       failure.Code = "row.field_count"
	CodeMissingValue     failure.Code = "row.missing_value"
	CodeBadBirthDate     failure.Code = "row.bad_birth_date"
	CodePINSexMismatch   failure.Code = "row.pin_sex_mismatch"
	CodePINBirthMismatch failure.Code = "row.pin_birth_date_mismatch"
	CodeBadApartment     failure.Code = "row.bad_apartment"
	CodeUnknownPrecinct  failure.Code = "row.unknown_precinct"
	CodeDuplicatePIN     failure.Code = "row.duplicate_pin"
	CodeStore            failure.Code = "row.store_refused"
)

// MaxLineBytes bounds one line; a longer one is refused as malformed
// rather than read into memory.
const MaxLineBytes = 64 << 10

// MaxApartment bounds the apartment, in characters.
const MaxApartment = 16

// RowError is a row refused: where, why (a stable code and a developer
// text), and the row as it was written, for the rejects file.
type RowError struct {
	Line   int
	Code   failure.Code
	Reason string
	// Raw is the line as read, without its line break.
	Raw string
}

func (e *RowError) Error() string {
	return fmt.Sprintf("line %d: %s: %s", e.Line, e.Code, e.Reason)
}

// Record is a row that passed every check, as domain values.
type Record struct {
	Line int
	Raw  string
	PIN  person.PIN
	Name person.Name
	// BirthDate agrees with the PIN.
	BirthDate calendar.Date
	Passport  person.Passport
	Address   geo.Address
	// Apartment is checked but not stored: the list's address ends at the
	// building (geo.Address, the form the CEC publishes, VP 3.6), and the
	// VoterRegistered schema has no place for it.
	Apartment string
	Precinct  precinct.Number
}

// ReaderOptions are the rules a Reader checks rows against.
type ReaderOptions struct {
	// Today is the Bishkek day of the import: a PIN's birth date after it
	// is refused.
	Today calendar.Date
	// Series are the passport series accepted; zero means
	// person.DefaultSeries.
	Series person.SeriesSet
	// KnownPrecinct, when set, refuses rows naming a precinct it does not
	// know (a voter at a precinct that was never established could not be
	// served by any commission).
	KnownPrecinct func(precinct.Number) bool
}

// Reader reads an export line by line, so a file of any size streams
// through. It remembers every PIN it has passed (8 bytes and a line number
// each, about 80 MB for the whole country) to refuse a repeated one.
type Reader struct {
	r     *bufio.Reader
	opts  ReaderOptions
	head  header
	line  int
	bytes int64
	seen  map[uint64]int32
}

// NewReader reads the header row and returns a Reader of the rows after
// it. A bad header is ErrHeader.
func NewReader(r io.Reader, opts ReaderOptions) (*Reader, error) {
	if len(opts.Series.List()) == 0 {
		opts.Series = person.DefaultSeries
	}
	rd := &Reader{r: bufio.NewReaderSize(r, 256<<10), opts: opts, seen: make(map[uint64]int32)}
	line, err := rd.readLine()
	if errors.Is(err, io.EOF) && line == "" {
		return nil, fmt.Errorf("%w: the file is empty", ErrHeader)
	}
	if err != nil && !errors.Is(err, io.EOF) {
		var re *RowError
		if errors.As(err, &re) {
			return nil, fmt.Errorf("%w: %s", ErrHeader, re.Reason)
		}
		return nil, err
	}
	if !utf8.ValidString(line) {
		return nil, fmt.Errorf("%w: not UTF-8", ErrHeader)
	}
	if rd.head, err = parseHeader(line); err != nil {
		return nil, err
	}
	return rd, nil
}

// BytesRead is how much of the input has been consumed, for progress.
func (rd *Reader) BytesRead() int64 { return rd.bytes }

// readLine returns the next line without its line break, or io.EOF after
// the last one. A line over MaxLineBytes is skipped and returned as a
// *RowError.
func (rd *Reader) readLine() (string, error) {
	rd.line++
	var long []byte
	for {
		chunk, err := rd.r.ReadSlice('\n')
		rd.bytes += int64(len(chunk))
		if errors.Is(err, bufio.ErrBufferFull) {
			if len(long) <= MaxLineBytes {
				long = append(long, chunk...)
			}
			continue
		}
		if long != nil {
			long = append(long, chunk...)
			if len(long) > MaxLineBytes {
				raw := strings.ToValidUTF8(string(long[:256]), "\uFFFD") + "…"
				return "", &RowError{Line: rd.line, Code: CodeFieldCount, Reason: fmt.Sprintf("line longer than %d bytes", MaxLineBytes), Raw: raw}
			}
			chunk = long
		}
		if err != nil && !errors.Is(err, io.EOF) {
			return "", err
		}
		s := strings.TrimSuffix(strings.TrimSuffix(string(chunk), "\n"), "\r")
		if errors.Is(err, io.EOF) && len(chunk) == 0 {
			return "", io.EOF
		}
		return s, nil
	}
}

// Next returns the next good row. A bad row is a *RowError: report it and
// call Next again. After the last row Next returns io.EOF; any other error
// is the input failing.
func (rd *Reader) Next() (Record, error) {
	for {
		line, err := rd.readLine()
		if err != nil {
			return Record{}, err
		}
		if strings.TrimSpace(line) == "" {
			continue // blank lines, such as a trailing one, are not rows
		}
		rec, err := rd.parse(line)
		if err != nil {
			return Record{}, err
		}
		return rec, nil
	}
}

func (rd *Reader) parse(line string) (Record, error) {
	bad := func(code failure.Code, reason string) (Record, error) {
		return Record{}, &RowError{Line: rd.line, Code: code, Reason: reason, Raw: line}
	}
	badErr := func(column string, err error) (Record, error) {
		code, ok := failure.CodeOf(err)
		if !ok {
			code = "row.bad_" + failure.Code(column)
		}
		return bad(code, column+": "+err.Error())
	}
	if !utf8.ValidString(line) {
		return bad(CodeNotUTF8, "the line is not valid UTF-8 (save the export as UTF-8)")
	}
	fields, err := splitLine(line)
	if err != nil {
		return bad(CodeBadQuotes, err.Error())
	}
	if len(fields) != rd.head.n {
		return bad(CodeFieldCount, fmt.Sprintf("%d fields, the header has %d", len(fields), rd.head.n))
	}
	get := func(col string) string { return strings.TrimSpace(fields[rd.head.index[col]]) }
	for _, c := range Columns {
		if required[c] && get(c) == "" {
			return bad(CodeMissingValue, c+" is empty")
		}
	}
	rec := Record{Line: rd.line, Raw: line}
	if rec.PIN, err = person.ParsePIN(get(ColPIN), rd.opts.Today); err != nil {
		return badErr(ColPIN, err)
	}
	if rec.BirthDate, err = calendar.ParseDate(get(ColBirthDate)); err != nil {
		return bad(CodeBadBirthDate, fmt.Sprintf("birth_date %q: want a real date written YYYY-MM-DD", get(ColBirthDate)))
	}
	sex, err := person.ParseSex(get(ColSex))
	if err != nil {
		return badErr(ColSex, err)
	}
	if sex != rec.PIN.Sex() {
		return bad(CodePINSexMismatch, fmt.Sprintf("sex %s, but the PIN's first digit says %s", sex, rec.PIN.Sex()))
	}
	if rec.BirthDate != rec.PIN.BirthDate() {
		return bad(CodePINBirthMismatch, fmt.Sprintf("birth_date %s, but the PIN says %s", rec.BirthDate, rec.PIN.BirthDate()))
	}
	if rec.Name, err = person.ParseName(get(ColSurname), get(ColGivenName), get(ColPatronymic)); err != nil {
		return badErr("name", err)
	}
	if rec.Passport, err = person.ParsePassport(get(ColPassport), rd.opts.Series); err != nil {
		return badErr(ColPassport, err)
	}
	if rec.Address, err = geo.ParseAddress(get(ColRegion), get(ColDistrict), get(ColSettlement), get(ColStreet), get(ColBuilding)); err != nil {
		return badErr("address", err)
	}
	rec.Apartment = get(ColApartment)
	if !validApartment(rec.Apartment) {
		return bad(CodeBadApartment, fmt.Sprintf("apartment: at most %d letters, digits, '/' or '-'", MaxApartment))
	}
	if rec.Precinct, err = precinct.ParseNumber(get(ColPrecinct)); err != nil {
		return badErr(ColPrecinct, err)
	}
	if rd.opts.KnownPrecinct != nil && !rd.opts.KnownPrecinct(rec.Precinct) {
		return bad(CodeUnknownPrecinct, fmt.Sprintf("precinct %d is not established", rec.Precinct.Int()))
	}
	// Last, so that a row refused for another reason does not take the
	// PIN from a later good row.
	key, _ := strconv.ParseUint(rec.PIN.String(), 10, 64)
	if first, dup := rd.seen[key]; dup {
		return bad(CodeDuplicatePIN, fmt.Sprintf("the PIN is already on line %d of this file", first))
	}
	rd.seen[key] = int32(rd.line)
	return rec, nil
}

func validApartment(s string) bool {
	if utf8.RuneCountInString(s) > MaxApartment {
		return false
	}
	for _, r := range s {
		ok := (r >= '0' && r <= '9') || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') ||
			(r >= 0x0400 && r <= 0x04FF) || r == '/' || r == '-'
		if !ok {
			return false
		}
	}
	return true
}

// Package popreg is the population-register export that `tizme import`
// reads and `tizme demo-data -csv` writes: a UTF-8, comma-separated file
// with a header row and one person per line (docs/import.md). It parses
// each row with the domain's value parsers, reports a bad row with its
// line number and reason, and turns good rows into VoterRegistered events
// appended through the event store's bulk path, idempotently.
package popreg

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
)

// The columns of the export, in the order Writer writes them. A file may
// order them differently; every one must be present, and no other.
//
// WARNING: the column names are a published file format (docs/import.md)
// that the State Registration Service's export and operators' scripts
// follow. Never rename one.
const (
	ColPIN        = "pin"
	ColSurname    = "surname"
	ColGivenName  = "given_name"
	ColPatronymic = "patronymic"
	ColBirthDate  = "birth_date"
	ColSex        = "sex"
	ColPassport   = "passport"
	ColRegion     = "region"
	ColDistrict   = "district"
	ColSettlement = "settlement"
	ColStreet     = "street"
	ColBuilding   = "building"
	ColApartment  = "apartment"
	ColPrecinct   = "precinct"
)

// Columns lists every column, in the order Writer writes them.
var Columns = []string{
	ColPIN, ColSurname, ColGivenName, ColPatronymic, ColBirthDate, ColSex, ColPassport,
	ColRegion, ColDistrict, ColSettlement, ColStreet, ColBuilding, ColApartment, ColPrecinct,
}

// required lists the columns a row must fill. A city of republican
// significance has no district, a village may have no streets, and a
// person may have no patronymic.
var required = map[string]bool{
	ColPIN: true, ColSurname: true, ColGivenName: true, ColBirthDate: true, ColSex: true,
	ColPassport: true, ColRegion: true, ColSettlement: true, ColPrecinct: true,
}

// ErrHeader means the header row is missing, names an unknown column,
// repeats one or lacks one. Nothing is imported from such a file.
var ErrHeader = errors.New("popreg: bad header row")

// Row is one person as the export writes them: text, not yet checked.
type Row struct {
	PIN, Surname, GivenName, Patronymic string
	// BirthDate is YYYY-MM-DD.
	BirthDate string
	// Sex is F or M.
	Sex string
	// Passport is the series and number, such as ID1234567.
	Passport                                       string
	Region, District, Settlement, Street, Building string
	Apartment                                      string
	// Precinct is the precinct number.
	Precinct string
}

func (r Row) fields() []string {
	return []string{
		r.PIN, r.Surname, r.GivenName, r.Patronymic, r.BirthDate, r.Sex, r.Passport,
		r.Region, r.District, r.Settlement, r.Street, r.Building, r.Apartment, r.Precinct,
	}
}

// Writer writes an export: the header on creation, then one line per Row.
// Call Flush at the end.
type Writer struct {
	w *csv.Writer
}

// NewWriter writes the header row to w.
func NewWriter(w io.Writer) (*Writer, error) {
	cw := csv.NewWriter(w)
	if err := cw.Write(Columns); err != nil {
		return nil, err
	}
	return &Writer{w: cw}, nil
}

// Write writes one row.
func (w *Writer) Write(r Row) error { return w.w.Write(r.fields()) }

// Flush writes any buffered data and returns the first write error.
func (w *Writer) Flush() error {
	w.w.Flush()
	return w.w.Error()
}

// header maps each column to its index in the file's header row.
type header struct {
	index map[string]int
	n     int
}

func parseHeader(line string) (header, error) {
	line = strings.TrimPrefix(line, "\ufeff") // spreadsheet exports start with a byte-order mark
	fields, err := splitLine(line)
	if err != nil {
		return header{}, fmt.Errorf("%w: %v", ErrHeader, err)
	}
	h := header{index: make(map[string]int, len(fields)), n: len(fields)}
	var problems []string
	for i, f := range fields {
		name := strings.ToLower(strings.TrimSpace(f))
		switch _, dup := h.index[name]; {
		case !isColumn(name):
			problems = append(problems, fmt.Sprintf("unknown column %q", f))
		case dup:
			problems = append(problems, fmt.Sprintf("column %q twice", name))
		}
		h.index[name] = i
	}
	for _, c := range Columns {
		if _, ok := h.index[c]; !ok {
			problems = append(problems, fmt.Sprintf("missing column %q", c))
		}
	}
	if len(problems) > 0 {
		return header{}, fmt.Errorf("%w: %s (want %s)", ErrHeader, strings.Join(problems, "; "), strings.Join(Columns, ","))
	}
	return h, nil
}

func isColumn(name string) bool {
	for _, c := range Columns {
		if c == name {
			return true
		}
	}
	return false
}

// errQuote means a line's quotes do not pair up.
var errQuote = errors.New("unbalanced or misplaced quote")

// splitLine splits one line of RFC 4180 CSV: fields separated by commas, a
// field optionally in double quotes with "" for a quote inside. A record is
// one line: the register's fields hold no line breaks, and reading line by
// line lets a malformed row be skipped without losing the rest.
func splitLine(line string) ([]string, error) {
	fields := make([]string, 0, len(Columns))
	for i := 0; ; {
		if i < len(line) && line[i] == '"' {
			var b strings.Builder
			i++
			for {
				j := strings.IndexByte(line[i:], '"')
				if j < 0 {
					return nil, errQuote
				}
				b.WriteString(line[i : i+j])
				i += j + 1
				if i < len(line) && line[i] == '"' {
					b.WriteByte('"')
					i++
					continue
				}
				break
			}
			fields = append(fields, b.String())
			switch {
			case i == len(line):
				return fields, nil
			case line[i] != ',':
				return nil, errQuote
			}
			i++
			if i == len(line) {
				return append(fields, ""), nil
			}
			continue
		}
		j := strings.IndexByte(line[i:], ',')
		if j < 0 {
			f := line[i:]
			if strings.IndexByte(f, '"') >= 0 {
				return nil, errQuote
			}
			return append(fields, f), nil
		}
		f := line[i : i+j]
		if strings.IndexByte(f, '"') >= 0 {
			return nil, errQuote
		}
		fields = append(fields, f)
		i += j + 1
		if i == len(line) {
			return append(fields, ""), nil
		}
	}
}

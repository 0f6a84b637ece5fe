package election

import (
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/cec-kg/tizme/domain/calendar"
	"github.com/cec-kg/tizme/domain/failure"
	"github.com/cec-kg/tizme/domain/internal/text"
	"github.com/cec-kg/tizme/domain/precinct"
)

// Past elections' outcomes (VP 2.4, VP 3.6): the CEC supplies, per
// precinct, the voters on the list, the voters identified (biometrically
// or otherwise), the ballots issued and the turnout by sex and by age
// band. The portal publishes them as identification statistics and
// results over time.

// TypeElectionOutcomeRecorded is persisted. WARNING: never change it; add
// a version.
const TypeElectionOutcomeRecorded = "ElectionOutcomeRecorded"

// VersionElectionOutcomeRecorded is the event's current schema version.
const VersionElectionOutcomeRecorded = 1

// Counts is one precinct's outcome. WARNING: part of the stored schema of
// ElectionOutcomeRecorded; changing a field or a JSON tag is a new event
// version.
type Counts struct {
	// OnList is the voters on the precinct's list on voting day.
	OnList int `json:"on_list"`
	// IdentifiedBiometric and IdentifiedOther are the voters identified at
	// the polling station by their biometric data and otherwise (by their
	// document alone).
	IdentifiedBiometric int `json:"identified_biometric"`
	IdentifiedOther     int `json:"identified_other"`
	// Ballots is the ballots issued: the voters who took part.
	Ballots int `json:"ballots"`
	// Female and Male split the ballots issued by sex.
	Female int `json:"female"`
	Male   int `json:"male"`
	// Age splits the ballots issued by age band (AgeBands): 18–25, 26–35,
	// 36–45, 46–55, 56–65, 66 and over.
	Age18to25 int `json:"age_18_25"`
	Age26to35 int `json:"age_26_35"`
	Age36to45 int `json:"age_36_45"`
	Age46to55 int `json:"age_46_55"`
	Age56to65 int `json:"age_56_65"`
	Age66Plus int `json:"age_66_plus"`
}

// Identified is the voters identified, biometrically or otherwise.
func (c Counts) Identified() int { return c.IdentifiedBiometric + c.IdentifiedOther }

// Ages returns the age bands' counts in AgeBands' order.
func (c Counts) Ages() [6]int {
	return [6]int{c.Age18to25, c.Age26to35, c.Age36to45, c.Age46to55, c.Age56to65, c.Age66Plus}
}

// AgeBands labels Counts.Ages, in order.
var AgeBands = [6]string{"18–25", "26–35", "36–45", "46–55", "56–65", "66+"}

// ElectionOutcomeRecorded records one precinct's outcome of a held
// election, on the election's stream. A later event for the same
// precinct corrects the earlier one: the last one counts.
type ElectionOutcomeRecorded struct {
	ID       string `json:"id"`
	Precinct int    `json:"precinct"`
	Counts
	// Source is the SHA-256 (hex) of the file the outcome came from.
	Source string    `json:"source,omitempty"`
	At     time.Time `json:"at"`
}

// OutcomeRow is one precinct's row of an outcome file.
type OutcomeRow struct {
	// Line is the row's line in the file (1 is the header), for the
	// report; 0 when the row came otherwise.
	Line     int    `json:"line,omitempty"`
	Election string `json:"election"`
	Precinct int    `json:"precinct"`
	Counts
}

// The outcome file's columns (docs/outcomes.md), in the order written.
const (
	ColElection            = "election_id"
	ColPrecinct            = "precinct"
	ColOnList              = "voters_on_list"
	ColIdentifiedBiometric = "identified_biometric"
	ColIdentifiedOther     = "identified_other"
	ColBallots             = "ballots_issued"
	ColFemale              = "turnout_female"
	ColMale                = "turnout_male"
	ColAge18to25           = "turnout_age_18_25"
	ColAge26to35           = "turnout_age_26_35"
	ColAge36to45           = "turnout_age_36_45"
	ColAge46to55           = "turnout_age_46_55"
	ColAge56to65           = "turnout_age_56_65"
	ColAge66Plus           = "turnout_age_66_plus"
)

// OutcomeColumns are the file's columns, in the order written.
var OutcomeColumns = []string{ColElection, ColPrecinct, ColOnList, ColIdentifiedBiometric, ColIdentifiedOther, ColBallots,
	ColFemale, ColMale, ColAge18to25, ColAge26to35, ColAge36to45, ColAge46to55, ColAge56to65, ColAge66Plus}

// countFields are the count columns and where each goes.
func countFields(c *Counts) []struct {
	col string
	p   *int
} {
	return []struct {
		col string
		p   *int
	}{
		{ColOnList, &c.OnList}, {ColIdentifiedBiometric, &c.IdentifiedBiometric}, {ColIdentifiedOther, &c.IdentifiedOther},
		{ColBallots, &c.Ballots}, {ColFemale, &c.Female}, {ColMale, &c.Male},
		{ColAge18to25, &c.Age18to25}, {ColAge26to35, &c.Age26to35}, {ColAge36to45, &c.Age36to45},
		{ColAge46to55, &c.Age46to55}, {ColAge56to65, &c.Age56to65}, {ColAge66Plus, &c.Age66Plus},
	}
}

// Record returns the row as the file writes it, in OutcomeColumns' order.
func (r OutcomeRow) Record() []string {
	out := []string{r.Election, strconv.Itoa(r.Precinct)}
	for _, f := range countFields(&r.Counts) {
		out = append(out, strconv.Itoa(*f.p))
	}
	return out
}

// The limits of an outcome file.
const (
	// MaxOutcomeRows caps the rows of one file: every precinct once
	// (precinct numbers run to precinct.MaxNumber).
	MaxOutcomeRows = precinct.MaxNumber
	// MaxOutcomeCount caps a count: no precinct has a million voters.
	MaxOutcomeCount = 1_000_000
)

// The outcome errors: each is a reason of a report's line.
var (
	ErrOutcomeRefused            = failure.New("election.outcome_refused", "election: the outcome file has problems; nothing was recorded")
	ErrOutcomeHeader             = failure.New("election.outcome_bad_header", "election: the outcome file's header lacks or repeats a column, or names an unknown one")
	ErrOutcomeEmpty              = failure.New("election.outcome_empty", "election: the outcome file has no rows")
	ErrOutcomeTooMany            = failure.New("election.outcome_too_many_rows", "election: the outcome file has too many rows")
	ErrOutcomeRow                = failure.New("election.outcome_bad_row", "election: the row cannot be read")
	ErrOutcomeNumber             = failure.New("election.outcome_bad_number", "election: a count is not a whole number in range")
	ErrOutcomePrecinct           = failure.New("election.outcome_bad_precinct", "election: not a precinct number")
	ErrOutcomeOtherElection      = failure.New("election.outcome_other_election", "election: the row is of another election")
	ErrOutcomeIdentifiedOverList = failure.New("election.outcome_identified_over_list", "election: more voters identified than on the list")
	ErrOutcomeBallotsOverIdent   = failure.New("election.outcome_ballots_over_identified", "election: more ballots issued than voters identified")
	ErrOutcomeSexSum             = failure.New("election.outcome_sex_sum", "election: turnout by sex does not add up to the ballots issued")
	ErrOutcomeAgeSum             = failure.New("election.outcome_age_sum", "election: turnout by age does not add up to the ballots issued")
	ErrOutcomeDuplicate          = failure.New("election.outcome_duplicate_precinct", "election: the precinct has two rows")
	ErrOutcomeUnknownPrecinct    = failure.New("election.outcome_unknown_precinct", "election: no such precinct")
	ErrOutcomeNotHeld            = failure.New("election.outcome_not_held", "election: voting day has not passed yet")
)

// OutcomeIssue is one line of a validation report: the file's line (0 for
// the file as a whole), the column and the reason (a failure error whose
// code and parameters the catalogue renders in each language).
type OutcomeIssue struct {
	Line  int
	Field string
	Err   error
}

// OutcomeReport refuses an outcome file: every problem found, by line.
// It is errors.Is ErrOutcomeRefused.
type OutcomeReport struct {
	Issues []OutcomeIssue
}

// Error lists the problems, for logs.
func (r *OutcomeReport) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %d problems", ErrOutcomeRefused.Error(), len(r.Issues))
	for i, is := range r.Issues {
		if i == 5 {
			b.WriteString("; ...")
			break
		}
		fmt.Fprintf(&b, "; line %d %s: %v", is.Line, is.Field, is.Err)
	}
	return b.String()
}

// Unwrap returns ErrOutcomeRefused.
func (r *OutcomeReport) Unwrap() error { return ErrOutcomeRefused }

// MaxReportedIssues caps the issues a refusal's parameters carry.
const MaxReportedIssues = 1000

// ReportedIssue is an issue as a refusal's parameters carry it: the
// reason's code and parameters, for the catalogue to render.
type ReportedIssue struct {
	Line   int               `json:"line"`
	Field  string            `json:"field,omitempty"`
	Code   failure.Code      `json:"code"`
	Params map[string]string `json:"params,omitempty"`
}

// Params gives the refusal's message the number of problems and the
// first, and carries the report itself (the first MaxReportedIssues, as
// JSON under "issues"), so that it survives the command bus and a retry
// answered from the stored rejection (ReportOf).
func (r *OutcomeReport) Params() map[string]string {
	p := map[string]string{"count": strconv.Itoa(len(r.Issues))}
	if len(r.Issues) > 0 {
		p["line"], p["field"] = strconv.Itoa(r.Issues[0].Line), r.Issues[0].Field
	}
	out := make([]ReportedIssue, 0, min(len(r.Issues), MaxReportedIssues))
	for _, is := range r.Issues[:min(len(r.Issues), MaxReportedIssues)] {
		code, _ := failure.CodeOf(is.Err)
		out = append(out, ReportedIssue{Line: is.Line, Field: is.Field, Code: code, Params: failure.ParamsOf(is.Err)})
	}
	if b, err := json.Marshal(out); err == nil {
		p["issues"] = string(b)
	}
	return p
}

// ReportOf returns the issues of a refused outcome file: from the
// *OutcomeReport in err's chain, or from the parameters of the refusal
// after it crossed the command bus. False when err is no such refusal.
func ReportOf(err error) ([]ReportedIssue, bool) {
	var rep *OutcomeReport
	if errors.As(err, &rep) {
		var out []ReportedIssue
		_ = json.Unmarshal([]byte(rep.Params()["issues"]), &out)
		return out, true
	}
	if code, ok := failure.CodeOf(err); !ok || code != ErrOutcomeRefused.Code() {
		return nil, false
	}
	var out []ReportedIssue
	if json.Unmarshal([]byte(failure.ParamsOf(err)["issues"]), &out) != nil {
		return nil, false
	}
	return out, true
}

func (r *OutcomeReport) add(line int, field string, err error) {
	r.Issues = append(r.Issues, OutcomeIssue{Line: line, Field: field, Err: err})
}

// err returns r when it holds an issue, sorted by line, else nil.
func (r *OutcomeReport) err() error {
	if len(r.Issues) == 0 {
		return nil
	}
	sort.SliceStable(r.Issues, func(i, j int) bool { return r.Issues[i].Line < r.Issues[j].Line })
	return r
}

// ParseOutcomes reads an outcome file (CSV, UTF-8, comma-separated, a
// header naming OutcomeColumns in any order; docs/outcomes.md) of
// election id. It checks each row on its own and against the others (one
// row per precinct); what needs the register (is the precinct known, is
// the election held) is RecordOutcomes' to check. A file with any problem
// is refused whole with an *OutcomeReport.
func ParseOutcomes(r io.Reader, id ID) ([]OutcomeRow, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = false
	var rep OutcomeReport
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		rep.add(0, "", ErrOutcomeEmpty)
		return nil, rep.err()
	}
	if err != nil {
		rep.add(1, "", ErrOutcomeRow)
		return nil, rep.err()
	}
	if len(header) > 0 {
		header[0] = strings.TrimPrefix(header[0], "\ufeff") // a spreadsheet's byte-order mark
	}
	col := map[string]int{}
	for i, h := range header {
		h = strings.ToLower(strings.TrimSpace(h))
		if _, dup := col[h]; dup || !isOutcomeColumn(h) {
			rep.add(1, text.Clip(h, 40), failure.With(ErrOutcomeHeader, map[string]string{"column": text.Clip(h, 40)}))
			continue
		}
		col[h] = i
	}
	for _, c := range OutcomeColumns {
		if _, ok := col[c]; !ok {
			rep.add(1, c, failure.With(ErrOutcomeHeader, map[string]string{"column": c}))
		}
	}
	if len(rep.Issues) > 0 {
		return nil, rep.err()
	}
	var rows []OutcomeRow
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		line, _ := cr.FieldPos(0)
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				line = pe.Line
			}
			rep.add(line, "", ErrOutcomeRow)
			if pe == nil {
				break
			}
			continue
		}
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue // a blank line
		}
		if len(rec) != len(header) {
			rep.add(line, "", failure.With(ErrOutcomeRow, map[string]string{"fields": strconv.Itoa(len(rec)), "want": strconv.Itoa(len(header))}))
			continue
		}
		if len(rows) == MaxOutcomeRows {
			rep.add(line, "", failure.With(ErrOutcomeTooMany, map[string]string{"max": strconv.Itoa(MaxOutcomeRows)}))
			break
		}
		row := OutcomeRow{Line: line, Election: strings.TrimSpace(rec[col[ColElection]])}
		ok := true
		if n, err := precinct.ParseNumber(rec[col[ColPrecinct]]); err != nil {
			rep.add(line, ColPrecinct, failure.With(ErrOutcomePrecinct, map[string]string{"value": text.Clip(rec[col[ColPrecinct]], 12)}))
			ok = false
		} else {
			row.Precinct = n.Int()
		}
		for _, f := range countFields(&row.Counts) {
			v, err := parseCount(rec[col[f.col]])
			if err != nil {
				rep.add(line, f.col, err)
				ok = false
				continue
			}
			*f.p = v
		}
		if !ok {
			row.Precinct = -line // not compared as a duplicate
		}
		rows = append(rows, row)
	}
	if len(rows) == 0 && len(rep.Issues) == 0 {
		rep.add(0, "", ErrOutcomeEmpty)
	}
	checkRows(&rep, rows, id, false)
	if err := rep.err(); err != nil {
		return nil, err
	}
	return rows, nil
}

func isOutcomeColumn(h string) bool {
	for _, c := range OutcomeColumns {
		if c == h {
			return true
		}
	}
	return false
}

func parseCount(s string) (int, error) {
	t := strings.TrimSpace(s)
	n, err := strconv.Atoi(t)
	if err != nil || n < 0 || n > MaxOutcomeCount || t == "" || t[0] == '+' {
		return 0, failure.With(ErrOutcomeNumber, map[string]string{"value": text.Clip(s, 12), "max": strconv.Itoa(MaxOutcomeCount)})
	}
	return n, nil
}

// CheckOutcomes checks rows of election id as ParseOutcomes does once the
// file is read: each row's counts agree with each other, every row is of
// id, and no precinct has two rows.
func CheckOutcomes(rows []OutcomeRow, id ID) error {
	var rep OutcomeReport
	if len(rows) == 0 {
		rep.add(0, "", ErrOutcomeEmpty)
	}
	if len(rows) > MaxOutcomeRows {
		rep.add(0, "", failure.With(ErrOutcomeTooMany, map[string]string{"max": strconv.Itoa(MaxOutcomeRows)}))
		return rep.err()
	}
	checkRows(&rep, rows, id, true)
	return rep.err()
}

func checkRows(rep *OutcomeReport, rows []OutcomeRow, id ID, ranges bool) {
	first := map[int]int{}
	for i, r := range rows {
		line := r.Line
		if line == 0 {
			line = i + 2 // as if from a file with a header
		}
		if r.Precinct < 0 {
			continue // its precinct or a count was unreadable: already reported
		}
		if ranges {
			if _, err := precinct.NumberOf(r.Precinct); err != nil {
				rep.add(line, ColPrecinct, failure.With(ErrOutcomePrecinct, map[string]string{"value": strconv.Itoa(r.Precinct)}))
				continue
			}
			bad := false
			for _, f := range countFields(&r.Counts) {
				if *f.p < 0 || *f.p > MaxOutcomeCount {
					rep.add(line, f.col, failure.With(ErrOutcomeNumber, map[string]string{"value": strconv.Itoa(*f.p), "max": strconv.Itoa(MaxOutcomeCount)}))
					bad = true
				}
			}
			if bad {
				continue
			}
		}
		if got, err := ParseID(r.Election); err != nil || got != id {
			rep.add(line, ColElection, failure.With(ErrOutcomeOtherElection, map[string]string{"value": text.Clip(r.Election, 24), "election": id.String()}))
		}
		n := strconv.Itoa(r.Precinct)
		if r.Identified() > r.OnList {
			rep.add(line, ColIdentifiedBiometric, failure.With(ErrOutcomeIdentifiedOverList, map[string]string{
				"identified": strconv.Itoa(r.Identified()), "on_list": strconv.Itoa(r.OnList), "precinct": n}))
		}
		if r.Ballots > r.Identified() {
			rep.add(line, ColBallots, failure.With(ErrOutcomeBallotsOverIdent, map[string]string{
				"ballots": strconv.Itoa(r.Ballots), "identified": strconv.Itoa(r.Identified()), "precinct": n}))
		}
		if s := r.Female + r.Male; s != r.Ballots {
			rep.add(line, ColFemale, failure.With(ErrOutcomeSexSum, map[string]string{"sum": strconv.Itoa(s), "ballots": strconv.Itoa(r.Ballots), "precinct": n}))
		}
		s := 0
		for _, a := range r.Ages() {
			s += a
		}
		if s != r.Ballots {
			rep.add(line, ColAge18to25, failure.With(ErrOutcomeAgeSum, map[string]string{"sum": strconv.Itoa(s), "ballots": strconv.Itoa(r.Ballots), "precinct": n}))
		}
		if at, dup := first[r.Precinct]; dup {
			rep.add(line, ColPrecinct, failure.With(ErrOutcomeDuplicate, map[string]string{"precinct": n, "first": strconv.Itoa(at)}))
		} else {
			first[r.Precinct] = line
		}
	}
}

// OutcomeResult says what RecordOutcomes recorded.
type OutcomeResult struct {
	// Recorded is the precincts whose outcome was recorded (new or
	// corrected); Unchanged those already recorded with the same counts.
	Recorded  int `json:"recorded"`
	Unchanged int `json:"unchanged"`
}

// RecordOutcomes records the outcome of each precinct of rows, for an
// election whose voting day has passed in Bishkek. known reports whether
// a precinct is established (it may have closed since). source is the
// file's SHA-256. All or nothing: any problem refuses the whole file with
// an *OutcomeReport. A precinct already recorded with the same counts
// records nothing, so the same file twice changes nothing; other counts
// correct it (the last one counts).
func (e *Election) RecordOutcomes(rows []OutcomeRow, known func(precinct.Number) bool, source string, now time.Time) (OutcomeResult, error) {
	if e.id.IsZero() {
		return OutcomeResult{}, ErrNotScheduled
	}
	if !e.cal.VotingDay.Before(calendar.DayOf(now)) {
		return OutcomeResult{}, failure.With(ErrOutcomeNotHeld, map[string]string{"voting_day": e.cal.VotingDay.String(), "id": e.id.String()})
	}
	if err := CheckOutcomes(rows, e.id); err != nil {
		return OutcomeResult{}, err
	}
	var rep OutcomeReport
	for i, r := range rows {
		if !known(precinct.MustNumber(r.Precinct)) {
			line := r.Line
			if line == 0 {
				line = i + 2
			}
			rep.add(line, ColPrecinct, failure.With(ErrOutcomeUnknownPrecinct, map[string]string{"precinct": strconv.Itoa(r.Precinct)}))
		}
	}
	if err := rep.err(); err != nil {
		return OutcomeResult{}, err
	}
	var res OutcomeResult
	for _, r := range rows {
		if c, ok := e.outcomes[r.Precinct]; ok && c == r.Counts {
			res.Unchanged++
			continue
		}
		res.Recorded++
		e.record(ElectionOutcomeRecorded{ID: e.id.String(), Precinct: r.Precinct, Counts: r.Counts, Source: source, At: now.UTC()})
	}
	return res, nil
}

// Outcome returns precinct n's recorded outcome.
func (e *Election) Outcome(n precinct.Number) (Counts, bool) {
	c, ok := e.outcomes[n.Int()]
	return c, ok
}

func (e *Election) applyOutcome(ev ElectionOutcomeRecorded) {
	if e.outcomes == nil {
		e.outcomes = map[int]Counts{}
	}
	e.outcomes[ev.Precinct] = ev.Counts
}

// OutcomeMessages returns the texts of the outcome errors.
func OutcomeMessages() failure.Catalogue {
	return failure.Catalogue{
		ErrOutcomeRefused.Code(): {
			Ky: "Жыйынтык файлында {count} ката бар (биринчиси {line}-сапта, «{field}»); эч нерсе жазылган жок.",
			Ru: "В файле итогов {count} ошибок (первая в строке {line}, «{field}»); ничего не записано.",
			En: "The outcome file has {count} problems (the first on line {line}, “{field}”); nothing was recorded.",
		},
		ErrOutcomeHeader.Code(): {
			Ky: "Биринчи сапта «{column}» тилкеси жок, кайталанат же белгисиз.",
			Ru: "В первой строке столбец «{column}» отсутствует, повторяется или неизвестен.",
			En: "The first line lacks, repeats or does not know the column “{column}”.",
		},
		ErrOutcomeEmpty.Code(): {
			Ky: "Файлда участоктордун саптары жок.",
			Ru: "В файле нет строк участков.",
			En: "The file has no precinct rows.",
		},
		ErrOutcomeTooMany.Code(): {
			Ky: "Файлда саптар өтө көп: {max} ашпашы керек.",
			Ru: "В файле слишком много строк: не больше {max}.",
			En: "The file has too many rows: at most {max}.",
		},
		ErrOutcomeRow.Code(): {
			Ky: "Сапты окууга болбойт: тилкелердин саны же тырмакчалар туура эмес.",
			Ru: "Строку нельзя прочитать: неверное число столбцов или кавычки.",
			En: "The row cannot be read: wrong number of columns or quotes.",
		},
		ErrOutcomeNumber.Code(): {
			Ky: "«{value}» 0дон {max} чейинки бүтүн сан эмес.",
			Ru: "«{value}» — не целое число от 0 до {max}.",
			En: "“{value}” is not a whole number from 0 to {max}.",
		},
		ErrOutcomePrecinct.Code(): {
			Ky: "«{value}» участоктун номери эмес.",
			Ru: "«{value}» — не номер участка.",
			En: "“{value}” is not a precinct number.",
		},
		ErrOutcomeOtherElection.Code(): {
			Ky: "Сап башка шайлоого тиешелүү («{value}»), бул файл «{election}» шайлоосу үчүн.",
			Ru: "Строка относится к другим выборам («{value}»), а файл — к выборам «{election}».",
			En: "The row is of another election (“{value}”); the file is for “{election}”.",
		},
		ErrOutcomeIdentifiedOverList.Code(): {
			Ky: "№{precinct} участокто тизмедегилерден ({on_list}) көп шайлоочу аныкталган ({identified}).",
			Ru: "На участке №{precinct} идентифицировано больше избирателей ({identified}), чем в списке ({on_list}).",
			En: "Precinct {precinct} identified more voters ({identified}) than are on its list ({on_list}).",
		},
		ErrOutcomeBallotsOverIdent.Code(): {
			Ky: "№{precinct} участокто аныкталгандардан ({identified}) көп бюллетень берилген ({ballots}).",
			Ru: "На участке №{precinct} выдано больше бюллетеней ({ballots}), чем идентифицировано избирателей ({identified}).",
			En: "Precinct {precinct} issued more ballots ({ballots}) than it identified voters ({identified}).",
		},
		ErrOutcomeSexSum.Code(): {
			Ky: "№{precinct} участок: жынысы боюнча катышуунун суммасы ({sum}) берилген бюллетендерге ({ballots}) барабар эмес.",
			Ru: "Участок №{precinct}: сумма явки по полу ({sum}) не равна числу выданных бюллетеней ({ballots}).",
			En: "Precinct {precinct}: turnout by sex adds up to {sum}, not to the {ballots} ballots issued.",
		},
		ErrOutcomeAgeSum.Code(): {
			Ky: "№{precinct} участок: курак боюнча катышуунун суммасы ({sum}) берилген бюллетендерге ({ballots}) барабар эмес.",
			Ru: "Участок №{precinct}: сумма явки по возрасту ({sum}) не равна числу выданных бюллетеней ({ballots}).",
			En: "Precinct {precinct}: turnout by age adds up to {sum}, not to the {ballots} ballots issued.",
		},
		ErrOutcomeDuplicate.Code(): {
			Ky: "№{precinct} участок экинчи жолу келди (биринчиси {first}-сапта).",
			Ru: "Участок №{precinct} встречается второй раз (первый — в строке {first}).",
			En: "Precinct {precinct} has a second row (the first is on line {first}).",
		},
		ErrOutcomeUnknownPrecinct.Code(): {
			Ky: "№{precinct} участок катталган эмес.",
			Ru: "Участок №{precinct} не зарегистрирован.",
			En: "Precinct {precinct} is not established.",
		},
		ErrOutcomeNotHeld.Code(): {
			Ky: "«{id}» шайлоосу али өткөн жок (добуш берүү күнү {voting_day}); жыйынтыгын ал өткөндөн кийин жазыңыз.",
			Ru: "Выборы «{id}» ещё не прошли (день голосования {voting_day}); итоги записываются после него.",
			En: "Election “{id}” has not been held yet (voting day {voting_day}); record its outcome after it.",
		},
	}
}

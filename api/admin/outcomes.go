package admin

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/cec-kg/tizme/api/auth"
	"github.com/cec-kg/tizme/api/httpapi"
	"github.com/cec-kg/tizme/api/i18n"
	"github.com/cec-kg/tizme/api/problem"
	"github.com/cec-kg/tizme/api/signedin"
	"github.com/cec-kg/tizme/api/webui"
	"github.com/cec-kg/tizme/commands"
	"github.com/cec-kg/tizme/domain"
	"github.com/cec-kg/tizme/domain/calendar"
	"github.com/cec-kg/tizme/domain/election"
	"github.com/cec-kg/tizme/domain/failure"
	"github.com/cec-kg/tizme/eventstore"
	"github.com/cec-kg/tizme/readmodels"
)

// Past elections' outcomes (VP 2.4, VP 3.6): the CEC administrator
// uploads the file the CEC supplies (docs/outcomes.md), per precinct; a
// file with any problem is refused whole with a report of every line,
// column and reason, and the same file twice changes nothing.

// opRecordOutcome is the idempotency scope's operation of an upload.
//
// WARNING: persisted in idempotency keys' scopes. Never change it.
const opRecordOutcome = "election.record_outcome"

// adminOutcomesRoutes are the CEC administration's API routes for outcomes.
func (s *handlers) adminOutcomesRoutes(g signedin.Routes) {
	g.POST("/elections/:id/outcomes", s.adminRecordOutcomes)
}

// adminOutcomesPages are the administration desk's pages for outcomes.
func (s *handlers) adminOutcomesPages(g signedin.Routes) {
	g.GET(pathAdminOutcomes, s.adminOutcomesPage)
	g.POST(pathAdminOutcomes, s.adminOutcomesUpload)
}

// OutcomeIssue is one line of an outcome file's validation report: the
// file's line (1 is the header; 0 the file as a whole), the column, and
// the reason's stable code and message in the caller's language.
type OutcomeIssue struct {
	Line    int          `json:"line"`
	Field   string       `json:"field,omitempty"`
	Code    failure.Code `json:"code"`
	Message string       `json:"message"`
}

// OutcomeRecorded answers an accepted outcome file.
type OutcomeRecorded struct {
	Election string `json:"election"`
	// Source is the file's SHA-256 (hex).
	Source string `json:"source"`
	// Recorded counts the precincts recorded (new or corrected);
	// Unchanged those already recorded with the same counts.
	Recorded  int                  `json:"recorded"`
	Unchanged int                  `json:"unchanged"`
	Position  *eventstore.Position `json:"position,omitempty"`
}

// outcomeMessages renders the outcome errors' codes.
var outcomeMessages = domain.Messages()

// outcomeIssues is the report of err in l; nil when err carries none.
func outcomeIssues(err error, l i18n.Lang) []OutcomeIssue {
	rep, ok := election.ReportOf(err)
	if !ok {
		return nil
	}
	out := make([]OutcomeIssue, 0, len(rep))
	for _, is := range rep {
		out = append(out, OutcomeIssue{Line: is.Line, Field: is.Field, Code: is.Code,
			Message: outcomeMessages.Render(is.Code, l.String(), is.Params)})
	}
	return out
}

// recordOutcomes parses file as election id's outcome and sends it as the
// signed-in administrator under the idempotency key the request carries.
// A refusal with a report carries it as the problem's "issues" member.
func (s *handlers) recordOutcomes(c echo.Context, id string, file []byte) (OutcomeRecorded, error) {
	l := httpapi.RequestLang(c)
	eid, err := election.ParseID(id)
	if err != nil {
		var v problem.ValidationError
		v.Add("id", err)
		return OutcomeRecorded{}, v.Err()
	}
	sum := sha256.Sum256(file)
	out := OutcomeRecorded{Election: eid.String(), Source: hex.EncodeToString(sum[:])}
	env, err := s.d.Commands.Envelope(c, auth.RoleCECAdmin, opRecordOutcome, struct {
		Election string `json:"election"`
		Source   string `json:"source"`
	}{out.Election, out.Source})
	if err != nil {
		return out, err
	}
	rows, err := election.ParseOutcomes(bytes.NewReader(file), eid)
	if err != nil {
		return out, problem.Extend(err, map[string]any{"issues": outcomeIssues(err, l)})
	}
	res, err := s.d.Commands.Send(c, auth.RoleCECAdmin, commands.RecordElectionOutcome{Envelope: env, Election: out.Election,
		Source: out.Source, Rows: rows, At: s.d.Now()})
	if err != nil {
		if is := outcomeIssues(err, l); is != nil {
			return out, problem.Extend(err, map[string]any{"issues": is})
		}
		return out, err
	}
	var r election.OutcomeResult
	if len(res.Value) > 0 {
		if err := json.Unmarshal(res.Value, &r); err != nil {
			return out, err
		}
	}
	out.Recorded, out.Unchanged = r.Recorded, r.Unchanged
	if res.Events > 0 {
		p := res.Position
		out.Position = &p
	}
	return out, nil
}

// adminRecordOutcomes takes the CEC's outcome file as the body (CSV,
// docs/outcomes.md) for election :id.
func (s *handlers) adminRecordOutcomes(c echo.Context) error {
	body, err := io.ReadAll(c.Request().Body)
	if err != nil {
		return err
	}
	out, err := s.recordOutcomes(c, c.Param("id"), body)
	if err != nil {
		return err
	}
	httpapi.NoStore(c)
	return c.JSON(http.StatusOK, out)
}

// outcomesView is the desk's upload page.
type outcomesView struct {
	Elections []readmodels.HeldElection
	Election  string
	Errors    map[string]string
	Issues    []OutcomeIssue
	Refused   string
	Done      *OutcomeRecorded
	Lang      string
}

func (s *handlers) outcomesView(c echo.Context) (outcomesView, error) {
	held, err := s.d.Read.ListHeldElections(c.Request().Context(), calendar.DayOf(s.d.Now()))
	return outcomesView{Elections: held, Errors: map[string]string{}, Lang: signedin.Lang(c).String()}, err
}

func (s *handlers) adminOutcomesPage(c echo.Context) error {
	v, err := s.outcomesView(c)
	if err != nil {
		return err
	}
	v.Election = c.QueryParam("election")
	return s.adminRender(c, http.StatusOK, "templates/outcomes.html", pathAdminOutcomes, "adm.out.title", v)
}

// maxOutcomeFile caps an uploaded outcome file: every precinct's row is
// well under 200 bytes.
const maxOutcomeFile = 2 << 20

// adminOutcomesUpload records the uploaded file and answers the page with
// the counts recorded, or with the report beside the form (422).
func (s *handlers) adminOutcomesUpload(c echo.Context) error {
	l := signedin.Lang(c)
	v, err := s.outcomesView(c)
	if err != nil {
		return err
	}
	v.Election = strings.TrimSpace(c.FormValue("election"))
	var file []byte
	if fh, ferr := c.FormFile("file"); ferr == nil {
		f, err := fh.Open()
		if err != nil {
			return err
		}
		file, err = io.ReadAll(io.LimitReader(f, maxOutcomeFile+1))
		_ = f.Close()
		if err != nil {
			return err
		}
	}
	if v.Election == "" {
		v.Errors["election"] = webui.T(l, "adm.out.err.election")
	}
	switch {
	case len(file) == 0:
		v.Errors["file"] = webui.T(l, "adm.out.err.file")
	case len(file) > maxOutcomeFile:
		v.Errors["file"] = webui.T(l, "adm.out.err.large")
	}
	if len(v.Errors) > 0 {
		return s.adminRender(c, http.StatusUnprocessableEntity, "templates/outcomes.html", pathAdminOutcomes, "adm.out.title", v)
	}
	c.Request().Header.Set(signedin.HeaderIdempotencyKey, strings.TrimSpace(c.FormValue(signedin.FieldIdempotency)))
	out, err := s.recordOutcomes(c, v.Election, file)
	if err != nil {
		def, ok := s.d.Problems.Resolve(err)
		if !ok || def.Status >= http.StatusInternalServerError {
			return err
		}
		v.Issues = outcomeIssues(err, l)
		v.Refused = s.d.Problems.Problem(err, def, l).Detail
		if code, ok := failure.CodeOf(err); ok {
			if m := outcomeMessages.Render(code, l.String(), failure.ParamsOf(err)); m != "" {
				v.Refused = m
			}
		}
		return s.adminRender(c, def.Status, "templates/outcomes.html", pathAdminOutcomes, "adm.out.title", v)
	}
	v.Done = &out
	return s.adminRender(c, http.StatusOK, "templates/outcomes.html", pathAdminOutcomes, "adm.out.title", v)
}

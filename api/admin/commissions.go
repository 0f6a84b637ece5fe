package admin

import (
	"errors"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/cec-kg/tizme/api/auth"
	"github.com/cec-kg/tizme/api/httpapi"
	"github.com/cec-kg/tizme/api/i18n"
	"github.com/cec-kg/tizme/api/problem"
	"github.com/cec-kg/tizme/api/signedin"
	"github.com/cec-kg/tizme/api/webui"
	"github.com/cec-kg/tizme/commands"
	"github.com/cec-kg/tizme/commands/bus"
	"github.com/cec-kg/tizme/domain/commission"
	"github.com/cec-kg/tizme/domain/contact"
	"github.com/cec-kg/tizme/domain/geo"
)

// The CEC administration's commissions and their staff (issue 14): the
// list, registering a commission (CEC, TEC, DEC, PEC) with its names in
// Kyrgyz, Russian and English and its public contacts (VP 2.3, VP 3.6),
// changing the contacts, and assigning and revoking staff (VC §6,
// VC §17). The staff register is the Commission aggregate itself: onStaff
// reads it on every staff request, so a revocation refuses the person at
// once. Every change is a command sent as the administrator, with their
// sign-in method on the event.

// adminCommissionsRoutes are the CEC administration's API routes for commissions.
func (s *handlers) adminCommissionsRoutes(g signedin.Routes) {
	g.GET("/commissions", s.adminListCommissions)
	g.POST("/commissions", s.adminRegisterCommission)
	g.GET("/commissions/:ref", s.adminCommission)
	g.POST("/commissions/:ref/contacts", s.adminChangeContacts)
	g.GET("/commissions/:ref/staff", s.adminStaff)
	g.POST("/commissions/:ref/staff", s.adminAssignStaff)
	g.POST("/commissions/:ref/staff/:subject/revoke", s.adminRevokeStaff)
}

// NamesView is a name in Kyrgyz, Russian and English.
type NamesView struct {
	Ky string `json:"ky"`
	Ru string `json:"ru"`
	En string `json:"en"`
}

// ContactsView is an office's public contacts; any part may be absent.
type ContactsView struct {
	Phone   string `json:"phone,omitempty"`
	Email   string `json:"email,omitempty"`
	Address string `json:"address,omitempty"`
}

// CommissionView is a commission as the administration sees it.
type CommissionView struct {
	Commission string       `json:"commission"`
	Parent     string       `json:"parent,omitempty"`
	Region     string       `json:"region,omitempty"`
	Names      NamesView    `json:"names"`
	Contacts   ContactsView `json:"contacts"`
	// ActiveStaff counts the staff on duty now (only on one commission).
	ActiveStaff *int `json:"active_staff,omitempty"`
}

// StaffMemberView is one subject of a commission's staff register.
type StaffMemberView struct {
	Subject string `json:"subject"`
	Active  bool   `json:"active"`
	// Role is the current role, or the last one held.
	Role    string           `json:"role"`
	History []AssignmentView `json:"history"`
}

// AssignmentView is one period of work for a commission.
type AssignmentView struct {
	Role  string     `json:"role"`
	Since time.Time  `json:"since"`
	Until *time.Time `json:"until,omitempty"`
}

// StaffView is a commission's staff register.
type StaffView struct {
	Commission string            `json:"commission"`
	Staff      []StaffMemberView `json:"staff"`
}

type contactsRequest struct {
	Phone   string `json:"phone,omitempty"`
	Email   string `json:"email,omitempty"`
	Address string `json:"address,omitempty"`
}

func (r contactsRequest) empty() bool {
	return strings.TrimSpace(r.Phone+r.Email+r.Address) == ""
}

type registerCommissionRequest struct {
	Commission string                  `json:"commission"`
	Parent     string                  `json:"parent,omitempty"`
	Region     string                  `json:"region,omitempty"`
	Names      commands.LocalizedInput `json:"names"`
	Contacts   *contactsRequest        `json:"contacts,omitempty"`
}

type assignStaffRequest struct {
	Subject string `json:"subject"`
	Role    string `json:"role"`
}

// loadCommission loads commission ref; httpapi.ErrNotFound for a ref that does not
// parse, commission.ErrNotRegistered for one never registered.
func (s *handlers) loadCommission(c echo.Context, ref string) (*commission.Commission, error) {
	r, err := commission.ParseRef(ref)
	if err != nil {
		return nil, httpapi.ErrNotFound
	}
	k, err := bus.Load(c.Request().Context(), s.d.Events, s.d.Codec, commission.StreamFor(r),
		func() *commission.Commission { return &commission.Commission{} })
	if err != nil {
		return nil, err
	}
	if k.Ref().IsZero() {
		return nil, commission.ErrNotRegistered
	}
	return k, nil
}

func (s *handlers) commissionView(k *commission.Commission) CommissionView {
	n := k.Names()
	phone, email, address := k.Contacts()
	active := len(k.ActiveStaff(s.d.Now()))
	return CommissionView{Commission: k.Ref().String(), Parent: k.Parent().String(), Region: k.Region().String(),
		Names: NamesView{Ky: n.Ky, Ru: n.Ru, En: n.En}, Contacts: ContactsView{Phone: phone, Email: email, Address: address},
		ActiveStaff: &active}
}

func (s *handlers) staffView(k *commission.Commission) StaffView {
	out := StaffView{Commission: k.Ref().String(), Staff: []StaffMemberView{}}
	now := s.d.Now()
	for _, subject := range k.Subjects() {
		m := StaffMemberView{Subject: subject, Active: k.IsActiveStaff(subject, now), History: []AssignmentView{}}
		for _, a := range k.History(subject) {
			v := AssignmentView{Role: string(a.Role), Since: a.Since.UTC()}
			if !a.Until.IsZero() {
				u := a.Until.UTC()
				v.Until = &u
			}
			m.History = append(m.History, v)
			m.Role = string(a.Role)
		}
		out.Staff = append(out.Staff, m)
	}
	// On duty first, then by subject.
	sort.SliceStable(out.Staff, func(i, j int) bool { return out.Staff[i].Active && !out.Staff[j].Active })
	return out
}

// adminCommissions lists every registered commission (from the precinct
// directory's side table) with its contacts (portal_content).
func (s *handlers) adminCommissions(c echo.Context) ([]CommissionView, error) {
	ctx := c.Request().Context()
	list, err := s.d.Read.ListCommissions(ctx)
	if err != nil {
		return nil, err
	}
	contacts, err := s.d.Read.ListCommissionContacts(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]CommissionView, 0, len(list))
	for _, x := range list {
		k := contacts[x.Ref]
		out = append(out, CommissionView{Commission: x.Ref, Parent: x.Parent, Region: x.Region,
			Names: NamesView{Ky: x.Names.Ky, Ru: x.Names.Ru, En: x.Names.En}, Contacts: ContactsView{Phone: k.Phone, Email: k.Email, Address: k.Address}})
	}
	return out, nil
}

func (s *handlers) adminListCommissions(c echo.Context) error {
	list, err := s.adminCommissions(c)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, struct {
		Commissions []CommissionView `json:"commissions"`
	}{list})
}

func (s *handlers) adminCommission(c echo.Context) error {
	k, err := s.loadCommission(c, c.Param("ref"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, s.commissionView(k))
}

func (s *handlers) adminStaff(c echo.Context) error {
	k, err := s.loadCommission(c, c.Param("ref"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, s.staffView(k))
}

// checkContacts adds the contacts' field errors to v under prefix.
func checkContacts(r contactsRequest, prefix string, v *problem.ValidationError) {
	if strings.TrimSpace(r.Phone) != "" {
		_, err := contact.ParsePhone(r.Phone)
		v.Add(prefix+"phone", err)
	}
	if strings.TrimSpace(r.Email) != "" {
		_, err := contact.ParseEmail(r.Email)
		v.Add(prefix+"email", err)
	}
	_, err := contact.CleanAddress(r.Address)
	v.Add(prefix+"address", err)
}

// registerCommission validates req, then registers the commission and,
// when given, its contacts: two commands under the request's key, each
// idempotent on its own.
func (s *handlers) registerCommission(c echo.Context, req registerCommissionRequest) (*commission.Commission, error) {
	if err := regPrecheck(req); err != nil {
		return nil, err
	}
	ref, _ := commission.ParseRef(req.Commission)
	env, err := s.d.Commands.Envelope(c, auth.RoleCECAdmin, commands.NameRegisterCommission, req)
	if err != nil {
		return nil, err
	}
	now := s.d.Now()
	if _, err := s.d.Commands.Send(c, auth.RoleCECAdmin, commands.RegisterCommission{Envelope: env, Commission: req.Commission, Parent: req.Parent,
		Region: req.Region, NameKy: req.Names.Ky, NameRu: req.Names.Ru, NameEn: req.Names.En, At: now}); err != nil {
		return nil, err
	}
	if req.Contacts != nil && !req.Contacts.empty() {
		env, err := s.d.Commands.Envelope(c, auth.RoleCECAdmin, commands.NameChangeCommissionContacts+"/"+ref.String(), req)
		if err != nil {
			return nil, err
		}
		if _, err := s.d.Commands.Send(c, auth.RoleCECAdmin, commands.ChangeCommissionContacts{Envelope: env, Commission: ref.String(),
			Phone: req.Contacts.Phone, Email: req.Contacts.Email, Address: req.Contacts.Address, At: now}); err != nil {
			return nil, err
		}
	}
	return s.loadCommission(c, ref.String())
}

func (s *handlers) adminRegisterCommission(c echo.Context) error {
	var req registerCommissionRequest
	if err := c.Bind(&req); err != nil {
		return err
	}
	k, err := s.registerCommission(c, req)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, s.commissionView(k))
}

// changeContacts records commission ref's contacts.
func (s *handlers) changeContacts(c echo.Context, ref string, req contactsRequest) (*commission.Commission, error) {
	k, err := s.loadCommission(c, ref)
	if err != nil {
		return nil, err
	}
	var v problem.ValidationError
	checkContacts(req, "", &v)
	if err := v.Err(); err != nil {
		return nil, err
	}
	env, err := s.d.Commands.Envelope(c, auth.RoleCECAdmin, commands.NameChangeCommissionContacts+"/"+k.Ref().String(), req)
	if err != nil {
		return nil, err
	}
	if _, err := s.d.Commands.Send(c, auth.RoleCECAdmin, commands.ChangeCommissionContacts{Envelope: env, Commission: k.Ref().String(),
		Phone: req.Phone, Email: req.Email, Address: req.Address, At: s.d.Now()}); err != nil {
		return nil, err
	}
	return s.loadCommission(c, ref)
}

func (s *handlers) adminChangeContacts(c echo.Context) error {
	var req contactsRequest
	if err := c.Bind(&req); err != nil {
		return err
	}
	k, err := s.changeContacts(c, c.Param("ref"), req)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, s.commissionView(k))
}

// assignStaff puts subject on commission ref's staff in role from now.
func (s *handlers) assignStaff(c echo.Context, ref string, req assignStaffRequest) (*commission.Commission, error) {
	k, err := s.loadCommission(c, ref)
	if err != nil {
		return nil, err
	}
	env, err := s.d.Commands.Envelope(c, auth.RoleCECAdmin, commands.NameAssignStaff+"/"+k.Ref().String(), req)
	if err != nil {
		return nil, err
	}
	if _, err := s.d.Commands.Send(c, auth.RoleCECAdmin, commands.AssignStaff{Envelope: env, Commission: k.Ref().String(), Subject: req.Subject,
		Role: req.Role, Since: s.d.Now()}); err != nil {
		return nil, err
	}
	return s.loadCommission(c, ref)
}

func (s *handlers) adminAssignStaff(c echo.Context) error {
	var req assignStaffRequest
	if err := c.Bind(&req); err != nil {
		return err
	}
	k, err := s.assignStaff(c, c.Param("ref"), req)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, s.staffView(k))
}

// revokeStaff takes subject off commission ref's staff from now: from the
// next request on, onStaff refuses them.
func (s *handlers) revokeStaff(c echo.Context, ref, subject string) (*commission.Commission, error) {
	k, err := s.loadCommission(c, ref)
	if err != nil {
		return nil, err
	}
	env, err := s.d.Commands.Envelope(c, auth.RoleCECAdmin, commands.NameRevokeStaff+"/"+k.Ref().String()+"/"+subject, nil)
	if err != nil {
		return nil, err
	}
	if _, err := s.d.Commands.Send(c, auth.RoleCECAdmin, commands.RevokeStaff{Envelope: env, Commission: k.Ref().String(), Subject: subject,
		At: s.d.Now()}); err != nil {
		return nil, err
	}
	return s.loadCommission(c, ref)
}

func (s *handlers) adminRevokeStaff(c echo.Context) error {
	k, err := s.revokeStaff(c, c.Param("ref"), c.Param("subject"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, s.staffView(k))
}

// ---- Pages (/admin/commissions, /admin/staff) ----

// regForm is a desk form as typed, with its errors: beside a field, or in
// the summary at the top.
type regForm struct {
	Lang    i18n.Lang
	Values  url.Values
	Errors  []regFieldError
	Summary []string
}

// regInput is one text field of a form, as its partial draws it.
type regInput struct{ Name, Label, Hint, Value, Err string }

// Field is the text field name with its label, hint, value and error.
func (f regForm) Field(name, label, hint string) regInput {
	return regInput{Name: name, Label: label, Hint: hint, Value: f.In(name), Err: f.Err(name)}
}

// newRegForm is a form in c's language holding values.
func newRegForm(c echo.Context, values url.Values) regForm {
	if values == nil {
		values = url.Values{}
	}
	return regForm{Lang: signedin.Lang(c), Values: values}
}

type regFieldError struct{ Field, Message string }

// In is what was typed into field.
func (f regForm) In(field string) string { return f.Values.Get(field) }

// Err is the message beside field, if any.
func (f regForm) Err(field string) string {
	for _, e := range f.Errors {
		if e.Field == field {
			return e.Message
		}
	}
	return ""
}

// HasErrors says whether the error summary shows.
func (f regForm) HasErrors() bool { return len(f.Errors) > 0 || len(f.Summary) > 0 }

func (f *regForm) add(field, msg string) { f.Errors = append(f.Errors, regFieldError{field, msg}) }

// regFact is a line of a confirmation page, or a hidden field of its form.
type regFact struct{ Label, Value string }

// regConfirm is the "check before you change" page of every desk form.
type regConfirm struct {
	Question     string
	Facts        []regFact
	Hidden       []regFact // Label is the field name
	Key          string
	Action, Back string
}

// regFormFrom keeps the posted fields (not the CSRF token, the key or the
// confirmation).
func regFormFrom(c echo.Context, fields ...string) regForm {
	f := newRegForm(c, nil)
	for _, name := range fields {
		f.Values.Set(name, strings.TrimSpace(c.FormValue(name)))
	}
	return f
}

// regHidden is the form's fields as the confirmation page's hidden ones.
func regHidden(f regForm, fields ...string) []regFact {
	out := make([]regFact, 0, len(fields))
	for _, name := range fields {
		out = append(out, regFact{Label: name, Value: f.In(name)})
	}
	return out
}

// regKeyed puts the form's idempotency key (made when it was rendered)
// where s.idempotency reads it: a double click changes once.
func regKeyed(c echo.Context) string {
	key := strings.TrimSpace(c.FormValue(signedin.FieldIdempotency))
	if key == "" {
		key = signedin.NewFormKey()
	}
	c.Request().Header.Set(signedin.HeaderIdempotencyKey, key)
	return key
}

// regConfirmed reports whether the form comes from its confirmation page.
func regConfirmed(c echo.Context) bool { return c.FormValue("confirm") == "yes" }

// regRefusal puts err on f: a field's error beside it (fieldOf maps an
// API field name or a failure code to the form's field), the rest in the
// summary. It returns err itself for what is no refusal of the input
// (outages, bugs), which the error handler answers.
func (s *handlers) regRefusal(err error, l i18n.Lang, f *regForm, fieldOf map[string]string) error {
	def, ok := s.d.Problems.Resolve(err)
	if !ok || def.Status >= http.StatusInternalServerError {
		return err
	}
	p := s.d.Problems.Problem(err, def, l)
	if fields, ok := p.Extensions["errors"].([]problem.FieldProblem); ok && len(fields) > 0 {
		for _, fp := range fields {
			if name := fieldOf[fp.Field]; name != "" {
				f.add(name, fp.Message)
			} else {
				f.Summary = append(f.Summary, fp.Message)
			}
		}
		return nil
	}
	msg := p.Detail
	if msg == "" {
		msg = p.Title
	}
	if name := fieldOf[string(def.Code)]; name != "" {
		f.add(name, msg)
		return nil
	}
	f.Summary = append(f.Summary, msg)
	return nil
}

// The form fields of the commission pages.
var (
	regCommissionFields = []string{"commission", "parent", "region", "name_ky", "name_ru", "name_en", "phone", "email", "address"}
	regContactFields    = []string{"phone", "email", "address"}
	regStaffFields      = []string{"subject", "role"}
	// regCommissionFieldOf maps API fields and failure codes to the form's
	// fields.
	regCommissionFieldOf = map[string]string{
		"commission": "commission", "parent": "parent", "region": "region", "names.ky": "name_ky", "names.ru": "name_ru",
		"names.en": "name_en", "contacts.phone": "phone", "contacts.email": "email", "contacts.address": "address",
		"phone": "phone", "email": "email", "address": "address",
		string(commission.ErrRef.Code()): "commission", string(commission.ErrRefCode.Code()): "commission",
		string(commission.ErrAlreadyRegistered.Code()): "commission", string(commission.ErrParent.Code()): "parent",
		string(commission.ErrNotRegistered.Code()): "parent", string(commission.ErrRegionRequired.Code()): "region",
		"region.bad_code": "region", string(commission.ErrName.Code()): "name_ky",
		string(contact.ErrPhone.Code()): "phone", string(contact.ErrEmail.Code()): "email", string(contact.ErrAddress.Code()): "address",
		string(commission.ErrSameContacts.Code()): "phone",
		string(commission.ErrSubject.Code()):      "subject", string(commission.ErrRole.Code()): "role",
		string(commission.ErrAlreadyAssigned.Code()): "subject", string(commission.ErrStaffTimeOrder.Code()): "subject",
	}
)

// adminCommissionsPages are the administration desk's pages for commissions.
func (s *handlers) adminCommissionsPages(g signedin.Routes) {
	g.GET(pathAdminCommissions, s.regCommissionsPage)
	g.POST(pathAdminCommissions, s.regRegisterPage)
	g.GET(pathAdminCommissions+"/:ref", s.regCommissionPage)
	g.POST(pathAdminCommissions+"/:ref/contacts", s.regContactsPage)
	g.GET(pathAdminStaff, s.regStaffPage)
	g.POST(pathAdminStaff+"/assign", s.regAssignPage)
	g.POST(pathAdminStaff+"/revoke", s.regRevokePage)
}

type regCommissionRow struct {
	Ref, Name, Parent, Region, Phone, Email, Href, StaffHref string
}

type regCommissionsView struct {
	Rows []regCommissionRow
	Form regForm
}

func (s *handlers) regCommissionsView(c echo.Context, f regForm) (regCommissionsView, error) {
	l := signedin.Lang(c)
	list, err := s.adminCommissions(c)
	if err != nil {
		return regCommissionsView{}, err
	}
	v := regCommissionsView{Form: f}
	for _, x := range list {
		v.Rows = append(v.Rows, regCommissionRow{Ref: x.Commission, Name: regName(l, x.Names), Parent: x.Parent, Region: x.Region,
			Phone: x.Contacts.Phone, Email: x.Contacts.Email,
			Href:      pathAdmin + pathAdminCommissions + "/" + x.Commission + "?lang=" + l.String(),
			StaffHref: pathAdmin + pathAdminStaff + "?commission=" + x.Commission + "&lang=" + l.String()})
	}
	return v, nil
}

func regName(l i18n.Lang, n NamesView) string {
	switch l {
	case i18n.Russian:
		return n.Ru
	case i18n.English:
		return n.En
	}
	return n.Ky
}

func (s *handlers) regCommissionsPage(c echo.Context) error {
	v, err := s.regCommissionsView(c, newRegForm(c, nil))
	if err != nil {
		return err
	}
	return s.adminRender(c, http.StatusOK, "templates/commissions.html", pathAdminCommissions, "reg.commissions.title", v)
}

func (s *handlers) regRegisterPage(c echo.Context) error {
	l := signedin.Lang(c)
	f := regFormFrom(c, regCommissionFields...)
	req := registerCommissionRequest{Commission: f.In("commission"), Parent: f.In("parent"), Region: f.In("region"),
		Names: commands.LocalizedInput{Ky: f.In("name_ky"), Ru: f.In("name_ru"), En: f.In("name_en")}}
	if ct := (contactsRequest{Phone: f.In("phone"), Email: f.In("email"), Address: f.In("address")}); !ct.empty() {
		req.Contacts = &ct
	}
	back := func(status int) error {
		v, err := s.regCommissionsView(c, f)
		if err != nil {
			return err
		}
		return s.adminRender(c, status, "templates/commissions.html", pathAdminCommissions, "reg.commissions.title", v)
	}
	// Check the fields before the confirmation: the same rules as the
	// command, field by field.
	if err := regPrecheck(req); err != nil {
		if err := s.regRefusal(err, l, &f, regCommissionFieldOf); err != nil {
			return err
		}
		return back(http.StatusUnprocessableEntity)
	}
	key := regKeyed(c)
	if !regConfirmed(c) {
		facts := []regFact{{webui.T(l, "reg.f.commission"), req.Commission}, {webui.T(l, "reg.f.parent"), req.Parent},
			{webui.T(l, "reg.f.region"), req.Region}, {webui.T(l, "reg.f.name_ky"), req.Names.Ky}, {webui.T(l, "reg.f.name_ru"), req.Names.Ru},
			{webui.T(l, "reg.f.name_en"), req.Names.En}, {webui.T(l, "reg.f.phone"), f.In("phone")}, {webui.T(l, "reg.f.email"), f.In("email")},
			{webui.T(l, "reg.f.address"), f.In("address")}}
		return s.regConfirmPage(c, pathAdminCommissions, "reg.confirm.register", facts, regHidden(f, regCommissionFields...), key,
			pathAdmin+pathAdminCommissions, pathAdmin+pathAdminCommissions)
	}
	k, err := s.registerCommission(c, req)
	if err != nil {
		if err := s.regRefusal(err, l, &f, regCommissionFieldOf); err != nil {
			return err
		}
		return back(http.StatusUnprocessableEntity)
	}
	return c.Redirect(http.StatusSeeOther, pathAdmin+pathAdminCommissions+"/"+k.Ref().String()+"?done=registered&lang="+l.String())
}

// regPrecheck is registerCommission's validation without sending.
func regPrecheck(req registerCommissionRequest) error {
	var v problem.ValidationError
	_, err := commission.ParseRef(req.Commission)
	v.Add("commission", err)
	if req.Parent != "" {
		_, err := commission.ParseRef(req.Parent)
		v.Add("parent", err)
	}
	if req.Region != "" {
		_, err := geo.ParseRegionCode(req.Region)
		v.Add("region", err)
	}
	for _, x := range []struct{ field, name string }{{"names.ky", req.Names.Ky}, {"names.ru", req.Names.Ru}, {"names.en", req.Names.En}} {
		if strings.TrimSpace(x.name) == "" {
			v.Add(x.field, commission.ErrName)
		}
	}
	if req.Contacts != nil {
		checkContacts(*req.Contacts, "contacts.", &v)
	}
	return v.Err()
}

// regConfirmPage answers the confirmation of a desk form: what will
// change, and the same form, keyed, to confirm.
func (s *handlers) regConfirmPage(c echo.Context, section, questionKey string, facts, hidden []regFact, key, action, back string) error {
	l := signedin.Lang(c)
	shown := facts[:0:0]
	for _, f := range facts {
		if f.Value != "" {
			shown = append(shown, f)
		}
	}
	return s.adminRender(c, http.StatusOK, "templates/commissions_confirm.html", section, questionKey, regConfirm{
		Question: webui.T(l, questionKey), Facts: shown, Hidden: hidden, Key: key,
		Action: withLang(action, l), Back: withLang(back, l)})
}

// withLang is path with the page's language.
func withLang(path string, l i18n.Lang) string {
	if strings.Contains(path, "?") {
		return path + "&lang=" + l.String()
	}
	return path + "?lang=" + l.String()
}

type regCommissionView struct {
	C         CommissionView
	Name      string
	Done      string
	Form      regForm
	StaffHref string
}

func (s *handlers) regCommissionData(c echo.Context, k *commission.Commission, f regForm) regCommissionView {
	l := signedin.Lang(c)
	v := regCommissionView{C: s.commissionView(k), Form: f, StaffHref: pathAdmin + pathAdminStaff + "?commission=" + k.Ref().String() + "&lang=" + l.String()}
	v.Name = regName(l, v.C.Names)
	if d := c.QueryParam("done"); d == "registered" || d == "contacts" {
		v.Done = webui.T(l, "reg.done."+d)
	}
	if len(f.Values) == 0 {
		v.Form.Values = url.Values{"phone": {v.C.Contacts.Phone}, "email": {v.C.Contacts.Email}, "address": {v.C.Contacts.Address}}
	}
	return v
}

func (s *handlers) regCommissionPage(c echo.Context) error {
	k, err := s.loadCommission(c, c.Param("ref"))
	if err != nil {
		return s.regNotFound(c, err)
	}
	v := s.regCommissionData(c, k, newRegForm(c, nil))
	return s.adminRender(c, http.StatusOK, "templates/commissions_one.html", pathAdminCommissions, "reg.commission.title", v)
}

// regNotFound answers an unknown commission with the desk's page.
func (s *handlers) regNotFound(c echo.Context, err error) error {
	if !errors.Is(err, httpapi.ErrNotFound) && !errors.Is(err, commission.ErrNotRegistered) {
		return err
	}
	l := signedin.Lang(c)
	return s.adminRender(c, http.StatusNotFound, "templates/commissions_confirm.html", pathAdminCommissions, "reg.notfound",
		regConfirm{Question: webui.T(l, "reg.notfound"), Back: pathAdmin + pathAdminCommissions + "?lang=" + l.String()})
}

func (s *handlers) regContactsPage(c echo.Context) error {
	l := signedin.Lang(c)
	k, err := s.loadCommission(c, c.Param("ref"))
	if err != nil {
		return s.regNotFound(c, err)
	}
	f := regFormFrom(c, regContactFields...)
	req := contactsRequest{Phone: f.In("phone"), Email: f.In("email"), Address: f.In("address")}
	back := func() error {
		return s.adminRender(c, http.StatusUnprocessableEntity, "templates/commissions_one.html", pathAdminCommissions,
			"reg.commission.title", s.regCommissionData(c, k, f))
	}
	var v problem.ValidationError
	checkContacts(req, "", &v)
	if err := v.Err(); err != nil {
		if err := s.regRefusal(err, l, &f, regCommissionFieldOf); err != nil {
			return err
		}
		return back()
	}
	key := regKeyed(c)
	ref := k.Ref().String()
	if !regConfirmed(c) {
		facts := []regFact{{webui.T(l, "reg.f.commission"), ref}, {webui.T(l, "reg.f.phone"), req.Phone}, {webui.T(l, "reg.f.email"), req.Email},
			{webui.T(l, "reg.f.address"), req.Address}}
		return s.regConfirmPage(c, pathAdminCommissions, "reg.confirm.contacts", facts, regHidden(f, regContactFields...), key,
			pathAdmin+pathAdminCommissions+"/"+ref+"/contacts", pathAdmin+pathAdminCommissions+"/"+ref)
	}
	if _, err := s.changeContacts(c, ref, req); err != nil {
		if err := s.regRefusal(err, l, &f, regCommissionFieldOf); err != nil {
			return err
		}
		return back()
	}
	return c.Redirect(http.StatusSeeOther, pathAdmin+pathAdminCommissions+"/"+ref+"?done=contacts&lang="+l.String())
}

type regStaffRow struct {
	Subject, Role, Since, Until string
	Active                      bool
}

type regStaffView struct {
	Commission string
	Name       string
	Found      bool
	Asked      bool
	Rows       []regStaffRow
	Roles      []regFact
	Form       regForm
	Done       string
	Options    []regFact // Label: name, Value: ref
}

func (s *handlers) regStaffData(c echo.Context, ref string, f regForm) (regStaffView, error) {
	l := signedin.Lang(c)
	v := regStaffView{Commission: ref, Form: f, Asked: ref != ""}
	for _, r := range []commission.Role{commission.RoleOperator, commission.RoleChair, commission.RoleAdministrator} {
		v.Roles = append(v.Roles, regFact{Label: webui.T(l, "reg.role."+string(r)), Value: string(r)})
	}
	list, err := s.adminCommissions(c)
	if err != nil {
		return v, err
	}
	for _, x := range list {
		v.Options = append(v.Options, regFact{Label: x.Commission + " — " + regName(l, x.Names), Value: x.Commission})
	}
	if d := c.QueryParam("done"); d == "assigned" || d == "revoked" {
		v.Done = webui.T(l, "reg.done."+d)
	}
	if ref == "" {
		return v, nil
	}
	k, err := s.loadCommission(c, ref)
	if errors.Is(err, httpapi.ErrNotFound) || errors.Is(err, commission.ErrNotRegistered) {
		return v, nil
	}
	if err != nil {
		return v, err
	}
	v.Found, v.Commission = true, k.Ref().String()
	n := k.Names()
	v.Name = regName(l, NamesView{Ky: n.Ky, Ru: n.Ru, En: n.En})
	for _, m := range s.staffView(k).Staff {
		last := m.History[len(m.History)-1]
		row := regStaffRow{Subject: m.Subject, Role: webui.T(l, "reg.role."+m.Role), Since: webui.FormatDate(l, last.Since), Active: m.Active}
		if last.Until != nil {
			row.Until = webui.FormatDate(l, *last.Until)
		}
		v.Rows = append(v.Rows, row)
	}
	return v, nil
}

func (s *handlers) regStaffPage(c echo.Context) error {
	v, err := s.regStaffData(c, strings.TrimSpace(c.QueryParam("commission")), newRegForm(c, url.Values{"role": {string(commission.RoleOperator)}}))
	if err != nil {
		return err
	}
	status := http.StatusOK
	if v.Asked && !v.Found {
		status = http.StatusNotFound
	}
	return s.adminRender(c, status, "templates/staff.html", pathAdminStaff, "reg.staff.title", v)
}

func (s *handlers) regAssignPage(c echo.Context) error {
	l := signedin.Lang(c)
	ref := strings.TrimSpace(c.FormValue("commission"))
	f := regFormFrom(c, regStaffFields...)
	req := assignStaffRequest{Subject: f.In("subject"), Role: f.In("role")}
	back := func() error {
		v, err := s.regStaffData(c, ref, f)
		if err != nil {
			return err
		}
		return s.adminRender(c, http.StatusUnprocessableEntity, "templates/staff.html", pathAdminStaff, "reg.staff.title", v)
	}
	if req.Subject == "" {
		f.add("subject", webui.T(l, "reg.err.required"))
	}
	if _, err := commission.ParseRole(req.Role); err != nil {
		f.add("role", webui.T(l, "reg.err.role"))
	}
	if f.HasErrors() {
		return back()
	}
	key := regKeyed(c)
	staffPath := pathAdmin + pathAdminStaff
	if !regConfirmed(c) {
		facts := []regFact{{webui.T(l, "reg.f.commission"), ref}, {webui.T(l, "reg.f.subject"), req.Subject},
			{webui.T(l, "reg.f.role"), webui.T(l, "reg.role."+req.Role)}}
		hidden := append(regHidden(f, regStaffFields...), regFact{Label: "commission", Value: ref})
		return s.regConfirmPage(c, pathAdminStaff, "reg.confirm.assign", facts, hidden, key, staffPath+"/assign",
			staffPath+"?commission="+url.QueryEscape(ref)+"")
	}
	if _, err := s.assignStaff(c, ref, req); err != nil {
		if errors.Is(err, httpapi.ErrNotFound) {
			err = commission.ErrNotRegistered
		}
		if err := s.regRefusal(err, l, &f, regCommissionFieldOf); err != nil {
			return err
		}
		return back()
	}
	return c.Redirect(http.StatusSeeOther, staffPath+"?commission="+url.QueryEscape(ref)+"&done=assigned&lang="+l.String())
}

func (s *handlers) regRevokePage(c echo.Context) error {
	l := signedin.Lang(c)
	ref := strings.TrimSpace(c.FormValue("commission"))
	subject := strings.TrimSpace(c.FormValue("subject"))
	key := regKeyed(c)
	staffPath := pathAdmin + pathAdminStaff
	if !regConfirmed(c) {
		facts := []regFact{{webui.T(l, "reg.f.commission"), ref}, {webui.T(l, "reg.f.subject"), subject}}
		return s.regConfirmPage(c, pathAdminStaff, "reg.confirm.revoke", facts,
			[]regFact{{Label: "commission", Value: ref}, {Label: "subject", Value: subject}}, key, staffPath+"/revoke",
			staffPath+"?commission="+url.QueryEscape(ref)+"")
	}
	if _, err := s.revokeStaff(c, ref, subject); err != nil {
		f := newRegForm(c, url.Values{"role": {string(commission.RoleOperator)}})
		if err := s.regRefusal(err, l, &f, nil); err != nil {
			return err
		}
		v, err := s.regStaffData(c, ref, f)
		if err != nil {
			return err
		}
		return s.adminRender(c, http.StatusUnprocessableEntity, "templates/staff.html", pathAdminStaff, "reg.staff.title", v)
	}
	return c.Redirect(http.StatusSeeOther, staffPath+"?commission="+url.QueryEscape(ref)+"&done=revoked&lang="+l.String())
}

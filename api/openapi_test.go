package api_test

import (
	"encoding/json"
	"maps"
	"net/http"
	"net/http/httptest"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"gopkg.in/yaml.v3"

	"github.com/cec-kg/tizme/api"
	"github.com/cec-kg/tizme/api/audit"
	"github.com/cec-kg/tizme/api/auth"
	"github.com/cec-kg/tizme/api/portal"
	"github.com/cec-kg/tizme/docs"
)

// The OpenAPI document (docs/openapi.yaml) is the API's reference; these
// tests keep it true to the server: the same routes, every operation
// described, every reference resolved, and the served copies identical to
// the file.

// spec is docs/openapi.yaml parsed as plain YAML, so the structural checks
// do not depend on an OpenAPI library's reading of it.
func spec(t *testing.T) map[string]any {
	t.Helper()
	var doc map[string]any
	if err := yaml.Unmarshal(docs.OpenAPI, &doc); err != nil {
		t.Fatalf("docs/openapi.yaml is not YAML: %v", err)
	}
	return doc
}

// object is v as a YAML mapping, or fails the test naming where.
func object(t *testing.T, v any, where string) map[string]any {
	t.Helper()
	m, ok := v.(map[string]any)
	if !ok {
		t.Fatalf("%s: want a mapping, got %T", where, v)
	}
	return m
}

// httpMethods are the operation keys of a path item (OpenAPI 3.1 §4.8.9).
var httpMethods = []string{"get", "put", "post", "delete", "options", "head", "patch", "trace"}

// operation is one documented (method, path) with its object.
type operation struct {
	method, path string
	op           map[string]any
}

func (o operation) String() string { return strings.ToUpper(o.method) + " " + o.path }

func operations(t *testing.T, doc map[string]any) []operation {
	t.Helper()
	var out []operation
	for path, item := range object(t, doc["paths"], "paths") {
		for method, op := range object(t, item, path) {
			if slices.Contains(httpMethods, method) {
				out = append(out, operation{method: method, path: path, op: object(t, op, method+" "+path)})
			}
		}
	}
	slices.SortFunc(out, func(a, b operation) int { return strings.Compare(a.String(), b.String()) })
	return out
}

// devIssuerPrefix is where the development issuer is mounted. Its routes
// are one echo wildcard (every method), so they are compared with the
// issuer's own endpoints (TestOpenAPIDevIssuer), not with echo's routes.
const devIssuerPrefix = "/dev/oidc/"

// newDocServer is a server with every route mounted, the development
// issuer included; it needs no database.
func newDocServer(t *testing.T) (*api.Server, *httptest.Server) {
	t.Helper()
	dev, err := auth.NewDevIssuer("http://localhost:8080/dev/oidc", "tizme")
	if err != nil {
		t.Fatal(err)
	}
	deps := okDeps
	deps.DevIssuer = dev.Handler()
	srv, err := api.New(api.Config{}, deps)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)
	return srv, ts
}

var echoParam = regexp.MustCompile(`:([A-Za-z_]+)`)

// TestOpenAPIIsValid3_1: the document is OpenAPI 3.1.x and passes
// kin-openapi's validation (schemas, parameters, references).
func TestOpenAPIIsValid3_1(t *testing.T) {
	t.Parallel()
	if v, _ := spec(t)["openapi"].(string); !strings.HasPrefix(v, "3.1.") {
		t.Fatalf("openapi = %q, want 3.1.x", v)
	}
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(docs.OpenAPI)
	if err != nil {
		t.Fatalf("load: %v", err)
	}
	if !doc.IsOpenAPI31OrLater() {
		t.Errorf("kin-openapi reads version %q as older than 3.1", doc.OpenAPI)
	}
	if err := doc.Validate(t.Context()); err != nil {
		t.Errorf("validate: %v", err)
	}
}

// TestOpenAPICoversEveryRoute: the documented (method, path) pairs are
// exactly the server's routes, except /static/*, the development issuer
// and the portal's HTML pages and assets (portal.Routes; "/" is documented
// as the portal's entry).
func TestOpenAPICoversEveryRoute(t *testing.T) {
	t.Parallel()
	srv, _ := newDocServer(t)
	served := map[string]bool{}
	for _, r := range srv.Echo().Routes() {
		switch {
		case r.Method == echo404Method, strings.HasPrefix(r.Path, "/static/"), strings.HasPrefix(r.Path, devIssuerPrefix):
			continue
		case r.Path != "/" && slices.Contains(portal.Routes, r.Method+" "+r.Path):
			continue
		}
		served[r.Method+" "+echoParam.ReplaceAllString(r.Path, "{$1}")] = true
	}
	documented := map[string]bool{}
	for _, o := range operations(t, spec(t)) {
		if !strings.HasPrefix(o.path, devIssuerPrefix) {
			documented[o.String()] = true
		}
	}
	for _, r := range slices.Sorted(maps.Keys(served)) {
		if !documented[r] {
			t.Errorf("route %s is not documented", r)
		}
	}
	for _, d := range slices.Sorted(maps.Keys(documented)) {
		if !served[d] {
			t.Errorf("documented %s is not a route", d)
		}
	}
	if len(served) < 30 {
		t.Errorf("only %d routes: the route listing is broken", len(served))
	}
}

// echo404Method is the method echo lists its groups' not-found handlers
// under.
const echo404Method = "echo_route_not_found"

// TestOpenAPIDevIssuer: the documented development-issuer operations are
// exactly the ones it serves, and each answers 200.
func TestOpenAPIDevIssuer(t *testing.T) {
	t.Parallel()
	_, ts := newDocServer(t)
	tests := []struct {
		name, method, path, contentType, body string
	}{
		{"token", http.MethodPost, "/dev/oidc/token", "application/json", `{"subject":"auditor-demo","role":"auditor"}`},
		{"key set", http.MethodGet, "/dev/oidc/jwks", "", ""},
		{"discovery", http.MethodGet, "/dev/oidc/.well-known/openid-configuration", "", ""},
	}
	documented := map[string]bool{}
	for _, o := range operations(t, spec(t)) {
		if strings.HasPrefix(o.path, devIssuerPrefix) {
			documented[o.String()] = true
		}
	}
	want := map[string]bool{}
	for _, tt := range tests {
		want[tt.method+" "+tt.path] = true
	}
	if !maps.Equal(documented, want) {
		t.Errorf("documented dev issuer operations %v, served %v", slices.Sorted(maps.Keys(documented)), slices.Sorted(maps.Keys(want)))
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h := map[string]string{}
			if tt.contentType != "" {
				h["Content-Type"] = tt.contentType
			}
			r := do(t, ts, tt.method, tt.path, strings.NewReader(tt.body), h)
			if r.status != http.StatusOK {
				t.Errorf("%s %s = %d %s", tt.method, tt.path, r.status, r.body)
			}
		})
	}
}

// TestOpenAPIOperations: every operation is identified, summarised, tagged
// with its audience, secured with the role its group needs, and answers at
// least one success and one client error.
func TestOpenAPIOperations(t *testing.T) {
	t.Parallel()
	doc := spec(t)
	tags := map[string]bool{}
	for _, tg := range doc["tags"].([]any) {
		tags[object(t, tg, "tag")["name"].(string)] = true
	}
	if want := []string{"admin", "audit", "cabinet", "dev", "operations", "public", "staff"}; !slices.Equal(slices.Sorted(maps.Keys(tags)), want) {
		t.Errorf("tags %v, want %v", slices.Sorted(maps.Keys(tags)), want)
	}
	// The audience and role of each path prefix; the first match wins.
	groups := []struct{ prefix, tag, role string }{
		{"/api/v1/public/", "public", ""},
		{"/api/v1/me", "cabinet", "voter"},
		{"/api/v1/staff/", "staff", "staff"},
		{"/api/v1/audit/", "audit", "auditor"},
		{"/api/v1/admin/", "admin", "cec_admin"},
		{devIssuerPrefix, "dev", ""},
		{"/", "operations", ""},
	}
	ids := map[string]string{}
	for _, o := range operations(t, doc) {
		t.Run(o.String(), func(t *testing.T) {
			id, _ := o.op["operationId"].(string)
			if id == "" {
				t.Error("no operationId")
			} else if other, dup := ids[id]; dup {
				t.Errorf("operationId %q also names %s", id, other)
			}
			ids[id] = o.String()
			if s, _ := o.op["summary"].(string); s == "" {
				t.Error("no summary")
			}
			if s, _ := o.op["description"].(string); s == "" {
				t.Error("no description")
			}
			var ok2xx, ok4xx bool
			for code := range object(t, o.op["responses"], "responses") {
				n, _ := strconv.Atoi(code)
				ok2xx = ok2xx || (n >= 200 && n < 300)
				ok4xx = ok4xx || (n >= 400 && n < 500)
			}
			if !ok2xx || !ok4xx {
				t.Errorf("responses: 2xx %v, 4xx %v; want both", ok2xx, ok4xx)
			}
			i := slices.IndexFunc(groups, func(g struct{ prefix, tag, role string }) bool { return strings.HasPrefix(o.path, g.prefix) })
			g := groups[i]
			if got, _ := o.op["tags"].([]any); len(got) != 1 || got[0] != g.tag {
				t.Errorf("tags %v, want [%s]", got, g.tag)
			}
			var roles []any
			if sec, ok := o.op["security"].([]any); ok {
				if len(sec) != 1 {
					t.Fatalf("security %v: want one requirement", sec)
				}
				roles, ok = object(t, sec[0], "security")["bearerAuth"].([]any)
				if !ok {
					t.Fatalf("security %v: want bearerAuth", sec)
				}
			}
			switch {
			case g.role == "" && roles != nil:
				t.Errorf("security roles %v on an open operation", roles)
			case g.role != "" && (len(roles) != 1 || roles[0] != g.role):
				t.Errorf("security roles %v, want [%s]", roles, g.role)
			}
			if g.role != "" && !hasResponse(o, "401") {
				t.Error("a signed-in operation without 401")
			}
		})
	}
}

func hasResponse(o operation, code string) bool {
	_, ok := o.op["responses"].(map[string]any)[code]
	return ok
}

// resolve follows a local reference ("#/a/b") in doc.
func resolve(doc map[string]any, ref string) (any, bool) {
	path, ok := strings.CutPrefix(ref, "#/")
	if !ok {
		return nil, false
	}
	var v any = doc
	for _, part := range strings.Split(path, "/") {
		part = strings.NewReplacer("~1", "/", "~0", "~").Replace(part)
		m, ok := v.(map[string]any)
		if !ok {
			return nil, false
		}
		if v, ok = m[part]; !ok {
			return nil, false
		}
	}
	return v, true
}

// TestOpenAPIRefsResolve: every $ref is local and names something.
func TestOpenAPIRefsResolve(t *testing.T) {
	t.Parallel()
	doc := spec(t)
	refs := 0
	var walk func(v any, where string)
	walk = func(v any, where string) {
		switch v := v.(type) {
		case map[string]any:
			if ref, ok := v["$ref"].(string); ok {
				refs++
				if _, ok := resolve(doc, ref); !ok {
					t.Errorf("%s: $ref %q does not resolve", where, ref)
				}
			}
			for k, x := range v {
				walk(x, where+"/"+k)
			}
		case []any:
			for i, x := range v {
				walk(x, where+"/"+strconv.Itoa(i))
			}
		}
	}
	walk(doc, "#")
	if refs == 0 {
		t.Error("no $ref found: the walk is broken")
	}
}

// param resolves a parameter (or a $ref to one).
func param(t *testing.T, doc map[string]any, p any) map[string]any {
	t.Helper()
	m := object(t, p, "parameter")
	if ref, ok := m["$ref"].(string); ok {
		v, ok := resolve(doc, ref)
		if !ok {
			t.Fatalf("parameter $ref %q does not resolve", ref)
		}
		m = object(t, v, ref)
	}
	return m
}

// responseHeaders are the headers a documented response declares.
func responseHeaders(t *testing.T, doc map[string]any, o operation, code string) map[string]any {
	t.Helper()
	r, ok := object(t, o.op["responses"], "responses")[code]
	if !ok {
		return nil
	}
	m := object(t, r, code)
	if ref, ok := m["$ref"].(string); ok {
		v, _ := resolve(doc, ref)
		m = object(t, v, ref)
	}
	h, _ := m["headers"].(map[string]any)
	return h
}

// TestOpenAPIHeaders: the headers clients rely on are documented where
// the server sends or needs them.
func TestOpenAPIHeaders(t *testing.T) {
	t.Parallel()
	doc := spec(t)
	ops := map[string]operation{}
	for _, o := range operations(t, doc) {
		ops[o.String()] = o
	}

	// Every change by a voter, staff member or administrator needs an
	// Idempotency-Key (the boundaries' check-only dry run excepted: it
	// changes nothing; its handler requires the key otherwise).
	for _, o := range ops {
		if o.method != "post" || !(strings.HasPrefix(o.path, "/api/v1/me/") || strings.HasPrefix(o.path, "/api/v1/staff/") || strings.HasPrefix(o.path, "/api/v1/admin/")) ||
			o.path == "/api/v1/admin/boundaries" {
			continue
		}
		t.Run("idempotency key of "+o.String(), func(t *testing.T) {
			ps, _ := o.op["parameters"].([]any)
			if !slices.ContainsFunc(ps, func(p any) bool {
				m := param(t, doc, p)
				return m["in"] == "header" && m["name"] == api.HeaderIdempotencyKey && m["required"] == true
			}) {
				t.Error("no required Idempotency-Key header parameter")
			}
			if !hasResponse(o, "400") {
				t.Error("no 400 for a missing key")
			}
			if !hasResponse(o, "422") {
				t.Error("no 422 for a key reused by another request (idempotency_key_reused)")
			}
		})
	}

	tests := []struct {
		name, op, code, header string
	}{
		{"list update time on the self-check", "POST /api/v1/public/self-check", "200", api.HeaderListUpdated},
		{"list update time on the list", "GET /api/v1/public/list", "200", api.HeaderListUpdated},
		{"list update time on a precinct's voters", "GET /api/v1/public/precincts/{number}/voters", "200", api.HeaderListUpdated},
		{"list update time on moves", "GET /api/v1/public/precincts/{number}/moves", "200", api.HeaderListUpdated},
		{"list update time on voter statistics", "GET /api/v1/public/stats/voters", "200", api.HeaderListUpdated},
		{"list update time on application statistics", "GET /api/v1/public/stats/applications", "200", api.HeaderListUpdated},
		{"list update time on removal statistics", "GET /api/v1/public/stats/removals", "200", api.HeaderListUpdated},
		{"list update time on checkpoints", "GET /api/v1/public/checkpoints", "200", api.HeaderListUpdated},
		{"digest trailer of the as-of list", "GET /api/v1/audit/list", "200", audit.HeaderListDigest},
		{"retry time of the rate limit", "POST /api/v1/public/self-check", "429", "Retry-After"},
		{"challenge of a refused token", "GET /api/v1/me", "401", "WWW-Authenticate"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o, ok := ops[tt.op]
			if !ok {
				t.Fatalf("%s is not documented", tt.op)
			}
			if _, ok := responseHeaders(t, doc, o, tt.code)[tt.header]; !ok {
				t.Errorf("%s %s declares no %s header", tt.op, tt.code, tt.header)
			}
		})
	}
}

// TestOpenAPIProblemSchema: the Problem schema has every member the error
// handler writes, validation errors included.
func TestOpenAPIProblemSchema(t *testing.T) {
	t.Parallel()
	doc := spec(t)
	v, ok := resolve(doc, "#/components/schemas/Problem/properties")
	if !ok {
		t.Fatal("no components/schemas/Problem")
	}
	props := object(t, v, "Problem.properties")
	for _, member := range []string{"type", "title", "status", "detail", "instance", "code", "request_id", "errors"} {
		if _, ok := props[member]; !ok {
			t.Errorf("Problem lacks %q", member)
		}
	}
	if _, ok := resolve(doc, "#/components/responses/Problem/content/application~1problem+json"); !ok {
		t.Error("no components/responses/Problem with application/problem+json")
	}
}

// TestOpenAPIServed: the server serves the file itself as YAML and the
// same document as JSON.
func TestOpenAPIServed(t *testing.T) {
	t.Parallel()
	_, ts := newDocServer(t)
	want, err := json.Marshal(spec(t))
	if err != nil {
		t.Fatal(err)
	}
	var wantDoc any
	if err := json.Unmarshal(want, &wantDoc); err != nil {
		t.Fatal(err)
	}

	r := get(t, ts, "/api/v1/openapi.yaml", nil)
	if r.status != http.StatusOK || string(r.body) != string(docs.OpenAPI) {
		t.Errorf("GET /api/v1/openapi.yaml = %d, %d bytes; want 200 and the %d bytes of docs/openapi.yaml", r.status, len(r.body), len(docs.OpenAPI))
	}

	r = get(t, ts, "/api/v1/openapi.json", nil)
	if r.status != http.StatusOK {
		t.Fatalf("GET /api/v1/openapi.json = %d %s", r.status, r.body)
	}
	if ct := r.header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Errorf("Content-Type = %q", ct)
	}
	var got any
	if err := json.Unmarshal(r.body, &got); err != nil {
		t.Fatalf("not JSON: %v", err)
	}
	if !reflect.DeepEqual(got, wantDoc) {
		t.Error("GET /api/v1/openapi.json is not docs/openapi.yaml")
	}
}

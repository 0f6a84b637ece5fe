package api_test

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cec-kg/tizme/chain"
	"github.com/cec-kg/tizme/commands"
	"github.com/cec-kg/tizme/domain/calendar"
	"github.com/cec-kg/tizme/domain/person"
	"github.com/cec-kg/tizme/domain/voter"
)

// More voters of the privacy walk, each with a home street and a passport
// the public must never see.
const (
	pinBolot          = "20712198800321" // a man born 7 December 1988, 1001, moves to 1002
	pinDinara         = "11108199500654" // a woman born 11 August 1995, 2001, moves to 1001
	pinErlan          = "20303197000987" // a man born 3 March 1970, 1002, removed
	homeStreetBolot   = "Жашыруун көчөсү"
	homeStreetDinara  = "Купуя көчөсү"
	homeStreetErlan   = "Ички көчөсү"
	homeStreetAsanNew = "Жаңы үй көчөсү" // Asan's corrected address
	passportBolot     = "AC1122334"
	passportDinara    = "PE2233445"
	passportErlan     = "ID3344556"
	passportAsanNew   = "ID9988776" // Asan's corrected passport
)

// secret is a piece of personal data and where it comes from.
type secret struct{ what, value string }

// secretsOf lists what the public must never learn of a voter (VP 3.7):
// the PIN, its birth-date digits, the birth date as written, the
// passport (and its number alone), the home street, the voter stream
// (it keys the register).
func secretsOf(t *testing.T, pin string, passports, streets []string) []secret {
	t.Helper()
	p, err := person.ParsePIN(pin, calendar.DayOf(tNow))
	must(t, err)
	ddmmyyyy := pin[1:9]
	dd, mm, yyyy := ddmmyyyy[:2], ddmmyyyy[2:4], ddmmyyyy[4:]
	out := []secret{
		{"PIN", pin},
		{"birth-date digits of the PIN", ddmmyyyy},
		{"birth date", yyyy + "-" + mm + "-" + dd},
		{"birth date", dd + "." + mm + "." + yyyy},
		{"voter stream", voter.StreamFor(testVoterKey, p)},
	}
	for _, pp := range passports {
		out = append(out, secret{"passport", pp}, secret{"passport number", pp[len(pp)-7:]})
	}
	for _, s := range streets {
		out = append(out, secret{"home street", s})
	}
	return out
}

// anyStream matches any voter stream name.
var anyStream = regexp.MustCompile(`voter-[0-9a-f]{32}`)

// leaks reports every secret found in the answer's body or headers.
func leaks(r reply, secrets []secret) []string {
	var hay strings.Builder
	hay.Write(r.body)
	for k, vs := range r.header {
		fmt.Fprintf(&hay, "\n%s: %s", k, strings.Join(vs, ", "))
	}
	s := hay.String()
	var out []string
	for _, x := range secrets {
		if strings.Contains(s, x.value) {
			out = append(out, fmt.Sprintf("%s %q", x.what, x.value))
		}
	}
	if m := anyStream.FindString(s); m != "" {
		out = append(out, "voter stream "+m)
	}
	return out
}

// privacyHistory registers three more voters and makes a history with
// moves (Forms 2 and 3), removals, corrections and applications in every
// state, then waits for the read models.
func privacyHistory(t *testing.T, w *world) {
	t.Helper()
	at := tNow.Add(-24 * time.Hour)
	for _, v := range []struct {
		pin, passport, street, surname, given string
		precinct                              int
	}{
		{pinBolot, passportBolot, homeStreetBolot, "Болотов", "Болот", p1001},
		{pinDinara, passportDinara, homeStreetDinara, "Динарова", "Динара", p2001},
		{pinErlan, passportErlan, homeStreetErlan, "Эрланов", "Эрлан", p1002},
	} {
		w.send(t, commands.RegisterVoter{Envelope: env(w.key()), PIN: v.pin, Precinct: v.precinct, Passport: v.passport, Source: "population-register",
			Name:    commands.NameInput{Surname: v.surname, GivenName: v.given},
			Address: commands.AddressInput{Region: "Бишкек шаары", District: "Ленин району", Settlement: "Бишкек", Street: v.street, Building: "5"},
			At:      at})
	}
	w.send(t, commands.MoveVoter{Envelope: env(w.key()), VoterRef: commands.VoterRef{PIN: pinBolot}, To: p1002, Reason: "form2", Election: election2026, At: at})
	w.send(t, commands.MoveVoter{Envelope: env(w.key()), VoterRef: commands.VoterRef{PIN: pinDinara}, To: p1001, Reason: "form3", Election: election2026, At: at})
	w.send(t, commands.RemoveVoter{Envelope: env(w.key()), VoterRef: commands.VoterRef{PIN: pinErlan}, Reason: "death", Basis: "ЗАГС 2026-123", At: at})
	w.send(t, commands.RemoveVoter{Envelope: env(w.key()), VoterRef: commands.VoterRef{PIN: pinDinara}, Reason: "other", Note: "Башка өлкөгө көчүп кеткен", Basis: "Кат 77", At: at})
	w.send(t, commands.RestoreVoter{Envelope: env(w.key()), VoterRef: commands.VoterRef{PIN: pinDinara}, Reason: "Ката менен чыгарылган", At: at})
	w.send(t, commands.CorrectVoterDetails{Envelope: env(w.key()), VoterRef: commands.VoterRef{PIN: pinAsan}, Passport: passportAsanNew,
		Address: &commands.AddressInput{Region: "Бишкек шаары", District: "Ленин району", Settlement: "Бишкек", Street: homeStreetAsanNew, Building: "3"}, At: at})
	w.send(t, commands.CorrectVoterDetails{Envelope: env(w.key()), VoterRef: commands.VoterRef{PIN: pinAigul},
		Name: &commands.NameInput{Surname: "Асанова", GivenName: "Айгүл", Patronymic: "Маратовна"}, At: at})

	// Applications: one approved (its reaction corrects the passport), one
	// rejected, one withdrawn, one open.
	f := &fixture{w: w}
	f.consent = f.giveConsent(t, voterAsan)
	approved := f.acceptedApplication(t)
	w.expect(t, call{method: "POST", path: "/api/v1/staff/applications/" + approved + "/decide", as: &staff0101,
		body: map[string]any{"outcome": "approved", "reason": "Паспорт текшерилди"}}, http.StatusOK, "")
	f.decidedApplication(t)
	w.expect(t, call{method: "POST", path: "/api/v1/me/applications/" + f.fileApplication(t) + "/withdraw", as: &voterAsan}, http.StatusOK, "")
	f.fileApplication(t)
	aigulConsent := f.giveConsent(t, voterAigul)
	w.expect(t, call{method: "POST", path: "/api/v1/me/applications", as: &voterAigul,
		body: map[string]any{"kind": "change_of_precinct", "consent": aigulConsent, "claim": map[string]any{"precinct": p1001}}}, http.StatusCreated, "")
	w.settle(t)
}

// publicCall is one request of the walk; listData marks an answer that
// carries list data and so its update time (VP 3.8).
type publicCall struct {
	route    string // the route pattern it exercises
	call     call
	listData bool
}

// TestPublicEndpointsHoldNoPersonalData walks every public endpoint in
// every variant after a history of moves, removals, corrections and
// applications, and fails if an answer holds a PIN, a birth date, a
// passport, a home address or a voter stream (VP 3.7). Answers with list
// data carry its update time (VP 3.8).
func TestPublicEndpointsHoldNoPersonalData(t *testing.T) {
	t.Parallel()
	w := newWorld(t, worldOptions{})
	privacyHistory(t, w)
	// A published checkpoint: hashes and counts only.
	if _, err := chain.Publish(t.Context(), w.pool, &chain.Follower{Pool: w.pool, Store: w.store}, tNow); err != nil {
		t.Fatal(err)
	}

	var secrets []secret
	for _, v := range []struct {
		pin               string
		passports, street []string
	}{
		{pinAsan, []string{passportAsan, passportAsanNew, "ID7777777"}, []string{homeStreetAsan, homeStreetAsanNew}},
		{pinAigul, []string{passportAigul}, []string{homeStreetAigul}},
		{pinBolot, []string{passportBolot}, []string{homeStreetBolot}},
		{pinDinara, []string{passportDinara}, []string{homeStreetDinara}},
		{pinErlan, []string{passportErlan}, []string{homeStreetErlan}},
	} {
		secrets = append(secrets, secretsOf(t, v.pin, v.passports, v.street)...)
	}

	const pub = "/api/v1/public"
	g := func(route, path string, listData bool) publicCall {
		return publicCall{route: pub + route, call: call{method: "GET", path: pub + path}, listData: listData}
	}
	walk := []publicCall{
		g("/list", "/list", true),
		g("/precincts", "/precincts", false),
		g("/precincts", "/precincts?region=KG-GB", false),
		g("/precincts", "/precincts?district="+url.QueryEscape("Ленин району"), false),
		g("/precincts", "/precincts?settlement="+url.QueryEscape("Бишкек"), false),
		g("/precincts", "/precincts?tec="+tec0101, false),
		g("/precincts", "/precincts?tec="+tec0102+"&region=KG-GB", false),
		g("/commissions", "/commissions", false),
		g("/elections", "/elections", true),
		g("/elections", "/elections?upcoming=true", true),
		g("/checkpoints", "/checkpoints", true),
		g("/checkpoints", "/checkpoints?page=1&per_page=1", true),
		// Past elections (VP 2.4): counts only.
		g("/elections/:id/outcomes", "/elections/"+election2025+"/outcomes", true),
		g("/elections/:id/outcomes.csv", "/elections/"+election2025+"/outcomes.csv", true),
	}
	withPast2025(t, w)
	for _, lang := range []string{"ky", "ru", "en"} {
		c := g("/info", "/info", false)
		c.call.header = map[string]string{"Accept-Language": lang}
		d := g("/precincts", "/precincts", false)
		d.call.header = map[string]string{"Accept-Language": lang}
		walk = append(walk, c, d)
	}
	for _, n := range []int{p1001, p1002, p2001} {
		walk = append(walk, g("/precincts/:number", fmt.Sprintf("/precincts/%d", n), false))
		for _, q := range []string{"", "?page=1&per_page=1", "?page=2&per_page=1", "?order=desc", "?per_page=1000"} {
			walk = append(walk, g("/precincts/:number/voters", fmt.Sprintf("/precincts/%d/voters%s", n, q), true))
		}
		for _, q := range []string{"", "?direction=in", "?direction=out", "?direction=out&page=1&per_page=1", "?page=2"} {
			walk = append(walk, g("/precincts/:number/moves", fmt.Sprintf("/precincts/%d/moves%s", n, q), true))
		}
	}
	walk = append(walk, g("/boundaries", "/boundaries?region=KG-GB", false))
	for _, table := range []string{"voters", "applications", "removals"} {
		walk = append(walk, g("/stats/"+table, "/stats/"+table, true))
		for _, level := range []string{"precinct", "tec", "region", "republic"} {
			for _, format := range []string{"json", "csv"} {
				walk = append(walk, g("/stats/"+table, fmt.Sprintf("/stats/%s?level=%s&format=%s", table, level, format), true))
			}
		}
		csvByAccept := g("/stats/"+table, "/stats/"+table+"?level=precinct", true)
		csvByAccept.call.header = map[string]string{"Accept": "text/csv"}
		walk = append(walk, csvByAccept)
	}
	// The self-check takes a PIN; its answer names the voter and the
	// polling station, nothing more.
	// Each with the voter's current document (Asan's was corrected), so
	// every one is found.
	for _, v := range [][2]string{{pinAsan, passportAsanNew}, {pinAigul, passportAigul}, {pinBolot, passportBolot},
		{pinDinara, passportDinara}, {pinErlan, passportErlan}, {pinNobody, passportAsan}} {
		walk = append(walk, publicCall{route: pub + "/self-check", listData: true,
			call: call{method: "POST", path: pub + "/self-check", body: map[string]any{"pin": v[0], "document": v[1]}}})
	}

	// The walk covers every public route.
	var routes []string
	for _, r := range w.server.Echo().Routes() {
		if strings.HasPrefix(r.Path, pub+"/") {
			routes = append(routes, r.Path)
		}
	}
	for _, r := range routes {
		if !slices.ContainsFunc(walk, func(c publicCall) bool { return c.route == r }) {
			t.Errorf("public route %s is not walked", r)
		}
	}

	var moved, removed bool
	for _, c := range walk {
		name := c.call.method + " " + c.call.path
		if lang := c.call.header["Accept-Language"]; lang != "" {
			name += " (" + lang + ")"
		}
		t.Run(name, func(t *testing.T) {
			r := w.expect(t, c.call, http.StatusOK, "")
			if found := leaks(r, secrets); len(found) > 0 {
				t.Errorf("the answer holds personal data: %s\n%.600s", strings.Join(found, "; "), r.body)
			}
			if c.listData {
				checkListUpdated(t, r)
			}
			moved = moved || strings.Contains(c.call.path, "/moves") && strings.Contains(string(r.body), "Болотов")
			removed = removed || strings.Contains(c.call.path, "/stats/removals") && strings.Contains(string(r.body), "death")
		})
	}
	// The walk saw the history, so it looked where personal data could be.
	if !moved || !removed {
		t.Errorf("the walk saw no published move (%v) or no removal statistics (%v)", moved, removed)
	}
}

// checkListUpdated checks the list's update time in the header and the
// body: the list_updated_at member in JSON, the column of every row in CSV
// (VP 3.8).
func checkListUpdated(t *testing.T, r reply) {
	t.Helper()
	h := r.header.Get("X-List-Updated-At")
	if _, err := time.Parse(time.RFC3339, h); err != nil {
		t.Errorf("X-List-Updated-At = %q: %v", h, err)
	}
	if strings.HasPrefix(r.header.Get("Content-Type"), "text/csv") {
		rows, err := csv.NewReader(strings.NewReader(string(r.body))).ReadAll()
		must(t, err)
		col := slices.Index(rows[0], "list_updated_at")
		if col < 0 {
			t.Fatalf("CSV header %v has no list_updated_at", rows[0])
		}
		for _, row := range rows[1:] {
			if row[col] != h {
				t.Errorf("CSV list_updated_at %q, header %q", row[col], h)
			}
		}
		return
	}
	var body struct {
		ListUpdatedAt *time.Time `json:"list_updated_at"`
	}
	must(t, json.Unmarshal(r.body, &body))
	if body.ListUpdatedAt == nil || body.ListUpdatedAt.UTC().Format(time.RFC3339) != h {
		t.Errorf("list_updated_at = %v, header %q", body.ListUpdatedAt, h)
	}
}

package feed_test

import (
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/cec-kg/tizme/cmd/tizme/internal/feed"
)

func readAll(t *testing.T, s string) []feed.Line {
	t.Helper()
	rd, err := feed.NewReader(strings.NewReader(s))
	if err != nil {
		t.Fatal(err)
	}
	var out []feed.Line
	for {
		l, err := rd.Next()
		if errors.Is(err, io.EOF) {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, l)
	}
}

// TestCSVAndJSONLinesReadAlike: the two forms of a delta give the same
// changes, and JSON's number and string precincts are alike.
func TestCSVAndJSONLinesReadAlike(t *testing.T) {
	t.Parallel()
	changes := []feed.Change{
		{ChangeID: "SRS-1", Type: feed.TypeDeath, PIN: "21505199000001", Basis: `death record "7", Бишкек`},
		{ChangeID: "SRS-2", Type: feed.TypeAddressChange, PIN: "11505199000002", Region: "город Бишкек", Settlement: "Бишкек",
			Street: "улица Киевская", Building: "12/1", Precinct: "1002"},
		{ChangeID: "SRS-3", Type: feed.TypeNameChange, PIN: "11505199000002", Surname: "Асанова", GivenName: "Айгүл"},
	}
	var jl bytes.Buffer
	if err := feed.WriteJSONLines(&jl, changes); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(jl.String(), `"precinct":1002`) {
		t.Errorf("JSON lines write the precinct as a number: %s", jl.String())
	}
	var cb bytes.Buffer
	w := csv.NewWriter(&cb)
	_ = w.Write(feed.Columns)
	for _, c := range changes {
		_ = w.Write([]string{c.ChangeID, c.Type, c.PIN, c.Effective, c.Basis, c.Surname, c.GivenName, c.Patronymic, c.BirthDate,
			c.Passport, c.Region, c.District, c.Settlement, c.Street, c.Building, c.Precinct})
	}
	w.Flush()
	fromJSON := readAll(t, jl.String()+"\n")
	fromCSV := readAll(t, "\ufeff"+cb.String())
	stringPrecinct := readAll(t, `{"change_id":"SRS-2","type":"address_change","pin":"11505199000002","precinct":"1002"}`)
	if len(fromJSON) != 3 || len(fromCSV) != 3 {
		t.Fatalf("read %d and %d changes, want 3", len(fromJSON), len(fromCSV))
	}
	for i := range changes {
		if fromJSON[i].Err != nil || fromCSV[i].Err != nil || fromJSON[i].Change != changes[i] || fromCSV[i].Change != changes[i] {
			t.Errorf("change %d: JSON %+v, CSV %+v; want %+v", i, fromJSON[i], fromCSV[i], changes[i])
		}
	}
	if fromCSV[0].N != 2 || fromJSON[0].N != 1 {
		t.Errorf("line numbers %d (CSV, after the header) and %d (JSON)", fromCSV[0].N, fromJSON[0].N)
	}
	if stringPrecinct[0].Err != nil || stringPrecinct[0].Precinct != "1002" {
		t.Errorf("a string precinct: %+v", stringPrecinct[0])
	}
}

// TestBadLinesAreRejects: each bad line is a reject with its code, and
// the lines after it are read.
func TestBadLinesAreRejects(t *testing.T) {
	t.Parallel()
	lines := []struct{ line, code string }{
		{`{"change_id":"A","type":"death","pin":"21505199000001"}`, ""},
		{`{"change_id":"B","type":"death"`, "feed.bad_line"},
		{`{"change_id":"C","type":"death","pin":"21505199000001","colour":"red"}`, "feed.bad_line"},
		{`{"type":"death","pin":"21505199000001"}`, "feed.missing_value"},
		{`{"change_id":"E","type":"emigration","pin":"21505199000001"}`, "feed.unknown_type"},
		{`{"change_id":"F","type":"death","pin":""}`, "feed.missing_value"},
		{`{"change_id":"` + strings.Repeat("x", feed.MaxChangeID+1) + `","type":"death","pin":"1"}`, "feed.bad_change_id"},
		{"{\"change_id\":\"H\",\"type\":\"death\",\"pin\":\"2150\xff\"}", "feed.not_utf8"},
		{`{"change_id":"I","type":"death","pin":"21505199000001","precinct":[1]}`, "feed.bad_line"},
		{`{"change_id":"J","type":"death","pin":"21505199000001"}`, ""},
	}
	var b strings.Builder
	for _, l := range lines {
		b.WriteString(l.line + "\r\n\n")
	}
	got := readAll(t, b.String())
	if len(got) != len(lines) {
		t.Fatalf("read %d lines, want %d", len(got), len(lines))
	}
	for i, l := range lines {
		code := ""
		if got[i].Err != nil {
			code = string(got[i].Err.Code)
			if got[i].Err.Reason == "" || got[i].Err.Raw == "" {
				t.Errorf("line %d: reject without reason or raw line", i)
			}
		}
		if code != l.code {
			t.Errorf("line %d %.40q: code %q, want %q", i, l.line, code, l.code)
		}
	}
}

func TestCSVBadHeader(t *testing.T) {
	t.Parallel()
	for _, h := range []string{"change_id,type", "change_id,type,pin,colour", "change_id,type,pin,pin"} {
		if _, err := feed.NewReader(strings.NewReader(h + "\nA,death,21505199000001\n")); !errors.Is(err, feed.ErrHeader) {
			t.Errorf("header %q: %v, want ErrHeader", h, err)
		}
	}
	// Only the required columns: fine.
	got := readAll(t, "change_id,type,pin\nA,death,21505199000001\nB,death\n")
	if len(got) != 2 || got[0].Err != nil || got[1].Err == nil || got[1].Err.Code != feed.CodeBadLine {
		t.Errorf("read %+v", got)
	}
}

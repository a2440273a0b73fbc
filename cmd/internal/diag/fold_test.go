package diag

import (
	"strings"
	"testing"
)

func TestFold(t *testing.T) {
	ref := func(file string, line int, id string) Diagnostic {
		return Diagnostic{File: file, Line: line, Col: 1, Rule: "unknown-reference", Msg: "unknown track " + id, Cause: "no track " + id}
	}
	ds := []Diagnostic{
		ref("a.toml", 3, "sales"),
		{File: "a.toml", Line: 5, Col: 1, Rule: "missing-field", Msg: "alone"},
		ref("a.toml", 7, "sales"),
		ref("b.toml", 1, "ops"),
		ref("c.toml", 2, "sales"),
		{File: "d.toml", Line: 1, Col: 2, Rule: "syntax", Msg: "bad"},
	}
	gs := Fold(ds)
	var got []string
	for _, g := range gs {
		got = append(got, g.Msg+"|"+g.Note())
	}
	want := []string{
		"unknown track sales|and 2 errors that follow from it, in 2 files",
		"alone|",
		"unknown track ops|",
		"bad|",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("Fold:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if n := Folded(ds); n != 2 {
		t.Errorf("Folded = %d, want 2", n)
	}
	var order []string
	for _, g := range CausesFirst(gs) {
		order = append(order, g.Msg)
	}
	if want := "bad,unknown track sales,alone,unknown track ops"; strings.Join(order, ",") != want {
		t.Errorf("CausesFirst: %s, want %s", strings.Join(order, ","), want)
	}
	if note := (Group{Diagnostic: ds[0], Follow: ds[2:3]}).Note(); note != "and 1 error that follows from it" {
		t.Errorf("one in the same file: %q", note)
	}

	var text strings.Builder
	if err := Write(&text, Text, ds); err != nil {
		t.Fatal(err)
	}
	wantText := "a.toml:3:1: error: unknown track sales [unknown-reference]\n" +
		"\tand 2 errors that follow from it, in 2 files\n" +
		"a.toml:5:1: error: alone [missing-field]\n" +
		"b.toml:1:1: error: unknown track ops [unknown-reference]\n" +
		"d.toml:1:2: error: bad [syntax]\n"
	if text.String() != wantText {
		t.Errorf("text:\n%s\nwant:\n%s", text.String(), wantText)
	}
	var gh strings.Builder
	Write(&gh, GitHub, ds)
	if n := strings.Count(gh.String(), "\n"); n != 4 || !strings.Contains(gh.String(), "::unknown track sales%0Aand 2 errors that follow from it, in 2 files\n") {
		t.Errorf("github: %d annotations:\n%s", n, gh.String())
	}
	var js strings.Builder
	Write(&js, JSON, ds)
	if n := strings.Count(js.String(), `"cause": "no track sales"`); n != 3 {
		t.Errorf("json lists %d diagnostics of the cause, want all 3:\n%s", n, js.String())
	}
	if s := Summary(ds, 4); s != "6 errors, 0 warnings in 4 files (2 shown under the problem they follow from; --format json lists each)" {
		t.Errorf("Summary = %q", s)
	}
}

package plan

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/accredit/accredit/cmd/internal/date"
	"github.com/accredit/accredit/cmd/internal/diag"
	"github.com/accredit/accredit/cmd/internal/program"
	"github.com/accredit/accredit/cmd/internal/standing"
)

func bigPlan(n int) *Plan {
	p := &Plan{Base: "aaaaaaa", Head: "bbbbbbb"}
	for i := range n {
		p.Granted = append(p.Granted, Entry{ID: fmt.Sprintf("ID%06d", i), Holder: "Jane Doe", Partner: "contoso", Track: "sales", Level: "foundation"})
	}
	silver := "silver"
	p.Tiers = []TierChange{{Partner: "contoso", From: nil, To: &silver}}
	return p
}

// A plan too large for a comment is cut at whole rows, with a note that
// counts what was left out.
func TestMarkdownTruncates(t *testing.T) {
	for _, limit := range []int{2000, 5000, 100000} {
		var b strings.Builder
		p := bigPlan(10000)
		if err := p.markdown(&b, limit); err != nil {
			t.Fatal(err)
		}
		out := b.String()
		if len(out) > limit {
			t.Errorf("limit %d: wrote %d bytes", limit, len(out))
		}
		shown := strings.Count(out, "| `ID")
		m := regexp.MustCompile(`_(\d+) more rows are not shown`).FindStringSubmatch(out)
		if m == nil {
			t.Fatalf("limit %d: no note in\n%s", limit, out[max(0, len(out)-300):])
		}
		omitted, _ := strconv.Atoi(m[1])
		if shown+omitted != 10000+1 { // the tier change is a row too
			t.Errorf("limit %d: %d rows shown + %d omitted, want 10001", limit, shown, omitted)
		}
		if !strings.HasSuffix(out, "prints all of it._\n") {
			t.Errorf("limit %d: the note is not last", limit)
		}
	}
	var b strings.Builder
	if err := bigPlan(100000).WriteMarkdown(&b); err != nil {
		t.Fatal(err)
	}
	if b.Len() >= 1<<20 {
		t.Errorf("WriteMarkdown wrote %d bytes, want under 1 MiB", b.Len())
	}
	b.Reset()
	bigPlan(3).WriteMarkdown(&b)
	if strings.Contains(b.String(), "not shown") {
		t.Errorf("a small plan has a truncation note:\n%s", b.String())
	}
}

func TestMarkdownEscapes(t *testing.T) {
	for in, want := range map[string]string{
		"Jane Doe":                     "Jane Doe",
		"a|b":                          `a\|b`,
		"<script>x</script>":           `\<script\>x\</script\>`,
		"*bold* _it_ `code` [l](u) ~s": "\\*bold\\* \\_it\\_ \\`code\\` \\[l\\](u) \\~s",
		"two\nlines":                   "two lines",
		`back\slash &amp;`:             `back\\slash \&amp;`,
	} {
		if got := md(in); got != want {
			t.Errorf("md(%q) = %q, want %q", in, got, want)
		}
	}
}

// New diagnostics are head's that the base lacks, whatever their lines.
func TestNewDiags(t *testing.T) {
	d := func(file string, line int, rule, msg string) diag.Diagnostic {
		return diag.Diagnostic{File: file, Line: line, Col: 1, Rule: rule, Msg: msg}
	}
	base := []diag.Diagnostic{d("a.toml", 3, "x", "m"), d("a.toml", 9, "y", "m")}
	head := []diag.Diagnostic{d("a.toml", 5, "x", "m"), d("a.toml", 7, "x", "m"), d("b.toml", 1, "y", "m")}
	got := newDiags(base, head)
	if len(got) != 2 || got[0].Line != 7 || got[1].File != "b.toml" {
		t.Errorf("newDiags = %v", got)
	}
}

// Names, ids, partners and files come from the program's files: no format
// passes a terminal escape or a bidi control through, and no Markdown row
// gains a cell.
func TestFormatsEscapeControls(t *testing.T) {
	evil := "x\x1b[31m|`\u202e\ny"
	tier := "gold\x1b[0m"
	p := &Plan{
		Base: "aaaaaaa", Head: "bbb`|\x1b",
		Granted:     []Entry{{ID: "ID|" + evil, Holder: evil, Partner: evil, Track: "sales", Level: evil}},
		Tiers:       []TierChange{{Partner: evil, From: nil, To: &tier}},
		Diagnostics: []diag.Diagnostic{{File: "partners/" + evil + ".toml", Line: 1, Col: 1, Rule: "r|`", Msg: evil}},
	}
	for _, f := range []struct {
		name  string
		write func(*strings.Builder) error
	}{
		{"text", func(b *strings.Builder) error { return p.WriteText(b) }},
		{"markdown", func(b *strings.Builder) error { return p.WriteMarkdown(b) }},
		{"json", func(b *strings.Builder) error { return p.WriteJSON(b) }},
	} {
		var b strings.Builder
		if err := f.write(&b); err != nil {
			t.Fatal(err)
		}
		out := b.String()
		if strings.ContainsAny(out, "\x1b\u202e\r") {
			t.Errorf("%s: raw control in\n%s", f.name, out)
		}
		if f.name == "text" && strings.Count(out, "\n") != 5 {
			t.Errorf("text: %d lines, want 5:\n%s", strings.Count(out, "\n"), out)
		}
		if f.name == "markdown" {
			// Every row has as many cells as its table's header.
			want := 0
			for _, line := range strings.Split(out, "\n") {
				if !strings.HasPrefix(line, "|") {
					want = 0
					continue
				}
				if n := cells(line); want == 0 {
					want = n
				} else if n != want {
					t.Errorf("markdown row %q has %d cells, want %d", line, n, want)
				}
			}
			if !strings.Contains(out, "| `ID\\|x\\x1b[31m\\|'\\u202e y` | x\\\\x1b\\[31m\\|\\`\\\\u202e y |") {
				t.Errorf("markdown: granted row not escaped as expected:\n%s", out)
			}
		}
	}
}

// cells counts the cells of a GitHub table row: pipes split them unless a
// backslash escapes them, and a backslash escapes the character after it.
func cells(row string) int {
	n := -1
	for i := 0; i < len(row); i++ {
		switch row[i] {
		case '\\':
			i++
		case '|':
			n++
		}
	}
	return n
}

// A change that takes an exam live, retires another, adds a third and
// scores two results against a rubric (one rescored, one new) shows
// them; a result whose scores are unchanged is not listed, and points
// per criterion never are.
func TestExamsAndRubrics(t *testing.T) {
	d := date.New(2025, time.June, 1)
	rubric := &program.Kind{ID: "demo", Name: "Demo", Pass: 12, Criteria: []*program.Criterion{
		{ID: "discovery", Name: "Discovery", Max: 10, Min: 4}, {ID: "story", Name: "Story", Max: 10}}}
	side := func(statuses map[string]string, results ...*program.Result) *program.Program {
		p := &program.Program{Assessments: []*program.Kind{rubric}}
		for id, st := range statuses {
			p.Exams = append(p.Exams, &program.Exam{ID: id, Status: st})
		}
		slices.SortFunc(p.Exams, func(a, b *program.Exam) int { return strings.Compare(a.ID, b.ID) })
		pe := &program.Person{ID: "ann", Assessments: results}
		p.Partners = []*program.Partner{{ID: "acme", People: []*program.Person{pe}}}
		p.Link()
		return p
	}
	res := func(on int, scores map[string]int) *program.Result {
		return &program.Result{Assessment: "demo", Date: date.New(2025, time.May, on), Scores: scores}
	}
	base := side(map[string]string{"a": "beta", "b": "live", "c": "live"},
		res(1, map[string]int{"discovery": 5, "story": 7}), res(2, map[string]int{"discovery": 5, "story": 5}))
	head := side(map[string]string{"a": "live", "b": "retired", "c": "live", "n": "draft"},
		res(1, map[string]int{"discovery": 5, "story": 7}), res(2, map[string]int{"discovery": 3, "story": 9}), res(3, map[string]int{"discovery": 6, "story": 8}))
	p := Compute(Side{P: base, S: standing.Compute(base)}, Side{P: head, S: standing.Compute(head)}, d)
	wantExams := []ExamChange{{"a", "beta", "live"}, {"b", "live", "retired"}, {"n", "", "draft"}}
	if !slices.Equal(p.Exams, wantExams) {
		t.Errorf("exams = %v, want %v", p.Exams, wantExams)
	}
	if len(p.Rubrics) != 2 || p.Rubrics[0].Total != 12 || p.Rubrics[0].Met || p.Rubrics[1].Total != 14 || !p.Rubrics[1].Met {
		t.Errorf("rubrics = %+v, want the rescored 12 of 20 (not met: discovery under 4) and the new 14 (met)", p.Rubrics)
	}
	var text, mdown strings.Builder
	p.WriteText(&text)
	p.WriteMarkdown(&mdown)
	for _, want := range []string{"exam     a: beta -> live", "exam     n: none -> draft", "rubric   acme/ann demo 2025-05-02: 12 of 20, pass 12: not met", "3 exam status changes, 2 rubric results"} {
		if !strings.Contains(text.String(), want) {
			t.Errorf("text lacks %q:\n%s", want, text.String())
		}
	}
	for _, want := range []string{"#### Exam status changes (3)", "| b | live | retired |", "| acme | ann | demo | 2025-05-03 | 14 of 20 | 12 | met |"} {
		if !strings.Contains(mdown.String(), want) {
			t.Errorf("markdown lacks %q:\n%s", want, mdown.String())
		}
	}
	if strings.Contains(text.String()+mdown.String(), "discovery") {
		t.Error("the plan names a criterion's points")
	}
}

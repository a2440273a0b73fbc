package plan

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/accredit/accredit/cmd/internal/diag"
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

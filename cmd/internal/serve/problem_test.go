package serve

import (
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/accredit/accredit/cmd/internal/diag"
)

// The error page shows the file that cannot be read first, then a missing
// definition with the count of the errors that follow from it, then the
// rest; warnings are only counted.
func TestProblemCausesFirst(t *testing.T) {
	s := New(Options{Root: t.TempDir()})
	ref := func(file string, line int) diag.Diagnostic {
		return diag.Diagnostic{File: file, Line: line, Col: 1, Rule: "unknown-reference", Msg: `unknown track "sales"`, Cause: "no track sales"}
	}
	ds := []diag.Diagnostic{
		{File: "partners/a/people/ann.toml", Line: 2, Col: 1, Rule: "missing-field", Msg: "FIRST-BY-FILE"},
		ref("partners/a/people/bob.toml", 9),
		ref("partners/a/people/bob.toml", 19),
		ref("partners/b/people/cy.toml", 4),
		{File: "partners/b/people/cy.toml", Line: 1, Col: 1, Severity: diag.Warning, Rule: "expiring", Msg: "WARNING"},
		{File: "programs/tracks/ops.toml", Line: 3, Col: 7, Rule: "syntax", Msg: "SYNTAX"},
	}
	w := httptest.NewRecorder()
	s.problem(w, 500, 1, "The program has errors", "", nil, ds)
	page := w.Body.String()
	syntax := strings.Index(page, "SYNTAX")
	track := strings.Index(page, "unknown track")
	first := strings.Index(page, "FIRST-BY-FILE")
	if syntax < 0 || track < 0 || first < 0 || !(syntax < track && track < first) {
		t.Errorf("order: syntax at %d, the missing track at %d, the rest at %d; want them in that order", syntax, track, first)
	}
	if n := strings.Count(page, "unknown track"); n != 1 {
		t.Errorf("the missing track is listed %d times, want once", n)
	}
	if !strings.Contains(page, `<div class="note">and 2 errors that follow from it, in 2 files</div>`) {
		t.Errorf("no note counting the errors that follow:\n%s", page)
	}
	if strings.Contains(page, "WARNING") || !strings.Contains(page, "There are warnings too (1)") {
		t.Errorf("warnings must be counted, not listed")
	}
}

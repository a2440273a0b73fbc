package check_test

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/txtar"

	"github.com/accredit/accredit/cmd/internal/check"
	"github.com/accredit/accredit/cmd/internal/date"
	"github.com/accredit/accredit/cmd/internal/load"
	"github.com/accredit/accredit/cmd/internal/standing"
)

// TestRules runs each case of testdata/rules: a txtar archive whose files
// are laid over the program in testdata/base and whose comment lists every
// diagnostic expected, one "file:line:col severity rule" a line. A line
// "as-of YYYY-MM-DD" sets the date (default 2025-06-01).
func TestRules(t *testing.T) {
	cases, err := filepath.Glob("testdata/rules/*.txt")
	if err != nil || len(cases) == 0 {
		t.Fatalf("no cases: %v", err)
	}
	for _, file := range cases {
		name := strings.TrimSuffix(filepath.Base(file), ".txt")
		t.Run(name, func(t *testing.T) {
			ar, err := txtar.ParseFile(file)
			if err != nil {
				t.Fatal(err)
			}
			root := t.TempDir()
			if err := os.CopyFS(root, os.DirFS("testdata/base")); err != nil {
				t.Fatal(err)
			}
			for _, f := range ar.Files {
				p := filepath.Join(root, filepath.FromSlash(f.Name))
				if strings.TrimSpace(string(f.Data)) == "(deleted)" {
					os.Remove(p)
					continue
				}
				os.MkdirAll(filepath.Dir(p), 0o755)
				if err := os.WriteFile(p, f.Data, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			asOf, _ := date.Parse("2025-06-01")
			var want []string
			for _, line := range strings.Split(string(ar.Comment), "\n") {
				line = strings.TrimSpace(line)
				switch {
				case line == "" || strings.HasPrefix(line, "#"):
				case strings.HasPrefix(line, "as-of "):
					asOf, err = date.Parse(strings.TrimPrefix(line, "as-of "))
					if err != nil {
						t.Fatal(err)
					}
				default:
					want = append(want, line)
				}
			}
			p, ds, err := load.Load(root)
			if err != nil {
				t.Fatal(err)
			}
			ds = append(ds, check.Run(p, standing.Compute(p), asOf)...)
			var got []string
			for _, d := range ds {
				got = append(got, fmt.Sprintf("%s:%d:%d %s %s", d.File, d.Line, d.Col, d.Severity, d.Rule))
			}
			slices.Sort(got)
			slices.Sort(want)
			if !slices.Equal(got, want) {
				var msgs strings.Builder
				for _, d := range ds {
					msgs.WriteString("\n\t" + d.String())
				}
				t.Errorf("diagnostics:\n got  %q\n want %q\nmessages:%s", got, want, msgs.String())
			}
		})
	}
}

// Every rule named in section 10 is listed, once, with a known severity.
func TestRuleList(t *testing.T) {
	want := []string{"syntax", "unreadable-file", "unknown-key", "missing-field", "invalid-value", "invalid-id",
		"unknown-reference", "duplicate-id", "credential-id", "prerequisite", "course-missing",
		"exam-not-passed", "exam-not-live", "retake-limit", "retake-wait", "proctoring", "assessment-missing",
		"rubric-not-met", "evidence-missing", "evidence-unreviewed", "future-date", "renewal", "bank-size", "bank-invalid", "metrics-range", "metrics-quarter",
		"signing-key-dates", "private-key",
		"unauthorized-grant", "unauthorized-change", "unsigned-grant", "unsigned-change", "history-incomplete",
		"bank-coverage", "review-stale", "expiring"}
	var got []string
	for _, r := range check.Rules {
		got = append(got, r.ID)
	}
	if !slices.Equal(got, want) {
		t.Errorf("rules = %v\nwant %v", got, want)
	}
}

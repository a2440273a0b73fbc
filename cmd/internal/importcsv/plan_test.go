package importcsv

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/accredit/accredit/cmd/internal/date"
	"github.com/accredit/accredit/cmd/internal/record"
)

func write(t *testing.T, root string, files map[string]string) {
	t.Helper()
	for rel, data := range files {
		p := filepath.Join(root, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// makeOld sets a people folder's time in the past, as if it had not
// changed for a while.
func makeOld(t *testing.T, root, partner string) {
	old := time.Now().Add(-time.Hour).Truncate(time.Second).Add(123)
	if err := os.Chtimes(filepath.Join(root, "partners", partner, "people"), old, old); err != nil {
		t.Fatal(err)
	}
}

// A stored index that missed an in-place change of an e-mail does not
// misfile a result: the importer notices and reads every file again.
func TestPlanStaleIndex(t *testing.T) {
	root := t.TempDir()
	cache := filepath.Join(t.TempDir(), "idx")
	write(t, root, map[string]string{
		"programs/program.toml":    "[program]\nname = \"P\"\n",
		"programs/tracks/t.toml":   "name = \"T\"\n[[courses]]\nid = \"c1\"\ntitle = \"C\"\n",
		"partners/a/partner.md":    "+++\nname = \"A\"\n+++\n",
		"partners/a/people/x.toml": "name = \"X\"\nemail = \"old@example.com\"\n",
		"partners/a/people/y.toml": "name = \"Y\"\nemail = \"y@example.com\"\n",
	})
	makeOld(t, root, "a")
	asOf, _ := date.Parse("2025-06-01")
	d, _ := date.Parse("2025-03-01")
	if _, err := record.BuildIndex(root, cache, true); err != nil {
		t.Fatal(err)
	}
	// x's e-mail moves to y, in place.
	write(t, root, map[string]string{
		"partners/a/people/x.toml": "name = \"X\"\nemail = \"x@example.com\"\n",
		"partners/a/people/y.toml": "name = \"Y\"\nemail = \"old@example.com\"\n",
	})
	makeOld(t, root, "a")
	rows := []Row{{Line: 2, Kind: Course, Email: "old@example.com", ID: "c1", Date: d}, {Line: 3, Kind: Course, Email: "x@example.com", ID: "c1", Date: d}}
	plan, err := PlanImport(root, rows, asOf, Options{IndexCache: cache})
	if err != nil {
		t.Fatal(err)
	}
	if len(plan.Problems) > 0 || len(plan.Files) != 2 {
		t.Fatalf("problems %v, files %d", plan.Problems, len(plan.Files))
	}
	for _, f := range plan.Files {
		who := map[string]string{"partners/a/people/x.toml": "x@example.com", "partners/a/people/y.toml": "old@example.com"}[f.File]
		if f.Added[0].Email != who || !strings.Contains(string(f.Data), "[[training]]\ncourse = \"c1\"\ncompleted = 2025-03-01\n") {
			t.Errorf("%s got %+v:\n%s", f.File, f.Added, f.Data)
		}
	}
	if err := plan.Write(); err != nil {
		t.Fatal(err)
	}
	// Idempotent.
	plan, _ = PlanImport(root, rows, asOf, Options{IndexCache: cache})
	if len(plan.Files) != 0 || len(plan.Present) != 2 {
		t.Errorf("second run: %d files, %d present", len(plan.Files), len(plan.Present))
	}
}

// A file that writes its exams as an inline array cannot take [[exams]]:
// that is a problem at the row, and nothing is planned for the file.
func TestPlanInlineArray(t *testing.T) {
	root := t.TempDir()
	write(t, root, map[string]string{
		"programs/program.toml":    "[program]\nname = \"P\"\n",
		"programs/exams/e1.toml":   "title = \"E\"\n",
		"partners/a/partner.md":    "+++\nname = \"A\"\n+++\n",
		"partners/a/people/x.toml": "name = \"X\"\nexams = [{exam = \"e1\", date = 2025-01-01, score = 50}]\n",
	})
	asOf, _ := date.Parse("2025-06-01")
	d, _ := date.Parse("2025-03-01")
	plan, err := PlanImport(root, []Row{{Line: 2, Kind: Exam, Partner: "a", Person: "x", ID: "e1", Date: d, Values: []record.KV{{Key: "score", Value: 80}}}}, asOf, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(plan.Problems) != 1 || !strings.Contains(plan.Problems[0].Msg, "cannot add to partners/a/people/x.toml: it writes exams in a form") || len(plan.Files) != 0 {
		t.Errorf("problems %v, files %d", plan.Problems, len(plan.Files))
	}
	if plan.Write() == nil {
		t.Error("a plan with problems was written")
	}
}

// The post-condition: an editor that gets an edit wrong is caught at the
// rows of the file, and nothing is written.
func TestPlanPostcondition(t *testing.T) {
	root := t.TempDir()
	person := "name = \"X\"\n\n[[exams]]\nexam = \"e1\"\ndate = 2025-01-01\nscore = 50\n"
	write(t, root, map[string]string{
		"programs/program.toml":    "[program]\nname = \"P\"\n",
		"programs/exams/e1.toml":   "title = \"E\"\n",
		"partners/a/partner.md":    "+++\nname = \"A\"\n+++\n",
		"partners/a/people/x.toml": person,
	})
	asOf, _ := date.Parse("2025-06-01")
	d, _ := date.Parse("2025-03-01")
	rows := []Row{{Line: 2, Kind: Exam, Partner: "a", Person: "x", ID: "e1", Date: d, Values: []record.KV{{Key: "score", Value: 80}}}}
	for _, tc := range []struct {
		name   string
		editor func([]byte, string, ...record.KV) []byte
		want   string
	}{
		{"as intended", record.Append, ""},
		{"another value changed", func(src []byte, table string, kvs ...record.KV) []byte {
			return record.Append([]byte(strings.Replace(string(src), "score = 50", "score = 55", 1)), table, kvs...)
		}, "exams[0].score is 55, want 50"},
		{"a key lost", func(src []byte, table string, kvs ...record.KV) []byte {
			return record.Append(src, table, kvs[:2]...)
		}, "exams[1].score is not set, want 80"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			defer func() { appendRecord = record.Append }()
			appendRecord = tc.editor
			plan, err := PlanImport(root, rows, asOf, Options{})
			if err != nil {
				t.Fatal(err)
			}
			if tc.want == "" {
				if len(plan.Problems) > 0 || len(plan.Files) != 1 {
					t.Errorf("problems %v, files %d", plan.Problems, len(plan.Files))
				}
				return
			}
			if len(plan.Problems) != 1 || plan.Problems[0].Line != 2 || len(plan.Files) != 0 ||
				!strings.Contains(plan.Problems[0].Msg, "partners/a/people/x.toml: the edit would not come out as intended ("+tc.want) {
				t.Errorf("problems %v, files %d", plan.Problems, len(plan.Files))
			}
		})
	}
}

// TestWriteChanged: a file edited between the plan and the write stops
// the whole import; no file is written.
func TestWriteChanged(t *testing.T) {
	root := t.TempDir()
	write(t, root, map[string]string{
		"programs/program.toml":    "[program]\nname = \"P\"\n",
		"programs/exams/e1.toml":   "title = \"E\"\n",
		"partners/a/partner.md":    "+++\nname = \"A\"\n+++\n",
		"partners/a/people/x.toml": "name = \"X\"\n",
		"partners/a/people/y.toml": "name = \"Y\"\n",
	})
	asOf, _ := date.Parse("2025-06-01")
	d, _ := date.Parse("2025-03-01")
	plan, err := PlanImport(root, []Row{
		{Line: 2, Kind: Exam, Partner: "a", Person: "x", ID: "e1", Date: d, Values: []record.KV{{Key: "score", Value: 80}}},
		{Line: 3, Kind: Exam, Partner: "a", Person: "y", ID: "e1", Date: d, Values: []record.KV{{Key: "score", Value: 80}}},
	}, asOf, Options{})
	if err != nil || len(plan.Files) != 2 {
		t.Fatalf("plan: %v, %d files", err, len(plan.Files))
	}
	y := filepath.Join(root, "partners/a/people/y.toml")
	os.WriteFile(y, []byte("name = \"Y\" # edited\n"), 0o644)
	var ch *record.ChangedError
	if err := plan.Write(); !errors.As(err, &ch) || ch.Path != "partners/a/people/y.toml" {
		t.Fatalf("Write = %v, want a ChangedError for y.toml", err)
	}
	if got, _ := os.ReadFile(filepath.Join(root, "partners/a/people/x.toml")); string(got) != "name = \"X\"\n" {
		t.Errorf("x.toml was written:\n%s", got)
	}
}

// --create-people makes the file of a person named by id, from the rows'
// name and e-mail, which must agree; without the option it is a problem.
func TestPlanCreatePeople(t *testing.T) {
	asOf, _ := date.Parse("2025-06-01")
	d, _ := date.Parse("2025-03-01")
	row := func(line int, name, email string) Row {
		return Row{Line: line, Kind: Exam, Partner: "a", Person: "n", Name: name, Email: email, ID: "e1", Date: d.AddDays(line),
			Values: []record.KV{{Key: "score", Value: 70 + line}}}
	}
	for _, tc := range []struct {
		name   string
		rows   []Row
		create bool
		want   string // a problem, or "" for a new file
	}{
		{"without the option", []Row{row(2, "Nan", "")}, false, "unknown person a/n: no partners/a/people/n.toml (--create-people"},
		{"created", []Row{row(2, "Nan", "nan@a.example"), row(3, "", "NAN@a.example")}, true, ""},
		{"two names", []Row{row(2, "Nan", ""), row(3, "Nat", "")}, true, `cannot create partners/a/people/n.toml: the rows give two names, "Nan" and "Nat"`},
		{"two e-mails", []Row{row(2, "Nan", "x@a.example"), row(3, "", "y@a.example")}, true, "the rows give two e-mails, x@a.example and y@a.example"},
		{"a bad e-mail", []Row{row(2, "Nan", "nan")}, true, `email "nan" is not an e-mail address`},
		{"no name", []Row{row(2, "", "")}, true, "no name: a name column"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			root := t.TempDir()
			write(t, root, map[string]string{
				"programs/program.toml":  "[program]\nname = \"P\"\n",
				"programs/exams/e1.toml": "title = \"E\"\n",
				"partners/a/partner.md":  "+++\nname = \"A\"\n+++\n",
			})
			plan, err := PlanImport(root, tc.rows, asOf, Options{CreatePeople: tc.create})
			if err != nil {
				t.Fatal(err)
			}
			if tc.want != "" {
				if len(plan.Problems) == 0 || !strings.Contains(plan.Problems[0].Msg, tc.want) || len(plan.Files) != 0 {
					t.Errorf("problems %v, files %d; want %q", plan.Problems, len(plan.Files), tc.want)
				}
				return
			}
			if len(plan.Problems) > 0 || len(plan.Files) != 1 || !plan.Files[0].New || len(plan.Files[0].Added) != 2 {
				t.Fatalf("problems %v, files %+v", plan.Problems, plan.Files)
			}
			if err := plan.Write(); err != nil {
				t.Fatal(err)
			}
			got, err := os.ReadFile(filepath.Join(root, "partners/a/people/n.toml"))
			if err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(string(got), "name = \"Nan\"\nemail = \"nan@a.example\"") || strings.Count(string(got), "[[exams]]") != 2 {
				t.Errorf("the new file:\n%s", got)
			}
		})
	}
}

package importcsv

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/accredit/accredit/cmd/internal/program"
	"github.com/accredit/accredit/cmd/internal/record"
)

// A Kind is a kind of record a row can add to a person's file: the
// [[table]] it goes to, the key and column that name its id, the key of
// its date, and the columns that fill its other keys. Everything the
// importer does with a row (parse it, match its id, tell whether the file
// already records it, write it) goes by its kind's description, so a new
// column is one more Col: rubric scores of an assessment, say, are a
// Col{Field: "scores", Key: "scores", Parse: ...} in Assessment's Cols
// (and a value record.Format can write).
type Kind struct {
	Name    string // the row's type, and the column of its id: "exam"
	A       string // the name with its article, for messages: "an exam"
	What    string // what its id names, for messages: "exam", "evidence kind"
	Table   string // "exams"
	IDKey   string // the record's key for the id: "exam"
	DateKey string // "date", "completed"
	Cols    []Col  // the other keys, in the order they are written
	// Defined reports whether the program defines the id; Known lists
	// the ids it defines, for a "did you mean".
	Defined func(p *program.Program, id string) bool
	Known   func(p *program.Program) []string
	Unknown string // after `unknown exam "x"`: where such ids are defined
}

// A Col is a column that fills one key of a record.
type Col struct {
	Field    string // the CSV field (see Fields)
	Key      string // the record's key
	Required bool   // a row of the kind must fill it; an optional key left empty is not written
	// Parse reads a cell into the value written (see record.Format).
	Parse func(cell string) (any, error)
	// Identity: the key tells two records apart, as the id and date do
	// (two items of evidence on one day, told by their titles); a key
	// that is not one is a value the file and the export must agree on.
	Identity bool
}

// Kinds of rows, in the order of the documentation.
var (
	Exam = &Kind{Name: "exam", What: "exam", A: "an exam", Table: "exams", IDKey: "exam", DateKey: "date",
		Cols: []Col{
			{Field: "score", Key: "score", Required: true, Parse: parseScore},
			{Field: "proctoring", Key: "proctoring", Parse: parseMode},
		},
		Defined: func(p *program.Program, id string) bool { return p.Exam(id) != nil },
		Known: func(p *program.Program) []string {
			return ids(len(p.Exams), func(i int) string { return p.Exams[i].ID })
		},
		Unknown: "no programs/exams/%s.toml"}
	Course = &Kind{Name: "course", What: "course", A: "a course", Table: "training", IDKey: "course", DateKey: "completed",
		Defined: func(p *program.Program, id string) bool { return p.Course(id) != nil },
		Known: func(p *program.Program) []string {
			var out []string
			for _, t := range p.Tracks {
				for _, c := range t.Courses {
					out = append(out, c.ID)
				}
			}
			return out
		},
		Unknown: "courses are defined in [[courses]] of a track"}
	Assessment = &Kind{Name: "assessment", What: "assessment kind", A: "an assessment", Table: "assessments", IDKey: "assessment", DateKey: "date",
		Cols: []Col{
			{Field: "passed", Key: "passed", Required: true, Parse: parsePassed},
			{Field: "reviewer", Key: "reviewer", Parse: text("reviewer")},
		},
		Defined: func(p *program.Program, id string) bool { return p.Assessment(id) != nil },
		Known: func(p *program.Program) []string {
			return ids(len(p.Assessments), func(i int) string { return p.Assessments[i].ID })
		},
		Unknown: "kinds are defined in [[assessments]] of programs/program.toml"}
	Evidence = &Kind{Name: "evidence", What: "evidence kind", A: "evidence", Table: "evidence", IDKey: "kind", DateKey: "date",
		Cols: []Col{
			{Field: "title", Key: "title", Parse: text("title"), Identity: true},
		},
		Defined: func(p *program.Program, id string) bool { return p.EvidenceKind(id) != nil },
		Known: func(p *program.Program) []string {
			return ids(len(p.EvidenceKinds), func(i int) string { return p.EvidenceKinds[i].ID })
		},
		Unknown: "kinds are defined in [[evidence_kinds]] of programs/program.toml"}
)

// Kinds lists every kind of row.
var Kinds = []*Kind{Exam, Course, Assessment, Evidence}

// kindNamed returns the kind of a type cell ("Exam", "assessment").
func kindNamed(s string) *Kind {
	for _, k := range Kinds {
		if strings.EqualFold(s, k.Name) {
			return k
		}
	}
	return nil
}

func kindNames() string {
	var names []string
	for _, k := range Kinds {
		names = append(names, k.Name)
	}
	return orList(names)
}

// orList joins "a, b or c".
func orList(s []string) string { return joinList(s, "or") }

// joinList joins "a, b and c".
func joinList(s []string, conj string) string {
	if len(s) < 2 {
		return strings.Join(s, "")
	}
	return strings.Join(s[:len(s)-1], ", ") + " " + conj + " " + s[len(s)-1]
}

func ids(n int, id func(int) string) []string {
	out := make([]string, n)
	for i := range n {
		out[i] = id(i)
	}
	return out
}

// Value returns the value of a row's key, and whether the row fills it.
func (r Row) Value(key string) (any, bool) {
	for _, kv := range r.Values {
		if kv.Key == key {
			return kv.Value, true
		}
	}
	return nil, false
}

// KVs are the keys of the record a row adds, in the order written.
func (r Row) KVs() []record.KV {
	return append([]record.KV{{Key: r.Kind.IDKey, Value: r.ID}, {Key: r.Kind.DateKey, Value: r.Date}}, r.Values...)
}

// String says what a row records: "exam sales-foundation 2025-03-02
// score 82 live", "course sales-101 completed 2025-02-10".
func (r Row) String() string {
	if r.Kind == nil {
		return "?"
	}
	var b strings.Builder
	b.WriteString(r.Kind.Name + " " + r.ID + " ")
	if r.Kind.DateKey != "date" {
		b.WriteString(r.Kind.DateKey + " ")
	}
	b.WriteString(r.Date.String())
	for _, kv := range r.Values {
		switch v := kv.Value.(type) {
		case bool:
			if v {
				b.WriteString(" " + kv.Key)
			} else {
				b.WriteString(" not " + kv.Key)
			}
		case string:
			if kv.Key == "proctoring" {
				b.WriteString(" " + v) // "live" says it all
			} else {
				b.WriteString(" " + kv.Key + " " + strconv.Quote(v))
			}
		default:
			fmt.Fprintf(&b, " %s %v", kv.Key, v)
		}
	}
	return b.String()
}

// parseScore reads a whole percentage: "82", "82%" or "82.0"; "82.5" is an
// error rather than a rounding that could turn a fail into a pass.
func parseScore(s string) (any, error) {
	t := strings.TrimSpace(strings.TrimSuffix(s, "%"))
	if i := strings.IndexByte(t, '.'); i >= 0 && strings.Trim(t[i+1:], "0") == "" {
		t = t[:i]
	}
	n, err := strconv.Atoi(t)
	if err != nil || n < 0 || n > 100 {
		return nil, fmt.Errorf("score %q: want a whole percentage from 0 to 100", s)
	}
	return n, nil
}

// parseMode reads a proctoring mode as exports write it ("In person").
func parseMode(s string) (any, error) {
	m := strings.NewReplacer(" ", "-", "_", "-").Replace(strings.ToLower(s))
	if !slices.Contains(program.ProctoringModes, m) {
		return nil, fmt.Errorf("proctoring %q: want %s", s, orList(program.ProctoringModes))
	}
	return m, nil
}

// parsePassed reads the outcome of an assessment in the words exports
// use for it.
func parsePassed(s string) (any, error) {
	switch strings.ToLower(s) {
	case "true", "yes", "y", "1", "pass", "passed":
		return true, nil
	case "false", "no", "n", "0", "fail", "failed":
		return false, nil
	}
	return nil, fmt.Errorf("passed %q: want yes or no (true, pass; false, fail)", s)
}

// text reads a cell as it is written. A line break is refused: the
// value is written on one line of the file, and a cell that holds one is
// more often a quote gone astray than a title.
func text(field string) func(string) (any, error) {
	return func(s string) (any, error) {
		if strings.ContainsAny(s, "\r\n") {
			return nil, fmt.Errorf("%s %q: a line break in a one-line value", field, s)
		}
		return s, nil
	}
}

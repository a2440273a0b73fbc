package load

import (
	"reflect"
	"testing"

	"github.com/accredit/accredit/cmd/internal/program"
)

// FuzzPersonAssess decodes person files that hold rubric scores and
// reviewed evidence: the decoder never panics, every diagnostic has a
// line, and what the decode cache keeps of the person comes back equal
// (scores maps, missing or empty, included).
func FuzzPersonAssess(f *testing.F) {
	for _, s := range []string{
		"name = \"A\"\n[[assessments]]\nassessment = \"k\"\ndate = 2025-01-01\nscores = { demo = 5, discovery = 7 }\n",
		"name = \"A\"\n[[assessments]]\nassessment = \"k\"\ndate = 2025-01-01\nscores = {}\npassed = true\n",
		"name = \"A\"\n[[assessments]]\nscores = { demo = -3 }\n[[assessments]]\nscores = { \"\" = 99999999999 }\n",
		"name = \"A\"\n[[evidence]]\nkind = \"k\"\ndate = 2025-01-01\nreviewer = \"Dana\"\napproved = 2025-01-05\nartifact = \"https://x.example/a\"\nreference = \"Jo, CIO\"\n",
		"name = \"A\"\n[[evidence]]\nkind = \"k\"\ndate = 2025-01-09\napproved = 2025-01-05\nartifact = \"ftp://x\"\nreference = \"\"\n",
		"name = \"A\"\n[[exams]]\nexam = \"e\"\ndate = 2025-01-01\nscore = 80\nproctoring = \"self\"\nmonitoring = \"webcam\"\nvenue = \"Leeds\"\n",
		"name = \"A\"\n[[assessments]]\nscores = { demo = \"five\" }\n",
		"name = \"A\"\n[[assessments]]\nscores = [1, 2]\n",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		fl := &file{rel: "partners/a/people/x.toml"}
		v := fl.person([]byte(s), "x")
		for _, d := range fl.out {
			if d.Line < 1 {
				t.Fatalf("diagnostic without a line: %v", d)
			}
		}
		p, ok := v.(*program.Person)
		if !ok {
			return
		}
		e := &enc{}
		encodePerson(e, p)
		back := decodePerson(&dec{s: string(e.b)}, fl.rel)
		for _, pair := range []struct{ a, b any }{
			{p.Assessments, back.Assessments}, {p.Evidence, back.Evidence}, {p.Exams, back.Exams},
		} {
			if d := firstDiff(reflect.ValueOf(pair.b), reflect.ValueOf(pair.a), "person"); d != "" {
				t.Fatalf("cache round trip differs at %s", d)
			}
		}
	})
}

// FuzzRubric decodes programs/program.toml with rubrics and review
// opt-ins: never a panic, and a rubric the loader accepts without error
// is one whose numbers make sense (max >= 1, 0 <= min <= max, pass
// within the total).
func FuzzRubric(f *testing.F) {
	head := "[program]\nname = \"P\"\nissuer = \"I\"\nissuer_url = \"https://i.example\"\nsite_url = \"https://p.example/\"\n[[levels]]\nid = \"l\"\nname = \"L\"\nrank = 1\n"
	for _, s := range []string{
		"[[assessments]]\nid = \"k\"\nname = \"K\"\npass = 5\n[[assessments.criteria]]\nid = \"a\"\nname = \"A\"\nmax = 10\nmin = 3\n",
		"[[assessments]]\nid = \"k\"\nname = \"K\"\n[[assessments.criteria]]\nid = \"a\"\nname = \"A\"\nmax = 0\nmin = -1\n",
		"[[assessments]]\nid = \"k\"\nname = \"K\"\npass = 99\n[[assessments.criteria]]\nid = \"a\"\nname = \"A\"\nmax = 10\n[[assessments.criteria]]\nid = \"a\"\nname = \"A\"\nmax = 10\n",
		"[[evidence_kinds]]\nid = \"k\"\nname = \"K\"\nrequires_review = true\nrequires_reference = true\n[[reviewers]]\nname = \"R\"\nemail = \"r@x.example\"\n",
		"[[evidence_kinds]]\nid = \"k\"\nname = \"K\"\nrequires_review = \"yes\"\ncriteria = []\n",
	} {
		f.Add(head + s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		fl := &file{rel: "programs/program.toml"}
		v, ok := fl.program([]byte(s)).(*programFile)
		if !ok {
			return
		}
		for _, d := range fl.out {
			if d.Line < 1 {
				t.Fatalf("diagnostic without a line: %v", d)
			}
		}
		if len(fl.out) > 0 {
			return
		}
		for _, k := range v.Assessments {
			for _, c := range k.Criteria {
				if c.Max < 1 || c.Min < 0 || c.Min > c.Max {
					t.Fatalf("accepted criterion %+v", c)
				}
			}
			if k.HasRubric() && (k.Pass < 0 || k.Pass > k.MaxTotal()) {
				t.Fatalf("accepted pass %d of %d", k.Pass, k.MaxTotal())
			}
		}
	})
}

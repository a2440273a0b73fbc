package program

import "testing"

func TestForgetPositions(t *testing.T) {
	text := []byte("name = \"Ann\"\n\n[[certifications]]\nid = \"X\"\n")
	for _, tc := range []struct {
		name    string
		indexed bool // positions asked for before forgetting
	}{{"lazy", false}, {"indexed", true}} {
		t.Run(tc.name, func(t *testing.T) {
			pe := &Person{Src: NewSource("partners/a/people/ann.toml", 0, nil, text)}
			p := &Program{Src: NewSource("programs/program.toml", 0, nil, nil), Partners: []*Partner{{People: []*Person{pe}}}}
			if tc.indexed {
				if got := pe.Src.At("certifications[0].id"); got.Line != 4 {
					t.Fatalf("before: At = %+v, want line 4", got)
				}
			}
			p.ForgetPositions()
			if got := pe.Src.At("certifications[0].id"); got != (Pos{File: "partners/a/people/ann.toml", Line: 1, Col: 1}) {
				t.Errorf("after: At = %+v, want the file at line 1", got)
			}
			if pe.Src.text != nil {
				t.Error("the text is still held")
			}
		})
	}
}

func TestForgetPrivate(t *testing.T) {
	c := &Credential{ID: "C", Waive: []string{"exam"}, WaiverReason: "private reason"}
	pe := &Person{ID: "ann", Name: "Ann", Email: "ann@example.com", Public: true,
		Training: []*Training{{}}, Exams: []*Attempt{{}}, Assessments: []*Result{{}}, Evidence: []*Evidence{{}},
		Certifications: []*Credential{c}}
	e := &Exam{ID: "e", Bank: &Bank{}}
	p := &Program{Exams: []*Exam{e}, Partners: []*Partner{{People: []*Person{pe}}}}
	p.ForgetPrivate()
	if pe.Email != "" || pe.Training != nil || pe.Exams != nil || pe.Assessments != nil || pe.Evidence != nil {
		t.Errorf("person keeps private records: %+v", pe)
	}
	if c.Waive != nil || c.WaiverReason != "" || e.Bank != nil {
		t.Errorf("waiver or bank kept: %+v %+v", c, e)
	}
	if pe.Name != "Ann" || !pe.Public || len(pe.Certifications) != 1 || c.ID != "C" {
		t.Errorf("public data lost: %+v", pe)
	}
}

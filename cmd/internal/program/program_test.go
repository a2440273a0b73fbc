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

package load

import (
	"fmt"
	"strings"
	"testing"
)

// Every file kind: a key spelled other than its canonical name is an
// error at the key; one written twice in two spellings makes the file
// unread (whichever the decoder took would be random); a mis-cased table
// header is an error at the header. The result is the same on every run.
func TestKeySpelling(t *testing.T) {
	type decodeFunc func(f *file, data []byte) any
	person := func(f *file, b []byte) any { return f.person(b, "ann") }
	partner := func(f *file, b []byte) any { return f.partner(b, "acme") }
	track := func(f *file, b []byte) any { return f.track(b, "sales") }
	exam := func(f *file, b []byte) any { return f.exam(b, "e") }
	bank := func(f *file, b []byte) any { return f.bank(b) }
	prog := func(f *file, b []byte) any { return f.program(b) }
	page := func(f *file, b []byte) any { return f.page(b) }
	tests := []struct {
		name   string
		decode decodeFunc
		src    string
		want   string // the spelling errors, "line:col msg"
		read   bool   // the file yields a record
	}{
		{"person key", person, "Name = \"Ann\"\n", `1:1 "Name" is not a key; did you mean "name"?`, true},
		{"person key twice", person, "name = \"Ann\"\nNAME = \"Bob\"\n", `2:1 "NAME" is not a key; did you mean "name"? The table has it twice, in two spellings, and is not read`, false},
		{"person header", person, "name = \"Ann\"\n[[CERTIFICATIONS]]\nid = \"X\"\n", `2:1 "CERTIFICATIONS" is not a key; did you mean "certifications"?`, true},
		{"person header twice", person, "name = \"Ann\"\n[[certifications]]\nid = \"X\"\n[[CERTIFICATIONS]]\nid = \"Y\"\n", `4:1 "CERTIFICATIONS" is not a key; did you mean "certifications"? The table has it twice, in two spellings, and is not read`, false},
		{"person key in a table", person, "name = \"Ann\"\n[[certifications]]\nID = \"X\"\n[[certifications]]\nid = \"Y\"\nID = \"Z\"\n",
			`3:1 "ID" is not a key; did you mean "id"?` + "\n" + `6:1 "ID" is not a key; did you mean "id"? The table has it twice, in two spellings, and is not read`, false},
		{"person inline table", person, "name = \"Ann\"\nexams = [{Exam = \"e\", date = 2024-01-01, score = 90}]\n", `2:11 "Exam" is not a key; did you mean "exam"?`, true},
		{"partner front matter", partner, "+++\nname = \"Acme\"\nWebsite = \"https://acme.example\"\n+++\n", `3:1 "Website" is not a key; did you mean "website"?`, true},
		{"partner table", partner, "+++\nname = \"Acme\"\n[Contact]\nemail = \"a@acme.example\"\n+++\n", `3:1 "Contact" is not a key; did you mean "contact"?`, true},
		{"partner table twice", partner, "+++\nname = \"Acme\"\n[contact]\nemail = \"a@acme.example\"\n[CONTACT]\nphone = \"1\"\n+++\n", `5:1 "CONTACT" is not a key; did you mean "contact"? The table has it twice, in two spellings, and is not read`, false},
		{"track", track, "name = \"Sales\"\n[[Certifications]]\nlevel = \"f\"\nName = \"x\"\nvalidity_months = 12\n",
			`2:1 "Certifications" is not a key; did you mean "certifications"?` + "\n" + `4:1 "Name" is not a key; did you mean "name"?`, true},
		{"exam", exam, "title = \"T\"\ntrack = \"s\"\nlevel = \"f\"\nquestions = 1\nDuration_Minutes = 5\n", `5:1 "Duration_Minutes" is not a key; did you mean "duration_minutes"?`, true},
		{"bank", bank, "[[questions]]\nid = \"q\"\ntopic = \"t\"\ntext = \"x\"\nchoices = [\"a\", \"b\"]\nAnswer = 0\n", `6:1 "Answer" is not a key; did you mean "answer"?`, true},
		{"program", prog, "[program]\nname = \"P\"\nissuer = \"I\"\nissuer_url = \"https://i.example\"\nsite_url = \"https://s.example\"\n[[levels]]\nid = \"f\"\nname = \"F\"\nrank = 1\n[Policy]\ngrace_days = 1\n",
			`10:1 "Policy" is not a key; did you mean "policy"?`, true},
		{"page", page, "+++\nTitle = \"About\"\n+++\nBody\n", `2:1 "Title" is not a key; did you mean "title"?`, true},
		{"embedded keys", track, "name = \"Sales\"\n[[certifications]]\nlevel = \"f\"\nname = \"x\"\nvalidity_months = 12\nEvidence = { a = 1 }\n", `6:1 "Evidence" is not a key; did you mean "evidence"?`, true},
		{"map keys are free", track, "name = \"Sales\"\n[[certifications]]\nlevel = \"f\"\nname = \"x\"\nvalidity_months = 12\nevidence = { Case-Study = 1, case-study = 2 }\n", ``, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			for range 20 { // the decoder's map order changes from run to run
				f := &file{rel: "x"}
				res := tc.decode(f, []byte(tc.src))
				var got []string
				for _, d := range f.out {
					if strings.Contains(d.Msg, "is not a key") {
						got = append(got, fmt.Sprintf("%d:%d %s", d.Line, d.Col, d.Msg))
					}
				}
				if g := strings.Join(got, "\n"); g != tc.want {
					t.Fatalf("got\n%s\nwant\n%s\nall: %v", g, tc.want, f.out)
				}
				if read := res != nil && !isNilResult(res); read != tc.read {
					t.Fatalf("read = %v, want %v", read, tc.read)
				}
			}
		})
	}
}

func isNilResult(v any) bool {
	switch v := v.(type) {
	case *programFile:
		return v == nil
	}
	return false
}

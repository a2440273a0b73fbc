package record

import (
	"strings"
	"testing"

	"github.com/accredit/accredit/cmd/internal/load"
)

const verifyPerson = `name = "Ann"
email = "ann@acme.example"

[[exams]]
exam = "sales-foundation"
date = 2025-01-10
score = 80

[[certifications]]
id = "GPMS-7VMY-E8VW"
track = "sales"
level = "foundation"
issued = 2025-01-15
waive = ["retake-limit"]
waiver_reason = """
Approved by the board.
# ticket CERT-123"""

[[certifications]]
id = "MJNR-BH8H-PZ1C"
track = "marketing"
level = "foundation"
issued = 2025-02-01
`

func TestVerifyPerson(t *testing.T) {
	const rel = "partners/acme/people/ann.toml"
	revoke := Change{Table: "certifications", Index: 0, KVs: []KV{{"revoked", d("2025-03-01")}, {"revoked_reason", "Breach"}}}
	exam := Change{Table: "exams", Index: -1, KVs: []KV{{"exam", "sales-foundation"}, {"date", d("2025-02-10")}, {"score", 91}}}
	revoked := strings.Replace(verifyPerson, "CERT-123\"\"\"\n", "CERT-123\"\"\"\nrevoked = 2025-03-01\nrevoked_reason = \"Breach\"\n", 1)
	for _, tc := range []struct {
		name, data string
		change     Change
		err        string // "" when the edit is as intended
	}{
		{"revoked as asked", revoked, revoke, ""},
		{
			// What Insert wrote before issue 16's fix: the keys inside
			// the waiver reason.
			"keys inside a multi-line string",
			strings.Replace(verifyPerson, "Approved by the board.\n", "Approved by the board.\nrevoked = 2025-03-01\nrevoked_reason = \"Breach\"\n", 1),
			revoke, "certifications[0].waiver_reason is",
		},
		{"keys in the wrong record", verifyPerson + "revoked = 2025-03-01\nrevoked_reason = \"Breach\"\n", revoke, "certifications[0].revoked is not set, want 2025-03-01"},
		{"another value changed", strings.Replace(revoked, "score = 80", "score = 81", 1), revoke, "exams[0].score is 81, want 80"},
		{"a value not as asked", strings.Replace(revoked, `"Breach"`, `"Breach!"`, 1), revoke, `certifications[0].revoked_reason is "Breach!", want "Breach"`},
		{"a record lost", strings.Replace(revoked, "[[exams]]", "[exams2]", 1), revoke, "exams has 0 records, want 1"},
		{"does not decode", strings.Replace(revoked, "revoked = 2025-03-01\n", "revoked = 2025-03-01\nrevoked = 2025-03-02\n", 1), revoke, "would not load"},
		{"record appended", verifyPerson + "\n[[exams]]\nexam = \"sales-foundation\"\ndate = 2025-02-10\nscore = 91\n", exam, ""},
		{"record appended twice", verifyPerson + strings.Repeat("\n[[exams]]\nexam = \"sales-foundation\"\ndate = 2025-02-10\nscore = 91\n", 2), exam, "exams has 3 records, want 2"},
		{"appended record without a key", verifyPerson + "\n[[exams]]\nexam = \"sales-foundation\"\ndate = 2025-02-10\n", exam, "exams[1].score is not set, want 91"},
		{"no such record", verifyPerson, Change{Table: "certifications", Index: 5, KVs: revoke.KVs}, "no record 5"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before, _ := load.Person(rel, []byte(verifyPerson))
			if before == nil {
				t.Fatal("the test's person does not load")
			}
			err := VerifyPerson(rel, before, []byte(tc.data), tc.change)
			switch {
			case tc.err == "" && err != nil:
				t.Errorf("refused: %v", err)
			case tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)):
				t.Errorf("error %v, want %q", err, tc.err)
			case err != nil && !strings.HasPrefix(err.Error(), rel+": "):
				t.Errorf("the error does not name the file: %v", err)
			}
		})
	}
}

func TestVerifyNewPerson(t *testing.T) {
	const rel = "partners/acme/people/bo.toml"
	who := Change{KVs: []KV{{"name", "Bo"}, {"email", "bo@acme.example"}}}
	data := "name = \"Bo\"\nemail = \"bo@acme.example\"\n"
	if err := VerifyPerson(rel, nil, []byte(data), who); err != nil {
		t.Errorf("a new file as intended: %v", err)
	}
	if err := VerifyPerson(rel, nil, []byte(data+"public = true\n"), who); err == nil || !strings.Contains(err.Error(), "public is true, want not set") {
		t.Errorf("a new file with a key too many: %v", err)
	}
}

package author

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/accredit/accredit/cmd/internal/date"
	"github.com/accredit/accredit/cmd/internal/record"
)

func day(s string) date.Date {
	d, err := date.Parse(s)
	if err != nil {
		panic(err)
	}
	return d
}

func TestAdded(t *testing.T) {
	for _, tc := range []struct {
		name, old, data, want string
		isNew                 bool
	}{
		{"appended", "a = 1\n", "a = 1\n\n[[t]]\nb = 2\n", "\n[[t]]\nb = 2\n", false},
		{"inserted", "[[c]]\nid = 1\n\n[[c]]\nid = 2\n", "[[c]]\nid = 1\nr = 3\n\n[[c]]\nid = 2\n", "r = 3\n", false},
		{"inserted after a line that starts alike", "[[c]]\nrx = 1\n", "[[c]]\nrx = 1\nry = 2\n", "ry = 2\n", false},
		{"new file", "", "name = \"x\"\n", "name = \"x\"\n", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := &Edit{Old: []byte(tc.old), Data: []byte(tc.data), New: tc.isNew}
			if got := string(e.Added()); got != tc.want {
				t.Errorf("Added() = %q, want %q", got, tc.want)
			}
		})
	}
}

// A credential id written twice in the program is not revoked or renewed
// in either file: the duplicate must be fixed first.
func TestFindCredentialDuplicate(t *testing.T) {
	root := t.TempDir()
	person := "name = \"X\"\n[[certifications]]\nid = \"GPMS-7VMY-E8VW\"\ntrack = \"s\"\nlevel = \"f\"\nissued = 2025-01-01\n"
	for _, rel := range []string{"partners/a/people/x.toml", "partners/b/people/y.toml", "partners/b/people/.z.toml"} {
		p := filepath.Join(root, rel)
		os.MkdirAll(filepath.Dir(p), 0o755)
		os.WriteFile(p, []byte(person), 0o644)
	}
	_, err := FindCredential(root, "gpms7vmye8vw", "")
	if err == nil || !strings.Contains(err.Error(), "written 2 times (partners/a/people/x.toml:2, partners/b/people/y.toml:2)") {
		t.Errorf("FindCredential: %v", err)
	}
	os.Remove(filepath.Join(root, "partners/b/people/y.toml"))
	f, err := FindCredential(root, "GPMS-7VMY-E8VW", "")
	if err != nil || f.Partner != "a" || f.Person != "x" || f.Cred.Index != 0 {
		t.Errorf("FindCredential = %+v, %v", f, err)
	}
	// A renews key naming the id is not the credential.
	os.WriteFile(filepath.Join(root, "partners/a/people/x.toml"), []byte("name = \"X\"\n[[certifications]]\nrenews = \"GPMS-7VMY-E8VW\"\n"), 0o644)
	if _, err := FindCredential(root, "GPMS-7VMY-E8VW", ""); err == nil || !strings.Contains(err.Error(), "no credential GPMS-7VMY-E8VW") {
		t.Errorf("FindCredential on a renews key: %v", err)
	}
}

// With a stored index, a credential is found in the file the index names;
// when an edit in place moved it, every file is read again.
func TestFindCredentialIndexed(t *testing.T) {
	root := t.TempDir()
	cache := filepath.Join(t.TempDir(), "people")
	cred := "[[certifications]]\nid = \"GPMS-7VMY-E8VW\"\ntrack = \"s\"\nlevel = \"f\"\nissued = 2025-01-01\n"
	x := filepath.Join(root, "partners/a/people/x.toml")
	y := filepath.Join(root, "partners/a/people/y.toml")
	os.MkdirAll(filepath.Dir(x), 0o755)
	os.WriteFile(x, []byte("name = \"X\"\n"+cred), 0o644)
	os.WriteFile(y, []byte("name = \"Y\"\n"), 0o644)
	old := time.Now().Add(-time.Hour).Truncate(time.Second).Add(7)
	os.Chtimes(filepath.Dir(x), old, old)
	if f, err := FindCredential(root, "GPMS-7VMY-E8VW", cache); err != nil || f.Person != "x" {
		t.Fatalf("FindCredential = %+v, %v", f, err)
	}
	// Moved from x to y by rewriting both files in place: the folder's
	// time says nothing, the stored index still names x.
	os.WriteFile(x, []byte("name = \"X\"\n"), 0o644)
	os.WriteFile(y, []byte("name = \"Y\"\n"+cred), 0o644)
	os.Chtimes(filepath.Dir(x), old, old)
	if f, err := FindCredential(root, "GPMS-7VMY-E8VW", cache); err != nil || f.Person != "y" {
		t.Errorf("after the move, FindCredential = %+v, %v", f, err)
	}
}

// fixture writes a small program with one person, Ann, whose waived
// credential's reason ends in a line that looks like a comment.
func fixture(t *testing.T) string {
	t.Helper()
	root := t.TempDir()
	for rel, data := range map[string]string{
		"programs/program.toml": "[program]\nname = \"P\"\nissuer = \"V\"\nissuer_url = \"https://v.example\"\nsite_url = \"https://p.v.example/\"\n\n" +
			"[[levels]]\nid = \"foundation\"\nname = \"Foundation\"\nrank = 1\npassing_score = 70\n",
		"programs/tracks/marketing.toml": "name = \"Marketing\"\n\n[[certifications]]\nlevel = \"foundation\"\nname = \"Marketing Associate\"\nvalidity_months = 24\n",
		"partners/acme/partner.md":       "+++\nname = \"Acme\"\n+++\nAcme.\n",
		"partners/acme/people/ann.toml": "name = \"Ann\"\n\n[[certifications]]\nid = \"GPMS-7VMY-E8VW\"\ntrack = \"marketing\"\nlevel = \"foundation\"\nissued = 2025-01-15\n" +
			"waiver_reason = \"\"\"\nApproved by the board.\n# ticket CERT-123\"\"\"\n\n# next\n",
	} {
		p := filepath.Join(root, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

// Issue 16: revoke exited 0 without revoking when the credential's last
// value was a multi-line string whose last line starts with #.
func TestPlanRevokeAfterMultilineString(t *testing.T) {
	root := fixture(t)
	on, asOf := day("2025-03-01"), day("2025-06-01")
	e, err := PlanRevoke(root, "GPMS-7VMY-E8VW", on, "Breach", asOf, "")
	if err != nil {
		t.Fatal(err)
	}
	if e.Cred.Revoked != on || e.Cred.RevokedReason != "Breach" {
		t.Errorf("revoked %v (%q), want %v", e.Cred.Revoked, e.Cred.RevokedReason, on)
	}
	if !strings.Contains(string(e.Data), "# ticket CERT-123\"\"\"\nrevoked = 2025-03-01\n") {
		t.Errorf("the keys are not after the string:\n%s", e.Data)
	}
}

// The post-conditions: an editor that gets it wrong is caught, and the
// command writes nothing, naming the file.
func TestPostconditions(t *testing.T) {
	on, asOf := day("2025-03-01"), day("2025-06-01")
	const rel = "partners/acme/people/ann.toml"
	t.Run("revoke", func(t *testing.T) {
		root := fixture(t)
		defer func(f func([]byte, string, ...record.KV) ([]byte, error)) { insertKeys = f }(insertKeys)
		// The editor before issue 16's fix: the keys inside the string.
		insertKeys = func(src []byte, path string, kvs ...record.KV) ([]byte, error) {
			at := bytes.Index(src, []byte("# ticket"))
			var add []byte
			for _, kv := range kvs {
				add = append(add, kv.Line()+"\n"...)
			}
			return slices.Concat(src[:at], add, src[at:]), nil
		}
		_, err := PlanRevoke(root, "GPMS-7VMY-E8VW", on, "Breach", asOf, "")
		var ref *Refusal // exit 1, as for any refusal
		if !errors.As(err, &ref) || !strings.Contains(err.Error(), rel+": the edit would not come out as intended") ||
			!strings.Contains(err.Error(), "nothing written") {
			t.Errorf("PlanRevoke with a faulty editor: %v", err)
		}
	})
	t.Run("grant", func(t *testing.T) {
		root := fixture(t)
		defer func(f func([]byte, string, ...record.KV) []byte) { appendRecord = f }(appendRecord)
		// An editor that appends the record but also touches another value.
		appendRecord = func(src []byte, table string, kvs ...record.KV) []byte {
			return record.Append(bytes.Replace(src, []byte(`"Ann"`), []byte(`"Anne"`), 1), table, kvs...)
		}
		_, err := PlanGrant(root, Grant{Partner: "acme", Person: "ann", Track: "marketing", Level: "foundation", Issued: on}, asOf)
		if err == nil || !strings.Contains(err.Error(), `name is "Anne", want "Ann"`) {
			t.Errorf("PlanGrant with a faulty editor: %v", err)
		}
		appendRecord = record.Append
		e, err := PlanGrant(root, Grant{Partner: "acme", Person: "bo", Name: "Bo", Email: "bo@acme.example", Track: "marketing", Level: "foundation", Issued: on}, asOf)
		if err != nil || !e.New {
			t.Errorf("PlanGrant of a new person: %+v, %v", e, err)
		}
	})
}

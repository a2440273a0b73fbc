package author

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

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

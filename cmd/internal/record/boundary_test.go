//go:build unix

package record

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/accredit/accredit/cmd/internal/safefs"
)

// links are the ways a person file can lead out of its place: to a file
// outside the program, to a device that never ends, to another person.
func links(t *testing.T, root string) map[string]string {
	outside := filepath.Join(t.TempDir(), "secret.toml")
	if err := os.WriteFile(outside, []byte("name = \"Outside\"\nemail = \"secret@x.example\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	return map[string]string{
		"outside":  outside,
		"devzero":  "/dev/zero",
		"inside":   filepath.Join(root, "partners", "a", "people", "x.toml"),
		"relative": "x.toml",
	}
}

func mkPeople(t *testing.T, root string) {
	t.Helper()
	write(t, root, map[string]string{
		"partners/a/partner.md":      "---\nname: A\n---\n",
		"partners/a/people/x.toml":   "name = \"X\"\nemail = \"x@x.example\"\n",
		"partners/b/people/y.toml":   "name = \"Y\"\nemail = \"y@x.example\"\n",
		"partners/b/people/z.toml":   "name = \"Z\"\n",
		"partners/b/people/zz.toml":  "name = \"ZZ\"\n",
		"partners/b/people/zzz.toml": "name = \"ZZZ\"\n",
	})
}

// within fails the test if fn does not return within 5 s: a FIFO opened
// blocks until a writer comes.
func within(t *testing.T, what string, fn func() error) error {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- fn() }()
	select {
	case err := <-done:
		return err
	case <-time.After(5 * time.Second):
		t.Fatalf("%s: still waiting after 5 s (a FIFO was opened)", what)
		return nil
	}
}

// TestReadersRefuseLinks: EachPerson, BuildIndex and ReadPerson refuse a
// person file that is a link, wherever it points, or a FIFO, naming it.
func TestReadersRefuseLinks(t *testing.T) {
	for _, kind := range []string{"outside", "devzero", "inside", "relative", "fifo", "linked-folder", "too-large"} {
		t.Run(kind, func(t *testing.T) {
			root := t.TempDir()
			mkPeople(t, root)
			rel := "partners/b/people/ln.toml"
			p := filepath.Join(root, filepath.FromSlash(rel))
			var err error
			switch kind {
			case "fifo":
				err = syscall.Mkfifo(p, 0o644)
			case "linked-folder":
				rel = "partners/b/people"
				os.RemoveAll(filepath.Join(root, "partners", "b", "people"))
				err = os.Symlink(filepath.Join(root, "partners", "a", "people"), filepath.Join(root, "partners", "b", "people"))
			case "too-large":
				err = os.WriteFile(p, []byte("name = \"L\"\n"+strings.Repeat("#", PersonLimit)), 0o644)
			default:
				err = os.Symlink(links(t, root)[kind], p)
			}
			if err != nil {
				t.Fatal(err)
			}
			check := func(what string, err error) {
				t.Helper()
				var fe *FileError
				if !errors.As(err, &fe) || fe.Path != rel || !safefs.Refused(err) {
					t.Errorf("%s = %v, want a refusal of %s", what, err, rel)
				} else if !strings.HasPrefix(err.Error(), rel+" ") {
					t.Errorf("%s: %q does not begin with the file", what, err)
				}
			}
			check("EachPerson", within(t, "EachPerson", func() error {
				return EachPerson(root, func(string, []byte) {})
			}))
			check("BuildIndex", within(t, "BuildIndex", func() error {
				_, err := BuildIndex(root, "", false)
				return err
			}))
			if kind != "linked-folder" {
				check("ReadPerson", within(t, "ReadPerson", func() error {
					_, err := ReadPerson(root, rel)
					return err
				}))
			}
		})
	}
}

// TestWriteRefusesLinks: Write neither replaces a link with a file nor
// writes through one, nor through a linked folder; nothing is written,
// the link and what it points to are untouched.
func TestWriteRefusesLinks(t *testing.T) {
	for _, kind := range []string{"outside", "devzero", "inside", "fifo", "linked-folder", "after-commit"} {
		t.Run(kind, func(t *testing.T) {
			root := t.TempDir()
			mkPeople(t, root)
			ln := filepath.Join(root, "partners", "b", "people", "ln.toml")
			other := filepath.Join(root, "partners", "b", "people", "y.toml")
			target := links(t, root)["outside"]
			var err error
			switch kind {
			case "fifo":
				err = syscall.Mkfifo(ln, 0o644)
			case "linked-folder":
				// partners/c/people is a link: a new file in it would land
				// in partners/a/people.
				target = filepath.Join(root, "partners", "a", "people")
				os.MkdirAll(filepath.Join(root, "partners", "c"), 0o755)
				ln = filepath.Join(root, "partners", "c", "people", "new.toml")
				err = os.Symlink(target, filepath.Dir(ln))
			case "after-commit":
				// ln is a person file when staged; a link by the renames.
				err = os.WriteFile(ln, []byte("name = \"L\"\n"), 0o644)
			default:
				target = links(t, root)[kind]
				err = os.Symlink(target, ln)
			}
			if err != nil {
				t.Fatal(err)
			}
			before := snapshot(t, root, target)
			files := []File{{Path: other, Data: []byte("name = \"Y2\"\n")}, {Path: ln, Data: []byte("name = \"L2\"\n")}}
			if kind == "after-commit" {
				hook = func(step string) {
					if step == "committed" {
						os.Remove(ln)
						os.Symlink(target, ln)
						before = snapshot(t, root, target)
					}
				}
				defer func() { hook = func(string) {} }()
			}
			err = within(t, "Write", func() error { return Write(root, files) })
			var fe *FileError
			if !errors.As(err, &fe) || !safefs.Refused(err) {
				t.Fatalf("Write = %v, want a refusal", err)
			}
			if kind == "after-commit" {
				// The journal is committed: y.toml may be written, the
				// link is not replaced, and Recover keeps refusing it.
				if fi, err := os.Lstat(ln); err != nil || fi.Mode()&os.ModeSymlink == 0 {
					t.Errorf("the link was replaced: %v, %v", fi, err)
				}
				if _, err := Recover(root); !errors.As(err, &fe) {
					t.Errorf("Recover = %v, want a refusal of the link", err)
				}
			} else {
				noTemps(t, root)
			}
			after := snapshot(t, root, target)
			if kind == "after-commit" {
				delete(before, other)
				delete(after, other)
			}
			if !sameSnapshot(before, after) {
				t.Errorf("files changed:\nbefore %v\nafter  %v", before, after)
			}
		})
	}
}

// snapshot records every file under root and the link target (a file,
// or a folder's files): link or content.
func snapshot(t *testing.T, root, target string) map[string]string {
	t.Helper()
	out := map[string]string{}
	filepath.Walk(root, func(p string, fi os.FileInfo, err error) error {
		if err != nil || strings.Contains(p, ".accredit") || strings.Contains(p, ".git") {
			return nil
		}
		switch {
		case fi.Mode()&os.ModeSymlink != 0:
			l, _ := os.Readlink(p)
			out[p] = "-> " + l
		case fi.Mode().IsRegular():
			b, _ := os.ReadFile(p)
			out[p] = string(b)
		}
		return nil
	})
	if fi, err := os.Stat(target); err == nil && fi.Mode().IsRegular() {
		b, _ := os.ReadFile(target)
		out[target] = string(b)
	} else if err == nil && fi.IsDir() {
		es, _ := os.ReadDir(target)
		for _, e := range es {
			b, _ := os.ReadFile(filepath.Join(target, e.Name()))
			out[filepath.Join(target, e.Name())] = string(b)
		}
	}
	return out
}

func sameSnapshot(a, b map[string]string) bool {
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	for k := range b {
		if _, ok := a[k]; !ok {
			return false
		}
	}
	return true
}

package record

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/accredit/accredit/cmd/internal/lock"
	"github.com/accredit/accredit/cmd/internal/safefs"
)

// noTemps fails if anything but the program's own files is left under
// root: a temporary file, a journal.
func noTemps(t *testing.T, root string) {
	t.Helper()
	filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if strings.Contains(d.Name(), ".accredit-") {
			t.Errorf("temporary file %s left behind", p)
		}
		return nil
	})
	entries, _ := os.ReadDir(lock.Dir(root))
	for _, e := range entries {
		t.Errorf("%s left in the state folder", e.Name())
	}
}

// people makes n person files under root holding "old i".
func people(t *testing.T, root string, n int) []File {
	t.Helper()
	var files []File
	for i := range n {
		p := filepath.Join(root, "partners", fmt.Sprintf("p%d", i%7), "people", fmt.Sprintf("x%d.toml", i))
		os.MkdirAll(filepath.Dir(p), 0o755)
		old := fmt.Sprintf("old %d\n", i)
		if err := os.WriteFile(p, []byte(old), 0o644); err != nil {
			t.Fatal(err)
		}
		files = append(files, File{Path: p, Data: fmt.Appendf(nil, "new %d\n", i), Base: BaseOf([]byte(old))})
	}
	return files
}

// TestWriteChanged: a file changed between its read and the write is
// not overwritten, nor is any other file of the write.
func TestWriteChanged(t *testing.T) {
	root := t.TempDir()
	files := people(t, root, 5)
	os.WriteFile(files[3].Path, []byte("edited meanwhile\n"), 0o644)
	err := Write(root, files)
	var ch *ChangedError
	if !errors.As(err, &ch) || ch.Path != "partners/p3/people/x3.toml" {
		t.Fatalf("Write = %v, want a ChangedError naming x3.toml", err)
	}
	for i, f := range files {
		want := fmt.Sprintf("old %d\n", i)
		if i == 3 {
			want = "edited meanwhile\n"
		}
		if got, _ := os.ReadFile(f.Path); string(got) != want {
			t.Errorf("%s = %q, want %q", f.Path, got, want)
		}
	}
	noTemps(t, root)

	// A file that was read as absent must still be.
	p := filepath.Join(root, "partners", "p0", "people", "new.toml")
	os.WriteFile(p, []byte("made meanwhile\n"), 0o644)
	if err := Write(root, []File{{Path: p, Data: []byte("mine\n"), Base: NoFile()}}); !errors.As(err, &ch) {
		t.Errorf("a file made meanwhile: Write = %v, want a ChangedError", err)
	}
	// And a file that was read must not be gone.
	os.Remove(files[0].Path)
	if err := Write(root, files[:1]); !errors.As(err, &ch) {
		t.Errorf("a file removed meanwhile: Write = %v, want a ChangedError", err)
	}
	noTemps(t, root)
}

// TestWriteStamped: a base read with the file's stamp (BaseRead) spares
// reading the file again only while the stamp is the file's: a file
// edited in place with the same size, or replaced by a rename, is read
// and compared, and one whose content changed is not overwritten.
func TestWriteStamped(t *testing.T) {
	root := t.TempDir()
	d, err := safefs.Open(root)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	// read reads the files as an import does, as if RacyWindow after
	// their last change (a test cannot set a change time back).
	read := func(files []File) {
		for i, f := range files {
			rel, _ := filepath.Rel(root, f.Path)
			data, base, err := ReadPersonBase(d, filepath.ToSlash(rel))
			if err != nil {
				t.Fatal(err)
			}
			fi, _ := os.Lstat(f.Path)
			files[i].Base = BaseRead(data, fi, time.Now().Add(2*safefs.RacyWindow))
			if base == nil || files[i].Base.Sum != base.Sum {
				t.Fatalf("ReadPersonBase(%s) = %v", rel, base)
			}
			if !files[i].Base.stamped {
				t.Fatalf("%s: no stamp", rel)
			}
		}
	}
	files := people(t, root, 4)
	read(files)
	if err := Write(root, files); err != nil {
		t.Fatalf("Write of files as read: %v", err)
	}
	// Edited in place, the same size: another change time.
	files = people(t, root, 4)
	read(files)
	os.WriteFile(files[1].Path, []byte("odd 1\n"), 0o644)
	var ch *ChangedError
	if err := Write(root, files); !errors.As(err, &ch) || !strings.HasSuffix(ch.Path, "x1.toml") {
		t.Fatalf("an edit in place of the same size: Write = %v, want a ChangedError naming x1.toml", err)
	}
	// Replaced by a rename with the same bytes: another inode, read
	// again, and the same.
	files = people(t, root, 4)
	read(files)
	tmp := files[2].Path + ".tmp"
	os.WriteFile(tmp, []byte("old 2\n"), 0o644)
	os.Rename(tmp, files[2].Path)
	if err := Write(root, files); err != nil {
		t.Fatalf("a file replaced by the same bytes: Write = %v", err)
	}
	// A base read within the racy window has no stamp.
	fi, _ := os.Lstat(files[0].Path)
	if b := BaseRead([]byte("new 0\n"), fi, time.Now()); b.stamped {
		t.Error("a file changed just now has a stamp")
	}
	noTemps(t, root)
}

// TestWriteOutside: Write and Recover touch only .toml files inside the
// root, outside its hidden folders, whatever a journal on disk says.
func TestWriteOutside(t *testing.T) {
	root := t.TempDir()
	for _, p := range []string{filepath.Join(root, "..", "x.toml"), filepath.Join(root, ".git", "hooks", "x.toml"), filepath.Join(root, "partners", "a", "x.sh")} {
		if err := Write(root, []File{{Path: p, Data: []byte("x")}}); err == nil {
			t.Errorf("Write(%s) is allowed", p)
		}
	}
	dir := lock.Dir(root)
	os.MkdirAll(dir, 0o755)
	os.WriteFile(filepath.Join(dir, commitName), []byte(`{"id":"0123456789abcdef","files":["../x.toml"]}`), 0o644)
	if _, err := Recover(root); err == nil || !strings.Contains(err.Error(), "../x.toml") {
		t.Errorf("Recover of a journal naming ../x.toml: %v", err)
	}
}

// BenchmarkWrite is a grant's write: one person file, journaled and
// compared with what was read. BenchmarkWriteAtomic is the same file
// written by a plain temporary file and rename: the difference is what
// the journal and the compare-and-swap cost.
func BenchmarkWrite(b *testing.B) {
	root := b.TempDir()
	p := filepath.Join(root, "partners", "a", "people", "x.toml")
	os.MkdirAll(filepath.Dir(p), 0o755)
	data := []byte(strings.Repeat("# a person file of about 1.4 KB\n", 45))
	os.WriteFile(p, data, 0o644)
	base := BaseOf(data)
	for b.Loop() {
		if err := Write(root, []File{{Path: p, Data: data, Base: base}}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkWriteAtomic(b *testing.B) {
	p := filepath.Join(b.TempDir(), "x.toml")
	data := []byte(strings.Repeat("# a person file of about 1.4 KB\n", 45))
	for b.Loop() {
		if err := writeAtomic(p, data, 0o644); err != nil {
			b.Fatal(err)
		}
	}
}

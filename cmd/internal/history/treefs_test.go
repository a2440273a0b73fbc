package history_test

import (
	"encoding/hex"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/accredit/accredit/cmd/internal/history"
	"github.com/accredit/accredit/cmd/internal/load"
	"github.com/accredit/accredit/cmd/internal/safefs"
)

// A person file committed as a symlink (mode 120000) is listed as a link
// by the revision's FS, cannot be read through it, and the loader refuses
// it as it refuses a link on disk: accredit plan and check agree.
// treeAt returns the files of the repository at dir at commit c; the
// repository closes when the test ends.
func treeAt(t *testing.T, dir, c string) fs.FS {
	t.Helper()
	r, err := history.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	h, _ := r.Resolve(c)
	fsys, err := r.FS(h)
	if err != nil {
		t.Fatal(err)
	}
	return fsys
}

func TestFSSymlink(t *testing.T) {
	g := newGitRepo(t)
	files := program("")
	files["partners/acme/people/ann.toml"] = person("Ann", cert(idA))
	g.write(files)
	if err := os.Symlink("/etc/passwd", filepath.Join(g.dir, "partners/acme/people/evil.toml")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("../..", filepath.Join(g.dir, "partners/loop")); err != nil {
		t.Fatal(err)
	}
	c := g.commit(dana, "links", nil)
	if mode := g.git("ls-files", "-s", "partners/acme/people/evil.toml"); !strings.HasPrefix(mode, "120000") {
		t.Fatalf("not committed as a link: %s", mode)
	}
	fsys := treeAt(t, g.dir, c)
	fi, err := fs.Stat(fsys, "partners/acme/people/evil.toml")
	if err != nil || fi.Mode()&fs.ModeSymlink == 0 {
		t.Errorf("Stat = %v, %v; want a link", fi, err)
	}
	if _, err := fs.ReadFile(fsys, "partners/acme/people/evil.toml"); !errors.Is(err, safefs.ErrSymlink) {
		t.Errorf("ReadFile = %v, want ErrSymlink", err)
	}
	if _, err := fs.ReadDir(fsys, "partners/loop"); !errors.Is(err, safefs.ErrSymlink) {
		t.Errorf("ReadDir(link) = %v, want ErrSymlink", err)
	}
	_, ds, err := load.LoadFS(fsys, c[:7], load.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, d := range ds {
		got = append(got, d.File+" "+d.Rule)
	}
	want := "partners/acme/people/evil.toml unreadable-file\npartners/loop unreadable-file"
	if strings.Join(got, "\n") != want {
		t.Errorf("diagnostics:\n%s\nwant\n%s", strings.Join(got, "\n"), want)
	}
}

// Every regular file of a revision's FS says its blob id, as git names
// it (git rev-parse REV:PATH), through Stat and ReadDir alike, and Size
// is its length opened or not; folders and links say none.
func TestFSBlobID(t *testing.T) {
	g := newGitRepo(t)
	files := program("")
	files["partners/acme/people/ann.toml"] = person("Ann", cert(idA))
	g.write(files)
	if err := os.Symlink("ann.toml", filepath.Join(g.dir, "partners/acme/people/link.toml")); err != nil {
		t.Fatal(err)
	}
	c := g.commit(dana, "files", nil)
	fsys := treeAt(t, g.dir, c)
	type blobber interface{ BlobID() ([20]byte, bool) }
	id := func(fi fs.FileInfo) (string, bool) {
		b, ok := fi.(blobber)
		if !ok {
			t.Fatalf("%s: no BlobID", fi.Name())
		}
		v, ok := b.BlobID()
		return hex.EncodeToString(v[:]), ok
	}
	n := 0
	err := fs.WalkDir(fsys, ".", func(rel string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		listed, err := d.Info()
		if err != nil {
			return err
		}
		stat, err := fs.Stat(fsys, rel)
		if err != nil {
			return err
		}
		for _, fi := range []fs.FileInfo{listed, stat} {
			got, ok := id(fi)
			switch {
			case d.IsDir() || d.Type()&fs.ModeSymlink != 0:
				if ok {
					t.Errorf("%s: BlobID %s, ok; want none", rel, got)
				}
			case !ok:
				t.Errorf("%s: no BlobID", rel)
			default:
				if want := g.git("rev-parse", c+":"+rel); got != want {
					t.Errorf("%s: BlobID %s, want %s", rel, got, want)
				}
				data, err := os.ReadFile(filepath.Join(g.dir, filepath.FromSlash(rel)))
				if err != nil {
					t.Fatal(err)
				}
				if fi.Size() != int64(len(data)) {
					t.Errorf("%s: Size %d, want %d", rel, fi.Size(), len(data))
				}
				n++
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n < 10 {
		t.Errorf("only %d files checked", n)
	}
	f, err := fsys.Open("partners/acme/people/ann.toml")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	fi, _ := f.Stat()
	if got, _ := id(fi); got != g.git("rev-parse", c+":partners/acme/people/ann.toml") || fi.Size() != int64(len(files["partners/acme/people/ann.toml"])) {
		t.Errorf("opened: BlobID %s, Size %d", got, fi.Size())
	}
}

package history_test

import (
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
	r, err := history.Open(g.dir)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	h, _ := r.Resolve(c)
	fsys, err := r.FS(h)
	if err != nil {
		t.Fatal(err)
	}
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

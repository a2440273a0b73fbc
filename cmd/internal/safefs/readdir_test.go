//go:build unix

package safefs

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// readDir (getdents on Linux) describes every entry as Lstat does: the
// type of each, and the size and time of each regular file.
func TestReadDirMatchesLstat(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "file.toml"), []byte("name = 1\n"), 0o644)
	os.Mkdir(filepath.Join(dir, "folder"), 0o755)
	os.Symlink("/etc/passwd", filepath.Join(dir, "link.toml"))
	syscall.Mkfifo(filepath.Join(dir, "fifo.toml"), 0o644)
	both(t, dir, func(t *testing.T, d *Dir) { testReadDirMatchesLstat(t, d, dir) })
}

func testReadDirMatchesLstat(t *testing.T, d *Dir, dir string) {
	es, err := d.ReadDir(".")
	if err != nil {
		t.Fatal(err)
	}
	if len(es) != 4 {
		t.Fatalf("%d entries, want 4: %v", len(es), es)
	}
	for _, e := range es {
		want, err := os.Lstat(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if e.Type() != want.Mode().Type() {
			t.Errorf("%s: type %v, Lstat says %v", e.Name(), e.Type(), want.Mode().Type())
		}
		fi, err := e.Info()
		if err != nil {
			t.Fatalf("%s: %v", e.Name(), err)
		}
		if fi.Mode().Type() != want.Mode().Type() || want.Mode().IsRegular() && (fi.Size() != want.Size() || !fi.ModTime().Equal(want.ModTime())) {
			t.Errorf("%s: info %v %d %v, Lstat says %v %d %v", e.Name(), fi.Mode(), fi.Size(), fi.ModTime(), want.Mode(), want.Size(), want.ModTime())
		}
	}
}

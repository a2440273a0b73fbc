package safefs

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"testing/fstest"
	"time"
)

func write(t *testing.T, path, text string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

func open(t *testing.T, dir string) *Dir {
	t.Helper()
	d, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	return d
}

// both runs f on dir opened twice: as Open opens it (the fast path, on
// Linux) and with the portable way only, which must refuse and read
// alike.
func both(t *testing.T, dir string, f func(t *testing.T, d *Dir)) {
	t.Run("default", func(t *testing.T) { f(t, open(t, dir)) })
	t.Run("portable", func(t *testing.T) {
		d := open(t, dir)
		d.closeFast()
		f(t, d)
	})
}

func TestReadFile(t *testing.T) {
	outside := t.TempDir()
	write(t, filepath.Join(outside, "secret"), "root:x:0:0")
	dir := t.TempDir()
	write(t, filepath.Join(dir, "a", "b", "ok.toml"), "name = 1")
	write(t, filepath.Join(dir, "big.toml"), strings.Repeat("x", 100))
	os.Symlink(filepath.Join(outside, "secret"), filepath.Join(dir, "a", "out.toml"))
	os.Symlink("ok.toml", filepath.Join(dir, "a", "b", "in.toml"))
	os.Symlink(outside, filepath.Join(dir, "linkdir"))
	os.Symlink("a", filepath.Join(dir, "inlinkdir"))
	os.Symlink("/dev/zero", filepath.Join(dir, "zero.toml"))
	os.Mkdir(filepath.Join(dir, "folder.toml"), 0o755)

	both(t, dir, func(t *testing.T, d *Dir) { testReadFile(t, d) })
}

func testReadFile(t *testing.T, d *Dir) {
	for _, tc := range []struct {
		name  string
		limit int64
		want  error // nil: reads
	}{
		{"a/b/ok.toml", 100, nil},
		{"big.toml", 100, nil},
		{"big.toml", 99, &TooLargeError{}},
		{"a/out.toml", 100, ErrSymlink},
		{"a/b/in.toml", 100, ErrSymlink},
		{"linkdir/secret", 100, ErrSymlink},
		{"inlinkdir/b/ok.toml", 100, ErrSymlink},
		{"zero.toml", 100, ErrSymlink},
		{"folder.toml", 100, ErrIsDir},
		{"missing.toml", 100, fs.ErrNotExist},
	} {
		b, err := d.ReadFileLimit(tc.name, tc.limit)
		switch want := tc.want.(type) {
		case nil:
			text, _ := os.ReadFile(filepath.Join(d.root.Name(), tc.name))
			if err != nil || string(b) != string(text) {
				t.Errorf("%s: %q, %v; want %q", tc.name, b, err, text)
			}
		case *TooLargeError:
			var tl *TooLargeError
			if !errors.As(err, &tl) || tl.Limit != tc.limit {
				t.Errorf("%s: got %v, want too large", tc.name, err)
			}
		default:
			if !errors.Is(err, want) {
				t.Errorf("%s: got %q, %v; want %v", tc.name, b, err, want)
			}
		}
	}
	// Stat and ReadDir never follow a link either.
	if fi, err := d.Stat("a/out.toml"); err != nil || fi.Mode()&fs.ModeSymlink == 0 {
		t.Errorf("Stat(a/out.toml) = %v, %v; want the link itself", fi, err)
	}
	if _, err := d.ReadDir("linkdir"); !errors.Is(err, ErrSymlink) {
		t.Errorf("ReadDir(linkdir) = %v, want ErrSymlink", err)
	}
	es, err := d.ReadDir("a")
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range es {
		names = append(names, e.Name()+":"+e.Type().String())
	}
	if got := strings.Join(names, " "); got != "b:d--------- out.toml:L---------" {
		t.Errorf("ReadDir(a) = %s", got)
	}
}

// A FIFO is refused without being opened: opening one for reading would
// wait for a writer forever.
func TestFIFO(t *testing.T) {
	dir := t.TempDir()
	if err := syscall.Mkfifo(filepath.Join(dir, "p.toml"), 0o644); err != nil {
		t.Skip("no FIFOs here:", err)
	}
	both(t, dir, func(t *testing.T, d *Dir) {
		done := make(chan error, 1)
		go func() {
			_, err := d.ReadFileLimit("p.toml", 100)
			done <- err
		}()
		select {
		case err := <-done:
			if !errors.Is(err, ErrNotRegular) {
				t.Errorf("got %v, want ErrNotRegular", err)
			}
		case <-time.After(5 * time.Second):
			t.Fatal("reading a FIFO hangs")
		}
	})
}

// Many folders are read in turn without running out of descriptors, and
// concurrently.
func TestManyFolders(t *testing.T) {
	dir := t.TempDir()
	for i := range 3 * maxDirs {
		write(t, filepath.Join(dir, "p", string(rune('a'+i%26))+strings.Repeat("x", i/26), "f"), "x")
	}
	d := open(t, dir)
	es, err := d.ReadDir("p")
	if err != nil {
		t.Fatal(err)
	}
	errs := make(chan error, len(es))
	for _, e := range es {
		go func() {
			_, err := d.ReadFileLimit("p/"+e.Name()+"/f", 10)
			errs <- err
		}()
	}
	for range es {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
	if n := len(d.dirs); n > maxDirs {
		t.Errorf("%d folders open, want at most %d", n, maxDirs)
	}
}

// ReadFile over another fs.FS applies the same rules from its Stat.
func TestReadFileFS(t *testing.T) {
	fsys := fstest.MapFS{
		"a.toml":    {Data: []byte("0123456789")},
		"link.toml": {Data: []byte("/etc/passwd"), Mode: fs.ModeSymlink},
		"dir.toml":  {Mode: fs.ModeDir},
	}
	if b, err := ReadFile(fsys, "a.toml", 10); err != nil || string(b) != "0123456789" {
		t.Errorf("a.toml: %q, %v", b, err)
	}
	var tl *TooLargeError
	if _, err := ReadFile(fsys, "a.toml", 9); !errors.As(err, &tl) {
		t.Errorf("a.toml capped at 9: %v", err)
	}
	if _, err := ReadFile(fsys, "link.toml", 100); !errors.Is(err, ErrSymlink) {
		t.Errorf("link.toml: %v", err)
	}
	if _, err := ReadFile(fsys, "dir.toml", 100); !errors.Is(err, ErrIsDir) {
		t.Errorf("dir.toml: %v", err)
	}
}

func TestBytes(t *testing.T) {
	for n, want := range map[int64]string{12: "12 bytes", 256 << 10: "256 KB", 8 << 20: "8 MB", 1536: "1.5 KB"} {
		if got := Bytes(n); got != want {
			t.Errorf("Bytes(%d) = %q, want %q", n, got, want)
		}
	}
}

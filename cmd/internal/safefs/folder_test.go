//go:build unix

package safefs

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// folderTree is a program folder with a link, a FIFO and a folder where
// files belong, and links on the way to a folder.
func folderTree(t *testing.T) (dir, outside string) {
	outside = t.TempDir()
	write(t, filepath.Join(outside, "secret"), "root:x:0:0")
	dir = t.TempDir()
	write(t, filepath.Join(dir, "a", "b", "ok.toml"), "name = 1")
	write(t, filepath.Join(dir, "a", "b", "big.toml"), strings.Repeat("x", 100))
	os.Symlink(filepath.Join(outside, "secret"), filepath.Join(dir, "a", "b", "out.toml"))
	os.Symlink("ok.toml", filepath.Join(dir, "a", "b", "in.toml"))
	os.Mkdir(filepath.Join(dir, "a", "b", "folder.toml"), 0o755)
	if err := syscall.Mkfifo(filepath.Join(dir, "a", "b", "p.toml"), 0o644); err != nil {
		t.Skip("no FIFOs here:", err)
	}
	os.Symlink(outside, filepath.Join(dir, "linkdir"))
	os.Symlink("a", filepath.Join(dir, "inlinkdir"))
	return dir, outside
}

// TestOpenFolder: a folder is reached through no link, as Within
// reaches it, on the fast path and the portable way alike.
func TestOpenFolder(t *testing.T) {
	dir, _ := folderTree(t)
	both(t, dir, func(t *testing.T, d *Dir) {
		for _, tc := range []struct {
			name string
			want error // nil: opens
		}{
			{".", nil},
			{"a", nil},
			{"a/b", nil},
			{"linkdir", ErrSymlink},
			{"inlinkdir/b", ErrSymlink},
			{"a/b/ok.toml", ErrNotDir},
			{"missing", fs.ErrNotExist},
			{"../x", fs.ErrInvalid},
			{"/etc", fs.ErrInvalid},
		} {
			f, err := d.OpenFolder(tc.name)
			if tc.want == nil {
				if err != nil {
					t.Errorf("OpenFolder(%s) = %v", tc.name, err)
					continue
				}
				if fi, err := f.Lstat("."); err != nil || !fi.IsDir() {
					t.Errorf("OpenFolder(%s).Lstat(.) = %v, %v; want a folder", tc.name, fi, err)
				}
				f.Close()
				continue
			}
			if !errors.Is(err, tc.want) {
				t.Errorf("OpenFolder(%s) = %v, want %v", tc.name, err, tc.want)
			}
		}
	})
}

// TestFolderReadAndLstat: a folder's entries are described and read as
// Dir describes and reads them, named by their path from the root.
func TestFolderReadAndLstat(t *testing.T) {
	dir, _ := folderTree(t)
	both(t, dir, func(t *testing.T, d *Dir) {
		f, err := d.OpenFolder("a/b")
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		for _, tc := range []struct {
			name  string
			limit int64
			mode  fs.FileMode // Lstat's type
			want  error       // ReadFileLimit's; nil: reads
		}{
			{"ok.toml", 100, 0, nil},
			{"big.toml", 100, 0, nil},
			{"big.toml", 99, 0, &TooLargeError{}},
			{"out.toml", 100, fs.ModeSymlink, ErrSymlink},
			{"in.toml", 100, fs.ModeSymlink, ErrSymlink},
			{"folder.toml", 100, fs.ModeDir, ErrIsDir},
			{"p.toml", 100, fs.ModeNamedPipe, ErrNotRegular},
			{"missing.toml", 100, 0, fs.ErrNotExist},
		} {
			rel := "a/b/" + tc.name
			want, werr := d.Stat(rel)
			fi, err := f.Lstat(tc.name)
			switch {
			case werr != nil:
				if !errors.Is(err, fs.ErrNotExist) || !strings.Contains(err.Error(), rel) {
					t.Errorf("Lstat(%s) = %v, want not found, naming %s", tc.name, err, rel)
				}
			case err != nil || fi.Mode() != want.Mode() || fi.Size() != want.Size() || !fi.ModTime().Equal(want.ModTime()) || fi.Name() != tc.name:
				t.Errorf("Lstat(%s) = %v, %v; Dir.Stat says %v %d %v", tc.name, fi, err, want.Mode(), want.Size(), want.ModTime())
			case fi.Mode().Type() != tc.mode:
				t.Errorf("Lstat(%s) is a %v, want %v", tc.name, fi.Mode().Type(), tc.mode)
			}
			var b []byte
			err = within(t, func() error { b, err = f.ReadFileLimit(tc.name, tc.limit); return err })
			switch w := tc.want.(type) {
			case nil:
				text, _ := os.ReadFile(filepath.Join(dir, "a", "b", tc.name))
				if err != nil || string(b) != string(text) {
					t.Errorf("ReadFileLimit(%s) = %q, %v; want %q", tc.name, b, err, text)
				}
			case *TooLargeError:
				var tl *TooLargeError
				if !errors.As(err, &tl) || tl.Limit != tc.limit {
					t.Errorf("ReadFileLimit(%s) = %v, want too large", tc.name, err)
				}
			default:
				if !errors.Is(err, w) {
					t.Errorf("ReadFileLimit(%s) = %v, want %v", tc.name, err, w)
				}
			}
			if err != nil && !strings.Contains(err.Error(), rel) {
				t.Errorf("ReadFileLimit(%s): %q does not name %s", tc.name, err, rel)
			}
		}
		for _, bad := range []string{"", "..", "x/y", "/x"} {
			if _, err := f.Lstat(bad); !errors.Is(err, fs.ErrInvalid) {
				t.Errorf("Lstat(%q) = %v, want ErrInvalid", bad, err)
			}
		}
	})
}

// within fails the test if fn does not return within 5 s: a FIFO opened
// blocks until a writer comes.
func within(t *testing.T, fn func() error) error {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- fn() }()
	select {
	case err := <-done:
		return err
	case <-time.After(5 * time.Second):
		t.Fatal("still waiting after 5 s (a FIFO was opened)")
		return nil
	}
}

// TestFolderWrite: Create never writes through an entry already there,
// a link included; Rename replaces a link rather than following it;
// Remove removes a link, not what it points to.
func TestFolderWrite(t *testing.T) {
	dir, outside := folderTree(t)
	secret := filepath.Join(outside, "secret")
	both(t, dir, func(t *testing.T, d *Dir) {
		f, err := d.OpenFolder("a/b")
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		p := func(name string) string { return filepath.Join(dir, "a", "b", name) }
		defer os.Remove(p("new.toml"))
		if err := f.Create("new.toml", []byte("x = 1\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		if fi, err := os.Lstat(p("new.toml")); err != nil || fi.Mode() != 0o600 {
			t.Errorf("new.toml: %v, %v; want a file 0600", fi, err)
		}
		if b, _ := os.ReadFile(p("new.toml")); string(b) != "x = 1\n" {
			t.Errorf("new.toml holds %q", b)
		}
		for _, name := range []string{"new.toml", "ok.toml", "out.toml", "p.toml", "folder.toml"} {
			if err := within(t, func() error { return f.Create(name, []byte("y"), 0o644) }); !errors.Is(err, fs.ErrExist) || !strings.Contains(err.Error(), "a/b/"+name) {
				t.Errorf("Create(%s) = %v, want ErrExist naming it", name, err)
			}
		}
		if b, _ := os.ReadFile(secret); string(b) != "root:x:0:0" {
			t.Fatalf("the link's target was written: %q", b)
		}
		// A link replaced by a rename is gone; its target is not touched.
		os.Symlink(secret, p("ln.toml"))
		if err := f.Create("tmp", []byte("z = 1\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := f.Rename("tmp", "ln.toml"); err != nil {
			t.Fatal(err)
		}
		if fi, err := os.Lstat(p("ln.toml")); err != nil || !fi.Mode().IsRegular() {
			t.Errorf("ln.toml after the rename: %v, %v", fi, err)
		}
		if err := f.Rename("tmp", "x.toml"); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("Rename of a file gone = %v, want ErrNotExist", err)
		}
		os.Remove(p("ln.toml"))
		os.Symlink(secret, p("ln.toml"))
		if err := f.Remove("ln.toml"); err != nil {
			t.Fatal(err)
		}
		if _, err := os.Lstat(p("ln.toml")); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("the link was not removed: %v", err)
		}
		if b, _ := os.ReadFile(secret); string(b) != "root:x:0:0" {
			t.Errorf("the link's target changed: %q", b)
		}
		if err := f.Remove("ln.toml"); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("Remove of a file gone = %v, want ErrNotExist", err)
		}
	})
}

// TestFolderClosed: a closed Folder refuses every operation.
func TestFolderClosed(t *testing.T) {
	dir, _ := folderTree(t)
	both(t, dir, func(t *testing.T, d *Dir) {
		f, err := d.OpenFolder("a/b")
		if err != nil {
			t.Fatal(err)
		}
		f.Close()
		for _, name := range []string{"ok.toml", "."} {
			if _, err := f.Lstat(name); !errors.Is(err, fs.ErrClosed) {
				t.Errorf("Lstat(%s) after Close = %v", name, err)
			}
		}
		if _, err := f.ReadFileLimit("ok.toml", 100); !errors.Is(err, fs.ErrClosed) {
			t.Errorf("ReadFileLimit after Close = %v", err)
		}
		if err := f.Create("c.toml", nil, 0o644); !errors.Is(err, fs.ErrClosed) {
			t.Errorf("Create after Close = %v", err)
		}
	})
}

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

	"golang.org/x/sys/unix"
)

// fastDir opens dir and skips the test where the kernel has no openat2:
// the fast path is not taken there, and the portable tests cover it.
func fastDir(t *testing.T, dir string) *Dir {
	t.Helper()
	d := open(t, dir)
	if d.fd < 0 {
		t.Skip("no openat2 here: every read takes the portable way")
	}
	return d
}

// The fast path reads regular files itself and hands everything else to
// the portable way, whose errors say why: if it took a link or a FIFO
// for a file, the tests of ReadFile would not notice, since the
// portable way would refuse it again.
func TestReadFast(t *testing.T) {
	outside := t.TempDir()
	write(t, filepath.Join(outside, "secret"), "root:x:0:0")
	dir := t.TempDir()
	write(t, filepath.Join(dir, "a", "b", "ok.toml"), "name = 1")
	write(t, filepath.Join(dir, "top.toml"), "x = 2")
	write(t, filepath.Join(dir, "big.toml"), strings.Repeat("x", 100))
	os.Symlink(filepath.Join(outside, "secret"), filepath.Join(dir, "a", "out.toml"))
	os.Symlink(outside, filepath.Join(dir, "linkdir"))
	os.Symlink("a", filepath.Join(dir, "inlinkdir"))
	os.Symlink("/proc/self/environ", filepath.Join(dir, "environ.toml"))
	syscall.Mkfifo(filepath.Join(dir, "fifo.toml"), 0o644)
	os.Mkdir(filepath.Join(dir, "folder.toml"), 0o755)
	d := fastDir(t, dir)
	for _, tc := range []struct {
		name string
		ok   bool
	}{
		{"a/b/ok.toml", true},
		{"top.toml", true},
		{"big.toml", true},
		{"a/out.toml", false},
		{"linkdir/secret", false},
		{"inlinkdir/b/ok.toml", false},
		{"environ.toml", false},
		{"fifo.toml", false},
		{"folder.toml", false},
		{"missing.toml", false},
		{"../" + filepath.Base(outside) + "/secret", false},
	} {
		b, fi, ok := d.readFast(tc.name, nil, 100)
		if ok != tc.ok {
			t.Errorf("%s: read by the fast path: %v, want %v", tc.name, ok, tc.ok)
			continue
		}
		if !ok {
			continue
		}
		want, _ := os.ReadFile(filepath.Join(dir, tc.name))
		st, _ := os.Lstat(filepath.Join(dir, tc.name))
		if string(b) != string(want) || fi.Size() != st.Size() || !fi.ModTime().Equal(st.ModTime()) || !fi.Mode().IsRegular() {
			t.Errorf("%s: %q %d %v; want %q %d %v", tc.name, b, fi.Size(), fi.ModTime(), want, st.Size(), st.ModTime())
		}
	}
	if _, _, ok := d.readFast("big.toml", nil, 99); ok {
		t.Error("big.toml over its cap read by the fast path")
	}
	if _, ok, _ := d.readDirFast("linkdir"); ok {
		t.Error("linkdir listed by the fast path")
	}
	if _, ok, _ := d.readDirFast("inlinkdir/b"); ok {
		t.Error("inlinkdir/b listed by the fast path")
	}
	if es, ok, err := d.readDirFast("a/b"); !ok || err != nil || len(es) != 1 {
		t.Errorf("a/b: %v, %v, %v; want the fast path to list ok.toml", es, ok, err)
	}
}

// A file listed as regular is opened without a Lstat first; whatever
// replaced it since the listing is what decides. Each case lists the
// folder, swaps the file, then reads it by its listing entry.
func TestReadListedSwapped(t *testing.T) {
	outside := t.TempDir()
	write(t, filepath.Join(outside, "secret"), "root:x:0:0")
	swaps := []struct {
		name string
		swap func(path string) error
		want error  // nil: reads
		text string // what it reads
	}{
		{"unchanged", func(string) error { return nil }, nil, "name = 1"},
		{"rewritten in place", func(p string) error { return os.WriteFile(p, []byte("name = 22"), 0o644) }, nil, "name = 22"},
		{"replaced by another file", func(p string) error {
			if err := os.WriteFile(p+".new", []byte("name = 333"), 0o644); err != nil {
				return err
			}
			return os.Rename(p+".new", p)
		}, nil, "name = 333"},
		{"replaced by a link out", func(p string) error {
			os.Remove(p)
			return os.Symlink(filepath.Join(outside, "secret"), p)
		}, ErrSymlink, ""},
		{"replaced by a link in", func(p string) error {
			os.Remove(p)
			return os.Symlink("other.toml", p)
		}, ErrSymlink, ""},
		{"replaced by /dev/zero", func(p string) error {
			os.Remove(p)
			return os.Symlink("/dev/zero", p)
		}, ErrSymlink, ""},
		{"replaced by a FIFO", func(p string) error {
			os.Remove(p)
			return syscall.Mkfifo(p, 0o644)
		}, ErrNotRegular, ""},
		{"replaced by a folder", func(p string) error {
			os.Remove(p)
			return os.Mkdir(p, 0o755)
		}, ErrIsDir, ""},
		{"grown over the cap", func(p string) error { return os.WriteFile(p, []byte(strings.Repeat("x", 101)), 0o644) }, &TooLargeError{}, ""},
		{"removed", func(p string) error { return os.Remove(p) }, fs.ErrNotExist, ""},
		{"folder replaced by a link", func(p string) error {
			dir := filepath.Dir(p)
			if err := os.Rename(dir, dir+".old"); err != nil {
				return err
			}
			return os.Symlink(dir+".old", dir)
		}, ErrSymlink, ""},
	}
	for _, sw := range swaps {
		t.Run(sw.name, func(t *testing.T) {
			dir := t.TempDir()
			write(t, filepath.Join(dir, "people", "ann.toml"), "name = 1")
			write(t, filepath.Join(dir, "people", "other.toml"), "other = 1")
			d := fastDir(t, dir)
			es, err := d.ReadDir("people")
			if err != nil {
				t.Fatal(err)
			}
			entry := es[0]
			listed, _ := entry.Info()
			if entry.Name() != "ann.toml" || !listedRegular(entry) {
				t.Fatalf("listing gave %v, no fstatat of ann.toml", entry)
			}
			if err := sw.swap(filepath.Join(dir, "people", "ann.toml")); err != nil {
				t.Skip(err)
			}
			type result struct {
				b   []byte
				fi  fs.FileInfo
				err error
			}
			done := make(chan result, 1)
			go func() {
				b, fi, err := ReadListed(d, "people/ann.toml", entry, 100)
				done <- result{b, fi, err}
			}()
			var r result
			select {
			case r = <-done:
			case <-time.After(5 * time.Second):
				t.Fatal("the read hangs")
			}
			switch want := sw.want.(type) {
			case nil:
				if r.err != nil || string(r.b) != sw.text {
					t.Fatalf("got %q, %v; want %q", r.b, r.err, sw.text)
				}
				// The Stat is of the file read, for the decode cache
				// to key what it read, not what was listed.
				now, _ := os.Lstat(filepath.Join(dir, "people", "ann.toml"))
				if r.fi.Size() != now.Size() || !r.fi.ModTime().Equal(now.ModTime()) {
					t.Errorf("Stat %d %v, the file is %d %v", r.fi.Size(), r.fi.ModTime(), now.Size(), now.ModTime())
				}
				if sw.name == "replaced by another file" && ino(r.fi) == ino(listed) {
					t.Errorf("Stat of the file read has the listed inode %d", ino(listed))
				}
			case *TooLargeError:
				var tl *TooLargeError
				if !errors.As(r.err, &tl) {
					t.Errorf("got %q, %v; want too large", r.b, r.err)
				}
			default:
				if !errors.Is(r.err, want) {
					t.Errorf("got %q, %v; want %v", r.b, r.err, want)
				}
			}
		})
	}
}

func ino(fi fs.FileInfo) uint64 {
	if st, ok := fi.Sys().(*unix.Stat_t); ok {
		return st.Ino
	}
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		return st.Ino
	}
	return 0
}

// A FIFO the listing calls a FIFO is never opened: ReadListed refuses it
// by its listing, even with no writer ever coming.
func TestReadListedFIFO(t *testing.T) {
	dir := t.TempDir()
	if err := syscall.Mkfifo(filepath.Join(dir, "p.toml"), 0o644); err != nil {
		t.Skip(err)
	}
	d := open(t, dir)
	es, err := d.ReadDir(".")
	if err != nil || len(es) != 1 {
		t.Fatal(es, err)
	}
	done := make(chan error, 1)
	go func() {
		_, _, err := ReadListed(d, "p.toml", es[0], 100)
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
}

// Close while reads are under way: the root's descriptor is closed only
// once no read uses it, so its number cannot be handed to another
// folder's open and a read land there. Reads after Close fail.
func TestCloseWhileReading(t *testing.T) {
	dir := t.TempDir()
	write(t, filepath.Join(dir, "a", "x.toml"), "x = 1")
	d, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	stop := make(chan struct{})
	done := make(chan error, 4)
	for range 4 {
		go func() {
			for {
				select {
				case <-stop:
					done <- nil
					return
				default:
				}
				if b, err := d.ReadFileLimit("a/x.toml", 100); err == nil && string(b) != "x = 1" {
					done <- errors.New("read " + string(b))
					return
				}
			}
		}()
	}
	time.Sleep(20 * time.Millisecond)
	d.Close()
	if _, err := d.ReadFileLimit("a/x.toml", 100); err == nil {
		t.Error("read after Close")
	}
	close(stop)
	for range 4 {
		if err := <-done; err != nil {
			t.Error(err)
		}
	}
}

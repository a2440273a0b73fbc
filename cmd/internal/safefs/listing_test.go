package safefs

import (
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"testing"
	"time"
)

// TestReadDirSince: a listing kept stands for its folder while the
// folder's stamp is unchanged (on Linux, where listings are kept), and
// any change to the folder's names makes a new one; a folder changed
// within RacyWindow of the listing gets a zero stamp, never trusted.
func TestReadDirSince(t *testing.T) {
	later := time.Now().Add(time.Hour) // everything written here is trusted
	for _, tc := range []struct {
		name   string
		change func(dir string) error
		want   []string // names after the change; nil: as before, the listing reused
	}{
		{"unchanged", func(string) error { return nil }, nil},
		{"edit a file", func(dir string) error { return os.WriteFile(filepath.Join(dir, "a"), []byte("longer"), 0o644) }, nil},
		{"add", func(dir string) error { return os.WriteFile(filepath.Join(dir, "c"), nil, 0o644) }, []string{"a", "b", "c", "sub"}},
		{"remove", func(dir string) error { return os.Remove(filepath.Join(dir, "b")) }, []string{"a", "sub"}},
		{"rename", func(dir string) error { return os.Rename(filepath.Join(dir, "b"), filepath.Join(dir, "bb")) }, []string{"a", "bb", "sub"}},
		{"link swapped in", func(dir string) error {
			if err := os.Symlink("a", filepath.Join(dir, "tmp")); err != nil {
				return err
			}
			return os.Rename(filepath.Join(dir, "tmp"), filepath.Join(dir, "b"))
		}, []string{"a", "b", "sub"}},
		{"time set back", func(dir string) error {
			fi, err := os.Stat(dir)
			if err != nil {
				return err
			}
			if err := os.WriteFile(filepath.Join(dir, "c"), nil, 0o644); err != nil {
				return err
			}
			return os.Chtimes(dir, fi.ModTime(), fi.ModTime())
		}, []string{"a", "b", "c", "sub"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			root := t.TempDir()
			dir := filepath.Join(root, "d")
			os.MkdirAll(filepath.Join(dir, "sub"), 0o755)
			os.WriteFile(filepath.Join(dir, "a"), []byte("a"), 0o644)
			os.WriteFile(filepath.Join(dir, "b"), []byte("b"), 0o644)
			d, err := Open(root)
			if err != nil {
				t.Fatal(err)
			}
			defer d.Close()
			_, first, err := d.ReadDirSince("d", nil, later)
			if err != nil {
				t.Fatal(err)
			}
			if runtime.GOOS != "linux" {
				if first.Stamp != (Stamp{}) {
					t.Fatal("a listing kept where there is no fast path")
				}
				return
			}
			if first.Stamp == (Stamp{}) {
				t.Fatal("no stamp for a folder an hour old")
			}
			if err := tc.change(dir); err != nil {
				t.Fatal(err)
			}
			es, next, err := d.ReadDirSince("d", first, later)
			if err != nil {
				t.Fatal(err)
			}
			var names []string
			for _, e := range es {
				names = append(names, e.Name())
				if e.Type().IsRegular() {
					fi, err := e.Info()
					if err != nil {
						t.Fatal(err)
					}
					if disk, _ := os.Lstat(filepath.Join(dir, e.Name())); fi.Size() != disk.Size() {
						t.Errorf("%s: size %d listed, %d on disk", e.Name(), fi.Size(), disk.Size())
					}
				}
				if e.Name() == "b" && tc.name == "link swapped in" && e.Type()&os.ModeSymlink == 0 {
					t.Errorf("b listed as %v, want a link", e.Type())
				}
			}
			switch {
			case tc.want == nil && next != first:
				t.Errorf("listed again, want the listing kept: %v", names)
			case tc.want == nil && !slices.Equal(names, first.Names):
				t.Errorf("names %v, want %v", names, first.Names)
			case tc.want != nil && (next == first || !slices.Equal(names, tc.want) || !slices.Equal(next.Names, tc.want)):
				t.Errorf("names %v (listing %v), want %v", names, next.Names, tc.want)
			}
		})
	}
	t.Run("racy", func(t *testing.T) {
		root := t.TempDir()
		os.Mkdir(filepath.Join(root, "d"), 0o755)
		d, err := Open(root)
		if err != nil {
			t.Fatal(err)
		}
		defer d.Close()
		if _, l, _ := d.ReadDirSince("d", nil, time.Now()); l.Stamp != (Stamp{}) {
			t.Error("a folder changed just now has a stamp")
		}
	})
}

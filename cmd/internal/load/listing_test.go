package load

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

// TestListingCache: a warm load takes an unchanged folder's names from
// the cache (safefs.Listing), and every change to a folder or its files
// is seen all the same: each case is loaded with a primed cache and
// without one, which must agree (same compares them), after an edit, a
// folder changed and its time set back, a file added, removed, renamed,
// or replaced by a link or a folder, and a folder replaced by a link.
func TestListingCache(t *testing.T) {
	// Everything written here is minutes old by this clock, so that the
	// cache trusts it: what is tested is the stamps, not the racy window.
	defer func(c func() time.Time) { clock = c }(clock)
	clock = func() time.Time { return time.Now().Add(time.Hour) }

	for _, tc := range []struct {
		name   string
		change func(t *testing.T, root string)
	}{
		{"unchanged", func(t *testing.T, root string) {}},
		{"edit", func(t *testing.T, root string) {
			write(t, root, "partners/a/people/y.toml", "name = \"Yvonne\"\nemail = \"y@example.com\"\n")
		}},
		{"edit, same size and time", func(t *testing.T, root string) {
			// The folder is as it was: the file's own time and size
			// decide, as the decode cache documents (here they differ:
			// a new time).
			write(t, root, "partners/a/people/y.toml", "name = \"Z\"\n")
		}},
		{"touch the folder back", func(t *testing.T, root string) {
			dir := filepath.Join(root, "partners/a/people")
			fi, err := os.Stat(dir)
			if err != nil {
				t.Fatal(err)
			}
			write(t, root, "partners/a/people/w.toml", "name = \"W\"\n")
			if err := os.Chtimes(dir, fi.ModTime(), fi.ModTime()); err != nil {
				t.Fatal(err)
			}
			if now, _ := os.Stat(dir); !now.ModTime().Equal(fi.ModTime()) {
				t.Fatal("the folder's time was not set back")
			}
		}},
		{"add", func(t *testing.T, root string) {
			write(t, root, "partners/a/people/w.toml", "name = \"W\"\n")
		}},
		{"add a partner", func(t *testing.T, root string) {
			write(t, root, "partners/c/partner.md", "+++\nname = \"C\"\n+++\n")
		}},
		{"remove", func(t *testing.T, root string) {
			must(t, os.Remove(filepath.Join(root, "partners/a/people/y.toml")))
		}},
		{"rename", func(t *testing.T, root string) {
			dir := filepath.Join(root, "partners/a/people")
			must(t, os.Rename(filepath.Join(dir, "y.toml"), filepath.Join(dir, "v.toml")))
		}},
		{"link swapped in", func(t *testing.T, root string) {
			p := filepath.Join(root, "partners/a/people/y.toml")
			must(t, os.Remove(p))
			must(t, os.Symlink("x.toml", p))
		}},
		{"link swapped in by rename", func(t *testing.T, root string) {
			dir := filepath.Join(root, "partners/a/people")
			must(t, os.Symlink("x.toml", filepath.Join(dir, "tmp")))
			must(t, os.Rename(filepath.Join(dir, "tmp"), filepath.Join(dir, "y.toml")))
		}},
		{"folder in place of a file", func(t *testing.T, root string) {
			p := filepath.Join(root, "partners/a/people/y.toml")
			must(t, os.Remove(p))
			must(t, os.Mkdir(p, 0o755))
		}},
		{"folder replaced by a link", func(t *testing.T, root string) {
			p := filepath.Join(root, "partners/a/people")
			must(t, os.RemoveAll(p))
			must(t, os.Symlink("../b/people", p))
		}},
		{"partner folder replaced", func(t *testing.T, root string) {
			must(t, os.Rename(filepath.Join(root, "partners/a"), filepath.Join(root, "old-a")))
			must(t, os.Rename(filepath.Join(root, "partners/b"), filepath.Join(root, "partners/a")))
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			root := t.TempDir()
			write(t, root, "programs/program.toml", "[program]\nname = \"P\"\n")
			for _, pa := range []string{"a", "b"} {
				write(t, root, "partners/"+pa+"/partner.md", "+++\nname = \"Partner "+pa+"\"\n+++\nAbout.\n")
				write(t, root, "partners/"+pa+"/people/x.toml", "name = \"X of "+pa+"\"\n")
				write(t, root, "partners/"+pa+"/people/y.toml", "name = \"Y of "+pa+"\"\n")
			}
			cache := filepath.Join(t.TempDir(), "cache")
			same(t, root, cache, "cold")
			same(t, root, cache, "warm")
			// The warm load kept the folders' listings: the case is
			// not vacuous.
			c := OpenCache(cache, []byte("differential"))
			c.wait()
			for _, dir := range []string{"partners", "partners/a", "partners/a/people"} {
				if l := c.oldLists[dir]; l == nil || len(l.Names) == 0 {
					t.Fatalf("no listing of %s kept", dir)
				}
			}
			tc.change(t, root)
			same(t, root, cache, tc.name)
			same(t, root, cache, tc.name+", warm")
		})
	}
}

func write(t *testing.T, root, rel, data string) {
	t.Helper()
	p := filepath.Join(root, filepath.FromSlash(rel))
	must(t, os.MkdirAll(filepath.Dir(p), 0o755))
	must(t, os.WriteFile(p, []byte(data), 0o644))
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

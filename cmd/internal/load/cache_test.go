package load

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/accredit/accredit/cmd/internal/program"
	"github.com/accredit/accredit/cmd/internal/safefs"
)

// TestCacheStat: a warm load takes an unchanged file from the cache by its
// size and time, with positions still right when asked for; an edited
// file, or one changed too recently to trust its time, is read again.
func TestCacheStat(t *testing.T) {
	root := t.TempDir()
	write := func(rel, data string, age time.Duration) {
		p := filepath.Join(root, filepath.FromSlash(rel))
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
		mt := time.Now().Add(-age)
		os.Chtimes(p, mt, mt)
	}
	old := time.Hour
	write("programs/program.toml", "[program]\nname = \"P\"\n", old)
	write("partners/a/partner.md", "+++\nname = \"A\"\n+++\nAbout A.\n", old)
	write("partners/a/people/x.toml", "name = \"X\"\n\n[[exams]]\nexam = \"e\"\n", old)
	write("partners/a/people/y.toml", "name = \"Y\"\n", old)
	write("partners/a/people/z.toml", "name = \"Z\"\n", 0) // racy: just written

	path := filepath.Join(t.TempDir(), "cache")
	salt := []byte("test")
	load := func() map[string]string {
		t.Helper()
		return loadCached(t, root, path)
	}
	load() // cold
	c := OpenCache(path, salt)
	c.wait()
	for rel, want := range map[string]bool{
		"partners/a/people/x.toml": true,
		"partners/a/partner.md":    true,
		"partners/a/people/z.toml": false, // its time was too recent to record
	} {
		if got := c.old[rel].stat != (fileStat{}); got != want {
			t.Errorf("%s: stat recorded = %v, want %v", rel, got, want)
		}
	}

	// Warm: unchanged files come from the cache by their stat, unread
	// (positions read them when asked). To show y is not read, it is
	// rewritten with its size and time kept: the cache still says Y, the
	// documented limit of the check.
	y := filepath.Join(root, "partners/a/people/y.toml")
	fi, _ := os.Stat(y)
	write("partners/a/people/y.toml", "name = \"V\"\n", 0)
	os.Chtimes(y, fi.ModTime(), fi.ModTime())
	if got := load(); got["x"] != "X" || got["a"] != "A" || got["y"] != "Y" {
		t.Errorf("warm load: %v, want y still Y, from the cache", got)
	}

	// An edit of the same size and a new time is seen.
	write("partners/a/people/y.toml", "name = \"W\"\n", 30*time.Minute)
	if got := load(); got["y"] != "W" {
		t.Errorf("after an edit of y: %v", got)
	}
}

// loadCached loads the program at root (a partner "a" whose partner.md
// has its name on line 2, and a person "x" whose first exam's exam key is
// on line 4) with the decode cache at path, and saves the cache. It
// returns every partner's and person's name; the positions, read or
// served from the cache, must be right.
func loadCached(t *testing.T, root, path string) map[string]string {
	t.Helper()
	c := OpenCache(path, []byte("test"))
	p, _, err := LoadWith(root, Options{Cache: c})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Save(); err != nil {
		t.Fatal(err)
	}
	names := map[string]string{}
	for _, pa := range p.Partners {
		names[pa.ID] = pa.Name
		for _, pe := range pa.People {
			names[pe.ID] = pe.Name
			if pe.ID == "x" {
				if pos := pe.Src.At("exams[0].exam"); pos.Line != 4 {
					t.Errorf("x: exams[0].exam at %+v, want line 4", pos)
				}
			}
		}
		if pos := pa.Src.At("name"); pos.Line != 2 {
			t.Errorf("partner: name at %+v, want line 2", pos)
		}
	}
	return names
}

// A file changed between its folder's listing and its read is cached by
// the Stat of what was read: the entry then matches the file as it is,
// and the next load takes it from the cache rather than reading it
// again (or, were it keyed by the listing, never matching at all).
func TestCacheKeysFileAsRead(t *testing.T) {
	root := t.TempDir()
	old := time.Now().Add(-time.Hour)
	write := func(rel, data string) {
		p := filepath.Join(root, filepath.FromSlash(rel))
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
		os.Chtimes(p, old, old)
	}
	write("programs/program.toml", "[program]\nname = \"P\"\n")
	write("partners/a/partner.md", "+++\nname = \"A\"\n+++\nAbout A.\n")
	write("partners/a/people/y.toml", "name = \"Y\"\n")

	path := filepath.Join(t.TempDir(), "cache")
	salt := []byte("test")
	d, err := safefs.Open(root)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	c := OpenCache(path, salt)
	l := &loader{fsys: d, prog: &program.Program{Root: root}, cache: c, disk: true, now: time.Now()}
	jobs, err := l.plan()
	if err != nil {
		t.Fatal(err)
	}
	const edited = "name = \"Yvonne\"\n"
	write("partners/a/people/y.toml", edited) // after the listing
	l.run(jobs)
	l.assemble(jobs)
	if got := l.prog.Partners[0].People[0].Name; got != "Yvonne" {
		t.Fatalf("read %q, want the file as it is", got)
	}
	if err := c.Save(); err != nil {
		t.Fatal(err)
	}
	c = OpenCache(path, salt)
	c.wait()
	if got := c.old["partners/a/people/y.toml"].stat; got.size != int64(len(edited)) {
		t.Errorf("cached with size %d, want %d: the file as read", got.size, len(edited))
	}
}

package record

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"
)

func write(t *testing.T, root string, files map[string]string) {
	t.Helper()
	for rel, data := range files {
		p := filepath.Join(root, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// makeOld sets a people folder's time in the past, as if it had not
// changed for a while.
func makeOld(t *testing.T, root, partner string) {
	old := time.Now().Add(-time.Hour).Truncate(time.Second).Add(123)
	if err := os.Chtimes(filepath.Join(root, "partners", partner, "people"), old, old); err != nil {
		t.Fatal(err)
	}
}

func TestIndex(t *testing.T) {
	root := t.TempDir()
	cache := filepath.Join(t.TempDir(), "idx")
	write(t, root, map[string]string{
		"partners/a/people/x.toml": "name = \"X\"\nemail = \"X@Example.com\"\n",
		"partners/a/people/y.toml": "name = \"Y\"\nemail = \"\"\"shared@example.com\"\"\"\n",
		"partners/b/people/z.toml": "name = \"Z\"\nemail = 'shared@example.com'\n[[certifications]]\nid = \"GPMS-7VMY-E8VW\"\n" +
			"[[certifications]]\nid = \"MJNR-BH8H-PZ1C\"\nrenews = \"GPMS-7VMY-E8VW\"\nnote = \"TYFE-HT34-3Q9C\" # a bad check symbol\n",
		"partners/b/people/n.toml":       "name = \"No e-mail\"\n",
		"partners/b/people/.t.toml":      "email = \"temp@example.com\"\n",
		"partners/c/partner.md":          "+++\n+++\n",
		"partners/\"odd\"/people/q.toml": "email = \"odd@example.com\"\n",
	})
	makeOld(t, root, "a")
	makeOld(t, root, "b")
	x, err := BuildIndex(root, cache, true)
	if err != nil {
		t.Fatal(err)
	}
	check := func(x *Index, email string, want ...string) {
		t.Helper()
		if got := x.ByEmail(email); !slices.Equal(got, want) {
			t.Errorf("ByEmail(%s) = %v, want %v", email, got, want)
		}
	}
	check(x, "x@example.com", "partners/a/people/x.toml")
	check(x, "SHARED@example.com", "partners/a/people/y.toml", "partners/b/people/z.toml")
	check(x, "temp@example.com")
	check(x, "odd@example.com", `partners/"odd"/people/q.toml`)
	if got := x.ByCredential("MJNR-BH8H-PZ1C"); !slices.Equal(got, []string{"partners/b/people/z.toml"}) {
		t.Errorf("ByCredential = %v", got)
	}
	if got := x.ByCredential("GPMS-7VMY-E8VW"); len(got) != 1 || x.ByCredential("TYFE-HT34-3Q9C") != nil || x.ByEmail("GPMS-7VMY-E8VW") != nil {
		t.Errorf("ByCredential of a renewed id = %v; a bad id or an id as e-mail must find nothing", got)
	}
	if fi, err := os.Stat(cache); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("the stored index holds private e-mails: %v, %v", fi.Mode(), err)
	}

	// A file rewritten in place leaves its folder's time alone: the stored
	// entry is used (the importer catches this when it reads the file).
	write(t, root, map[string]string{"partners/a/people/x.toml": "name = \"X\"\nemail = \"new@example.com\"\n"})
	makeOld(t, root, "a")
	x, _ = BuildIndex(root, cache, true)
	check(x, "x@example.com", "partners/a/people/x.toml")
	check(x, "new@example.com")
	// Without reuse every file is read.
	x, _ = BuildIndex(root, cache, false)
	check(x, "new@example.com", "partners/a/people/x.toml")
	// A file added changes the folder's time: the folder is read again.
	write(t, root, map[string]string{"partners/b/people/w.toml": "email = \"w@example.com\"\n"})
	x, _ = BuildIndex(root, cache, true)
	check(x, "w@example.com", "partners/b/people/w.toml")
	// A damaged cache is an empty one.
	os.WriteFile(cache, []byte(indexMagic+"\nP \"x\" \"y\"\n"), 0o644)
	if len(readIndex(cache)) != 0 {
		t.Error("a damaged index was read")
	}
}

// FuzzReadIndex: a stored index that is damaged in any way reads as some
// index or an empty one, never a panic; what save writes reads back.
func FuzzReadIndex(f *testing.F) {
	f.Add(indexMagic+"\nD 1795325766572582564 \"acme\"\nP \"ann.toml\" \"ann@acme.example\" GPMS-7VMY-E8VW\n", "we\"ird\tname", "é@x")
	f.Add(indexMagic+"\nP \"x\" \"y\"\n", "a", "b")
	f.Fuzz(func(t *testing.T, stored, name, email string) {
		path := filepath.Join(t.TempDir(), "idx")
		os.WriteFile(path, []byte(stored), 0o600)
		readIndex(path)
		x := &Index{dirs: map[string]dirEntry{name: {mtime: 42, people: []personEntry{{name + ".toml", email, []string{"GPMS-7VMY-E8VW"}}}}}}
		if err := x.save(path); err != nil {
			t.Fatal(err)
		}
		got := readIndex(path)[name]
		if got.mtime != 42 || len(got.people) != 1 || got.people[0].email != email || got.people[0].file != name+".toml" || !slices.Equal(got.people[0].ids, []string{"GPMS-7VMY-E8VW"}) {
			t.Fatalf("read back %+v", got)
		}
	})
}

// TestTouched: after an import renamed files in people folders, Touched
// stores each folder's new time once (the partners named as often as
// files were written), so that the next run reads none of them again;
// a partner the index does not know is not added.
func TestTouched(t *testing.T) {
	root := t.TempDir()
	cache := filepath.Join(t.TempDir(), "idx")
	write(t, root, map[string]string{
		"partners/a/people/x.toml": "email = \"x@example.com\"\n",
		"partners/a/people/y.toml": "email = \"y@example.com\"\n",
		"partners/b/people/z.toml": "email = \"z@example.com\"\n",
	})
	makeOld(t, root, "a")
	makeOld(t, root, "b")
	x, err := BuildIndex(root, cache, true)
	if err != nil {
		t.Fatal(err)
	}
	// An import's writes: renamed over, which changes the folder's time.
	for _, rel := range []string{"partners/a/people/x.toml", "partners/a/people/y.toml"} {
		p := filepath.Join(root, filepath.FromSlash(rel))
		os.WriteFile(p+".tmp", []byte("email = \"changed@example.com\"\n"), 0o644)
		os.Rename(p+".tmp", p)
	}
	// As if the write was a while ago (a time to keep), and not the time
	// the index stored.
	later := time.Now().Add(-time.Minute).Truncate(time.Second).Add(456)
	if err := os.Chtimes(filepath.Join(root, "partners", "a", "people"), later, later); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(filepath.Join(root, "partners", "a", "people"))
	if err != nil {
		t.Fatal(err)
	}
	before := readIndex(cache)["b"]
	x.Touched([]string{"a", "a", "zzz", "a"}, cache)
	stored := readIndex(cache)
	if got := stored["a"].mtime; got != fi.ModTime().UnixNano() {
		t.Errorf("partner a stored with time %d, want the folder's %d", got, fi.ModTime().UnixNano())
	}
	if got := stored["b"]; got.mtime != before.mtime || len(got.people) != 1 {
		t.Errorf("partner b, untouched, changed: %+v, was %+v", got, before)
	}
	if _, ok := stored["zzz"]; ok {
		t.Error("a partner the index does not know was added")
	}
	// The next run trusts the stored entry: the e-mails the importer did
	// not change are still found without reading the folder.
	x, err = BuildIndex(root, cache, true)
	if err != nil {
		t.Fatal(err)
	}
	if got := x.ByEmail("x@example.com"); !slices.Equal(got, []string{"partners/a/people/x.toml"}) {
		t.Errorf("ByEmail after Touched = %v: the folder was read again", got)
	}
}

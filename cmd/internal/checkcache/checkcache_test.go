package checkcache

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"slices"
	"testing"
	"time"

	"github.com/accredit/accredit/cmd/internal/diag"
	"github.com/accredit/accredit/cmd/internal/safefs"
)

func TestSaveLoad(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x.check")
	r := Result{Files: 3, Diags: []diag.Diagnostic{{File: "a.toml", Line: 2, Col: 1, Severity: diag.Warning, Rule: "expiring", Msg: "m", Cause: "c"}},
		Partners: []Partner{{ID: "acme", Files: 2, Held: []string{"A", "B"}, Named: []string{"A"}}, {ID: "empty", Files: 1}},
		AsOf:     "2026-11-22",
		Later: []Day{{AsOf: "2026-11-23", Diags: []diag.Diagnostic{{File: "a.toml", Line: 2, Col: 1, Severity: diag.Warning, Rule: "expiring", Msg: "n"}}},
			{AsOf: "2026-11-24", Diags: []diag.Diagnostic{}}},
		Undated: []diag.Diagnostic{{File: "b.toml", Line: 1, Col: 1, Severity: diag.Error, Rule: "duplicate-id", Msg: "u"}}}
	m := &Manifest{Absent: []string{"layouts"}, Folders: []Folder{{Path: "programs", Listing: &safefs.Listing{Stamp: safefs.Stamp{Dev: 1, Ino: 2, Mtime: -3, Ctime: 4}, Names: []string{"a", "b"}, Types: []fs.FileMode{0, fs.ModeDir}}, Files: []Stamp{{Size: 1, Mtime: 2, Ctime: 3, Ino: 4}}, Blobs: []Blob{{1, 2, 19: 3}}}}}
	if err := Save(path, []byte("key"), r, m); err != nil {
		t.Fatal(err)
	}
	r2, m2, ok := Load(path, []byte("key"))
	if !ok || !reflect.DeepEqual(r, r2) || !reflect.DeepEqual(m, m2) {
		t.Fatalf("Load = %v %+v %+v", ok, r2, m2)
	}
	if _, _, ok := Load(path, []byte("other")); ok {
		t.Error("loaded under another key")
	}
	for _, tc := range []struct {
		day  string
		msg  string
		have bool
	}{{"2026-11-22", "m", true}, {"2026-11-23", "n", true}, {"2026-11-24", "", true}, {"2026-11-25", "", false}, {"2026-11-21", "", false}} {
		ds, ok := r2.On(tc.day)
		if ok != tc.have || ok && tc.msg != "" && (len(ds) != 1 || ds[0].Msg != tc.msg) || ok && tc.msg == "" && len(ds) != 0 {
			t.Errorf("On(%s) = %v, %v", tc.day, ds, ok)
		}
	}
}

// later is a time past the racy window of files written by the tests.
func later() time.Time { return time.Now().Add(2 * safefs.RacyWindow) }

func write(t *testing.T, path, data string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}

// tree writes a small program tree and returns its root.
func tree(t *testing.T) string {
	root := t.TempDir()
	write(t, filepath.Join(root, "programs", "program.toml"), "[program]\n")
	write(t, filepath.Join(root, "programs", "tracks", "sales.toml"), "name = \"Sales\"\n")
	write(t, filepath.Join(root, "partners", "acme", "partner.md"), "+++\nname = \"Acme\"\n+++\n")
	write(t, filepath.Join(root, "partners", "acme", "people", "ann.toml"), "name = \"Ann\"\n")
	write(t, filepath.Join(root, "partners", "acme", "people", "bob.toml"), "name = \"Bob\"\n")
	write(t, filepath.Join(root, "content", "about.md"), "# About\n")
	return root
}

// TestRefresh: every kind of change to the trees is seen, and nothing
// else is.
func TestRefresh(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("stamps are read on Linux only")
	}
	people := filepath.Join("partners", "acme", "people")
	for _, tc := range []struct {
		name   string
		change func(t *testing.T, root string)
	}{
		{"nothing", nil},
		// The same bytes written again: another inode and times, but
		// what the file holds, hashed, is what it held.
		{"rewritten the same", func(t *testing.T, root string) {
			p := filepath.Join(root, people, "ann.toml")
			write(t, p+".tmp", "name = \"Ann\"\n")
			os.Rename(p+".tmp", p)
		}},
		{"edit in place, same size, time set back", func(t *testing.T, root string) {
			p := filepath.Join(root, people, "ann.toml")
			fi, _ := os.Stat(p)
			write(t, p, "name = \"Anx\"\n")
			os.Chtimes(p, fi.ModTime(), fi.ModTime())
		}},
		{"edit by rename", func(t *testing.T, root string) {
			p := filepath.Join(root, people, "ann.toml")
			write(t, p+".tmp", "name = \"Ana\"\n")
			os.Rename(p+".tmp", p)
		}},
		{"file added", func(t *testing.T, root string) { write(t, filepath.Join(root, people, "cat.toml"), "name = \"Cat\"\n") }},
		{"file removed", func(t *testing.T, root string) { os.Remove(filepath.Join(root, people, "bob.toml")) }},
		{"file renamed", func(t *testing.T, root string) {
			os.Rename(filepath.Join(root, people, "bob.toml"), filepath.Join(root, people, "rob.toml"))
		}},
		{"link swapped in", func(t *testing.T, root string) {
			p := filepath.Join(root, people, "bob.toml")
			os.Remove(p)
			os.Symlink(filepath.Join(root, people, "ann.toml"), p)
		}},
		{"folder added", func(t *testing.T, root string) { os.Mkdir(filepath.Join(root, "partners", "beta"), 0o755) }},
		{"folder removed", func(t *testing.T, root string) { os.RemoveAll(filepath.Join(root, "programs", "tracks")) }},
		{"tree appears", func(t *testing.T, root string) { write(t, filepath.Join(root, "layouts", "base.html"), "x") }},
		{"tree removed", func(t *testing.T, root string) { os.RemoveAll(filepath.Join(root, "content")) }},
		{"tree becomes a link", func(t *testing.T, root string) {
			os.RemoveAll(filepath.Join(root, "content"))
			os.Symlink(t.TempDir(), filepath.Join(root, "content"))
		}},
		{"deep file edited", func(t *testing.T, root string) {
			write(t, filepath.Join(root, "programs", "tracks", "sales.toml"), "name = \"Sales!\"\n")
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			root := tree(t)
			m, ok := Take(root, later(), nil, false)
			if !ok {
				t.Fatal("Take: not ok")
			}
			if tc.change != nil {
				tc.change(t, root)
			}
			next, same, ok := m.Refresh(root, later())
			if want := tc.change == nil || tc.name == "rewritten the same"; same != want {
				t.Fatalf("Refresh: same = %v, want %v", same, want)
			}
			if tc.name == "tree becomes a link" {
				if ok {
					t.Fatal("Refresh through a link: ok")
				}
				return
			}
			if !ok {
				t.Fatal("Refresh: not ok")
			}
			// The new manifest stands for the tree as it is now.
			if _, same, _ := next.Refresh(root, later()); !same {
				t.Error("the refreshed manifest does not match its own tree")
			}
		})
	}
}

// TestRacy: a manifest taken while a file had just changed cannot vouch
// for it by its stamp, which a second change in the same clock tick could
// leave as it is. A few files are hashed: the manifest keeps what they
// hold, and no stamp, and the next walk hashes them again. Past a few,
// with no git index to say what they hold, it is not kept.
func TestRacy(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("stamps are read on Linux only")
	}
	root := tree(t)
	m, ok := Take(root, time.Now(), nil, false)
	if !ok {
		t.Fatal("Take: not ok, with every file hashed")
	}
	for _, f := range m.Folders {
		for k, st := range f.Files {
			if st != (Stamp{}) || f.blob(k) == (Blob{}) {
				t.Errorf("%s: file %d kept as %+v, blob %x; want no stamp, its blob", f.Path, k, st, f.blob(k))
			}
		}
	}
	// Edited in place, same size, time set back: hashed again.
	p := filepath.Join(root, "partners", "acme", "people", "ann.toml")
	fi, _ := os.Stat(p)
	write(t, p, "name = \"Anx\"\n")
	os.Chtimes(p, fi.ModTime(), fi.ModTime())
	if _, same, _ := m.Refresh(root, time.Now()); same {
		t.Error("an edit within the racy window went unseen")
	}

	for i := range fewAsks {
		write(t, filepath.Join(root, "content", fmt.Sprintf("page-%03d.md", i)), "# Page\n")
	}
	if _, ok := Take(root, time.Now(), nil, false); ok {
		t.Errorf("Take vouched for %d files written just now, with no index", fewAsks+6)
	}
}

// TestDamaged: a cache file cut short or altered anywhere is a miss,
// never a panic.
func TestDamaged(t *testing.T) {
	root := tree(t)
	m, ok := Take(root, later(), nil, false)
	if !ok {
		t.Skip("no stamps here")
	}
	path := filepath.Join(t.TempDir(), "x.check")
	r := Result{Files: 6, Diags: []diag.Diagnostic{{File: "a", Line: 1, Col: 1, Rule: "r", Msg: "m"}}}
	if err := Save(path, []byte("k"), r, m); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(path)
	for i := range data {
		for _, cut := range []bool{true, false} {
			b := slices.Clone(data)
			if cut {
				b = b[:i]
			} else {
				b[i] ^= 0xff
			}
			os.WriteFile(path, b, 0o644)
			if r2, m2, ok := Load(path, []byte("k")); ok && cut {
				t.Fatalf("loaded a file cut at %d", i)
			} else if ok && reflect.DeepEqual(r2, r) && reflect.DeepEqual(m2, m) {
				t.Fatalf("byte %d altered, same result", i)
			}
		}
	}
}

// TestEveryDiagnosticField: a field added to diag.Diagnostic and not to
// the file would print a result short of it.
func TestEveryDiagnosticField(t *testing.T) {
	var d diag.Diagnostic
	v := reflect.ValueOf(&d).Elem()
	for i := range v.NumField() {
		switch f := v.Field(i); f.Kind() {
		case reflect.String:
			f.SetString("field " + v.Type().Field(i).Name)
		case reflect.Int:
			f.SetInt(int64(i + 1))
		default:
			t.Fatalf("diag.Diagnostic.%s is a %s: teach Save and Load", v.Type().Field(i).Name, f.Kind())
		}
	}
	path := filepath.Join(t.TempDir(), "x.check")
	r := Result{Files: 1, Diags: []diag.Diagnostic{d}}
	if err := Save(path, nil, r, &Manifest{}); err != nil {
		t.Fatal(err)
	}
	if r2, _, ok := Load(path, nil); !ok || !reflect.DeepEqual(r2, r) {
		t.Errorf("Load = %v, %+v, want %+v", ok, r2, r)
	}
}

// FuzzLoad: any file is a result or a miss, never a panic, and what is
// loaded saves and loads back the same.
func FuzzLoad(f *testing.F) {
	dir := f.TempDir()
	path := filepath.Join(dir, "seed.check")
	m := &Manifest{Absent: []string{"layouts"}, Folders: []Folder{{Path: "partners", Listing: &safefs.Listing{Names: []string{"a"}, Types: []fs.FileMode{0}}, Files: []Stamp{{Size: 1}}, Blobs: []Blob{{7}}}}}
	r := Result{Files: 2, Diags: []diag.Diagnostic{{File: "f", Msg: "m"}},
		Partners: []Partner{{ID: "acme", Files: 3, Held: []string{"A", "B"}, Named: []string{"A"}}, {ID: "b"}},
		AsOf:     "2026-11-22", Later: []Day{{AsOf: "2026-11-23", Diags: []diag.Diagnostic{{File: "f", Msg: "n"}}}}}
	if err := Save(path, []byte("k"), r, m); err != nil {
		f.Fatal(err)
	}
	seed, _ := os.ReadFile(path)
	f.Add(seed)
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		in := filepath.Join(t.TempDir(), "x.check")
		os.WriteFile(in, data, 0o600)
		r, m, ok := Load(in, []byte("k"))
		if !ok {
			return
		}
		out := filepath.Join(t.TempDir(), "y.check")
		if err := Save(out, []byte("k"), r, m); err != nil {
			t.Fatal(err)
		}
		if r2, m2, ok := Load(out, []byte("k")); !ok || !reflect.DeepEqual(r2, r) || !reflect.DeepEqual(m2, m) {
			t.Fatalf("saved back, loaded as %v %+v %+v, want %+v %+v", ok, r2, m2, r, m)
		}
	})
}

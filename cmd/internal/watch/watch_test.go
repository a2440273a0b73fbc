package watch

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"
)

func TestIgnored(t *testing.T) {
	for _, tc := range []struct {
		name string
		want bool
	}{
		{"ann.toml", false},
		{"partner.md", false},
		{"4913", true},
		{".ann.toml.swp", true},
		{"ann.toml.swp", true},
		{".#ann.toml", true},
		{"#ann.toml#", true},
		{"ann.toml~", true},
		{".git", true},
		{"ann.toml.tmp", true},
		{"ann.toml___jb_tmp___", true},
		{"ann#1.toml", false},
		{"49130", false},
	} {
		if got := Ignored(tc.name); got != tc.want {
			t.Errorf("Ignored(%q) = %v, want %v", tc.name, got, tc.want)
		}
	}
}

// start watches a fresh tree holding partners/acme/people/ann.toml.
func start(t *testing.T) (string, *Watcher) {
	t.Helper()
	root := t.TempDir()
	write(t, root, "partners/acme/people/ann.toml", "name = \"Ann\"\n")
	w, err := New(root, []string{"programs", "partners", "content", "layouts"}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { w.Close() })
	return root, w
}

func write(t *testing.T, root, rel, data string) {
	t.Helper()
	p := filepath.Join(root, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}

// next collects batches until every wanted path was seen, and fails on a
// path not wanted or after a timeout.
func next(t *testing.T, w *Watcher, want ...string) {
	t.Helper()
	seen := map[string]bool{}
	deadline := time.After(5 * time.Second)
	for len(seen) < len(want) {
		select {
		case b, ok := <-w.C:
			if !ok {
				t.Fatal("watcher closed")
			}
			for _, p := range b {
				if !slices.Contains(want, p) {
					t.Fatalf("batch %q holds %q, want only %q", b, p, want)
				}
				seen[p] = true
			}
		case <-deadline:
			t.Fatalf("saw %v, want %q", seen, want)
		}
	}
}

// quiet fails when a batch arrives within a while.
func quiet(t *testing.T, w *Watcher) {
	t.Helper()
	select {
	case b := <-w.C:
		t.Fatalf("unexpected batch %q", b)
	case <-time.After(150 * time.Millisecond):
	}
}

func TestWatch(t *testing.T) {
	root, w := start(t)
	abs := func(rel string) string { return filepath.Join(root, filepath.FromSlash(rel)) }

	t.Run("write", func(t *testing.T) {
		write(t, root, "partners/acme/people/ann.toml", "name = \"Ann B\"\n")
		next(t, w, "partners/acme/people/ann.toml")
	})
	t.Run("create", func(t *testing.T) {
		write(t, root, "partners/acme/people/bob.toml", "name = \"Bob\"\n")
		next(t, w, "partners/acme/people/bob.toml")
	})
	t.Run("atomic rename-save", func(t *testing.T) {
		// What vim, VS Code and most tools do: write a temporary file,
		// rename it over the real one, then fix its mode.
		write(t, root, "partners/acme/people/.ann.toml.swp", "x")
		write(t, root, "partners/acme/people/4913", "")
		os.Remove(abs("partners/acme/people/4913"))
		write(t, root, "partners/acme/people/ann.toml.tmp", "name = \"Ann C\"\n")
		if err := os.Rename(abs("partners/acme/people/ann.toml.tmp"), abs("partners/acme/people/ann.toml")); err != nil {
			t.Fatal(err)
		}
		os.Chmod(abs("partners/acme/people/ann.toml"), 0o600)
		os.Remove(abs("partners/acme/people/.ann.toml.swp"))
		next(t, w, "partners/acme/people/ann.toml")
		quiet(t, w)
	})
	t.Run("chmod alone", func(t *testing.T) {
		os.Chmod(abs("partners/acme/people/ann.toml"), 0o644)
		quiet(t, w)
	})
	t.Run("new folder with files", func(t *testing.T) {
		// The files exist before the watcher can add the new folders:
		// they must be reported by scanning them.
		tmp := filepath.Join(root, "staging")
		write(t, root, "staging/people/cy.toml", "name = \"Cy\"\n")
		write(t, root, "staging/partner.md", "+++\nname = \"Globex\"\n+++\n")
		if err := os.Rename(tmp, abs("partners/globex")); err != nil {
			t.Fatal(err)
		}
		next(t, w, "partners/globex", "partners/globex/partner.md", "partners/globex/people", "partners/globex/people/cy.toml")
		// And the new folders are watched from now on.
		write(t, root, "partners/globex/people/dee.toml", "name = \"Dee\"\n")
		next(t, w, "partners/globex/people/dee.toml")
	})
	t.Run("delete", func(t *testing.T) {
		os.Remove(abs("partners/acme/people/bob.toml"))
		next(t, w, "partners/acme/people/bob.toml")
	})
	t.Run("delete folder", func(t *testing.T) {
		os.RemoveAll(abs("partners/globex"))
		next(t, w, "partners/globex", "partners/globex/partner.md", "partners/globex/people", "partners/globex/people/cy.toml", "partners/globex/people/dee.toml")
	})
	t.Run("watched folder created later", func(t *testing.T) {
		write(t, root, "content/faq.md", "+++\ntitle = \"FAQ\"\n+++\n")
		next(t, w, "content", "content/faq.md")
		write(t, root, "content/faq.md", "+++\ntitle = \"Questions\"\n+++\n")
		next(t, w, "content/faq.md")
	})
	t.Run("outside the watched folders", func(t *testing.T) {
		write(t, root, "build/index.html", "x")
		write(t, root, "README.md", "x")
		quiet(t, w)
	})
}

// TestDebounce: events close together make one batch, sorted, each path once.
func TestDebounce(t *testing.T) {
	root := t.TempDir()
	os.MkdirAll(filepath.Join(root, "partners", "acme", "people"), 0o755)
	// A quiet period long enough that a loaded machine cannot split the
	// writes below.
	w, err := New(root, []string{"partners"}, Options{Quiet: 300 * time.Millisecond, MaxWait: 3 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	var want []string
	for _, n := range []string{"a", "b", "c", "d", "e", "f", "g", "h"} {
		rel := "partners/acme/people/" + n + ".toml"
		write(t, root, rel, "name = \""+n+"\"\n")
		write(t, root, rel, "name = \""+n+n+"\"\n")
		want = append(want, rel)
	}
	select {
	case b := <-w.C:
		if !slices.Equal(b, want) {
			t.Errorf("batch %q, want %q", b, want)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("no batch")
	}
}

func TestClose(t *testing.T) {
	_, w := start(t)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if _, ok := <-w.C; ok {
		t.Fatal("C is open after Close")
	}
	w.Close() // twice is fine
}

func TestMissingRoot(t *testing.T) {
	if _, err := New(filepath.Join(t.TempDir(), "nope"), []string{"partners"}, Options{}); err == nil {
		t.Fatal("no error for a missing root")
	}
}

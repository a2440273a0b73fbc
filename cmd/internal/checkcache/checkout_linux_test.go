package checkcache

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/accredit/accredit/cmd/internal/gitindex/gitindextest"
	"github.com/accredit/accredit/cmd/internal/safefs"
	"github.com/go-git/go-git/v5"
)

// TestRefreshAfterCheckout: a fresh clone or checkout writes every file
// and folder anew, and git's index after them. A file whose blob the
// index vouches is as it was; one that holds other bytes is not. Where
// the index cannot say (no index; git attributes, under which a blob
// need not be the file's bytes), the file's bytes are hashed.
func TestRefreshAfterCheckout(t *testing.T) {
	gitindextest.NoUserGit(t)
	files := map[string]string{
		"programs/program.toml":         "[program]\n",
		"partners/acme/partner.md":      "+++\nname = \"Acme\"\n+++\n",
		"partners/acme/people/ann.toml": "name = \"Ann\"\n",
		"partners/acme/people/bob.toml": "name = \"Bob\"\n",
		"partners/beta/partner.md":      "+++\nname = \"Beta\"\n+++\n",
		"partners/beta/people/cat.toml": "name = \"Cat\"\n",
		"content/about.md":              "# About\n",
	}
	// checkout writes the files into a new worktree, edits applied, at
	// an hour ago, and then git's index of them, as git clone does.
	at := time.Now().Add(-time.Hour)
	checkout := func(t *testing.T, edits map[string]string) string {
		root := t.TempDir()
		repo, err := git.PlainInit(root, false)
		if err != nil {
			t.Fatal(err)
		}
		wt, err := repo.Worktree()
		if err != nil {
			t.Fatal(err)
		}
		for rel, text := range files {
			if e, ok := edits[rel]; ok {
				text = e
			}
			p := filepath.Join(root, filepath.FromSlash(rel))
			write(t, p, text)
			os.Chtimes(p, at, at)
			if _, err := wt.Add(rel); err != nil {
				t.Fatal(err)
			}
		}
		return root
	}
	first := checkout(t, nil)
	// A first walk of a few files hashes them.
	m, ok := Take(first, later(), nil, false)
	if !ok {
		t.Fatal("Take: not ok")
	}
	for _, f := range m.Folders {
		if len(f.Files) > 0 && (len(f.Blobs) != len(f.Files) || slices.Contains(f.Blobs, Blob{})) {
			t.Fatalf("%s: blobs %x for %d files, want every file's", f.Path, f.Blobs, len(f.Files))
		}
	}
	// As at 100,000 files: a first walk finds out nothing, a later one
	// asks git's index first, and hashes the rest.
	defer func(n int) { fewAsks = n }(fewAsks)
	fewAsks = 0
	if m, ok := Take(first, later(), nil, false); !ok || slices.ContainsFunc(m.Folders, func(f Folder) bool { return f.Blobs != nil }) {
		t.Fatalf("Take of many files: ok %v, blobs found out", ok)
	}
	// In CI (blobs asked for), a first walk asks git's index too.
	resolved.index.Store(0)
	if m, ok := Take(first, later(), nil, true); !ok || resolved.index.Load() != 7 || slices.ContainsFunc(m.Folders, func(f Folder) bool { return len(f.Blobs) != len(f.Files) }) {
		t.Fatalf("Take of many files in CI: ok %v, %d known by the index, want 7", ok, resolved.index.Load())
	}
	for _, tc := range []struct {
		name    string
		edits   map[string]string
		setup   func(t *testing.T, root string)
		changed []string // nil: the same
	}{
		{"the same files", nil, nil, nil},
		{"one person edited", map[string]string{"partners/beta/people/cat.toml": "name = \"Kat\"\n"}, nil, []string{"partners/beta/people"}},
		{"a definition edited", map[string]string{"programs/program.toml": "[program]\nname = \"P\"\n"}, nil, []string{"programs"}},
		{"edited after the index", nil, func(t *testing.T, root string) {
			p := filepath.Join(root, "partners/acme/people/ann.toml")
			fi, _ := os.Stat(p)
			write(t, p, "name = \"Anx\"\n")
			os.Chtimes(p, fi.ModTime(), fi.ModTime())
		}, []string{"partners/acme/people"}},
		{"attributes in a partner folder", nil, func(t *testing.T, root string) {
			write(t, filepath.Join(root, "partners/acme/.gitattributes"), "*.toml text eol=crlf\n")
		}, []string{"partners/acme"}}, // its files hashed, not taken from the index
		{"attributes that convert", map[string]string{"partners/acme/people/bob.toml": "name = \"Bob\"\r\n"}, func(t *testing.T, root string) {
			write(t, filepath.Join(root, "partners/acme/.gitattributes"), "*.toml text eol=crlf\n")
		}, []string{"partners/acme", "partners/acme/people"}},
		// With no index, what the files hold is known by hashing them.
		{"no index", nil, func(t *testing.T, root string) {
			os.Remove(filepath.Join(root, ".git", "index"))
		}, nil},
		{"no index, a file edited", map[string]string{"partners/acme/partner.md": "+++\nname = \"ACME\"\n+++\n"}, func(t *testing.T, root string) {
			os.Remove(filepath.Join(root, ".git", "index"))
		}, []string{"partners/acme"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			root := checkout(t, tc.edits)
			if tc.setup != nil {
				tc.setup(t, root)
			}
			resolved.index.Store(0)
			resolved.hashed.Store(0)
			next, same, ok := m.Refresh(root, later())
			if !ok {
				t.Fatal("Refresh: not ok")
			}
			// Known by the index where it can say, else hashed.
			want := map[string][2]int64{"the same files": {7, 0}, "attributes in a partner folder": {4, 4}, "no index": {0, 7}}
			if w, ok := want[tc.name]; ok && (resolved.index.Load() != w[0] || resolved.hashed.Load() != w[1]) {
				t.Errorf("%d files known by the index, %d hashed; want %d, %d", resolved.index.Load(), resolved.hashed.Load(), w[0], w[1])
			}
			if same != (tc.changed == nil) {
				t.Fatalf("same = %v, want %v (changed: %v)", same, tc.changed == nil, next.changed)
			}
			got := slices.Clone(next.changed)
			slices.Sort(got)
			if !slices.Equal(got, tc.changed) {
				t.Errorf("changed %s, want %s", strings.Join(got, " "), strings.Join(tc.changed, " "))
			}
			// The manifest taken on the way stands for the checkout.
			if _, same, _ := next.Refresh(root, later()); !same {
				t.Error("the refreshed manifest does not match its own tree")
			}
		})
	}

	// A check straight after the checkout: the files changed within the
	// racy window, but the index, written after them, vouches for their
	// blobs. The manifest is kept, with their stamps never to match.
	at = time.Now().Add(-safefs.RacyWindow / 2)
	root := checkout(t, nil)
	next, same, ok := m.Refresh(root, time.Now())
	if !same || !ok {
		t.Fatalf("Refresh straight after a checkout: same %v, ok %v", same, ok)
	}
	for _, f := range next.Folders {
		for k, st := range f.Files {
			if st != (Stamp{}) || f.blob(k) == (Blob{}) {
				t.Errorf("%s: file %d kept as %+v, blob %x; want no stamp, the blob", f.Path, k, st, f.blob(k))
			}
		}
	}
	if _, same, _ := next.Refresh(root, later()); !same {
		t.Error("the refreshed manifest does not match its own tree")
	}
}

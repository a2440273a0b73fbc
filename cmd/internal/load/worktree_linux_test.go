package load

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/accredit/accredit/cmd/internal/gitindex/gitindextest"
	"github.com/go-git/go-git/v5"
)

// TestCacheGitIndex: in a fresh checkout (every file rewritten with a new
// time, and git's index written after them) the cache finds each file by
// the blob id the index records for it, unread; a file edited after the
// index was written, even with its size and time put back, is read.
func TestCacheGitIndex(t *testing.T) {
	gitindextest.NoUserGit(t)
	top := t.TempDir()
	root := filepath.Join(top, "program") // the program in a folder of the worktree
	files := map[string]string{
		"programs/program.toml":    "[program]\nname = \"P\"\n",
		"partners/a/partner.md":    "+++\nname = \"A\"\n+++\nAbout A.\n",
		"partners/a/people/x.toml": "name = \"X\"\n\n[[exams]]\nexam = \"e\"\n",
		"partners/a/people/y.toml": "name = \"Y\"\n",
		"partners/a/people/z.toml": "name = \"Z\"\n",
	}
	// checkout writes every file anew (another inode), at, and then
	// git's index, as git checkout does.
	checkout := func(at time.Time) {
		t.Helper()
		for rel, text := range files {
			p := filepath.Join(root, filepath.FromSlash(rel))
			os.MkdirAll(filepath.Dir(p), 0o755)
			if err := os.WriteFile(p+".new", []byte(text), 0o644); err != nil {
				t.Fatal(err)
			}
			if err := os.Rename(p+".new", p); err != nil {
				t.Fatal(err)
			}
			if err := os.Chtimes(p, at, at); err != nil {
				t.Fatal(err)
			}
		}
		os.Remove(filepath.Join(top, ".git", "index"))
		repo, err := git.PlainOpen(top)
		if err != nil {
			t.Fatal(err)
		}
		wt, err := repo.Worktree()
		if err != nil {
			t.Fatal(err)
		}
		for rel := range files {
			if _, err := wt.Add("program/" + rel); err != nil {
				t.Fatal(err)
			}
		}
	}
	if _, err := git.PlainInit(top, false); err != nil {
		t.Fatal(err)
	}
	checkout(time.Now().Add(-time.Hour))

	path := filepath.Join(t.TempDir(), "cache")
	type counted struct{ unchanged, index, read int64 }
	load := func(name string, want counted) map[string]string {
		t.Helper()
		stats.unchanged.Store(0)
		stats.index.Store(0)
		stats.read.Store(0)
		names := loadCached(t, root, path)
		if got := (counted{stats.unchanged.Load(), stats.index.Load(), stats.read.Load()}); got != want {
			t.Errorf("%s: files taken %+v, want %+v", name, got, want)
		}
		return names
	}
	load("cold", counted{read: 4})
	load("warm", counted{unchanged: 4})

	// A fresh checkout: every time is new; the index says what each
	// file holds.
	at := time.Now().Add(-30 * time.Minute)
	checkout(at)
	// x edited after the checkout, its size and time put back: its
	// change time is not the index's.
	x := filepath.Join(root, "partners/a/people/x.toml")
	if err := os.WriteFile(x, []byte("name = \"W\"\n\n[[exams]]\nexam = \"e\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	os.Chtimes(x, at, at)
	if got := load("checkout", counted{index: 3, read: 1}); got["x"] != "W" || got["y"] != "Y" || got["a"] != "A" {
		t.Errorf("after a checkout and an edit of x: %v", got)
	}
	// The times the checkout gave are the cache's now.
	load("warm after the checkout", counted{unchanged: 4})

	// Attributes in a partner folder, even untracked, may have git
	// convert its files (line endings, a filter such as git-crypt's):
	// their blobs do not say what they hold, and they are read.
	checkout(time.Now().Add(-20 * time.Minute))
	if err := os.WriteFile(filepath.Join(root, "partners/a/.gitattributes"), []byte("*.toml text eol=crlf\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	load("checkout with attributes", counted{read: 4})
}

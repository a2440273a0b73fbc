package gitindex

import (
	"crypto/sha1"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/accredit/accredit/cmd/internal/gitindex/gitindextest"
	"github.com/go-git/go-git/v5"
)

// fakeInfo is a file's Lstat as the system gives it.
type fakeInfo struct {
	mode fs.FileMode
	st   syscall.Stat_t
}

func (f *fakeInfo) Name() string       { return "f" }
func (f *fakeInfo) Size() int64        { return f.st.Size }
func (f *fakeInfo) Mode() fs.FileMode  { return f.mode }
func (f *fakeInfo) ModTime() time.Time { return time.Unix(f.st.Mtim.Unix()) }
func (f *fakeInfo) IsDir() bool        { return false }
func (f *fakeInfo) Sys() any           { return &f.st }

func TestBlob(t *testing.T) {
	at := time.Unix(1_700_000_000, 123_456_789)
	indexTime := at.Add(time.Hour)
	base := Entry{Ctime: at, Mtime: at, Dev: 7, Ino: 42, Mode: 0o100644, UID: 1000, GID: 1000, Size: 12, Blob: [20]byte{1, 2, 3}}
	file := func(change func(*fakeInfo)) *fakeInfo {
		f := &fakeInfo{mode: 0o644}
		f.st.Ctim = syscall.NsecToTimespec(at.UnixNano())
		f.st.Mtim = f.st.Ctim
		f.st.Dev, f.st.Ino, f.st.Mode, f.st.Uid, f.st.Gid, f.st.Size = 7, 42, syscall.S_IFREG|0o644, 1000, 1000, 12
		if change != nil {
			change(f)
		}
		return f
	}
	entry := func(change func(*Entry)) []Entry {
		e := base
		e.Name = "partners/acme/people/ada.toml"
		if change != nil {
			change(&e)
		}
		return []Entry{e}
	}
	later := syscall.NsecToTimespec(at.UnixNano() + 1)
	for _, tc := range []struct {
		name    string
		entries []Entry
		file    *fakeInfo
		mtime   time.Time // the index's; indexTime when zero
		want    bool
	}{
		{"as recorded", entry(nil), file(nil), time.Time{}, true},
		{"as recorded, executable", entry(func(e *Entry) { e.Mode = 0o100755 }), file(func(f *fakeInfo) { f.st.Mode |= 0o111; f.mode |= 0o111 }), time.Time{}, true},
		{"its 32 low bits of device, inode and size", entry(nil), file(func(f *fakeInfo) { f.st.Dev += 1 << 32; f.st.Ino += 1 << 32 }), time.Time{}, true},
		{"written in the index's clock tick", entry(nil), file(nil), at, false},
		{"written after the index", entry(nil), file(nil), at.Add(-time.Second), false},
		{"another size", entry(nil), file(func(f *fakeInfo) { f.st.Size = 13 }), time.Time{}, false},
		{"another modification time", entry(nil), file(func(f *fakeInfo) { f.st.Mtim = later }), time.Time{}, false},
		{"another change time (its time set back)", entry(nil), file(func(f *fakeInfo) { f.st.Ctim = later }), time.Time{}, false},
		{"another inode (replaced)", entry(nil), file(func(f *fakeInfo) { f.st.Ino = 43 }), time.Time{}, false},
		{"another device", entry(nil), file(func(f *fakeInfo) { f.st.Dev = 8 }), time.Time{}, false},
		{"another owner", entry(nil), file(func(f *fakeInfo) { f.st.Uid = 0 }), time.Time{}, false},
		{"made executable", entry(nil), file(func(f *fakeInfo) { f.st.Mode |= 0o100; f.mode |= 0o100 }), time.Time{}, false},
		{"a symbolic link in the index", entry(func(e *Entry) { e.Mode = 0o120000 }), file(nil), time.Time{}, false},
		{"a submodule in the index", entry(func(e *Entry) { e.Mode = 0o160000 }), file(nil), time.Time{}, false},
		{"not a regular file now", entry(nil), file(func(f *fakeInfo) { f.mode = fs.ModeSymlink }), time.Time{}, false},
		{"skip-worktree", entry(func(e *Entry) { e.SkipWorktree = true }), file(nil), time.Time{}, false},
		{"intent-to-add", entry(func(e *Entry) { e.IntentToAdd = true }), file(nil), time.Time{}, false},
		{"a conflict's stage", entry(func(e *Entry) { e.Stage = 2 }), file(nil), time.Time{}, false},
		{"stage 0 beside a conflict", append(entry(nil), entry(func(e *Entry) { e.Stage = 1 })...), file(nil), time.Time{}, false},
		{"not tracked", entry(func(e *Entry) { e.Name = "partners/acme/people/bob.toml" }), file(nil), time.Time{}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			x := &Index{entries: tc.entries, mtime: tc.mtime}
			if x.mtime.IsZero() {
				x.mtime = indexTime
			}
			id, ok := x.Blob("partners/acme/people/ada.toml", tc.file)
			if ok != tc.want || ok && id != base.Blob {
				t.Fatalf("Blob = %x, %v; want ok %v", id, ok, tc.want)
			}
		})
	}
	var none *Index
	if _, ok := none.Blob("a", file(nil)); ok {
		t.Error("a nil index vouched for a file")
	}
}

// blobID is git's name of a blob: git hash-object.
func blobID(b []byte) [20]byte {
	return sha1.Sum(append([]byte(fmt.Sprintf("blob %d\x00", len(b))), b...))
}

// worktree writes files (slashed paths from the top) into a new git
// worktree, an hour old, and adds them to its index with go-git.
func worktree(t *testing.T, files map[string]string) (top string) {
	top = t.TempDir()
	repo, err := git.PlainInit(top, false)
	if err != nil {
		t.Fatal(err)
	}
	wt, err := repo.Worktree()
	if err != nil {
		t.Fatal(err)
	}
	old := time.Now().Add(-time.Hour)
	for rel, text := range files {
		p := filepath.Join(top, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		// Older than the index, as a checkout's files are by the time
		// it writes the index.
		if err := os.Chtimes(p, old, old); err != nil {
			t.Fatal(err)
		}
		if _, err := wt.Add(rel); err != nil {
			t.Fatal(err)
		}
	}
	return top
}

// TestOpen reads an index go-git wrote for real files, from a program root
// in a folder of the worktree, and from a linked worktree's .git file.
func TestOpen(t *testing.T) {
	gitindextest.NoUserGit(t)
	files := map[string]string{
		"program/partners/acme/people/ada.toml": "name = \"Ada\"\n",
		"program/partners/acme/partner.md":      "+++\n+++\n",
		"other/notes.txt":                       "not below the root\n",
	}
	top := worktree(t, files)
	old := time.Now().Add(-time.Hour)
	root := filepath.Join(top, "program")
	x, err := Open(root)
	if err != nil || x == nil {
		t.Fatalf("Open = %v, %v", x, err)
	}
	if len(x.entries) != 2 {
		t.Fatalf("%d entries below the root, want 2", len(x.entries))
	}
	lstat := func(rel string) fs.FileInfo {
		fi, err := os.Lstat(filepath.Join(root, rel))
		if err != nil {
			t.Fatal(err)
		}
		return fi
	}
	const ada = "partners/acme/people/ada.toml"
	if id, ok := x.Blob(ada, lstat(ada)); !ok || id != blobID([]byte(files["program/"+ada])) {
		t.Fatalf("Blob(%s) = %x, %v; want git's id", ada, id, ok)
	}
	// Edited in place, its time set back: its change time tells.
	p := filepath.Join(root, ada)
	if err := os.WriteFile(p, []byte("name = \"Eve\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Chtimes(p, old, old); err != nil {
		t.Fatal(err)
	}
	if _, ok := x.Blob(ada, lstat(ada)); ok {
		t.Fatal("a file edited since the index was vouched for")
	}

	// A linked worktree: .git is a file naming the git directory.
	linked := t.TempDir()
	if err := os.WriteFile(filepath.Join(linked, ".git"), []byte("gitdir: "+filepath.Join(top, ".git")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if x, err := Open(linked); err != nil || x == nil || len(x.entries) != 3 {
		t.Fatalf("Open(linked) = %v, %v", x, err)
	}
	// A .git that is a link is not followed, nor is the worktree above
	// taken in its place.
	linkedGit := filepath.Join(top, "program", "sub")
	os.MkdirAll(linkedGit, 0o755)
	if err := os.Symlink(filepath.Join(top, ".git"), filepath.Join(linkedGit, ".git")); err != nil {
		t.Fatal(err)
	}
	if x, err := Open(linkedGit); x != nil || err != nil {
		t.Fatalf("Open(.git a link) = %v, %v; want no index", x, err)
	}
	// Outside any worktree: no index, no error.
	if x, err := Open(t.TempDir()); x != nil || err != nil {
		t.Fatalf("Open(outside) = %v, %v", x, err)
	}
}

// TestOpenRefusesConversions: where git may convert a file between its
// blob and the worktree (line endings, filters), the index does not name
// the bytes on disk, and Open refuses it.
func TestOpenRefusesConversions(t *testing.T) {
	files := map[string]string{
		"program/partners/acme/people/ada.toml": "name = \"Ada\"\n",
	}
	write := func(t *testing.T, p, text string) {
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, tc := range []struct {
		name  string
		setup func(t *testing.T, top string)
		want  string // in the error; "" for none
	}{
		{"nothing", func(t *testing.T, top string) {}, ""},
		{"autocrlf false", func(t *testing.T, top string) {
			write(t, filepath.Join(top, ".git", "config"), "[core]\n\tautocrlf = false\n")
		}, ""},
		{"tracked attributes", func(t *testing.T, top string) {
			// Written and added by worktree() below: see files.
		}, ".gitattributes: git attributes"},
		{"attributes above the root", func(t *testing.T, top string) {
			write(t, filepath.Join(top, ".gitattributes"), "*.toml text eol=crlf\n")
		}, "git attributes"},
		{"attributes in the root", func(t *testing.T, top string) {
			write(t, filepath.Join(top, "program", ".gitattributes"), "*.toml filter=git-crypt\n")
		}, "git attributes"},
		{"info/attributes", func(t *testing.T, top string) {
			write(t, filepath.Join(top, ".git", "info", "attributes"), "* text\n")
		}, "info/attributes"},
		{"user attributes", func(t *testing.T, top string) {
			write(t, filepath.Join(os.Getenv("XDG_CONFIG_HOME"), "git", "attributes"), "* text\n")
		}, "git attributes"},
		{"repository autocrlf", func(t *testing.T, top string) {
			write(t, filepath.Join(top, ".git", "config"), "[core]\n\tautoCRLF = input\n")
		}, "core.autocrlf"},
		{"global autocrlf", func(t *testing.T, top string) {
			write(t, os.Getenv("GIT_CONFIG_GLOBAL"), "[core] autocrlf\n")
		}, "core.autocrlf"},
		{"include of nothing that converts", func(t *testing.T, top string) {
			write(t, os.Getenv("GIT_CONFIG_GLOBAL"), "[includeIf \"gitdir:~/work/\"]\n\tpath = work.gitconfig\n")
			write(t, filepath.Join(filepath.Dir(os.Getenv("GIT_CONFIG_GLOBAL")), "work.gitconfig"), "[user]\n\tname = W\n")
		}, ""},
		{"include of autocrlf", func(t *testing.T, top string) {
			write(t, os.Getenv("GIT_CONFIG_GLOBAL"), "[includeIf \"gitdir:~/work/\"]\n\tpath = work.gitconfig\n")
			write(t, filepath.Join(filepath.Dir(os.Getenv("GIT_CONFIG_GLOBAL")), "work.gitconfig"), "[core]\n\tautocrlf = true\n")
		}, "work.gitconfig: core.autocrlf"},
		{"include in a loop", func(t *testing.T, top string) {
			write(t, os.Getenv("GIT_CONFIG_GLOBAL"), "[include]\n\tpath = "+os.Getenv("GIT_CONFIG_GLOBAL")+"\n")
		}, ""},
		{"attributes file", func(t *testing.T, top string) {
			write(t, filepath.Join(top, ".git", "config"), "[core]\nattributesFile = ~/attrs\n")
		}, "core.attributesFile"},
		{"config in the environment", func(t *testing.T, top string) {
			t.Setenv("GIT_CONFIG_COUNT", "1")
		}, "environment"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			gitindextest.NoUserGit(t)
			fs := files
			if tc.name == "tracked attributes" {
				fs = map[string]string{"program/partners/acme/people/ada.toml": files["program/partners/acme/people/ada.toml"], "program/partners/.gitattributes": "*.toml text\n"}
			}
			top := worktree(t, fs)
			tc.setup(t, top)
			x, err := Open(filepath.Join(top, "program"))
			if tc.want == "" {
				if err != nil || x == nil {
					t.Fatalf("Open = %v, %v; want the index", x, err)
				}
				return
			}
			if x != nil || err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Open = %v, %v; want an error with %q", x, err, tc.want)
			}
		})
	}
}

func TestConvertingConfig(t *testing.T) {
	for _, tc := range []struct{ config, want string }{
		{"", ""},
		{"[core]\n\tautocrlf = false\n", ""},
		{"[core]\n\tautocrlf = \"no\" # comment\n", ""},
		{"[core]\n\tautocrlf = true\n", "core.autocrlf"},
		{"[core]\n\tautocrlf\n", "core.autocrlf"},
		{"[core] AutoCrLf = input\n", "core.autocrlf"},
		{"# autocrlf = true\n[user]\n\tname = x\n", ""},
		{"[include]\n\tpath = other\n", ""},
		{"[include]\n\tpath = \"a\\\"b\"\n", "an include accredit does not follow"},
		{"[include]\n\tpath = x # y\n", "an include accredit does not follow"},
		{"[core]\n\tattributesfile = /x\n", "core.attributesFile"},
		{"[filter \"lfs\"]\n\tsmudge = git-lfs smudge -- %f\n", ""}, // needs attributes too
	} {
		if got, _ := convertingConfig([]byte(tc.config)); got != tc.want {
			t.Errorf("convertingConfig(%q) = %q, want %q", tc.config, got, tc.want)
		}
	}
}

func TestConfigIncludes(t *testing.T) {
	_, got := convertingConfig([]byte("[include]\n\tpath = a\n[includeIf \"onbranch:main\"]\npath = \"~/b\"\n[user]\n\tpath = not-an-include\n"))
	if want := []string{"a", "~/b"}; !slices.Equal(got, want) {
		t.Errorf("includes %q, want %q", got, want)
	}
}

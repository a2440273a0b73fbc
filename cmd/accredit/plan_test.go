package main

import (
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/accredit/accredit/cmd/internal/base"
	"github.com/accredit/accredit/cmd/internal/credid"
	"github.com/accredit/accredit/cmd/internal/date"
	"github.com/accredit/accredit/cmd/internal/history"
	"github.com/accredit/accredit/cmd/internal/load"
)

// TestPlanBlobIDs: plan finds the files its decode cache has seen by
// their git blob ids, unread. Its text and JSON must be those of the
// path that reads and hashes every file, cold and warm, after a check
// of the working tree, and after the working tree moved away from the
// commits, on a change of the example program with grants, a renewal,
// revocations, removals and a file edited to a syntax error.
func TestPlanBlobIDs(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("no git")
	}
	dir := t.TempDir()
	for _, d := range []string{"programs", "partners"} {
		if err := os.CopyFS(filepath.Join(dir, d), os.DirFS(filepath.Join("..", "..", d))); err != nil {
			t.Fatal(err)
		}
	}
	git := func(args ...string) {
		t.Helper()
		cmd := exec.Command("git", args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "GIT_CONFIG_NOSYSTEM=1", "HOME="+dir,
			"GIT_AUTHOR_NAME=Dana Admin", "GIT_AUTHOR_EMAIL=dana@vendor.example", "GIT_AUTHOR_DATE=2025-03-01T10:00:00Z",
			"GIT_COMMITTER_NAME=Dana Admin", "GIT_COMMITTER_EMAIL=dana@vendor.example", "GIT_COMMITTER_DATE=2025-03-01T10:00:00Z")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	git("init", "-q", "-b", "main")
	git("add", "programs", "partners")
	git("commit", "-q", "-m", "The program")
	git("checkout", "-q", "-b", "change")
	changeProgram(t, dir)
	git("add", "-A", "programs", "partners")
	git("commit", "-q", "-m", "The change")

	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	asOf := date.New(2026, time.November, 22)
	// opened counts the files plan reads, which the warm runs must not.
	var opened atomic.Int64
	plans := func(name string, hide bool, env ...string) (text, json string) {
		t.Helper()
		treeFS = func(t *history.FS) fs.FS { return &countFS{FS: t, hide: hide, n: &opened} }
		defer func() { treeFS = func(t *history.FS) fs.FS { return t } }()
		e := &base.Env{Stdout: &bytes.Buffer{}, Stderr: &bytes.Buffer{}, Getenv: func(k string) string {
			for _, kv := range env {
				if v, ok := strings.CutPrefix(kv, k+"="); ok {
					return v
				}
			}
			return ""
		}}
		p, err := makePlan(e, dir, "main", "change", asOf)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		var tb, jb bytes.Buffer
		if err := p.WriteText(&tb); err != nil {
			t.Fatal(err)
		}
		if err := p.WriteJSON(&jb); err != nil {
			t.Fatal(err)
		}
		return tb.String(), jb.String()
	}
	off := "ACCREDIT_CACHE=off"
	wantText, wantJSON := plans("every file read", true, off)
	// The change is all there: else the comparisons below prove little.
	for _, s := range []string{"\ngranted ", "\nrenewed ", "\nrevoked ", "\nremoved ", "[syntax]"} {
		if !strings.Contains("\n"+wantText, s) {
			t.Errorf("the plan has no %q:\n%s", strings.TrimSpace(s), wantText)
		}
	}
	all := opened.Load()

	same := func(name string, hide bool, env ...string) {
		t.Helper()
		opened.Store(0)
		text, json := plans(name, hide, env...)
		if text != wantText {
			t.Errorf("%s: text differs:\n%s\nwant:\n%s", name, text, wantText)
		}
		if json != wantJSON {
			t.Errorf("%s: JSON differs:\n%s\nwant:\n%s", name, json, wantJSON)
		}
	}
	same("cold, blob ids", false, off)
	same("cold cache, blob ids", false)
	same("warm cache, blob ids", false)
	warm := opened.Load()
	if warm*4 > all {
		t.Errorf("a warm plan read %d files, a cold one %d: the blob ids served too few", warm, all)
	}
	same("warm cache, every file read", true)

	// check writes the entries of the working tree (the head), which has
	// no blob ids; plan learns them again.
	diskLoad := func() {
		t.Helper()
		c := openCache(base.DefaultEnv(), dir)
		if _, _, err := load.LoadWith(dir, load.Options{Cache: c}); err != nil {
			t.Fatal(err)
		}
		if err := c.Save(); err != nil {
			t.Fatal(err)
		}
	}
	diskLoad()
	same("after check", false)
	same("after check, warm", false)

	// The working tree moves away from both commits: check keeps the
	// entries of the new contents, which must not keep the blob ids.
	git("checkout", "-q", "main")
	edits := 0
	filepath.WalkDir(filepath.Join(dir, "partners"), func(p string, d fs.DirEntry, err error) error {
		if err == nil && strings.HasSuffix(p, ".toml") && edits < 50 {
			b, _ := os.ReadFile(p)
			os.WriteFile(p, append(b, "\n# edited\n"...), 0o644)
			edits++
		}
		return nil
	})
	diskLoad()
	same("after a check of other contents", false)
	if n := opened.Load(); n < warm+int64(edits)/2 {
		t.Errorf("after %d files changed on disk, plan read %d files, as many as a warm one (%d): their entries kept the blob ids of other contents", edits, n, warm)
	}
	same("after a check of other contents, warm", false)
}

// changeProgram makes a change of the example program: grants (copies
// of people with fresh ids, in other partners), a renewal, revocations,
// removals and a person file edited to a syntax error.
func changeProgram(t *testing.T, dir string) {
	t.Helper()
	var people []string
	filepath.WalkDir(filepath.Join(dir, "partners"), func(p string, d fs.DirEntry, err error) error {
		if err == nil && filepath.Base(filepath.Dir(p)) == "people" && strings.HasSuffix(p, ".toml") {
			people = append(people, p)
		}
		return nil
	})
	slices.Sort(people)
	// The people whose last table is a credential: revoked or renewed
	// by lines appended to it.
	var certified []string
	for _, p := range people {
		b, _ := os.ReadFile(p)
		if i := bytes.LastIndex(b, []byte("\n[")); i >= 0 && bytes.HasPrefix(b[i+1:], []byte("[[certifications]]")) {
			certified = append(certified, p)
		}
	}
	if len(people) < 40 || len(certified) < 12 {
		t.Fatalf("the example program has %d people, %d with a credential last", len(people), len(certified))
	}
	write := func(p string, b []byte) {
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for i := range 4 {
		b, _ := os.ReadFile(certified[i])
		var out []string
		for _, line := range strings.Split(string(b), "\n") {
			if strings.HasPrefix(line, "id = ") {
				line = fmt.Sprintf("id = %q", credid.New())
			}
			if !strings.HasPrefix(line, "renews = ") {
				out = append(out, line)
			}
		}
		to := filepath.Dir(people[len(people)-1-i*5])
		write(filepath.Join(to, fmt.Sprintf("new-hire-%d.toml", i)), []byte(strings.Join(out, "\n")))
	}
	for _, p := range certified[4:6] {
		b, _ := os.ReadFile(p)
		i := bytes.LastIndex(b, []byte("\n[[certifications]]"))
		last := string(b[i:])
		var id string
		var block []string
		for _, line := range strings.Split(last, "\n") {
			switch {
			case strings.HasPrefix(line, "id = "):
				id = strings.TrimPrefix(line, "id = ")
				line = fmt.Sprintf("id = %q", credid.New())
			case strings.HasPrefix(line, "issued = "):
				line = "issued = 2026-11-01"
			case strings.HasPrefix(line, "renews = "), strings.HasPrefix(line, "expires = "):
				continue
			}
			block = append(block, line)
		}
		write(p, append(b, strings.Join(block, "\n")+"\nrenews = "+id+"\n"...))
	}
	for _, p := range certified[6:9] {
		b, _ := os.ReadFile(p)
		write(p, append(b, "\nrevoked = 2026-11-15\nrevoked_reason = \"Exam integrity breach\"\n"...))
	}
	for _, p := range certified[9:12] {
		if err := os.Remove(p); err != nil {
			t.Fatal(err)
		}
	}
	b, _ := os.ReadFile(people[0])
	write(people[0], append(b, "\nname = \"unterminated\n"...))
}

// countFS counts the files opened through it and, with hide, hides the
// blob ids of a git tree, as a file system that has none.
type countFS struct {
	*history.FS
	hide bool
	n    *atomic.Int64
}

type plainInfo struct{ fs.FileInfo }

func (c *countFS) info(fi fs.FileInfo) fs.FileInfo {
	if c.hide {
		return plainInfo{fi}
	}
	return fi
}

func (c *countFS) Open(name string) (fs.File, error) {
	f, err := c.FS.Open(name)
	if err != nil {
		return nil, err
	}
	if fi, err := f.Stat(); err == nil && fi.IsDir() {
		return f, nil
	}
	c.n.Add(1)
	return &countFile{File: f, c: c}, nil
}

type countFile struct {
	fs.File
	c *countFS
}

func (f *countFile) Stat() (fs.FileInfo, error) {
	fi, err := f.File.Stat()
	if err != nil {
		return nil, err
	}
	return f.c.info(fi), nil
}

func (c *countFS) Stat(name string) (fs.FileInfo, error) {
	fi, err := c.FS.Stat(name)
	if err != nil {
		return nil, err
	}
	return c.info(fi), nil
}

func (c *countFS) ReadFile(name string) ([]byte, error) {
	c.n.Add(1)
	return c.FS.ReadFile(name)
}

func (c *countFS) ReadDir(name string) ([]fs.DirEntry, error) {
	es, err := c.FS.ReadDir(name)
	for i, e := range es {
		fi, err := e.Info()
		if err != nil {
			return nil, err
		}
		es[i] = fs.FileInfoToDirEntry(c.info(fi))
	}
	return es, err
}

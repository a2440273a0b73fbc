package history_test

import (
	"bytes"
	"crypto/sha1"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"

	"github.com/accredit/accredit/cmd/internal/history"
)

// run runs a command in dir, with stdin, and returns its output.
func run(t *testing.T, dir, stdin string, args ...string) string {
	t.Helper()
	cmd := exec.Command(args[0], args[1:]...)
	cmd.Dir = dir
	cmd.Stdin = strings.NewReader(stdin)
	cmd.Env = append(os.Environ(), "GIT_CONFIG_NOSYSTEM=1", "HOME="+dir)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

// lines is a text of n numbered lines, with line k changed to v: files
// whose versions git stores as deltas of one another.
func lines(n, k int, v string) string {
	var b strings.Builder
	for i := range n {
		if i == k {
			fmt.Fprintf(&b, "%d %s\n", i, v)
		} else {
			fmt.Fprintf(&b, "%d the same line of a long file, kept as it was\n", i)
		}
	}
	return b.String()
}

// layoutsRepo builds the repository the layouts are made of, with one
// git fast-import: edits of a few files over many commits (long delta
// chains), nested folders, an empty file, a blob above go-git's
// large-object threshold, a branch merged and an annotated tag.
func layoutsRepo(t *testing.T) *gitRepo {
	g := newGitRepo(t)
	var in strings.Builder
	mark := 0
	commit := func(from, merge int, msg string, files map[string]string) {
		mark++
		fmt.Fprintf(&in, "commit refs/heads/main\nmark :%d\ncommitter Dana Admin <dana@vendor.example> %d +0000\ndata %d\n%s\n", mark, 1700000000+mark*60, len(msg), msg)
		if from > 0 {
			fmt.Fprintf(&in, "from :%d\n", from)
		}
		if merge > 0 {
			fmt.Fprintf(&in, "merge :%d\n", merge)
		}
		for _, name := range slices.Sorted(maps.Keys(files)) {
			fmt.Fprintf(&in, "M 100644 inline %s\ndata %d\n%s\n", name, len(files[name]), files[name])
		}
	}
	big := strings.Repeat(lines(1000, -1, ""), 24) // about 1.1 MB
	main := 0
	for i := range 30 {
		files := map[string]string{
			"partners/acme/people/ann.toml":   lines(300, i%300, fmt.Sprintf("edit %d", i)),
			fmt.Sprintf("notes/%d/n.md", i%7): lines(50+i, i, "note"),
		}
		if i%10 == 0 {
			files["programs/program.toml"] = lines(200, i, "policy")
			files["empty"] = ""
			files["big.txt"] = big[:len(big)-i]
		}
		commit(main, 0, fmt.Sprintf("commit %d", i), files)
		main = mark
		if i == 20 {
			fmt.Fprintf(&in, "tag v20\nfrom :%d\ntagger Dana Admin <dana@vendor.example> 1700000000 +0000\ndata 6\ntwenty\n", main)
			commit(main, 0, "on a branch", map[string]string{"side.txt": "side\n"})
			side := mark
			commit(main, side, "merge side", nil)
			main = mark
		}
	}
	run(t, g.dir, in.String(), "git", "fast-import", "--quiet")
	run(t, g.dir, "", "git", "reset", "-q", "--hard", "main")
	// fast-import writes a pack: the layouts start from loose objects.
	for _, idx := range packIndexes(t, g.dir) {
		pack := strings.TrimSuffix(idx, ".idx") + ".pack"
		b, err := os.ReadFile(pack)
		if err != nil {
			t.Fatal(err)
		}
		os.Remove(pack)
		os.Remove(idx)
		run(t, g.dir, string(b), "git", "unpack-objects", "-q")
	}
	return g
}

// copyRepo copies a repository's folder.
func copyRepo(t *testing.T, from string) string {
	to := filepath.Join(t.TempDir(), "repo")
	if err := os.CopyFS(to, os.DirFS(from)); err != nil {
		t.Fatal(err)
	}
	return to
}

// packIndexes lists a repository's pack indexes.
func packIndexes(t *testing.T, dir string) []string {
	idx, _ := filepath.Glob(filepath.Join(dir, ".git", "objects", "pack", "*.idx"))
	return idx
}

// TestPackReaderMatchesGoGit reads every object of a repository in every
// layout git writes with the reader the walk uses and with go-git's, and
// compares types and bytes (and sizes with git's own).
func TestPackReaderMatchesGoGit(t *testing.T) {
	src := layoutsRepo(t)
	layouts := []struct {
		name  string
		prep  func(t *testing.T, dir string)
		packs int // the packs the layout must have (-1: any)
	}{
		{"loose", func(*testing.T, string) {}, 0},
		{"gc", func(t *testing.T, dir string) { run(t, dir, "", "git", "gc", "-q") }, 1},
		{"repack depth 250", func(t *testing.T, dir string) {
			run(t, dir, "", "git", "repack", "-adfq", "--depth=250", "--window=250")
		}, 1},
		{"ref deltas", func(t *testing.T, dir string) {
			run(t, dir, "", "git", "-c", "repack.useDeltaBaseOffset=false", "repack", "-adfq")
		}, 1},
		{"64-bit offsets", func(t *testing.T, dir string) {
			run(t, dir, "", "git", "repack", "-adfq")
			for _, idx := range packIndexes(t, dir) {
				pack := strings.TrimSuffix(idx, ".idx") + ".pack"
				os.Remove(idx)
				// Every offset above 12, every object but the first, goes to
				// the 64-bit table (git refuses an index with more).
				run(t, dir, "", "git", "index-pack", "--index-version=2,12", "-o", idx, pack)
				b, _ := os.ReadFile(idx)
				n := int(binary.BigEndian.Uint32(b[8+255*4:]))
				if len(b) != 8+256*4+n*28+40+(n-1)*8 {
					t.Fatalf("%s has no 64-bit offsets", idx)
				}
			}
		}, 1},
		{"several packs and loose", func(t *testing.T, dir string) {
			run(t, dir, "HEAD~20\n", "git", "pack-objects", "-q", "--revs", ".git/objects/pack/pack")
			run(t, dir, "", "git", "prune-packed")
			run(t, dir, "HEAD~10\n^HEAD~20\n", "git", "pack-objects", "-q", "--revs", ".git/objects/pack/pack")
			run(t, dir, "", "git", "prune-packed")
		}, 2},
		{"thin fetch", func(t *testing.T, dir string) {
			// dir clones its origin, which then moves on; the fetch
			// receives a thin pack that index-pack completes.
			origin := copyRepo(t, dir)
			run(t, dir, "", "git", "repack", "-adq")
			os.RemoveAll(dir)
			run(t, filepath.Dir(dir), "", "git", "clone", "-q", "--no-local", origin, dir)
			o := &gitRepo{t: t, dir: origin}
			for i := range 2 {
				o.commit(dana, "after the clone", map[string]string{"partners/acme/people/ann.toml": lines(300, 100+i, "fetched")})
			}
			run(t, dir, "", "git", "-c", "fetch.unpackLimit=1", "fetch", "-q", "origin")
		}, 2},
	}
	for _, l := range layouts {
		t.Run(l.name, func(t *testing.T) {
			t.Parallel() // mostly waiting for git
			dir := copyRepo(t, src.dir)
			l.prep(t, dir)
			if n := len(packIndexes(t, dir)); l.packs >= 0 && n != l.packs {
				t.Fatalf("%d packs, want %d", n, l.packs)
			}
			sameObjects(t, dir)
		})
	}
}

// sameObjects compares every object of the repository at dir.
func sameObjects(t *testing.T, dir string) {
	t.Helper()
	r, err := history.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	g, err := git.PlainOpen(dir)
	if err != nil {
		t.Fatal(err)
	}
	list := run(t, dir, "", "git", "cat-file", "--batch-all-objects", "--batch-check=%(objectname) %(objecttype) %(objectsize)")
	n := 0
	for _, line := range strings.Split(strings.TrimSpace(list), "\n") {
		var name, typ string
		var size int
		if _, err := fmt.Sscan(line, &name, &typ, &size); err != nil {
			t.Fatalf("git cat-file: %q", line)
		}
		h := plumbing.NewHash(name)
		gotType, got, err := history.ReadObject(r, h)
		if err != nil {
			t.Errorf("%s %s: %v", typ, name, err)
			continue
		}
		o, err := g.Storer.EncodedObject(plumbing.AnyObject, h)
		if err != nil {
			t.Fatalf("go-git: %s: %v", name, err)
		}
		rd, _ := o.Reader()
		want, _ := io.ReadAll(rd)
		rd.Close()
		if gotType != o.Type() || gotType.String() != typ || !bytes.Equal(got, want) || len(got) != size {
			t.Errorf("%s: read a %s of %d bytes; go-git a %s of %d; git a %s of %d", name, gotType, len(got), o.Type(), len(want), typ, size)
		}
		n++
	}
	if n < 100 {
		t.Errorf("only %d objects compared", n)
	}
}

// A pack index whose offsets were swapped returned another blob without
// error: every object is checked against its name.
func TestTamperedIndex(t *testing.T) {
	g := newGitRepo(t)
	g.commit(dana, "two files", map[string]string{"a.toml": "a = 1\n", "b.toml": "b = 2\n"})
	g.git("gc", "-q")
	a, b := plumbing.NewHash(g.git("rev-parse", "HEAD:a.toml")), plumbing.NewHash(g.git("rev-parse", "HEAD:b.toml"))
	idx := packIndexes(t, g.dir)[0]
	raw, _ := os.ReadFile(idx)
	n := int(binary.BigEndian.Uint32(raw[8+255*4:]))
	names, offs := raw[8+256*4:], raw[8+256*4+n*24:]
	pos := func(h plumbing.Hash) int {
		for i := range n {
			if bytes.Equal(names[i*20:i*20+20], h[:]) {
				return i * 4
			}
		}
		t.Fatalf("%s not in the index", h)
		return 0
	}
	i, j := pos(a), pos(b)
	x, y := bytes.Clone(offs[i:i+4]), bytes.Clone(offs[j:j+4])
	copy(offs[i:], y)
	copy(offs[j:], x)
	sum := sha1.Sum(raw[:len(raw)-20]) // the index's own checksum, redone
	copy(raw[len(raw)-20:], sum[:])
	os.Chmod(idx, 0o644)
	if err := os.WriteFile(idx, raw, 0o644); err != nil {
		t.Fatal(err)
	}
	r, err := history.Open(g.dir)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if _, got, err := history.ReadObject(r, a); !errors.Is(err, history.ErrCorrupt) {
		t.Errorf("read %q, err = %v; want ErrCorrupt", got, err)
	}
	if _, err := r.FS(plumbing.NewHash(g.git("rev-parse", "HEAD"))); err != nil {
		t.Fatal(err) // the trees are intact
	}
}

// A loose object file holding another object's content is refused.
func TestTamperedLoose(t *testing.T) {
	g := newGitRepo(t)
	g.commit(dana, "two files", map[string]string{"a.toml": "a = 1\n", "b.toml": "b = 2\n"})
	a, b := g.git("rev-parse", "HEAD:a.toml"), g.git("rev-parse", "HEAD:b.toml")
	path := func(h string) string { return filepath.Join(g.dir, ".git", "objects", h[:2], h[2:]) }
	other, err := os.ReadFile(path(b))
	if err != nil {
		t.Fatal(err)
	}
	os.Remove(path(a))
	os.WriteFile(path(a), other, 0o444)
	r, err := history.Open(g.dir)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if _, got, err := history.ReadObject(r, plumbing.NewHash(a)); !errors.Is(err, history.ErrCorrupt) {
		t.Errorf("read %q, err = %v; want ErrCorrupt", got, err)
	}
	if _, got, err := history.ReadObject(r, plumbing.NewHash(b)); err != nil || string(got) != "b = 2\n" {
		t.Errorf("read %q, err = %v", got, err)
	}
}

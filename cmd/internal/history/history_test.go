package history_test

import (
	"errors"
	"fmt"
	"io/fs"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/accredit/accredit/cmd/internal/diag"
	"github.com/accredit/accredit/cmd/internal/history"
	"github.com/accredit/accredit/cmd/internal/load"
)

const (
	idA = "GPMS-7VMY-E8VW"
	idB = "CXZA-886M-3CA4"
	idC = "P48E-V3RC-XA3F"
	idD = "6D0C-4C4Z-0KK6"
	idE = "17J1-N034-WKHD"
)

// provenance returns "kind id short-hash author" lines, sorted.
func provenance(t *testing.T, dir string) []string {
	t.Helper()
	r, err := history.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	p, err := r.Provenance("HEAD")
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for kind, m := range map[string]map[string]*history.Commit{"granted": p.Granted, "revoked": p.Revoked, "waived": p.Waived} {
		for id, c := range m {
			out = append(out, fmt.Sprintf("%s %s %s %s %s", kind, id, c.Short(), c.Author, c.Date()))
		}
	}
	slices.Sort(out)
	return out
}

func short(h string) string { return h[:7] }

func TestProvenance(t *testing.T) {
	g := newGitRepo(t)
	files := program("")
	files["partners/acme/people/ann.toml"] = person("Ann", cert(idA))
	c1 := g.commit(dana, "Program, and Ann's grant", files)
	c2 := g.commit(eve, "Bob's grant", map[string]string{"partners/acme/people/bob.toml": person("Bob", cert(idB))})
	c3 := g.commit(dana, "Revoke Ann's", map[string]string{"partners/acme/people/ann.toml": person("Ann", cert(idA, "revoked = 2025-02-01", `revoked_reason = "Error"`))})
	// Ann moves to Globex: a rename is no new grant, and no new revocation.
	g.write(map[string]string{"partners/acme/people/ann.toml": ""})
	g.commit(eve, "Ann moves", map[string]string{"partners/globex/people/ann.toml": person("Ann", cert(idA, "revoked = 2025-02-01", `revoked_reason = "Error"`))})
	// Removed, then added back: the grant that stands is the second one.
	g.commit(dana, "Remove Bob", map[string]string{"partners/acme/people/bob.toml": ""})
	c6 := g.commit(eve, "Bob again, with a waiver", map[string]string{"partners/acme/people/bob.toml": person("Bob", cert(idB, `waive = ["retake-limit"]`, `waiver_reason = "x"`))})
	// A branch: Eve grants Cy, Dana edits a page; Dana merges.
	g.git("checkout", "-q", "-b", "feature")
	c7 := g.commit(eve, "Cy's grant", map[string]string{"partners/acme/people/cy.toml": person("Cy", cert(idC))})
	g.commit(dana, "Tidy", map[string]string{"content/about.md": "+++\ntitle = \"About\"\n+++\n"})
	g.git("checkout", "-q", "main")
	c9 := g.commit(dana, "Dee's grant", map[string]string{"partners/globex/people/dee.toml": person("Dee", cert(idD))})
	g.gitAs(dana, "merge", "-q", "--no-ff", "-m", "Merge feature", "feature")

	got := provenance(t, g.dir)
	want := []string{
		"granted " + idA + " " + short(c1) + " Dana Admin 2025-03-01",
		"granted " + idB + " " + short(c6) + " Eve Outsider 2025-03-06",
		"granted " + idC + " " + short(c7) + " Eve Outsider 2025-03-07",
		"granted " + idD + " " + short(c9) + " Dana Admin 2025-03-09",
		"revoked " + idA + " " + short(c3) + " Dana Admin 2025-03-03",
		"waived " + idB + " " + short(c6) + " Eve Outsider 2025-03-06",
	}
	_ = c2
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("provenance:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	// Packed, with deltas (what git gc does), the objects are read from
	// the pack files: the same answer.
	g.git("repack", "-a", "-d", "-f", "-q", "--depth=50", "--window=50")
	g.git("prune-packed")
	if loose := g.git("count-objects"); !strings.HasPrefix(loose, "0 objects") {
		t.Fatalf("objects left loose after repack: %s", loose)
	}
	// Split across goroutines, a walk finds the same.
	restore := history.SplitWalks()
	split := provenance(t, g.dir)
	restore()
	if !slices.Equal(split, want) {
		t.Errorf("provenance of a split walk:\n%s\nwant:\n%s", strings.Join(split, "\n"), strings.Join(want, "\n"))
	}
	if packed := provenance(t, g.dir); !slices.Equal(packed, want) {
		t.Errorf("provenance from packs:\n%s\nwant:\n%s", strings.Join(packed, "\n"), strings.Join(want, "\n"))
	}
	r, err := history.Open(g.dir)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if _, err := r.Provenance("HEAD"); err != nil {
		t.Fatal(err)
	}
	if n := history.PackReads(r); n < 20 {
		t.Errorf("the pack reader resolved %d objects, want them all", n)
	}
	// The pack holds deltas, so resolving them was tested too.
	if v := g.git("verify-pack", "-v", filepath.Join(g.dir, ".git/objects/pack", packName(t, g.dir))); !strings.Contains(v, "chain length = 1") {
		t.Errorf("no delta in the pack:\n%s", v)
	}
}

// A squash or rebase merge is an ordinary commit: the grant is its author's.
func TestProvenanceRootInSubfolder(t *testing.T) {
	g := newGitRepo(t)
	files := map[string]string{}
	for k, v := range program("") {
		files["program/"+k] = v
	}
	files["program/partners/acme/people/ann.toml"] = person("Ann", cert(idA))
	files["partners/acme/people/zed.toml"] = person("Zed", cert(idB)) // outside the root
	c1 := g.commit(eve, "All", files)
	got := provenance(t, filepath.Join(g.dir, "program"))
	want := []string{"granted " + idA + " " + short(c1) + " Eve Outsider 2025-03-01"}
	if !slices.Equal(got, want) {
		t.Errorf("provenance: %q, want %q", got, want)
	}
}

func TestShallow(t *testing.T) {
	g := newGitRepo(t)
	files := program("")
	files["partners/acme/people/ann.toml"] = person("Ann", cert(idA))
	g.commit(dana, "one", files)
	g.commit(dana, "two", map[string]string{"partners/acme/people/bob.toml": person("Bob", cert(idB))})
	clone := filepath.Join(t.TempDir(), "clone")
	if out, err := exec.Command("git", "clone", "-q", "--depth", "1", "file://"+g.dir, clone).CombinedOutput(); err != nil {
		t.Fatalf("git clone: %v\n%s", err, out)
	}
	r, err := history.Open(clone)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if !r.Shallow() {
		t.Error("Shallow() = false for a --depth 1 clone")
	}
	_, err = r.Provenance("HEAD")
	if !errors.Is(err, history.ErrIncomplete) {
		t.Fatalf("Provenance of a shallow clone: %v, want ErrIncomplete", err)
	}
	if !strings.Contains(err.Error(), "check out with full history") {
		t.Errorf("error does not say what to do: %v", err)
	}
}

func TestNotRepository(t *testing.T) {
	_, err := history.Open(t.TempDir())
	if !errors.Is(err, history.ErrNotRepository) {
		t.Errorf("Open outside git: %v, want ErrNotRepository", err)
	}
}

// audit loads the program in dir and audits it.
func audit(t *testing.T, dir string, since string) []string {
	t.Helper()
	p, ds, err := load.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range ds {
		t.Fatalf("program does not load cleanly: %s", d)
	}
	r, err := history.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	res, err := r.Audit(history.AuditOptions{Since: since, P: p, Worktree: dir})
	if err != nil {
		t.Fatal(err)
	}
	return printed(res.Diags)
}

// printed is each diagnostic as check prints it.
func printed(ds []diag.Diagnostic) []string {
	var out []string
	for _, d := range ds {
		out = append(out, d.String())
	}
	return out
}

func TestAuditUnauthorized(t *testing.T) {
	g := newGitRepo(t)
	files := program("")
	files["partners/acme/people/ann.toml"] = person("Ann", cert(idA))
	g.commit(dana, "Program, and Ann's grant", files)
	c2 := g.commit(eve, "Bob's grant", map[string]string{"partners/acme/people/bob.toml": person("Bob", cert(idB))})
	c3 := g.commit(eve, "Revoke Ann's", map[string]string{"partners/acme/people/ann.toml": person("Ann", cert(idA, "revoked = 2025-02-01", `revoked_reason = "Error"`))})
	g.commit("Max Admin <MAX@vendor.example>", "Cy's grant, by an administrator whose e-mail differs in case", map[string]string{"partners/acme/people/cy.toml": person("Cy", cert(idC))})
	got := audit(t, g.dir, "")
	want := []string{
		"partners/acme/people/ann.toml:13:1: error: credential " + idA + ": revoked, revoked_reason set in commit " + short(c3) + " by Eve Outsider <eve@elsewhere.example>, who is not among the [[administrators]] of programs/program.toml [unauthorized-grant]",
		"partners/acme/people/bob.toml:1:1: error: partners/acme/people/bob.toml: the file added in commit " + short(c2) + " by Eve Outsider <eve@elsewhere.example>, who is not among the [[administrators]] of programs/program.toml [unauthorized-change]",
		"partners/acme/people/bob.toml:13:1: error: credential " + idB + ": granted in commit " + short(c2) + " by Eve Outsider <eve@elsewhere.example>, who is not among the [[administrators]] of programs/program.toml [unauthorized-grant]",
	}
	if !slices.Equal(got, want) {
		t.Errorf("audit:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	// --since: what the trusted revision already holds is not audited.
	if got := audit(t, g.dir, c2); len(got) != 1 || !strings.Contains(got[0], "ann.toml") {
		t.Errorf("audit since %s: %q, want only the later revocation", short(c2), got)
	}
	if got := audit(t, g.dir, "HEAD"); len(got) != 0 {
		t.Errorf("audit since HEAD: %q, want nothing", got)
	}
}

// An uncommitted grant is not audited: there is no commit to judge yet.
func TestAuditUncommitted(t *testing.T) {
	g := newGitRepo(t)
	g.commit(dana, "Program", program(""))
	g.write(map[string]string{"partners/acme/people/ann.toml": person("Ann", cert(idA))})
	if got := audit(t, g.dir, ""); len(got) != 0 {
		t.Errorf("audit of an uncommitted grant: %q", got)
	}
}

// FS serves a revision's files, not the working tree's.
func TestFSAndChanged(t *testing.T) {
	g := newGitRepo(t)
	files := map[string]string{}
	for k, v := range program("") {
		files["program/"+k] = v
	}
	files["program/partners/acme/people/ann.toml"] = person("Ann", cert(idA))
	files["outside.txt"] = "not the program's"
	c1 := g.commit(dana, "one", files)
	c2 := g.commit(dana, "two", map[string]string{
		"program/partners/acme/people/bob.toml": person("Bob", cert(idB)),
		"program/partners/acme/people/ann.toml": "",
		"program/content/a/b.md":                "+++\ntitle = \"B\"\n+++\n",
		"outside.txt":                           "changed",
	})
	g.write(map[string]string{"program/partners/acme/people/cy.toml": person("Cy")}) // not committed
	r, err := history.Open(filepath.Join(g.dir, "program"))
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	h1, _ := r.Resolve(c1)
	h2, _ := r.Resolve(c2)
	fsys, err := r.FS(h2)
	if err != nil {
		t.Fatal(err)
	}
	if err := fstest.TestFS(fsys, "programs/program.toml", "partners/acme/people/bob.toml", "content/a/b.md"); err != nil {
		t.Error(err)
	}
	if _, err := fs.Stat(fsys, "partners/acme/people/cy.toml"); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("an uncommitted file: %v, want not found", err)
	}
	old, err := r.FS(h1)
	if err != nil {
		t.Fatal(err)
	}
	if b, err := fs.ReadFile(old, "partners/acme/people/ann.toml"); err != nil || !strings.HasPrefix(string(b), `name = "Ann"`) {
		t.Errorf("ann.toml at the first revision: %q, %v", b, err)
	}
	p, ds, err := load.LoadFS(fsys, c2[:7], load.Options{})
	if err != nil || len(ds) != 0 || len(p.Credentials) != 1 || p.Credentials[0].ID != idB {
		t.Errorf("LoadFS of the revision: %v, %v, %d credentials", err, ds, len(p.Credentials))
	}
}

// packName is the name of the repository's one pack index.
func packName(t *testing.T, dir string) string {
	t.Helper()
	m, err := filepath.Glob(filepath.Join(dir, ".git/objects/pack/*.idx"))
	if err != nil || len(m) != 1 {
		t.Fatalf("packs: %v %v", m, err)
	}
	return filepath.Base(m[0])
}

// Resolve reads HEAD and full hashes itself, and leaves other revisions
// to go-git: the same commits as git rev-parse, and errors for what
// names none.
func TestResolve(t *testing.T) {
	g := newGitRepo(t)
	c1 := g.commit(dana, "one", program(""))
	c2 := g.commit(dana, "two", map[string]string{"partners/acme/people/ann.toml": person("Ann")})
	g.git("tag", "-a", "-m", "v1", "v1", c1)
	r, err := history.Open(g.dir)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	for rev, want := range map[string]string{"HEAD": c2, c1: c1, c2: c2, "main": c2, "HEAD~1": c1, "v1": c1} {
		if h, err := r.Resolve(rev); err != nil || h.String() != want {
			t.Errorf("Resolve(%q) = %s, %v; want %s", rev, h, err, want)
		}
	}
	tree := g.git("rev-parse", "HEAD^{tree}")
	for _, rev := range []string{"nowhere", strings.Repeat("ab", 20), tree} {
		if h, err := r.Resolve(rev); err == nil {
			t.Errorf("Resolve(%q) = %s, want an error", rev, h)
		}
	}
	if _, err := r.Resolve(strings.Repeat("ab", 20)); err == nil || !strings.Contains(err.Error(), "cannot resolve revision") {
		t.Errorf("a missing hash: %v", err)
	}
	// go-git says only "EOF" for a revision past the root commit.
	if _, err := r.Resolve("HEAD~2"); err == nil || !strings.Contains(err.Error(), "past the first commit") {
		t.Errorf("HEAD~2 of two commits: %v", err)
	}
}

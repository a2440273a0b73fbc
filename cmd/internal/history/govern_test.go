package history_test

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/accredit/accredit/cmd/internal/diag"
	"github.com/accredit/accredit/cmd/internal/history"
	"github.com/accredit/accredit/cmd/internal/load"
	programpkg "github.com/accredit/accredit/cmd/internal/program"
)

const (
	cora  = "Cora Content <cora@vendor.example>"     // content only
	gus   = "Gus Grants <gus@vendor.example>"        // grants only
	pam   = "Pam Partners <pam@vendor.example>"      // partners only
	petra = "Petra Program <petra@vendor.example>"   // program only
	nina  = "Nina Newcomer <nina@vendor.example>"    // added later by Dana
	hank  = "Hank Helper <hank@vendor.example>"      // grants and partners
	olga  = "Olga Outsider <olga@elsewhere.example>" // never listed
)

// rolesProgram is program("") with administrators of every single role.
func rolesProgram() map[string]string {
	files := program("")
	files["programs/program.toml"] += `
[[administrators]]
name = "Cora Content"
email = "cora@vendor.example"
roles = ["content"]

[[administrators]]
name = "Gus Grants"
email = "gus@vendor.example"
roles = ["grants"]

[[administrators]]
name = "Pam Partners"
email = "pam@vendor.example"
roles = ["partners"]

[[administrators]]
name = "Petra Program"
email = "petra@vendor.example"
roles = ["program"]

[[administrators]]
name = "Hank Helper"
email = "hank@vendor.example"
roles = ["grants", "partners"]
`
	files["partners/acme/people/ann.toml"] = person("Ann", cert(idA))
	files["partners/acme/people/bob.toml"] = person("Bob", cert(idB, "revoked = 2025-02-01", `revoked_reason = "Error"`))
	// A waiver at the baseline that no case changes: its provenance
	// comes from a diff a full audit may read lean.
	files["partners/acme/people/wen.toml"] = person("Wen", cert(idE, `waive = ["retake-wait"]`, `waiver_reason = "Recorded before the program moved to git"`))
	return files
}

// auditAny audits the program in dir whatever its own diagnostics (the
// loader refuses some of the tricks below: the audit must see them too).
// It audits it again the other ways an audit can run, which must agree:
// the program given once the walk is done (check --git loads it
// meanwhile); with the cache of diffs, filled, then read (computing
// none), then damaged (computing them again); every commit's files
// parsed on all cores, as an import commit's are; every diff deferred,
// so that every one the audit does not judge is read lean, without a
// cache, then with one filled, read and damaged.
func auditAny(t *testing.T, dir string) []string {
	t.Helper()
	p, _, err := load.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	r, err := history.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	audit := func(opts history.AuditOptions) []string {
		t.Helper()
		opts.Worktree = dir
		res, err := r.Audit(opts)
		if err != nil {
			t.Fatal(err)
		}
		return append(printed(res.Diags), provenanceLines(res.Prov)...)
	}
	out := audit(history.AuditOptions{P: p})
	agrees := func(how string, got []string) {
		t.Helper()
		if !slices.Equal(out, got) {
			t.Errorf("%s:\n%s\nplain audit:\n%s", how, strings.Join(got, "\n"), strings.Join(out, "\n"))
		}
	}
	agrees("the program given by Load", audit(history.AuditOptions{Load: func() *programpkg.Program { return p }}))
	// With a cache of diffs: filled, read (computing none), damaged.
	cached := func(how string) {
		t.Helper()
		cache := filepath.Join(t.TempDir(), "audit")
		for _, run := range []string{"filling the cache", "from the cache", "damaged cache"} {
			if run == "damaged cache" {
				b, err := os.ReadFile(cache)
				if err != nil {
					t.Fatal(err)
				}
				os.WriteFile(cache, b[:len(b)-3], 0o600)
			}
			computed := history.DiffsComputed()
			agrees(how+run, audit(history.AuditOptions{P: p, Cache: cache, Salt: []byte("test")}))
			if n := history.DiffsComputed() - computed; (run == "from the cache") != (n == 0) {
				t.Errorf("%s%s: %d diffs computed", how, run, n)
			}
		}
	}
	cached("")
	restore := history.ParseOnEveryCore()
	agrees("every commit parsed on all cores", audit(history.AuditOptions{P: p}))
	restore()
	restore = history.DeferEveryDiff()
	agrees("every commit up to the baseline read lean", audit(history.AuditOptions{P: p}))
	// What is kept of a lean read serves the next audit, which reads
	// only the files holding the keys its judged commits ask for.
	cached("every commit up to the baseline read lean, ")
	restore()
	return slices.DeleteFunc(out, func(s string) bool { return strings.HasPrefix(s, "provenance: ") })
}

// provenanceLines prints who granted, revoked and waived each
// credential, in id order, for the ways of auditAny to agree on too.
func provenanceLines(p *history.Provenance) []string {
	var out []string
	for what, m := range map[string]map[string]*history.Commit{"granted": p.Granted, "revoked": p.Revoked, "waived": p.Waived} {
		for id, c := range m {
			out = append(out, fmt.Sprintf("provenance: %s %s by %s (imported %v)", id, what, c.Short(), p.Imported[id]))
		}
	}
	for id := range p.Imported {
		if p.Granted[id] == nil {
			out = append(out, "provenance: "+id+" imported, not granted")
		}
	}
	slices.Sort(out)
	return append(out, fmt.Sprintf("provenance: %d commits, head %s", p.Commits, p.Head))
}

// judgeAgrees audits the repository since each of its commits, as plan
// does, with and without Judge, and fails unless both give the same
// diagnostics: Judge reads the trusted history only for the files the
// judged changes touch, and must lose nothing by it. (Untraced
// credentials are the one difference Judge documents: reported only in
// touched files.)
func judgeAgrees(t *testing.T, g *gitRepo) {
	t.Helper()
	p, _, err := load.Load(g.dir)
	if err != nil {
		t.Fatal(err)
	}
	r, err := history.Open(g.dir)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	strs := func(ds []diag.Diagnostic) []string {
		var out []string
		for _, d := range ds {
			if !strings.Contains(d.Msg, "cannot trace it") {
				out = append(out, d.String())
			}
		}
		return out
	}
	head := strings.TrimSpace(g.git("rev-parse", "HEAD"))
	for _, since := range strings.Fields(g.git("rev-list", "--all")) {
		opts := history.AuditOptions{Head: head, Since: since, P: p}
		full, err := r.Audit(opts)
		if err != nil {
			t.Fatal(err)
		}
		opts.Judge = true
		judged, err := r.Audit(opts)
		if err != nil {
			t.Fatal(err)
		}
		if judged.Prov != nil {
			t.Error("Judge gave a provenance it did not read")
		}
		if a, b := strs(full.Diags), strs(judged.Diags); !slices.Equal(a, b) {
			t.Errorf("since %s: without Judge:\n%s\nwith Judge:\n%s", since[:7], strings.Join(a, "\n"), strings.Join(b, "\n"))
		}
	}
}

func edit(g *gitRepo, file, from, to string) string {
	g.t.Helper()
	b, err := os.ReadFile(filepath.Join(g.dir, file))
	if err != nil {
		g.t.Fatal(err)
	}
	if !strings.Contains(string(b), from) {
		g.t.Fatalf("%s does not hold %q", file, from)
	}
	return strings.Replace(string(b), from, to, 1)
}

// TestGovernance tries each way around the audit the issue found, and
// the controls that must stay clean. Each want is a regular expression
// that one diagnostic must match, and every diagnostic must match one.
func TestGovernance(t *testing.T) {
	ann := "partners/acme/people/ann.toml"
	prog := "programs/program.toml"
	for _, tc := range []struct {
		name  string
		steps func(g *gitRepo)
		want  []string
	}{
		{"an administrator's grant", func(g *gitRepo) {
			g.commit(dana, "Cy", map[string]string{"partners/acme/people/cy.toml": person("Cy", cert(idC))})
		}, nil},
		{"an administrator added by an administrator, who then grants", func(g *gitRepo) {
			g.commit(dana, "Nina joins", map[string]string{prog: edit(g, prog, "[[administrators]]", "[[administrators]]\nname = \"Nina Newcomer\"\nemail = \"nina@vendor.example\"\n\n[[administrators]]")})
			g.commit(nina, "Cy", map[string]string{"partners/acme/people/cy.toml": person("Cy", cert(idC))})
		}, nil},
		{"an administrator removed, who then grants", func(g *gitRepo) {
			g.commit(dana, "Max leaves", map[string]string{prog: edit(g, prog, "[[administrators]]\nname = \"Max Admin\"\nemail = \"max@vendor.example\"\n", "")})
			g.commit("Max Admin <max@vendor.example>", "Cy", map[string]string{"partners/acme/people/cy.toml": person("Cy", cert(idC))})
		}, []string{
			`^partners/acme/people/cy.toml:13:1: .*credential ` + idC + `: granted in commit \w+ by Max Admin <max@vendor.example>, who is not among .*\[unauthorized-grant\]$`,
			`^partners/acme/people/cy.toml:1:1: .*the file added.* by Max Admin .*\[unauthorized-change\]$`,
		}},
		{"an outsider adds themself and grants, in one commit", func(g *gitRepo) {
			g.commit(olga, "Olga", map[string]string{
				prog:                           g.readAll(prog) + "\n[[administrators]]\nname = \"Olga\"\nemail = \"olga@elsewhere.example\"\n",
				"partners/acme/people/cy.toml": person("Cy", cert(idC))})
		}, []string{
			`^programs/program.toml:\d+:1: error: programs/program.toml: the file changed|administrators\[7\]\.\w+ set.* by Olga Outsider <olga@elsewhere.example>, who is not among .*\[unauthorized-change\]$`,
			`^partners/acme/people/cy.toml:13:1: error: credential ` + idC + `: granted in commit \w+ by Olga Outsider .*\[unauthorized-grant\]$`,
			`^partners/acme/people/cy.toml:1:1: .*the file added.*\[unauthorized-change\]$`,
		}},
		{"an outsider adds themself, then grants", func(g *gitRepo) {
			g.commit(olga, "Olga", map[string]string{prog: g.readAll(prog) + "\n[[administrators]]\nname = \"Olga\"\nemail = \"olga@elsewhere.example\"\n"})
			g.commit(olga, "Cy", map[string]string{"partners/acme/people/cy.toml": person("Cy", cert(idC))})
		}, []string{
			`^programs/program.toml:\d+:1: .*administrators\[7\].* by Olga Outsider .*\[unauthorized-change\]$`,
			`^partners/acme/people/cy.toml:13:1: .*credential ` + idC + `: granted .* by Olga Outsider <olga@elsewhere.example>, who is not among .*\[unauthorized-grant\]$`,
			`^partners/acme/people/cy.toml:1:1: .*\[unauthorized-change\]$`,
		}},
		{"role escalation: a content administrator gives themself grants", func(g *gitRepo) {
			g.commit(cora, "More roles", map[string]string{prog: edit(g, prog, `roles = ["content"]`, `roles = ["content", "grants"]`)})
			g.commit(cora, "Ann edited", map[string]string{ann: edit(g, ann, "issued = 2025-01-15", "issued = 2025-01-20")})
		}, []string{
			`^programs/program.toml:\d+:\d+: .*administrators\[2\]\.roles changed .* by Cora Content <cora@vendor.example>, whose roles \(content\) do not include program \[unauthorized-change\]$`,
			`^partners/acme/people/ann.toml:13:1: .*credential ` + idA + `: issued changed .* by Cora Content .*whose roles \(content\) do not include grants \[unauthorized-grant\]$`,
		}},
		{"issued moved later", func(g *gitRepo) {
			g.commit(olga, "x", map[string]string{ann: edit(g, ann, "issued = 2025-01-15", "issued = 2025-01-25")})
		}, []string{`^` + ann + `:13:1: .*credential ` + idA + `: issued changed .*\[unauthorized-grant\]$`}},
		{"level raised and track changed", func(g *gitRepo) {
			g.commit(olga, "x", map[string]string{ann: edit(g, ann, "level = \"foundation\"", "level = \"professional\"")})
			g.commit(olga, "y", map[string]string{ann: edit(g, ann, "track = \"sales\"", "track = \"technical\"")})
		}, []string{`^` + ann + `:13:1: .*credential ` + idA + `: level changed in commit \w+ by Olga .*; and track changed in commit .*\[unauthorized-grant\]$`}},
		{"renews, waive and id", func(g *gitRepo) {
			g.commit(olga, "x", map[string]string{ann: edit(g, ann, "issued = 2025-01-15", "issued = 2025-01-15\nrenews = \""+idB+"\"\nwaive = [\"retake-wait\"]\nwaiver_reason = \"x\"")})
			g.commit(dana, "Cy, by Dana", map[string]string{"partners/acme/people/cy.toml": person("Cy", cert(idC))})
			g.commit(olga, "z", map[string]string{"partners/acme/people/cy.toml": person("Cy", cert(idD))})
		}, []string{
			`^` + ann + `:13:1: .*credential ` + idA + `: renews set, given its waiver, waiver_reason set in commit .*\[unauthorized-grant\]$`,
			`^partners/acme/people/cy.toml:13:1: .*credential ` + idD + `: granted .*by Olga.*\[unauthorized-grant\]$`,
			`^partners/acme/people/cy.toml:1:1: .*credential ` + idC + `: removed .*by Olga.*\[unauthorized-grant\]$`,
		}},
		{"a revocation lifted", func(g *gitRepo) {
			g.commit(olga, "x", map[string]string{"partners/acme/people/bob.toml": person("Bob", cert(idB))})
		}, []string{`^partners/acme/people/bob.toml:13:1: .*credential ` + idB + `: its revocation lifted, revoked_reason removed .*\[unauthorized-grant\]$`}},
		{"a certification moved to another person", func(g *gitRepo) {
			g.commit(olga, "x", map[string]string{ann: person("Ann"), "partners/acme/people/bob.toml": person("Bob", cert(idB, "revoked = 2025-02-01", `revoked_reason = "Error"`), cert(idA))})
		}, []string{`^partners/acme/people/bob.toml:\d+:1: .*credential ` + idA + `: moved to partners/acme/people/bob.toml .*\[unauthorized-grant\]$`}},
		{"a certified person moved to another partner", func(g *gitRepo) {
			g.write(map[string]string{ann: ""})
			g.commit(olga, "x", map[string]string{"partners/globex/people/ann.toml": person("Ann", cert(idA))})
		}, []string{
			`^partners/globex/people/ann.toml:13:1: .*credential ` + idA + `: moved to partners/globex/people/ann.toml .*\[unauthorized-grant\]$`,
			`^partners/globex/people/ann.toml:1:1: .*the file added.*\[unauthorized-change\]$`,
			`^programs/program.toml:1:1: .*file partners/acme/people/ann.toml: the file removed.*\[unauthorized-change\]$`,
		}},
		{"a person moved by an administrator with grants and partners", func(g *gitRepo) {
			g.write(map[string]string{ann: ""})
			g.commit(hank, "x", map[string]string{"partners/globex/people/ann.toml": person("Ann", cert(idA))})
		}, nil},
		{"a partner folder renamed", func(g *gitRepo) {
			g.git("mv", "partners/acme", "partners/acme-corp")
			g.commit(gus, "rename", nil)
		}, []string{
			`^partners/acme-corp/partner.md:1:1: .*the file added.* whose roles \(grants\) do not include partners \[unauthorized-change\]$`,
			`^partners/acme-corp/people/ann.toml:1:1: .*the file added.*\[unauthorized-change\]$`,
			`^partners/acme-corp/people/bob.toml:1:1: .*the file added.*\[unauthorized-change\]$`,
			`^partners/acme-corp/people/wen.toml:1:1: .*the file added.*\[unauthorized-change\]$`,
			`^programs/program.toml:1:1: .*file partners/acme/partner.md: the file removed.*\[unauthorized-change\]$`,
			`^programs/program.toml:1:1: .*file partners/acme/people/ann.toml: the file removed.*\[unauthorized-change\]$`,
			`^programs/program.toml:1:1: .*file partners/acme/people/bob.toml: the file removed.*\[unauthorized-change\]$`,
			`^programs/program.toml:1:1: .*file partners/acme/people/wen.toml: the file removed.*\[unauthorized-change\]$`,
		}},
		{"a competitor's credential deleted", func(g *gitRepo) {
			g.commit(olga, "x", map[string]string{ann: person("Ann")})
		}, []string{`^` + ann + `:1:1: .*credential ` + idA + `: removed .*\[unauthorized-grant\]$`}},
		{"a whole person file deleted", func(g *gitRepo) {
			g.write(map[string]string{ann: ""})
			g.commit(pam, "x", nil)
		}, []string{
			`^programs/program.toml:1:1: .*credential ` + idA + `: removed .* by Pam Partners .*whose roles \(partners\) do not include grants \[unauthorized-grant\]$`,
		}},
		{"a multi-line id", func(g *gitRepo) {
			g.commit(olga, "x", map[string]string{"partners/acme/people/cy.toml": person("Cy", strings.Replace(cert(idC), `id = "`+idC+`"`, `id = """`+idC+`"""`, 1))})
		}, []string{
			`^partners/acme/people/cy.toml:13:1: .*credential ` + idC + `: granted .*\[unauthorized-grant\]$`,
			`^partners/acme/people/cy.toml:1:1: .*the file added.*\[unauthorized-change\]$`,
		}},
		{"a key spelled in capitals", func(g *gitRepo) {
			g.commit(olga, "x", map[string]string{ann: edit(g, ann, "issued = 2025-01-15", "ISSUED = 2025-01-20")})
		}, []string{`^` + ann + `:13:1: .*credential ` + idA + `: ISSUED set, issued removed .*\[unauthorized-grant\]$`}},
		{"a table spelled in capitals", func(g *gitRepo) {
			g.commit(olga, "x", map[string]string{"partners/acme/people/cy.toml": person("Cy", strings.Replace(cert(idC), "[[certifications]]", "[[CERTIFICATIONS]]", 1))})
		}, []string{
			`^partners/acme/people/cy.toml:1?[0-9]?:1: .*credential ` + idC + `: granted .*\[unauthorized-grant\]$`,
			`^partners/acme/people/cy.toml:1:1: .*the file added.*\[unauthorized-change\]$`,
		}},
		{"a person file committed as a symbolic link", func(g *gitRepo) {
			outside := filepath.Join(g.dir, "..", "outside.toml")
			os.WriteFile(outside, []byte(person("Cy", cert(idC))), 0o644)
			os.Symlink(outside, filepath.Join(g.dir, "partners/acme/people/cy.toml"))
			g.commit(gus, "x", nil)
		}, []string{
			// The loader refuses the link besides (TestSymlinkPerson).
			`^partners/acme/people/cy.toml:1:1: .*the file added.*whose roles \(grants\) do not include partners \[unauthorized-change\]$`,
		}},
		{"passing_score lowered by an outsider", func(g *gitRepo) {
			g.commit(olga, "x", map[string]string{prog: edit(g, prog, "passing_score = 70", "passing_score = 10")})
		}, []string{`^programs/program.toml:13:1: error: programs/program.toml: levels\[0\]\.passing_score changed .* by Olga .*\[unauthorized-change\]$`}},
		{"an outsider's change reverted by an administrator", func(g *gitRepo) {
			g.commit(olga, "x", map[string]string{prog: edit(g, prog, "passing_score = 70", "passing_score = 10")})
			g.commit(dana, "revert", map[string]string{prog: edit(g, prog, "passing_score = 10", "passing_score = 70")})
		}, nil},
		{"policy and exams, by each role", func(g *gitRepo) {
			g.commit(cora, "exam", map[string]string{"programs/exams/sales-foundation.toml": edit(g, "programs/exams/sales-foundation.toml", "questions = ", "questions = 1 + 0 * ")})
			g.commit(petra, "exam", map[string]string{"programs/exams/sales-foundation.toml": edit(g, "programs/exams/sales-foundation.toml", "duration_minutes = ", "duration_minutes = 1 + 0 * ")})
			g.commit(cora, "policy", map[string]string{prog: edit(g, prog, "[[levels]]", "[policy]\ngrace_days = 10\n\n[[levels]]")})
			g.commit(petra, "levels", map[string]string{prog: edit(g, prog, "passing_score = 75", "passing_score = 76")})
			g.commit(gus, "page", map[string]string{"content/faq.md": "+++\ntitle = \"FAQ\"\n+++\nHello.\n"})
			g.commit(pam, "partner", map[string]string{"partners/acme/partner.md": edit(g, "partners/acme/partner.md", "Acme", "Acme Ltd")})
		}, []string{
			`^programs/exams/sales-foundation.toml:\d+:1: .*duration_minutes changed .* by Petra Program .*whose roles \(program\) do not include content \[unauthorized-change\]$`,
			`^programs/program.toml:\d+:1: .*policy.grace_days set .* by Cora Content .*do not include program \[unauthorized-change\]$`,
			`^content/faq.md:1:1: .*the file added .* by Gus Grants .*do not include content \[unauthorized-change\]$`,
		}},
		{"a branch commit by an outsider, merged by an administrator", func(g *gitRepo) {
			g.git("checkout", "-q", "-b", "side")
			g.commit(olga, "Cy", map[string]string{"partners/acme/people/cy.toml": person("Cy", cert(idC))})
			g.git("checkout", "-q", "main")
			g.commit(dana, "Dee", map[string]string{"partners/globex/people/dee.toml": person("Dee", cert(idD))})
			g.gitAs(dana, "merge", "-q", "--no-ff", "-m", "merge", "side")
		}, []string{
			`^partners/acme/people/cy.toml:13:1: .*credential ` + idC + `: granted .* by Olga Outsider .*\[unauthorized-grant\]$`,
			`^partners/acme/people/cy.toml:1:1: .*the file added .* by Olga Outsider .*\[unauthorized-change\]$`,
		}},
		{"comments changed by an outsider", func(g *gitRepo) {
			g.commit(olga, "x", map[string]string{ann: "# hello\n" + g.readAll(ann)})
		}, []string{`^` + ann + `:1:1: .*its text changed \(comments or spacing\) .* by Olga .*\[unauthorized-change\]$`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			g := newGitRepo(t)
			g.commit(dana, "The program", rolesProgram())
			tc.steps(g)
			got := auditAny(t, g.dir)
			judgeAgrees(t, g)
			matched := make([]bool, len(got))
			for _, w := range tc.want {
				re := regexp.MustCompile(w)
				found := false
				for i, d := range got {
					if !matched[i] && re.MatchString(d) {
						matched[i], found = true, true
						break
					}
				}
				if !found {
					t.Errorf("no diagnostic matches %s", w)
				}
			}
			for i, d := range got {
				if !matched[i] {
					t.Errorf("unexpected: %s", d)
				}
			}
		})
	}
}

// readAll returns a file of the working tree.
func (g *gitRepo) readAll(file string) string {
	g.t.Helper()
	b, err := os.ReadFile(filepath.Join(g.dir, file))
	if err != nil {
		g.t.Fatal(err)
	}
	return string(b)
}

// [audit] since: a program imported with records accepts what its
// repository held at the baseline, when the baseline was set by an
// administrator the chain of trust knows; credentials that predate it
// were recorded at import.
func TestBaseline(t *testing.T) {
	setup := func(t *testing.T) (*gitRepo, string) {
		g := newGitRepo(t)
		g.commit(dana, "The program", rolesProgram())
		imported := g.commit(olga, "Records from the old system", map[string]string{"partners/acme/people/cy.toml": person("Cy", cert(idC))})
		return g, imported
	}
	since := func(g *gitRepo, hash string) map[string]string {
		return map[string]string{"programs/program.toml": g.readAll("programs/program.toml") + "\n[audit]\nsince = \"" + hash[:12] + "\"\n"}
	}
	t.Run("set by an administrator", func(t *testing.T) {
		g, _ := setup(t)
		// A baseline commit that changes no file of the program.
		imported := g.commit(olga, "Outside the program", map[string]string{"README.md": "x"})
		g.commit(dana, "The audit starts here", since(g, imported))
		if got := auditAny(t, g.dir); len(got) != 0 {
			t.Errorf("audit: %q", got)
		}
		r, err := history.Open(g.dir)
		if err != nil {
			t.Fatal(err)
		}
		defer r.Close()
		res, err := r.Audit(history.AuditOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if res.Baseline == nil || res.Baseline.Hash.String() != imported {
			t.Errorf("baseline %v, want %s", res.Baseline, imported)
		}
		for _, id := range []string{idA, idC} {
			if !res.Prov.Imported[id] || res.Prov.Granted[id].Hash.String() != imported {
				t.Errorf("%s: imported %v, granted by %v; want recorded at import, at the baseline", id, res.Prov.Imported[id], res.Prov.Granted[id])
			}
		}
		// Later changes are audited as ever, and a later grant is no import.
		g.commit(dana, "Dee", map[string]string{"partners/globex/people/dee.toml": person("Dee", cert(idD))})
		g.commit(olga, "x", map[string]string{"partners/acme/people/ann.toml": edit(g, "partners/acme/people/ann.toml", "issued = 2025-01-15", "issued = 2025-01-16")})
		got := auditAny(t, g.dir)
		if len(got) != 1 || !strings.Contains(got[0], "issued changed") {
			t.Errorf("audit after the baseline: %q", got)
		}
	})
	t.Run("set by an outsider", func(t *testing.T) {
		g, imported := setup(t)
		g.commit(olga, "Trust me", since(g, imported))
		got := auditAny(t, g.dir)
		want := []string{
			`^programs/program.toml:\d+:1: error: \[audit\] since was set in commit \w+ by Olga Outsider <olga@elsewhere.example>, who is not among .*: the baseline does not count, and the audit starts at \w+ \[unauthorized-change\]$`,
			`^programs/program.toml:\d+:1: error: programs/program.toml: audit.since set .*\[unauthorized-change\]$`,
			`^partners/acme/people/cy.toml:13:1: .*credential ` + idC + `: granted .*\[unauthorized-grant\]$`,
			`^partners/acme/people/cy.toml:1:1: .*the file added.*\[unauthorized-change\]$`,
		}
		if len(got) != len(want) {
			t.Fatalf("audit: %d diagnostics, want %d:\n%s", len(got), len(want), strings.Join(got, "\n"))
		}
		for _, w := range want {
			if !slices.ContainsFunc(got, regexp.MustCompile(w).MatchString) {
				t.Errorf("no diagnostic matches %s in\n%s", w, strings.Join(got, "\n"))
			}
		}
	})
	t.Run("naming no commit of the history", func(t *testing.T) {
		g, _ := setup(t)
		g.commit(dana, "Typo", since(g, "0123456789abcdef0123"))
		got := auditAny(t, g.dir)
		if !slices.ContainsFunc(got, regexp.MustCompile(`^programs/program.toml:\d+:1: error: \[audit\] since = "0123456789ab" names no commit of the first-parent history of HEAD.*\[invalid-value\]$`).MatchString) {
			t.Errorf("audit: %q", got)
		}
	})
}

// A person file committed as a symbolic link is refused by the loader, so
// the credential it points at is never loaded, published or left
// unjudged; the audit judges the link itself (TestGovernance).
func TestSymlinkPerson(t *testing.T) {
	g := newGitRepo(t)
	g.commit(dana, "The program", rolesProgram())
	outside := filepath.Join(g.dir, "..", "outside.toml")
	os.WriteFile(outside, []byte(person("Cy", cert(idC))), 0o644)
	os.Symlink(outside, filepath.Join(g.dir, "partners/acme/people/cy.toml"))
	g.commit(dana, "x", nil)
	p, ds, err := load.Load(g.dir)
	if err != nil {
		t.Fatal(err)
	}
	if p.Credential(idC) != nil {
		t.Errorf("the credential behind the link was loaded")
	}
	if !slices.ContainsFunc(ds, func(d diag.Diagnostic) bool {
		return d.File == "partners/acme/people/cy.toml" && d.Severity == diag.Error
	}) {
		t.Errorf("no error at the link: %v", ds)
	}
}

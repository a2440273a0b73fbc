package history_test

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// gitRepo is a real repository in a temporary folder, built with the git
// CLI: commits by chosen authors at fixed dates, branches and merges.
type gitRepo struct {
	t    *testing.T
	dir  string
	tick int
}

func newGitRepo(t *testing.T) *gitRepo {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("no git on PATH")
	}
	g := &gitRepo{t: t, dir: t.TempDir()}
	g.git("init", "-q", "-b", "main")
	g.git("config", "user.name", "Test Runner")
	g.git("config", "user.email", "runner@test.example")
	g.git("config", "commit.gpgsign", "false")
	return g
}

// git runs git in the repository and returns its output.
func (g *gitRepo) git(args ...string) string {
	g.t.Helper()
	return g.gitAs("Test Runner <runner@test.example>", args...)
}

func (g *gitRepo) gitAs(author string, args ...string) string {
	g.t.Helper()
	name, email, _ := strings.Cut(author, " <")
	email = strings.TrimSuffix(email, ">")
	if args[0] == "commit" || args[0] == "merge" {
		g.tick++
	}
	when := fmt.Sprintf("2025-03-%02dT10:00:00Z", min(g.tick, 28))
	cmd := exec.Command("git", args...)
	cmd.Dir = g.dir
	cmd.Env = append(os.Environ(),
		"GIT_AUTHOR_NAME="+name, "GIT_AUTHOR_EMAIL="+email, "GIT_AUTHOR_DATE="+when,
		"GIT_COMMITTER_NAME="+name, "GIT_COMMITTER_EMAIL="+email, "GIT_COMMITTER_DATE="+when,
		"GIT_CONFIG_NOSYSTEM=1", "HOME="+g.dir)
	out, err := cmd.CombinedOutput()
	if err != nil {
		g.t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return strings.TrimSpace(string(out))
}

// write writes files (content "" removes the file).
func (g *gitRepo) write(files map[string]string) {
	g.t.Helper()
	for name, content := range files {
		p := filepath.Join(g.dir, filepath.FromSlash(name))
		if content == "" {
			os.Remove(p)
			continue
		}
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			g.t.Fatal(err)
		}
	}
}

// commit writes files and commits them all as author ("Name <email>"),
// returning the commit's hash.
func (g *gitRepo) commit(author, msg string, files map[string]string) string {
	g.t.Helper()
	g.write(files)
	g.gitAs(author, "add", "-A")
	g.gitAs(author, "commit", "-q", "--allow-empty", "-m", msg)
	return g.git("rev-parse", "HEAD")
}

const (
	dana = "Dana Admin <dana@vendor.example>"
	eve  = "Eve Outsider <eve@elsewhere.example>"
)

// program is the program files of the tests: two administrators, one
// track, one partner.
func program(extraPolicy string) map[string]string {
	base := "../check/testdata/base/"
	read := func(rel string) string {
		b, err := os.ReadFile(base + rel)
		if err != nil {
			panic(err)
		}
		return string(b)
	}
	prog := read("programs/program.toml") + `
[[administrators]]
name = "Dana Admin"
email = "dana@vendor.example"

[[administrators]]
name = "Max Admin"
email = "max@vendor.example"
`
	if extraPolicy != "" {
		prog = strings.Replace(prog, "[[levels]]", "[policy]\n"+extraPolicy+"\n\n[[levels]]", 1)
	}
	return map[string]string{
		"programs/program.toml":                     prog,
		"programs/tracks/sales.toml":                read("programs/tracks/sales.toml"),
		"programs/exams/sales-foundation.toml":      read("programs/exams/sales-foundation.toml"),
		"programs/exams/sales-foundation.bank.toml": read("programs/exams/sales-foundation.bank.toml"),
		"partners/acme/partner.md":                  read("partners/acme/partner.md"),
		"partners/globex/partner.md":                strings.Replace(read("partners/acme/partner.md"), "Acme", "Globex", 1),
	}
}

// person is a person file with the results every test credential needs
// and the given [[certifications]] blocks.
func person(name string, certs ...string) string {
	s := fmt.Sprintf(`name = %q

[[training]]
course = "sales-101"
completed = 2025-01-05

[[exams]]
exam = "sales-foundation"
date = 2025-01-10
score = 80
proctoring = "self"
`, name)
	for _, c := range certs {
		s += "\n" + c
	}
	return s
}

// cert is a [[certifications]] block; extra lines are appended.
func cert(id string, extra ...string) string {
	s := fmt.Sprintf("[[certifications]]\nid = %q\ntrack = \"sales\"\nlevel = \"foundation\"\nissued = 2025-01-15\n", id)
	for _, e := range extra {
		s += e + "\n"
	}
	return s
}

package main

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/accredit/accredit/cmd/internal/base"
	"github.com/accredit/accredit/cmd/internal/safefs"
)

var (
	credentialID = regexp.MustCompile(`(?m)^id = "([^"]*)"$`)
	issuedLine   = regexp.MustCompile(`(?m)^issued = \d{4}-\d\d-\d\d$`)
)

// exampleCopy copies the example program's trees to a folder of the
// test's, for check's caches, which live in another (XDG_CACHE_HOME);
// files the test writes count as past the racy window (checkNow).
func exampleCopy(t *testing.T) string {
	t.Helper()
	root := t.TempDir()
	for _, dir := range []string{"programs", "partners", "content", "layouts"} {
		if err := os.CopyFS(filepath.Join(root, dir), os.DirFS(filepath.Join("../..", dir))); err != nil {
			t.Fatal(err)
		}
	}
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	f := checkNow
	t.Cleanup(func() { checkNow = f })
	checkNow = func() time.Time { return time.Now().Add(2 * safefs.RacyWindow) }
	return root
}

// checkAt runs check on root at day, with its caches or with none, and
// returns what it printed and how it came by it (checkStats).
func checkAt(root, day string, cache bool) (out, how string) {
	var stdout bytes.Buffer
	env := &base.Env{Stdout: &stdout, Stderr: &stdout, Getenv: func(k string) string {
		if k == "ACCREDIT_CACHE" && !cache {
			return "off"
		}
		return ""
	}}
	checkStats = ""
	run(env, []string{"check", "--root", root, "--as-of", day, "--format", "text"})
	return stdout.String(), checkStats
}

// TestCheckEditIsFull is the differential test of check's partial
// re-check (checkEdit, checkcache.Scope): after each of a long series of
// random edits to the example program (ids duplicated across partners,
// renews naming another partner's credential, people and partners
// copied, removed and restored, syntax errors, dates moved, and now
// and then a definition), check with its caches prints exactly what a
// check with every cache off prints. Most edits must take the partial
// path, and an edit to a definition the full one.
func TestCheckEditIsFull(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("the result cache needs Linux's stamps")
	}
	root := exampleCopy(t)
	pristine := t.TempDir()
	if err := os.CopyFS(pristine, os.DirFS(root)); err != nil {
		t.Fatal(err)
	}
	check := func(cache bool) (string, string) {
		t.Helper()
		return checkAt(root, "2026-11-22", cache)
	}
	check(true)
	check(true) // the first manifest, with the decode cache there

	seed := uint64(time.Now().UnixNano())
	t.Logf("seed %d", seed)
	rng := rand.New(rand.NewPCG(seed, 7))
	pick := func(list []string) string { return list[rng.IntN(len(list))] }
	glob := func(pattern string) []string {
		list, _ := filepath.Glob(filepath.Join(root, pattern))
		return list
	}
	read := func(p string) string {
		b, _ := os.ReadFile(p)
		return string(b)
	}
	ids := func() []string {
		var out []string
		for _, f := range glob("partners/*/people/*.toml") {
			for _, m := range credentialID.FindAllStringSubmatch(read(f), -1) {
				out = append(out, m[1])
			}
		}
		return out
	}
	// withID returns the person files holding a credential.
	withID := func() []string {
		return slices.DeleteFunc(glob("partners/*/people/*.toml"), func(f string) bool { return !credentialID.MatchString(read(f)) })
	}
	copies := 0
	edits := []struct {
		name string
		do   func() bool // false: nothing to do this time
	}{
		{"an id duplicated from another partner", func() bool {
			all, files := ids(), withID()
			if len(all) == 0 || len(files) == 0 {
				return false
			}
			f, id := pick(files), pick(all)
			s := read(f)
			ms := credentialID.FindAllStringIndex(s, -1)
			m := ms[rng.IntN(len(ms))]
			return os.WriteFile(f, []byte(s[:m[0]]+`id = "`+id+`"`+s[m[1]:]), 0o644) == nil
		}},
		{"renews naming another credential", func() bool {
			all, files := ids(), withID()
			if len(all) == 0 || len(files) == 0 {
				return false
			}
			f := pick(files)
			s := read(f)
			ms := credentialID.FindAllStringIndex(s, -1)
			m := ms[rng.IntN(len(ms))]
			return os.WriteFile(f, []byte(s[:m[1]]+"\nrenews = \""+pick(all)+"\""+s[m[1]:]), 0o644) == nil
		}},
		{"an issue date moved", func() bool {
			files := glob("partners/*/people/*.toml")
			f := pick(files)
			s := read(f)
			ms := issuedLine.FindAllStringIndex(s, -1)
			if len(ms) == 0 {
				return false
			}
			m := ms[rng.IntN(len(ms))]
			day := fmt.Sprintf("issued = 20%02d-%02d-%02d", 20+rng.IntN(8), 1+rng.IntN(12), 1+rng.IntN(28))
			return os.WriteFile(f, []byte(s[:m[0]]+day+s[m[1]:]), 0o644) == nil
		}},
		{"a person removed", func() bool {
			return os.Remove(pick(glob("partners/*/people/*.toml"))) == nil
		}},
		{"a person copied to another partner", func() bool {
			from, to := pick(glob("partners/*/people/*.toml")), pick(glob("partners/*/people"))
			return os.WriteFile(filepath.Join(to, "copy-"+filepath.Base(from)), []byte(read(from)), 0o644) == nil
		}},
		{"a partner copied", func() bool {
			copies++
			from := pick(glob("partners/*"))
			return os.CopyFS(filepath.Join(root, "partners", fmt.Sprintf("%s-copy%d", filepath.Base(from), copies)), os.DirFS(from)) == nil
		}},
		{"a partner removed", func() bool {
			return os.RemoveAll(pick(glob("partners/*"))) == nil
		}},
		{"a syntax error", func() bool {
			f := pick(glob("partners/*/people/*.toml"))
			return os.WriteFile(f, []byte(read(f)+"\nname = = 1\n"), 0o644) == nil
		}},
		{"a partner.md unlisted", func() bool {
			f := pick(glob("partners/*/partner.md"))
			s := read(f)
			if !strings.HasPrefix(s, "+++\n") {
				return false
			}
			return os.WriteFile(f, []byte("+++\nlisted = false\n"+s[4:]), 0o644) == nil
		}},
		{"a partner restored", func() bool {
			all, _ := filepath.Glob(filepath.Join(pristine, "partners", "*"))
			rel, err := filepath.Rel(pristine, pick(all))
			if err != nil {
				return false
			}
			os.RemoveAll(filepath.Join(root, rel))
			return os.CopyFS(filepath.Join(root, rel), os.DirFS(filepath.Join(pristine, rel))) == nil
		}},
	}
	partial := 0
	for step := range 60 {
		// Stamps a tick apart: the test's clock takes every manifest,
		// racy or not, so a file written twice must not keep its times.
		time.Sleep(10 * time.Millisecond)
		name := "the program's name"
		if step%15 == 14 {
			f := filepath.Join(root, "programs", "program.toml")
			s := read(f)
			os.WriteFile(f, []byte(strings.Replace(s, "name = \"", fmt.Sprintf("name = \"%d ", step), 1)), 0o644)
		} else {
			e := edits[rng.IntN(len(edits))]
			if !e.do() {
				continue
			}
			name = e.name
		}
		got, how := check(true)
		want, _ := check(false)
		if got != want {
			t.Fatalf("step %d, %s (%s): check with its caches printed\n%s\nwant (every cache off)\n%s", step, name, how, got, want)
		}
		switch {
		case name == "the program's name" && how != "checked in full":
			t.Fatalf("step %d: a definition changed, and check %s", step, how)
		case strings.Contains(how, "checked again"):
			partial++
		}
	}
	if partial < 30 {
		t.Errorf("only %d of 60 edits were checked in part", partial)
	}
}

package main

import (
	"bytes"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/accredit/accredit/cmd/internal/base"
	"github.com/accredit/accredit/cmd/internal/safefs"
	"github.com/accredit/accredit/cmd/internal/tomlrec"
)

// TestCheckReusesResult: a check of a program nothing changed in prints
// the last result without loading a file; a change, another date or no
// cache check in full, and every run prints what a full check prints.
func TestCheckReusesResult(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("the result cache needs Linux's stamps")
	}
	root := t.TempDir()
	if err := os.CopyFS(root, os.DirFS("../internal/report/testdata/small")); err != nil {
		t.Fatal(err)
	}
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	defer func(f func() time.Time) { checkNow = f }(checkNow)
	checkNow = func() time.Time { return time.Now().Add(2 * safefs.RacyWindow) }
	cacheOff := false
	check := func(asOf string) (out string, decoded int64) {
		t.Helper()
		var stdout, stderr bytes.Buffer
		env := &base.Env{Stdout: &stdout, Stderr: &stderr, Getenv: func(k string) string {
			if k == "ACCREDIT_CACHE" && cacheOff {
				return "off"
			}
			return ""
		}}
		fast, slow := tomlrec.Stats()
		run(env, []string{"check", "--root", root, "--as-of", asOf})
		fast2, slow2 := tomlrec.Stats()
		return stdout.String() + stderr.String(), fast2 + slow2 - fast - slow
	}
	full, n := check("2026-03-01")
	if n == 0 || !strings.Contains(full, " files") {
		t.Fatalf("first check decoded %d documents:\n%s", n, full)
	}
	if out, n := check("2026-03-01"); out != full || n == 0 {
		t.Fatalf("second check (decoded %d):\n%s\nwant\n%s", n, out, full)
	}
	if out, n := check("2026-03-01"); out != full || n != 0 {
		t.Fatalf("third check decoded %d documents, want none:\n%s\nwant\n%s", n, out, full)
	}
	// Another date is another result.
	if _, n := check("2026-04-01"); n == 0 {
		t.Error("a check at another date reused the result")
	}
	// A person's file changed: checked in full, and the problem is seen.
	people, _ := filepath.Glob(filepath.Join(root, "partners", "*", "people", "*.toml"))
	if len(people) == 0 {
		t.Fatal("no people")
	}
	f, err := os.OpenFile(people[0], os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString("\nnickname = \"x\"\n")
	f.Close()
	out, n := check("2026-03-01")
	if n == 0 || !strings.Contains(out, "unknown key \"nickname\"") {
		t.Fatalf("after an edit (decoded %d):\n%s", n, out)
	}
	if again, n := check("2026-03-01"); again != out || n != 0 {
		t.Fatalf("after an edit, again (decoded %d):\n%s\nwant\n%s", n, again, out)
	}
	// With the caches off, every check is in full.
	cacheOff = true
	if again, n := check("2026-03-01"); again != out || n == 0 {
		t.Fatalf("ACCREDIT_CACHE=off (decoded %d):\n%s", n, again)
	}
}

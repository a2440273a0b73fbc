//go:build unix

package publish_test

import (
	"bytes"
	"errors"
	"fmt"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/accredit/accredit/cmd/internal/publish"
	"github.com/accredit/accredit/cmd/internal/search"
)

// killEnv makes the test binary a helper that builds a site and is
// killed at a chosen step (TestKillHelper).
const killEnv = "PUBLISH_KILL_AT"

// TestKillHelper, run only with killEnv=ROOT|OUT|ASOF|STEP|MODE: build
// the program at ROOT into OUT and SIGKILL itself when the build reaches
// STEP (MODE "later": from another goroutine, while the work after the
// step goes on; "noexchange": with the swap of systems that cannot
// exchange folders).
func TestKillHelper(t *testing.T) {
	v := os.Getenv(killEnv)
	if v == "" {
		t.Skip("run as a helper process only")
	}
	a := strings.Split(v, "|")
	root, out, asOf, step, mode := a[0], a[1], a[2], a[3], a[4]
	if strings.Contains(mode, "noexchange") {
		publish.NoExchange()
	}
	st, theme := siteOf(t, root, asOf)
	kill := func() { syscall.Kill(os.Getpid(), syscall.SIGKILL) }
	publish.SetHook(func(s string) {
		if s != step {
			return
		}
		if strings.Contains(mode, "later") {
			go kill() // while the old site is being removed
			return
		}
		kill()
		select {}
	})
	// As build (the test helper) writes it, search index included.
	if _, err := publish.WriteWith(st, theme, out, publish.Options{Extra: func() (map[string][]byte, error) { return search.SiteFiles(st) }}); err != nil {
		t.Fatal(err)
	}
	time.Sleep(time.Second) // a "later" kill
	t.Fatal("the build finished: the helper was not killed")
}

// TestKill: a build killed at any step of its swap (before, between and
// after the renames, while the old site is being removed) leaves a
// complete site at out, the old one or the new one, byte for byte; the
// next build cleans what the killed one left beside it. Where folders
// cannot be exchanged (the fallback), a kill between the two renames
// leaves out missing, and the next Guard puts the old site back.
func TestKill(t *testing.T) {
	root := program(t, "")
	ref := t.TempDir()
	newSite := filepath.Join(ref, "new")
	build(t, root, newSite, "2025-06-02")
	want := map[string]map[string][]byte{"old": nil, "new": files(t, newSite)}
	for _, tc := range []struct {
		step, mode string
		want       string // "old", "new", "missing"
	}{
		{"started", "", "old"},
		{"marked", "", "old"},
		{"swap", "", "old"},
		{"exchanged", "", "new"},
		{"exchanged", "later", "new"},
		{"swap", "noexchange", "old"},
		{"aside", "noexchange", "missing"},
		{"renamed", "noexchange", "new"},
		{"renamed", "noexchange later", "new"},
	} {
		t.Run(tc.step+"-"+strings.ReplaceAll(tc.mode, " ", "-"), func(t *testing.T) {
			dir := t.TempDir()
			out := filepath.Join(dir, "site")
			build(t, root, out, "2025-06-01")
			want["old"] = files(t, out)
			cmd := exec.Command(os.Args[0], "-test.run=^TestKillHelper$")
			cmd.Env = append(os.Environ(), fmt.Sprintf("%s=%s|%s|2025-06-02|%s|%s", killEnv, root, out, tc.step, tc.mode))
			msg, err := cmd.CombinedOutput()
			var ee *exec.ExitError
			if !errors.As(err, &ee) || ee.ExitCode() != -1 {
				t.Fatalf("helper was not killed: %v\n%s", err, msg)
			}
			if tc.want == "missing" {
				if _, err := os.Stat(out); err == nil {
					t.Fatal("out exists between the renames of the fallback")
				}
				if _, err := publish.Guard(root, out); err != nil {
					t.Fatal(err)
				}
				tc.want = "old"
			}
			if got := files(t, out); !sameFiles(got, want[tc.want]) {
				t.Errorf("after a kill at %s: the site at out is not the %s one (%d files, want %d)", tc.step, tc.want, len(got), len(want[tc.want]))
			}
			// The next build cleans up: nothing but the site beside it.
			build(t, root, out, "2025-06-03")
			entries, _ := os.ReadDir(dir)
			if len(entries) != 1 {
				var names []string
				for _, e := range entries {
					names = append(names, e.Name())
				}
				t.Errorf("after the next build: %v beside the site", names)
			}
		})
	}
}

func sameFiles(a, b map[string][]byte) bool {
	if !slices.Equal(slices.Sorted(maps.Keys(a)), slices.Sorted(maps.Keys(b))) {
		return false
	}
	for k, v := range a {
		if !bytes.Equal(v, b[k]) {
			return false
		}
	}
	return true
}

//go:build unix

package record

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
)

// killEnv makes the test binary a helper that writes files and is killed
// at a chosen step (TestKillHelper).
const killEnv = "RECORD_KILL_AT"

// TestKillHelper, run only with killEnv=ROOT|N|STEP|K: write the N
// person files of people(ROOT, N) with new content and SIGKILL itself
// at the K-th time Write reaches STEP.
func TestKillHelper(t *testing.T) {
	v := os.Getenv(killEnv)
	if v == "" {
		t.Skip("run as a helper process only")
	}
	args := strings.Split(v, "|")
	root, step := args[0], args[2]
	n, _ := strconv.Atoi(args[1])
	k, _ := strconv.Atoi(args[3])
	var files []File
	for i := range n {
		p := filepath.Join(root, "partners", fmt.Sprintf("p%d", i%7), "people", fmt.Sprintf("x%d.toml", i))
		files = append(files, File{Path: p, Data: fmt.Appendf(nil, "new %d\n", i), Base: BaseOf(fmt.Appendf(nil, "old %d\n", i))})
	}
	var seen atomic.Int64
	hook = func(s string) {
		if s == step && seen.Add(1) == int64(k) {
			syscall.Kill(os.Getpid(), syscall.SIGKILL)
			select {}
		}
	}
	if err := Write(root, files); err != nil {
		t.Fatal(err)
	}
	t.Fatal("Write finished: the helper was not killed")
}

// TestKill: a write of 300 files killed at any step leaves each file old
// or new, never half written; the next Recover leaves all of them old
// (killed before the journal's commit) or all new (after), and no
// temporary file or journal behind.
func TestKill(t *testing.T) {
	const n = 300
	for _, tc := range []struct {
		step string
		k    int
		new  bool
	}{
		{"prepared", 1, false},
		{"staged-file", 1, false},
		{"staged-file", 180, false},
		{"staged", 1, false},
		{"committed", 1, true},
		{"renamed", 1, true},
		{"renamed", 180, true},
		{"renamed", n, true},
	} {
		t.Run(fmt.Sprintf("%s-%d", tc.step, tc.k), func(t *testing.T) {
			root := t.TempDir()
			files := people(t, root, n)
			cmd := exec.Command(os.Args[0], "-test.run=^TestKillHelper$")
			cmd.Env = append(os.Environ(), fmt.Sprintf("%s=%s|%d|%s|%d", killEnv, root, n, tc.step, tc.k))
			out, err := cmd.CombinedOutput()
			var ee *exec.ExitError
			if !errors.As(err, &ee) || ee.ExitCode() != -1 {
				t.Fatalf("helper was not killed: %v\n%s", err, out)
			}
			for i, f := range files {
				got, _ := os.ReadFile(f.Path)
				if s := string(got); s != fmt.Sprintf("old %d\n", i) && s != fmt.Sprintf("new %d\n", i) {
					t.Fatalf("%s = %q after the kill", f.Path, got)
				}
			}
			if !Pending(root) {
				t.Error("Pending is false after the kill")
			}
			rec, err := Recover(root)
			if err != nil {
				t.Fatal(err)
			}
			if rec == nil || rec.Forward != tc.new || rec.Files != n || rec.PID != cmd.Process.Pid {
				t.Errorf("Recover = %+v, want forward %v for %d files of pid %d", rec, tc.new, n, cmd.Process.Pid)
			}
			state := map[bool]int{}
			for i, f := range files {
				got, _ := os.ReadFile(f.Path)
				state[string(got) == fmt.Sprintf("new %d\n", i)]++
			}
			if state[tc.new] != n {
				t.Errorf("after Recover: %d files new, %d old; want all %s", state[true], state[false], map[bool]string{true: "new", false: "old"}[tc.new])
			}
			noTemps(t, root)
			if Pending(root) {
				t.Error("Pending is true after Recover")
			}
			if rec, err := Recover(root); rec != nil || err != nil {
				t.Errorf("a second Recover: %+v, %v", rec, err)
			}
		})
	}
}

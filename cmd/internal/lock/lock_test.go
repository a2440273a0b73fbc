package lock

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestDir(t *testing.T) {
	root := t.TempDir()
	if got, want := Dir(root), filepath.Join(root, ".accredit"); got != want {
		t.Errorf("outside git: Dir = %s, want %s", got, want)
	}
	os.Mkdir(filepath.Join(root, ".git"), 0o755)
	if got, want := Dir(root), filepath.Join(root, ".git", "accredit"); got != want {
		t.Errorf("in a checkout: Dir = %s, want %s", got, want)
	}
	// A worktree's .git is a file: the state goes beside the program.
	wt := t.TempDir()
	os.WriteFile(filepath.Join(wt, ".git"), []byte("gitdir: elsewhere\n"), 0o644)
	if got, want := Dir(wt), filepath.Join(wt, ".accredit"); got != want {
		t.Errorf("in a worktree: Dir = %s, want %s", got, want)
	}
}

// TestBusy: a held lock makes the next writer wait, then fail with the
// holder's pid and start time; released, it is free at once.
func TestBusy(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state", "lock")
	l, err := Acquire(path, 0)
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	_, err = Acquire(path, 100*time.Millisecond)
	var busy *BusyError
	if !errors.As(err, &busy) {
		t.Fatalf("second Acquire: %v, want a BusyError", err)
	}
	if waited := time.Since(start); waited < 100*time.Millisecond {
		t.Errorf("gave up after %s, want the wait", waited)
	}
	if busy.PID != os.Getpid() || time.Since(busy.Since) > time.Minute {
		t.Errorf("BusyError names pid %d since %s, want %d now", busy.PID, busy.Since, os.Getpid())
	}
	msg := busy.Error()
	for _, want := range []string{"another accredit is writing since ", ", pid " + strconv.Itoa(os.Getpid()), path} {
		if !strings.Contains(msg, want) {
			t.Errorf("message %q lacks %q", msg, want)
		}
	}
	if err := l.Release(); err != nil {
		t.Fatal(err)
	}
	if pid, _ := Holder(path); pid != 0 {
		t.Errorf("a released lock still names pid %d", pid)
	}
	l2, err := Acquire(path, 0)
	if err != nil {
		t.Fatalf("after Release: %v", err)
	}
	l2.Release()
}

// TestWaits: a writer that comes while another holds the lock gets it
// as soon as it is released, within the wait.
func TestWaits(t *testing.T) {
	path := filepath.Join(t.TempDir(), "lock")
	l, err := Acquire(path, 0)
	if err != nil {
		t.Fatal(err)
	}
	time.AfterFunc(50*time.Millisecond, func() { l.Release() })
	l2, err := Acquire(path, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	l2.Release()
}

// helperEnv runs the test binary as a helper process (see TestHelper).
const helperEnv = "LOCK_TEST_HELPER"

func helper(t *testing.T, args ...string) *exec.Cmd {
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelper$")
	cmd.Env = append(os.Environ(), helperEnv+"="+strings.Join(args, "|"))
	cmd.Stderr = os.Stderr
	return cmd
}

// TestHelper is the helper process's part, run only with helperEnv set:
//
//	die LOCK READY      take the lock, create READY, then kill itself
//	count LOCK FILE GO N   wait for GO, then N times add 1 to the
//	                    number in FILE under the lock
func TestHelper(t *testing.T) {
	v := os.Getenv(helperEnv)
	if v == "" {
		t.Skip("run as a helper process only")
	}
	args := strings.Split(v, "|")
	switch args[0] {
	case "die":
		if _, err := Acquire(args[1], 0); err != nil {
			t.Fatal(err)
		}
		os.WriteFile(args[2], nil, 0o644)
		p, _ := os.FindProcess(os.Getpid())
		p.Kill()
		select {}
	case "count":
		for {
			if _, err := os.Stat(args[3]); err == nil {
				break
			}
			time.Sleep(time.Millisecond)
		}
		n, _ := strconv.Atoi(args[4])
		for range n {
			l, err := Acquire(args[1], time.Minute)
			if err != nil {
				t.Fatal(err)
			}
			// Read, yield, write: without the lock the other process's
			// increments would be lost in between.
			data, _ := os.ReadFile(args[2])
			c, _ := strconv.Atoi(strings.TrimSpace(string(data)))
			time.Sleep(100 * time.Microsecond)
			if err := os.WriteFile(args[2], []byte(strconv.Itoa(c+1)), 0o644); err != nil {
				t.Fatal(err)
			}
			l.Release()
		}
	}
}

// TestStaleTakeover: the lock of a process killed while holding it is
// taken over without waiting for anything, though its file still names
// the dead process.
func TestStaleTakeover(t *testing.T) {
	dir := t.TempDir()
	path, ready := filepath.Join(dir, "lock"), filepath.Join(dir, "ready")
	cmd := helper(t, "die", path, ready)
	if err := cmd.Run(); err == nil {
		t.Fatal("the helper was not killed")
	}
	if _, err := os.Stat(ready); err != nil {
		t.Fatal("the helper died before taking the lock")
	}
	pid, _ := Holder(path)
	if pid != cmd.Process.Pid {
		t.Fatalf("the lock file names pid %d, want the dead helper's %d", pid, cmd.Process.Pid)
	}
	if Alive(pid) {
		t.Fatalf("pid %d still alive", pid)
	}
	l, err := Acquire(path, 0)
	if err != nil {
		t.Fatalf("a dead process's lock is not taken over: %v", err)
	}
	if pid, _ := Holder(path); pid != os.Getpid() {
		t.Errorf("the lock file names pid %d after the takeover", pid)
	}
	l.Release()
}

// TestExclusion: two processes started together (a barrier file) each
// add 1 to a counter file 40 times under the lock; no addition is lost.
func TestExclusion(t *testing.T) {
	dir := t.TempDir()
	path, counter, barrier := filepath.Join(dir, "lock"), filepath.Join(dir, "n"), filepath.Join(dir, "go")
	os.WriteFile(counter, []byte("0"), 0o644)
	const each = 40
	var cmds []*exec.Cmd
	for range 2 {
		cmd := helper(t, "count", path, counter, barrier, strconv.Itoa(each))
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		cmds = append(cmds, cmd)
	}
	os.WriteFile(barrier, nil, 0o644)
	var wg sync.WaitGroup
	for _, c := range cmds {
		wg.Go(func() {
			if err := c.Wait(); err != nil {
				t.Errorf("helper: %v", err)
			}
		})
	}
	wg.Wait()
	data, _ := os.ReadFile(counter)
	if got := strings.TrimSpace(string(data)); got != strconv.Itoa(2*each) {
		t.Errorf("counter = %s, want %d: increments were lost", got, 2*each)
	}
}

func TestAlive(t *testing.T) {
	if !Alive(os.Getpid()) {
		t.Error("this process is not alive")
	}
	if Alive(0) || Alive(-1) {
		t.Error("pid 0 or -1 is alive")
	}
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	if err := cmd.Run(); err != nil {
		t.Fatal(err)
	}
	if Alive(cmd.Process.Pid) {
		t.Skipf("pid %d reused already", cmd.Process.Pid)
	}
}

// BenchmarkAcquireRelease is what the lock adds to every grant, renew,
// revoke and import.
func BenchmarkAcquireRelease(b *testing.B) {
	path := filepath.Join(b.TempDir(), "lock")
	for b.Loop() {
		l, err := Acquire(path, 0)
		if err != nil {
			b.Fatal(err)
		}
		l.Release()
	}
}

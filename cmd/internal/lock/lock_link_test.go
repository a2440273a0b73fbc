//go:build unix

package lock

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// TestAcquireRefusesLinks: without git the lock lies in the checkout; a
// lock file or state folder that is a link, or a lock that is a FIFO, is
// refused, and what the link points to is not truncated.
func TestAcquireRefusesLinks(t *testing.T) {
	for _, kind := range []string{"file-link", "folder-link", "fifo"} {
		t.Run(kind, func(t *testing.T) {
			root := t.TempDir()
			victim := filepath.Join(t.TempDir(), "precious")
			os.WriteFile(victim, []byte("keep me\n"), 0o644)
			dir := filepath.Join(root, ".accredit")
			var err error
			switch kind {
			case "file-link":
				os.Mkdir(dir, 0o755)
				err = os.Symlink(victim, filepath.Join(dir, "lock"))
			case "folder-link":
				err = os.Symlink(filepath.Dir(victim), dir)
			case "fifo":
				os.Mkdir(dir, 0o755)
				err = syscall.Mkfifo(filepath.Join(dir, "lock"), 0o644)
			}
			if err != nil {
				t.Fatal(err)
			}
			done := make(chan error, 1)
			go func() {
				l, err := Acquire(Path(root), 0)
				l.Release()
				done <- err
			}()
			select {
			case err = <-done:
			case <-time.After(5 * time.Second):
				t.Fatal("Acquire still waiting after 5 s")
			}
			if err == nil {
				t.Error("Acquire took the lock")
			}
			if b, _ := os.ReadFile(victim); string(b) != "keep me\n" {
				t.Errorf("the link's target holds %q", b)
			}
			if _, err := os.Stat(filepath.Join(filepath.Dir(victim), "lock")); kind == "folder-link" && err == nil {
				t.Error("a lock file was made in the linked folder")
			}
		})
	}
}

//go:build !unix

package lock

import (
	"errors"
	"os"
)

// tryLock creates the lock file exclusively: without flock, a file that
// exists is the lock. The file of a process that is gone is removed and
// taken over.
func tryLock(path string) (*os.File, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o644)
	if err == nil {
		return f, nil
	}
	if !errors.Is(err, os.ErrExist) {
		return nil, err
	}
	if pid, _ := Holder(path); pid > 0 && !Alive(pid) {
		os.Remove(path)
	}
	return nil, errBusy
}

func unlock(f *os.File, path string) error {
	f.Close()
	return os.Remove(path)
}

// Alive reports whether a process with this pid exists.
func Alive(pid int) bool {
	if pid <= 0 {
		return false
	}
	p, err := os.FindProcess(pid)
	if err != nil {
		return false
	}
	p.Release()
	return true
}

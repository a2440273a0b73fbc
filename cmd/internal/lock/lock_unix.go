//go:build unix

package lock

import (
	"errors"
	"os"
	"syscall"
)

// tryLock opens the lock file and takes an exclusive flock on it without
// waiting. The kernel drops the flock when the process exits, however it
// dies: a lock is never stale.
func tryLock(path string) (*os.File, error) {
	// Without git the lock lies in the checkout (.accredit/lock), where a
	// contributor could have put a link: O_NOFOLLOW refuses it, and the
	// lock is truncated only if it is a regular file, never a link's
	// target or a FIFO.
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|syscall.O_NOFOLLOW|syscall.O_NONBLOCK, 0o644)
	if errors.Is(err, syscall.ELOOP) {
		return nil, &os.PathError{Op: "open", Path: path, Err: errors.New("is a symbolic link: accredit writes its lock only in a regular file")}
	}
	if err != nil {
		return nil, err
	}
	if fi, err := f.Stat(); err != nil || !fi.Mode().IsRegular() {
		f.Close()
		return nil, &os.PathError{Op: "open", Path: path, Err: errors.New("is not a regular file: accredit writes its lock only in a regular file")}
	}
	for {
		err = syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
		if err != syscall.EINTR {
			break
		}
	}
	if err != nil {
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, errBusy
		}
		return nil, &os.PathError{Op: "flock", Path: path, Err: err}
	}
	return f, nil
}

func unlock(f *os.File, _ string) error {
	// Closing the only descriptor drops the flock.
	return f.Close()
}

// Alive reports whether a process with this pid exists (it may belong
// to another user: signal 0 is then refused, but the process is there).
func Alive(pid int) bool {
	if pid <= 0 {
		return false
	}
	err := syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}

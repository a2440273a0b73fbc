package lock

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/accredit/accredit/cmd/internal/safefs"
)

// Dir is the folder of the program at root where accredit keeps its
// write state (the lock, a journal of files being written): inside .git
// when root is the top of a git checkout, so that nothing new shows in
// the working tree, and .accredit under root otherwise, which the
// program's .gitignore lists.
func Dir(root string) string {
	if fi, err := os.Stat(filepath.Join(root, ".git")); err == nil && fi.IsDir() {
		return filepath.Join(root, ".git", "accredit")
	}
	return filepath.Join(root, ".accredit")
}

// Path is the lock file of the program at root.
func Path(root string) string { return filepath.Join(Dir(root), "lock") }

// Wait is how long Acquire waits for another writer by default: long
// enough for a grant or an import of thousands of rows to finish, short
// enough that a stuck process is reported rather than waited on.
const Wait = 10 * time.Second

// stampGrace is how long a writer that gives up waits for the holder's
// stamp, so that its message names the holder.
const stampGrace = 250 * time.Millisecond

// A Lock is held until Release.
type Lock struct {
	f    *os.File
	path string
}

// BusyError says who holds a lock that did not come free in time.
type BusyError struct {
	Path  string
	PID   int       // 0 when the holder has not written it yet
	Since time.Time // zero when unknown
}

func (e *BusyError) Error() string {
	who := "another accredit is writing"
	if !e.Since.IsZero() {
		who += " since " + e.Since.UTC().Format("2006-01-02 15:04:05 UTC")
	}
	if e.PID > 0 {
		who += ", pid " + strconv.Itoa(e.PID)
	}
	return fmt.Sprintf("%s (lock %s): nothing was written; try again when it is done", who, e.Path)
}

// Acquire takes the lock at path, waiting up to wait for its holder to
// release it, and returns a *BusyError if it does not. The lock of a
// process that has died is taken over.
func Acquire(path string, wait time.Duration) (*Lock, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, err
	}
	// The state folder must not lead elsewhere: the journal and its
	// temporary files are written there.
	if fi, err := os.Lstat(filepath.Dir(path)); err == nil && !fi.IsDir() {
		return nil, &os.PathError{Op: "open", Path: filepath.Dir(path), Err: errors.New("is not a folder (a symbolic link?): accredit keeps its write state only in a folder of its own")}
	}
	deadline := time.Now().Add(wait)
	pause := 5 * time.Millisecond
	for {
		f, err := tryLock(path)
		if err == nil {
			l := &Lock{f: f, path: path}
			if err := l.stamp(); err != nil {
				l.Release()
				return nil, err
			}
			return l, nil
		}
		if !errors.Is(err, errBusy) {
			return nil, err
		}
		if time.Now().After(deadline) {
			pid, since := Holder(path)
			// A holder stamps the file just after it takes the lock: give
			// it a moment, so that the message can say who it is.
			if pid == 0 && time.Now().Before(deadline.Add(stampGrace)) {
				time.Sleep(5 * time.Millisecond)
				continue
			}
			return nil, &BusyError{Path: path, PID: pid, Since: since}
		}
		time.Sleep(pause)
		pause = min(2*pause, 100*time.Millisecond)
	}
}

// stamp writes who holds the lock, for the message another writer gets.
func (l *Lock) stamp() error {
	if err := l.f.Truncate(0); err != nil {
		return err
	}
	_, err := l.f.WriteAt([]byte(fmt.Sprintf("pid %d\nsince %s\n", os.Getpid(), time.Now().UTC().Format(time.RFC3339))), 0)
	return err
}

// Holder reads the pid and start time written in a lock file; zero values
// when it holds none.
func Holder(path string) (pid int, since time.Time) {
	data, err := safefs.ReadFileAt(filepath.Dir(path), filepath.Base(path), 4<<10) // a link, a FIFO: no holder
	if err != nil {
		return 0, time.Time{}
	}
	for line := range strings.Lines(string(data)) {
		k, v, _ := strings.Cut(strings.TrimSpace(line), " ")
		switch k {
		case "pid":
			pid, _ = strconv.Atoi(v)
		case "since":
			since, _ = time.Parse(time.RFC3339, v)
		}
	}
	return pid, since
}

// Release gives the lock up. The file stays, emptied: removing it would
// let a process that opened it before the removal lock a file that no
// longer has the name the next one opens.
func (l *Lock) Release() error {
	if l == nil || l.f == nil {
		return nil
	}
	l.f.Truncate(0)
	err := unlock(l.f, l.path)
	l.f = nil
	return err
}

var errBusy = errors.New("lock is held")

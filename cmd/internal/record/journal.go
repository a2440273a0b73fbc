package record

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"sync/atomic"
	"time"

	"github.com/accredit/accredit/cmd/internal/lock"
)

// File is a file to write: Path on disk and its new content.
type File struct {
	Path string
	Data []byte
	// Perm is the file's permissions; 0 keeps a target's own (0644 for a
	// new file). Callers that have just read the target pass them and save
	// a look-up.
	Perm fs.FileMode
	// Base, when set, is the target as the writer read it: the file is
	// replaced only if it still is, just before the rename
	// (compare-and-swap), so that an edit made meanwhile by an editor or
	// a program that takes no lock is never overwritten.
	Base *Base
}

// Base is a file's content as a writer read it.
type Base struct {
	Sum    [sha256.Size]byte
	Absent bool // there was no file: it must not exist when written
}

// BaseOf is the base of a file read as data.
func BaseOf(data []byte) *Base { return &Base{Sum: sha256.Sum256(data)} }

// NoFile is the base of a file that did not exist.
func NoFile() *Base { return &Base{Absent: true} }

// ChangedError is a write refused because a file is no longer what its
// writer read.
type ChangedError struct{ Path string }

func (e *ChangedError) Error() string {
	return e.Path + " changed since it was read (an editor or another program wrote it): nothing was written; run the command again"
}

// Write writes every file of the program at root, all or nothing, and
// keeps it so across a kill.
//
// The writes are journaled in the program's state folder (lock.Dir):
// the list of files goes to a journal first; each new content goes to a
// temporary file beside its target named after the journal; each file
// with a Base is compared with what is on disk; then the journal is
// marked committed (a rename, atomic) and the temporary files are
// renamed over their targets. An error before the mark (a full disk, a
// read-only folder, a changed file) changes no target and leaves nothing
// behind. A process killed before the mark leaves files that Recover
// removes; killed after it, Recover finishes the renames. A reader sees
// each file either old or new, never half written.
//
// The caller holds the program's lock (package lock) and has run
// Recover: the journal is one per program. Only .toml files under root
// whose path has no part starting with a dot are written.
func Write(root string, files []File) error {
	j, err := newJournal(root, files)
	if err != nil {
		return err
	}
	dir := lock.Dir(root)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	if err := j.save(filepath.Join(dir, journalName)); err != nil {
		return err
	}
	hook("prepared")
	undo := func() {
		for _, f := range files {
			os.Remove(j.temp(f.Path))
		}
		os.Remove(filepath.Join(dir, journalName))
	}
	// Thousands of files (an import) are written on all cores.
	if err := parallel(len(files), func(i int) error { return j.stage(files[i]) }); err != nil {
		undo()
		return err
	}
	hook("staged")
	if err := parallel(len(files), func(i int) error { return unchanged(root, files[i]) }); err != nil {
		undo()
		return err
	}
	if err := os.Rename(filepath.Join(dir, journalName), filepath.Join(dir, commitName)); err != nil {
		undo()
		return err
	}
	hook("committed")
	var done atomic.Int64
	err = parallel(len(files), func(i int) error {
		if err := os.Rename(j.temp(files[i].Path), files[i].Path); err != nil {
			return err
		}
		done.Add(1)
		hook("renamed")
		return nil
	})
	if err != nil {
		// The journal is committed: the next writer's Recover renames
		// the rest. Nothing can be undone, the old contents are gone.
		return fmt.Errorf("%w (%d of %d files were written; the next grant, renew, revoke or import writes the rest)", err, done.Load(), len(files))
	}
	return os.Remove(filepath.Join(dir, commitName))
}

// writeAtomic replaces one file outside the program (a cache) by a
// rename: a reader sees it old or new.
func writeAtomic(name string, data []byte, perm fs.FileMode) error {
	tmp, err := os.CreateTemp(filepath.Dir(name), "."+filepath.Base(name)+".accredit-*")
	if err != nil {
		return err
	}
	_, err = tmp.Write(data)
	if err == nil {
		err = tmp.Chmod(perm)
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), name)
	}
	if err != nil {
		os.Remove(tmp.Name())
	}
	return err
}

// hook is called at each step of Write; the kill tests stop the process
// there.
var hook = func(step string) {}

const (
	journalName = "journal"        // prepared: the temporary files may exist
	commitName  = "journal.commit" // committed: every temporary file is whole
)

// journal lists the files of one Write. Paths are relative to the root,
// /-separated, so that a moved checkout still recovers.
type journal struct {
	ID      string    `json:"id"`
	PID     int       `json:"pid"`
	Started time.Time `json:"started"`
	Files   []string  `json:"files"`
}

func newJournal(root string, files []File) (*journal, error) {
	var id [8]byte
	rand.Read(id[:])
	j := &journal{ID: hex.EncodeToString(id[:]), PID: os.Getpid(), Started: time.Now().UTC()}
	for _, f := range files {
		rel, err := filepath.Rel(root, f.Path)
		if err == nil {
			rel = filepath.ToSlash(rel)
			err = checkRel(rel)
		}
		if err != nil {
			return nil, fmt.Errorf("writing %s: %v", f.Path, err)
		}
		j.Files = append(j.Files, rel)
	}
	return j, nil
}

// checkRel admits the files accredit writes: TOML records inside the
// root. A journal is read back from disk, where anyone with write access
// to the checkout could have put one; it must not be a way to rename
// files into .git or out of the root.
func checkRel(rel string) error {
	if !filepath.IsLocal(filepath.FromSlash(rel)) || path.Ext(rel) != ".toml" {
		return fmt.Errorf("not a .toml file inside the program")
	}
	for part := range strings.SplitSeq(rel, "/") {
		if strings.HasPrefix(part, ".") {
			return fmt.Errorf("a hidden file or folder")
		}
	}
	return nil
}

// temp is the temporary file of target in this journal.
func (j *journal) temp(target string) string {
	dir, base := filepath.Split(target)
	return filepath.Join(dir, "."+base+".accredit-"+j.ID)
}

// save writes the journal whole under name: to a temporary name first,
// renamed, so that a journal that exists is complete.
func (j *journal) save(name string) error {
	data, err := json.Marshal(j)
	if err != nil {
		return err
	}
	tmp := name + ".tmp"
	if err := os.WriteFile(tmp, data, 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, name)
}

// stage writes a file's new content to its temporary file.
func (j *journal) stage(f File) error {
	perm := f.Perm
	if perm == 0 {
		perm = 0o644
		if fi, err := os.Stat(f.Path); err == nil {
			perm = fi.Mode().Perm()
		} else if err := os.MkdirAll(filepath.Dir(f.Path), 0o755); err != nil {
			return err
		}
	}
	name := j.temp(f.Path)
	tmp, err := os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, perm)
	if err != nil {
		return fmt.Errorf("writing %s: %w", f.Path, err)
	}
	_, err = tmp.Write(f.Data)
	if err == nil {
		err = tmp.Chmod(perm) // whatever the umask
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(name)
		return fmt.Errorf("writing %s: %w", f.Path, err)
	}
	hook("staged-file")
	return nil
}

// unchanged checks a file against the base its writer read.
func unchanged(root string, f File) error {
	if f.Base == nil {
		return nil
	}
	data, err := os.ReadFile(f.Path)
	changed := false
	switch {
	case f.Base.Absent:
		changed = !errors.Is(err, fs.ErrNotExist)
	case err != nil:
		changed = errors.Is(err, fs.ErrNotExist)
		if !changed {
			return err
		}
	default:
		changed = sha256.Sum256(data) != f.Base.Sum
	}
	if changed {
		rel, err := filepath.Rel(root, f.Path)
		if err != nil {
			rel = f.Path
		}
		return &ChangedError{Path: filepath.ToSlash(rel)}
	}
	return nil
}

// Pending reports whether a write of the program at root was
// interrupted: Recover has work to do. Readers that take no lock (a
// build) ask first, cheaply.
func Pending(root string) bool {
	dir := lock.Dir(root)
	for _, name := range []string{commitName, journalName} {
		if _, err := os.Lstat(filepath.Join(dir, name)); err == nil {
			return true
		}
	}
	return false
}

// Recovered says what Recover did.
type Recovered struct {
	Files   int       // files of the interrupted write
	Forward bool      // they were written (else left as they were)
	PID     int       // the process that was interrupted
	Started time.Time // when it began writing
}

// Recover finishes or undoes a Write that a killed process left: if its
// journal was committed, the files not yet renamed are; otherwise its
// temporary files are removed and every file is as it was. Either way no
// temporary file stays. It returns nil when there was nothing to do. The
// caller holds the program's lock.
func Recover(root string) (*Recovered, error) {
	dir := lock.Dir(root)
	os.Remove(filepath.Join(dir, journalName+".tmp")) // nothing was staged yet
	for _, name := range []string{commitName, journalName} {
		data, err := os.ReadFile(filepath.Join(dir, name))
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, err
		}
		var j journal
		if err := json.Unmarshal(data, &j); err != nil || !validID(j.ID) {
			return nil, fmt.Errorf("%s: not a journal of accredit's (%v): remove it once its files are checked", filepath.Join(dir, name), err)
		}
		for _, rel := range j.Files {
			if err := checkRel(rel); err != nil {
				return nil, fmt.Errorf("%s: %s: %v", filepath.Join(dir, name), rel, err)
			}
		}
		forward := name == commitName
		for _, rel := range j.Files {
			target := filepath.Join(root, filepath.FromSlash(rel))
			tmp := j.temp(target)
			if !forward {
				if err := os.Remove(tmp); err != nil && !errors.Is(err, fs.ErrNotExist) {
					return nil, err
				}
				continue
			}
			// Renamed already when it is gone.
			if err := os.Rename(tmp, target); err != nil && !errors.Is(err, fs.ErrNotExist) {
				return nil, err
			}
		}
		if err := os.Remove(filepath.Join(dir, name)); err != nil {
			return nil, err
		}
		return &Recovered{Files: len(j.Files), Forward: forward, PID: j.PID, Started: j.Started}, nil
	}
	return nil, nil
}

func validID(id string) bool {
	_, err := hex.DecodeString(id)
	return err == nil && len(id) == 16
}

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
	"github.com/accredit/accredit/cmd/internal/safefs"
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
// Make one with BaseOf or NoFile.
type Base struct {
	Sum    [sha256.Size]byte
	Absent bool // there was no file: it must not exist when written

	size int64 // the file is read back with this cap: larger, it changed
	// stamp, when stamped, is the file's as it was read, at least
	// safefs.RacyWindow after its last change: a file that still has it
	// holds what was read, and is not read again to be compared.
	stamp   safefs.FileStamp
	stamped bool
}

// BaseOf is the base of a file read as data.
func BaseOf(data []byte) *Base { return &Base{Sum: sha256.Sum256(data), size: int64(len(data))} }

// BaseRead is the base of a file read as data, described by fi (the
// Stat of the file opened to read it), the read started at start. Its
// stamp stands for its content only if the file had not changed within
// safefs.RacyWindow of the read: a second change in the same tick of
// the file system's clock could leave every time as it was.
func BaseRead(data []byte, fi fs.FileInfo, start time.Time) *Base {
	b := BaseOf(data)
	limit := start.Add(-safefs.RacyWindow).UnixNano()
	if st, ok := safefs.StampOf(fi); ok && st.Size == int64(len(data)) && st.Mtime < limit && st.Ctime < limit {
		b.stamp, b.stamped = st, true
	}
	return b
}

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
// whose path has no part starting with a dot are written, and only
// through folders that are not links (package safefs): a target that is
// a link, a FIFO or a device is refused with a *FileError naming it, and
// nothing is written; a target that became one after the commit is left
// as it is, its new content staged for Recover.
func Write(root string, files []File) error {
	j, err := newJournal(root, files)
	if err != nil {
		return err
	}
	// Every file is reached through safefs: a folder on the way that is
	// a link, or a target that is one, is refused, never followed.
	d, err := safefs.Open(root)
	if err != nil {
		return err
	}
	defer d.Close()
	dir := lock.Dir(root)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	if err := j.save(filepath.Join(dir, journalName)); err != nil {
		return err
	}
	hook("prepared")
	undo := func() {
		for _, rel := range j.Files {
			j.remove(d, rel)
		}
		os.Remove(filepath.Join(dir, journalName))
	}
	// Thousands of files (an import) are written on all cores; each is
	// checked against its base as its temporary file is staged.
	if err := parallel(len(files), func(i int) error { return j.stage(d, j.Files[i], files[i]) }); err != nil {
		undo()
		return err
	}
	hook("staged")
	if err := os.Rename(filepath.Join(dir, journalName), filepath.Join(dir, commitName)); err != nil {
		undo()
		return err
	}
	hook("committed")
	var done atomic.Int64
	err = parallel(len(files), func(i int) error {
		if err := j.rename(d, j.Files[i], false); err != nil {
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

// temp is the name of the temporary file of rel in this journal, in
// rel's folder.
func (j *journal) temp(rel string) string {
	return "." + path.Base(rel) + ".accredit-" + j.ID
}

// remove removes rel's temporary file, if any.
func (j *journal) remove(d *safefs.Dir, rel string) error {
	err := inFolder(d, rel, func(f *safefs.Folder, _ string) error { return f.Remove(j.temp(rel)) })
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	return AsFileError(err)
}

// rename renames rel's temporary file over rel, unless rel is (now) a
// link, a folder or a special file: rename(2) would replace a link
// rather than write through it, but the link is someone's, and so is
// what it points to. When recovering, a temporary file already gone
// was renamed: that is looked at first (ErrNotExist).
func (j *journal) rename(d *safefs.Dir, rel string, recovering bool) error {
	err := inFolder(d, rel, func(f *safefs.Folder, base string) error {
		if recovering {
			if _, err := f.Lstat(j.temp(rel)); err != nil {
				return err
			}
		}
		if fi, err := f.Lstat(base); err == nil {
			if err := safefs.Check(fi); err != nil {
				return &FileError{Path: rel, Err: err}
			}
		} else if !errors.Is(err, fs.ErrNotExist) {
			return err
		}
		return f.Rename(j.temp(rel), base)
	})
	return AsFileError(err)
}

// lstat is d.Stat(rel) through safefs.Folder: three system calls on
// Linux where Dir.Stat walks the path again, for callers that describe
// thousands of files in as many folders.
func lstat(d *safefs.Dir, rel string) (fs.FileInfo, error) {
	var fi fs.FileInfo
	err := inFolder(d, rel, func(f *safefs.Folder, base string) (err error) {
		fi, err = f.Lstat(base)
		return err
	})
	return fi, err
}

// inFolder runs fn with rel's folder open, reached through no link
// (safefs.Folder: one walk for the few calls on the file), and rel's
// name in it.
func inFolder(d *safefs.Dir, rel string, fn func(f *safefs.Folder, base string) error) error {
	f, err := d.OpenFolder(path.Dir(rel))
	if err != nil {
		return err
	}
	defer f.Close()
	return fn(f, path.Base(rel))
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

// stage writes a file's new content to its temporary file, beside the
// target in its folder reached through no link. A target that is not a
// regular file (a link, a FIFO) is refused.
func (j *journal) stage(d *safefs.Dir, rel string, f File) error {
	dir := path.Dir(rel)
	folder, err := d.OpenFolder(dir)
	if errors.Is(err, fs.ErrNotExist) {
		if err := ensureDir(d, dir); err != nil {
			return fmt.Errorf("writing %s: %w", rel, err)
		}
		folder, err = d.OpenFolder(dir)
	}
	if err != nil {
		return fmt.Errorf("writing %s: %w", rel, AsFileError(err))
	}
	defer folder.Close()
	perm := f.Perm
	fi, err := folder.Lstat(path.Base(rel))
	switch {
	case err == nil:
		if err := safefs.Check(fi); err != nil {
			return &FileError{Path: rel, Err: err}
		}
		if perm == 0 {
			perm = fi.Mode().Perm()
		}
	case errors.Is(err, fs.ErrNotExist):
		if perm == 0 {
			perm = 0o644
		}
	default:
		return fmt.Errorf("writing %s: %w", rel, AsFileError(err))
	}
	// Create is O_EXCL: a file or link already there is an error, not a
	// way to write elsewhere; on an error no temporary file is left.
	if err := folder.Create(j.temp(rel), f.Data, perm); err != nil {
		return fmt.Errorf("writing %s: %w", rel, AsFileError(err))
	}
	hook("staged-file")
	return unchanged(folder, rel, fi, err, f.Base)
}

// unchanged checks a file against the base its writer read, from fi
// and err, its Lstat in folder (a regular file, if any: stage refused
// anything else). A file whose stamp is still the one it was read with
// holds what was read (see BaseRead); any other is read back through
// safefs, capped at the size it had, so that neither a link swapped in
// nor a file grown huge meanwhile is followed or read whole.
func unchanged(folder *safefs.Folder, rel string, fi fs.FileInfo, err error, base *Base) error {
	if base == nil {
		return AsFileError(ignoreNotExist(err))
	}
	changed := false
	var tl *safefs.TooLargeError
	switch {
	case base.Absent:
		changed = !errors.Is(err, fs.ErrNotExist)
	case err != nil:
		changed = errors.Is(err, fs.ErrNotExist)
		if !changed {
			return AsFileError(err)
		}
	case base.stamped && stampIs(fi, base.stamp):
	default:
		var data []byte
		data, err = folder.ReadFileLimit(path.Base(rel), base.size)
		switch {
		case errors.As(err, &tl) || errors.Is(err, fs.ErrNotExist):
			changed = true
		case err != nil:
			return AsFileError(err)
		default:
			changed = sha256.Sum256(data) != base.Sum
		}
	}
	if changed {
		return &ChangedError{Path: rel}
	}
	return nil
}

func stampIs(fi fs.FileInfo, want safefs.FileStamp) bool {
	st, ok := safefs.StampOf(fi)
	return ok && st == want
}

func ignoreNotExist(err error) error {
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	return err
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
		// A journal is not a program file, but it lies in the checkout
		// (.accredit without git): read as one, never through a link.
		data, err := safefs.ReadFileAt(dir, name, safefs.DefaultLimit)
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
		d, err := safefs.Open(root)
		if err != nil {
			return nil, err
		}
		for _, rel := range j.Files {
			if !forward {
				err = j.remove(d, rel)
			} else if err = j.rename(d, rel, true); errors.Is(err, fs.ErrNotExist) {
				err = nil // renamed already
			}
			if err != nil {
				d.Close()
				return nil, fmt.Errorf("finishing an interrupted write (%s): %w", filepath.Join(dir, name), err)
			}
		}
		d.Close()
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

package record

import (
	"errors"
	"io/fs"
	"os"
	"path"
	"time"

	"github.com/accredit/accredit/cmd/internal/load"
	"github.com/accredit/accredit/cmd/internal/safefs"
)

// PersonLimit caps a person file as the loader caps it: a file check
// refuses, a writer refuses too.
const PersonLimit = load.PersonLimit

// FileError is a program file that a writer refuses to read, replace or
// write through (package safefs says why: a symbolic link, a FIFO or
// device, a folder, a file over its cap). Path is relative to the root,
// /-separated.
type FileError struct {
	Path string
	Err  error
}

func (e *FileError) Error() string { return e.Path + " " + e.Err.Error() }
func (e *FileError) Unwrap() error { return e.Err }

// AsFileError turns safefs's refusal of a file into a FileError naming
// it; any other error is returned as it is (fs.ErrNotExist stays
// testable).
func AsFileError(err error) error {
	var pe *fs.PathError
	if err != nil && safefs.Refused(err) && errors.As(err, &pe) {
		return &FileError{Path: pe.Path, Err: pe.Err}
	}
	return err
}

// ReadPerson reads the person file rel (/-separated) of the program at
// root as the loader reads it: a regular file inside the root, reached
// through no link, of at most PersonLimit bytes. A refused file is a
// *FileError naming it.
func ReadPerson(root, rel string) ([]byte, error) {
	data, err := safefs.ReadFileAt(root, rel, PersonLimit)
	return data, AsFileError(err)
}

// ReadPersonIn is ReadPerson in a folder already open, for readers of
// many files.
func ReadPersonIn(d *safefs.Dir, rel string) ([]byte, error) {
	data, err := d.ReadFileLimit(rel, PersonLimit)
	return data, AsFileError(err)
}

// ReadPersonBase is ReadPersonIn, with the Base a write of the file
// checks it against (see BaseRead).
func ReadPersonBase(d *safefs.Dir, rel string) ([]byte, *Base, error) {
	start := time.Now()
	data, fi, err := d.ReadFileStat(rel, PersonLimit)
	if err != nil {
		return nil, nil, AsFileError(err)
	}
	return data, BaseRead(data, fi, start), nil
}

// ensureDir makes the folder dir (/-separated, relative to d) and any
// missing parent, each inside its parent reached through no link.
func ensureDir(d *safefs.Dir, dir string) error {
	if dir == "." {
		return nil
	}
	fi, err := d.Stat(dir)
	switch {
	case err == nil && fi.IsDir():
		return nil
	case err == nil:
		if err := safefs.Check(fi); err != nil && !errors.Is(err, safefs.ErrIsDir) {
			return &FileError{Path: dir, Err: err}
		}
		return &FileError{Path: dir, Err: safefs.ErrNotDir}
	case !errors.Is(err, fs.ErrNotExist):
		return AsFileError(err)
	}
	if err := ensureDir(d, path.Dir(dir)); err != nil {
		return err
	}
	err = d.Within(path.Dir(dir), func(r *os.Root) error { return r.Mkdir(path.Base(dir), 0o755) })
	if errors.Is(err, fs.ErrExist) { // a file of the same write made it first
		return nil
	}
	return AsFileError(err)
}

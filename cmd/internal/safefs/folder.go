package safefs

import (
	"errors"
	"io/fs"
	"os"
)

// A Folder is one folder of a Dir held open for a writer's operations on
// the entries in it (package record stages, checks and renames a file in
// its folder): reached once, as Within reaches it, then used for each
// operation without walking the path again. A writer of thousands of
// files in thousands of folders opens each folder once per step, not once
// per call.
//
// Every operation works on a name in the folder itself (no "/"), never
// follows a link in that last component, and names the entry in its
// errors by its path from the root. On Linux the folder is one
// descriptor opened by openat2 below the root through no link (the fast
// path's discipline); elsewhere, or where that fails, it is the os.Root
// that Within would give. A Folder is not safe for concurrent use; close
// it after use.
type Folder struct {
	d    *Dir
	name string
	fd   int      // the folder's descriptor on the fast path, or -1
	dr   *dirRoot // the portable way, when fd is -1
}

// OpenFolder opens the folder name ("." for the root), reached through
// no link: a link on the way is refused as Within refuses it.
func (d *Dir) OpenFolder(name string) (*Folder, error) {
	if !fs.ValidPath(name) {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrInvalid}
	}
	if fd, ok := d.openFolderFast(name); ok {
		return &Folder{d: d, name: name, fd: fd}, nil
	}
	// The portable way, which also says why the fast one failed.
	dr, err := d.acquire(name)
	if err != nil {
		return nil, pathErr("open", name, err)
	}
	return &Folder{d: d, name: name, fd: -1, dr: dr}, nil
}

// Close releases the folder.
func (f *Folder) Close() error {
	if f.fd >= 0 {
		err := closeFD(f.fd)
		f.fd = -2 // closed; never reused
		return err
	}
	if f.dr != nil {
		f.d.release(f.dr)
		f.dr = nil
	}
	return nil
}

// rel is the path from the root of the entry base.
func (f *Folder) rel(base string) string {
	if f.name == "." {
		return base
	}
	return f.name + "/" + base
}

// checkBase refuses a name that is not one entry of the folder, and
// any name once the folder is closed.
func (f *Folder) checkBase(op, base string) error {
	if !fs.ValidPath(base) || base == "." || containsSlash(base) {
		return &fs.PathError{Op: op, Path: f.rel(base), Err: fs.ErrInvalid}
	}
	return f.checkOpen(op, f.rel(base))
}

func (f *Folder) checkOpen(op, rel string) error {
	if f.fd == -2 || (f.fd < 0 && f.dr == nil) {
		return &fs.PathError{Op: op, Path: rel, Err: fs.ErrClosed}
	}
	return nil
}

func containsSlash(s string) bool {
	for i := range len(s) {
		if s[i] == '/' {
			return true
		}
	}
	return false
}

// Lstat describes the entry base without following a link; "." is the
// folder itself.
func (f *Folder) Lstat(base string) (fs.FileInfo, error) {
	err := f.checkOpen("lstat", f.name)
	if base != "." {
		err = f.checkBase("lstat", base)
	}
	if err != nil {
		return nil, err
	}
	if f.fd >= 0 {
		return f.lstatFast(base)
	}
	fi, err := f.dr.r.Lstat(base)
	if err != nil {
		return nil, pathErr("lstat", f.rel(base), err)
	}
	return fi, nil
}

// Create writes a new file base holding data with permissions perm
// (whatever the umask). An entry already there, a link included, is an
// error (O_EXCL), never a way to write elsewhere; on an error no file
// is left.
func (f *Folder) Create(base string, data []byte, perm fs.FileMode) error {
	if err := f.checkBase("create", base); err != nil {
		return err
	}
	if f.fd >= 0 {
		return f.createFast(base, data, perm)
	}
	r := f.dr.r
	file, err := r.OpenFile(base, os.O_WRONLY|os.O_CREATE|os.O_EXCL, perm)
	if err != nil {
		return pathErr("create", f.rel(base), err)
	}
	_, err = file.Write(data)
	if err == nil {
		err = file.Chmod(perm)
	}
	if cerr := file.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		r.Remove(base)
		return pathErr("write", f.rel(base), err)
	}
	return nil
}

// ReadFileLimit reads the regular file base of at most limit bytes,
// refused as Dir.ReadFileLimit refuses it: a link, a folder or a special
// file (never opened), or a file over the cap.
func (f *Folder) ReadFileLimit(base string, limit int64) ([]byte, error) {
	if err := f.checkBase("open", base); err != nil {
		return nil, err
	}
	if f.fd >= 0 {
		if b, ok, err := f.readFast(base, limit); ok {
			return b, err
		}
	}
	// The portable way, which says why the fast one failed.
	return f.d.ReadFileLimit(f.rel(base), limit)
}

// Rename renames the entry from to to, both in the folder: to, if it
// exists, is replaced, not written through. The caller checks what to
// is first (Lstat).
func (f *Folder) Rename(from, to string) error {
	if err := errors.Join(f.checkBase("rename", from), f.checkBase("rename", to)); err != nil {
		return err
	}
	if f.fd >= 0 {
		return f.renameFast(from, to)
	}
	if err := f.dr.r.Rename(from, to); err != nil {
		return pathErr("rename", f.rel(from), err)
	}
	return nil
}

// Remove removes the file base (a link itself, not what it points to).
func (f *Folder) Remove(base string) error {
	if err := f.checkBase("remove", base); err != nil {
		return err
	}
	if f.fd >= 0 {
		return f.removeFast(base)
	}
	if err := f.dr.r.Remove(base); err != nil {
		return pathErr("remove", f.rel(base), err)
	}
	return nil
}

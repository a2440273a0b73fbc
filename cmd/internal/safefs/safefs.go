// Package safefs reads a program's files without leaving its folder.
//
// A program repository is written by many hands, some careless and some
// hostile: a person file may be a symbolic link to /etc/passwd or
// /dev/zero, a theme asset a link to /proc/self/environ, a track file a
// FIFO that blocks whoever opens it. accredit reads only regular files
// inside the program, of a bounded size, and never through a link.
//
// In: a folder on disk (Open, built on os.Root) or any fs.FS (a git
// revision). Out: a file system whose Stat never follows a link, whose
// ReadDir reports links as links, and whose reads refuse links, folders,
// FIFOs, devices and sockets; ReadFile adds a size cap. A refused file is
// an error that says why (ErrSymlink, ErrNotRegular, ErrIsDir,
// *TooLargeError), for the caller to report at the file.
//
// The portable way (this file): every path component is checked with
// Lstat as the path is walked down, and a file is opened through os.Root
// from its folder and compared with what Lstat saw (os.SameFile): a link
// swapped in while accredit runs can at worst point inside the program,
// never outside it, since os.Root confines every open to the root. Each
// file is checked before it is opened, so a FIFO is never opened at all.
//
// On Linux reads and listings take a fast path (fast_linux.go) with the
// same rules, enforced by the kernel: openat2 resolves the whole path
// below the root and refuses a link anywhere in it, a file listed as
// regular is opened without a Lstat first (O_NONBLOCK: a FIFO swapped in
// is never waited on), and the fstat of the open file decides what is
// read and checks its cap. Whatever the fast path cannot read goes the
// portable way, which says why.
package safefs

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"slices"
	"strings"
	"sync"
)

// Errors of a refused file.
var (
	ErrSymlink    = errors.New("is a symbolic link: accredit reads only regular files inside the program")
	ErrNotRegular = errors.New("is not a regular file (a FIFO, device or socket): accredit reads only regular files")
	ErrIsDir      = errors.New("is a folder where a file belongs")
	ErrNotDir     = errors.New("is not a folder")
)

// TooLargeError is a file over its cap.
type TooLargeError struct {
	Size, Limit int64 // Size is at least Limit+1 when the file grew while read
}

func (e *TooLargeError) Error() string {
	return fmt.Sprintf("is %s, over the %s cap for this kind of file", Bytes(e.Size), Bytes(e.Limit))
}

// Bytes writes a size the way the docs do: 256 KB, 8 MB.
func Bytes(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MB", n>>20)
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KB", n>>10)
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d bytes", n)
}

// Refused reports whether err says a file was refused (a link, a folder,
// a special file, over its cap), as opposed to missing or unreadable.
func Refused(err error) bool {
	var tl *TooLargeError
	return errors.Is(err, ErrSymlink) || errors.Is(err, ErrNotRegular) || errors.Is(err, ErrIsDir) || errors.Is(err, ErrNotDir) || errors.As(err, &tl)
}

// Check returns the error of a file whose Lstat is fi when it is not a
// regular file, or nil.
func Check(fi fs.FileInfo) error {
	return CheckMode(fi.Mode())
}

// CheckMode is Check for a mode (a DirEntry's Type).
func CheckMode(m fs.FileMode) error {
	switch {
	case m&fs.ModeSymlink != 0:
		return ErrSymlink
	case m.IsDir():
		return ErrIsDir
	case !m.IsRegular():
		return ErrNotRegular
	}
	return nil
}

// maxDirs bounds the folders kept open: a program has thousands of
// partner folders, a process a thousand descriptors.
const maxDirs = 64

// Dir is a folder on disk, read through os.Root. It implements fs.FS,
// fs.StatFS, fs.ReadDirFS and fs.ReadFileFS with the rules of the
// package: Stat is Lstat, ReadDir reports links without following them,
// and Open, ReadFile and ReadDir refuse a path with a link in it. It is
// safe for concurrent use.
type Dir struct {
	root *os.Root
	// fd is the root's descriptor for the fast path (fast_linux.go), or
	// -1. fdMu keeps it open while a call uses it: Close takes fdMu to
	// close it, so its number is never reused (by another folder's open)
	// under a reader.
	fd   int
	fdMu sync.RWMutex

	mu    sync.Mutex
	dirs  map[string]*dirRoot // open sub-folders, by path
	clock int
}

// dirRoot is an open sub-folder, reached component by component.
type dirRoot struct {
	r       *os.Root
	refs    int
	used    int  // Dir.clock when last acquired
	evicted bool // closed when refs falls to 0
}

// Open opens the folder dir (the program root, which may itself be
// reached through a link: the user named it).
func Open(dir string) (*Dir, error) {
	r, err := os.OpenRoot(dir)
	if err != nil {
		return nil, err
	}
	d := &Dir{root: r, fd: -1, dirs: map[string]*dirRoot{}}
	d.openFast()
	return d, nil
}

// Close closes the folder and every sub-folder kept open.
func (d *Dir) Close() error {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.closeFast()
	for k, dr := range d.dirs {
		if dr.refs == 0 {
			dr.r.Close()
		} else {
			dr.evicted = true
		}
		delete(d.dirs, k)
	}
	return d.root.Close()
}

// acquire returns the open folder name ("." for the root), checking each
// component on the way down; release it after use.
func (d *Dir) acquire(name string) (*dirRoot, error) {
	if name == "." {
		return &dirRoot{r: d.root, refs: 1}, nil
	}
	d.mu.Lock()
	d.clock++
	if dr, ok := d.dirs[name]; ok {
		dr.refs++
		dr.used = d.clock
		d.mu.Unlock()
		return dr, nil
	}
	d.mu.Unlock()

	parent, err := d.acquire(path.Dir(name))
	if err != nil {
		return nil, err
	}
	defer d.release(parent)
	base := path.Base(name)
	fi, err := parent.r.Lstat(base)
	if err != nil {
		return nil, err
	}
	if fi.Mode()&fs.ModeSymlink != 0 {
		return nil, &fs.PathError{Op: "open", Path: name, Err: ErrSymlink}
	}
	if !fi.IsDir() {
		return nil, &fs.PathError{Op: "open", Path: name, Err: ErrNotDir}
	}
	// A link swapped in after the Lstat could only lead inside the root,
	// which os.Root guarantees: not worth a syscall per folder.
	sub, err := parent.r.OpenRoot(base)
	if err != nil {
		return nil, err
	}

	d.mu.Lock()
	defer d.mu.Unlock()
	if dr, ok := d.dirs[name]; ok { // another reader opened it meanwhile
		sub.Close()
		dr.refs++
		return dr, nil
	}
	dr := &dirRoot{r: sub, refs: 1, used: d.clock}
	d.dirs[name] = dr
	if len(d.dirs) > maxDirs {
		d.evictLocked()
	}
	return dr, nil
}

// evictLocked drops the least recently used folder.
func (d *Dir) evictLocked() {
	var oldest string
	for k, dr := range d.dirs {
		if oldest == "" || dr.used < d.dirs[oldest].used {
			oldest = k
		}
	}
	dr := d.dirs[oldest]
	delete(d.dirs, oldest)
	if dr.refs == 0 {
		dr.r.Close()
	} else {
		dr.evicted = true
	}
}

func (d *Dir) release(dr *dirRoot) {
	if dr.r == d.root {
		return
	}
	d.mu.Lock()
	dr.refs--
	if dr.refs == 0 && dr.evicted {
		dr.r.Close()
	}
	d.mu.Unlock()
}

func split(op, name string) (dir, base string, err error) {
	if !fs.ValidPath(name) {
		return "", "", &fs.PathError{Op: op, Path: name, Err: fs.ErrInvalid}
	}
	return path.Dir(name), path.Base(name), nil
}

// Stat describes name without following a link.
func (d *Dir) Stat(name string) (fs.FileInfo, error) {
	if name == "." {
		return d.root.Stat(".")
	}
	dir, base, err := split("stat", name)
	if err != nil {
		return nil, err
	}
	dr, err := d.acquire(dir)
	if err != nil {
		return nil, pathErr("stat", name, err)
	}
	defer d.release(dr)
	fi, err := dr.r.Lstat(base)
	if err != nil {
		return nil, pathErr("stat", name, err)
	}
	return fi, nil
}

// ReadDir lists the folder name, sorted by name. Entries' types are
// those of Lstat: a link is a link.
func (d *Dir) ReadDir(name string) ([]fs.DirEntry, error) {
	if !fs.ValidPath(name) {
		return nil, &fs.PathError{Op: "readdir", Path: name, Err: fs.ErrInvalid}
	}
	if es, ok, err := d.readDirFast(name); ok {
		return sorted(name, es, err)
	}
	// The folder is opened from its parent's root, checked not to be a
	// link first: one open, not a root of its own (and a second open of
	// it) for every folder listed.
	parent, base := ".", name
	if name != "." {
		parent, base = path.Dir(name), path.Base(name)
	}
	dr, err := d.acquire(parent)
	if err != nil {
		return nil, pathErr("readdir", name, err)
	}
	defer d.release(dr)
	if name != "." {
		fi, err := dr.r.Lstat(base)
		switch {
		case err != nil:
			return nil, pathErr("readdir", name, err)
		case fi.Mode()&fs.ModeSymlink != 0:
			return nil, pathErr("readdir", name, ErrSymlink)
		case !fi.IsDir():
			return nil, pathErr("readdir", name, ErrNotDir)
		}
	}
	f, err := dr.r.Open(base)
	if err != nil {
		return nil, pathErr("readdir", name, err)
	}
	defer f.Close()
	in := name
	es, err := readDir(f, func(entry string) (fs.FileInfo, error) { return d.Stat(path.Join(in, entry)) })
	return sorted(name, es, err)
}

func sorted(name string, es []fs.DirEntry, err error) ([]fs.DirEntry, error) {
	slices.SortFunc(es, func(a, b fs.DirEntry) int { return strings.Compare(a.Name(), b.Name()) })
	if err != nil {
		return es, pathErr("readdir", name, err)
	}
	return es, nil
}

// Open opens a regular file or a folder.
func (d *Dir) Open(name string) (fs.File, error) {
	if name == "." {
		return d.root.Open(".")
	}
	fi, err := d.Stat(name)
	if err != nil {
		return nil, err
	}
	if fi.IsDir() {
		dr, err := d.acquire(name)
		if err != nil {
			return nil, pathErr("open", name, err)
		}
		defer d.release(dr)
		return dr.r.Open(".")
	}
	f, _, err := d.openFile(name)
	return f, err
}

// openFile opens a regular file and returns its Stat.
func (d *Dir) openFile(name string) (*os.File, fs.FileInfo, error) {
	dir, base, err := split("open", name)
	if err != nil {
		return nil, nil, err
	}
	dr, err := d.acquire(dir)
	if err != nil {
		return nil, nil, pathErr("open", name, err)
	}
	defer d.release(dr)
	fi, err := dr.r.Lstat(base)
	if err != nil {
		return nil, nil, pathErr("open", name, err)
	}
	// Checked before opening: a FIFO is never opened, so never waited on.
	if err := Check(fi); err != nil {
		return nil, nil, &fs.PathError{Op: "open", Path: name, Err: err}
	}
	f, err := dr.r.Open(base)
	if err != nil {
		return nil, nil, pathErr("open", name, err)
	}
	got, err := f.Stat()
	if err == nil && (!os.SameFile(fi, got) || !got.Mode().IsRegular()) {
		err = &fs.PathError{Op: "open", Path: name, Err: ErrSymlink} // swapped since Lstat
	}
	if err != nil {
		f.Close()
		return nil, nil, err
	}
	return f, got, nil
}

// Within runs fn with the folder name open as an os.Root, reached as
// every read reaches it: component by component, through no link. It is
// for writers, which create, rename and remove files in a folder of the
// program and must not follow a link out of it (package record). The
// folder's own files are fn's to check (Root.Lstat): a rename replaces
// a link rather than writing through it, but a writer should refuse to
// replace one. fn must not keep the Root.
func (d *Dir) Within(name string, fn func(dir *os.Root) error) error {
	if !fs.ValidPath(name) {
		return &fs.PathError{Op: "open", Path: name, Err: fs.ErrInvalid}
	}
	dr, err := d.acquire(name)
	if err != nil {
		return pathErr("open", name, err)
	}
	defer d.release(dr)
	return fn(dr.r)
}

// DefaultLimit caps ReadFile of the fs.FS interface, whose callers give
// no cap of their own.
const DefaultLimit = 64 << 20

// ReadFile reads a regular file of at most DefaultLimit bytes.
func (d *Dir) ReadFile(name string) ([]byte, error) {
	return d.ReadFileLimit(name, DefaultLimit)
}

// ReadFileLimit reads a regular file of at most limit bytes.
func (d *Dir) ReadFileLimit(name string, limit int64) ([]byte, error) {
	b, _, err := d.readFile(name, nil, limit)
	return b, err
}

// ReadFileStat is ReadFileLimit, with the Stat of the file it read (of
// the open file: see StampOf).
func (d *Dir) ReadFileStat(name string, limit int64) ([]byte, fs.FileInfo, error) {
	return d.readFile(name, nil, limit)
}

// readFile reads a regular file of at most limit bytes, the fast way
// where there is one, and returns its Stat. entry is the file's entry
// in its folder's listing, or nil.
func (d *Dir) readFile(name string, entry fs.DirEntry, limit int64) ([]byte, fs.FileInfo, error) {
	if b, fi, ok := d.readFast(name, entry, limit); ok {
		return b, fi, nil
	}
	f, fi, err := d.openFile(name)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	b, err := readLimited(f, name, fi.Size(), limit)
	if err != nil {
		return nil, nil, err
	}
	return b, fi, nil
}

// readLimited reads r, whose Stat gave size, refusing more than limit
// bytes even if the file grows while read. A file that gave the size
// its Stat said is whole: the read that would find its end is not made
// (a hundred thousand system calls in a cold check); what it held when
// described is what is returned, as if read a moment earlier.
func readLimited(r io.Reader, name string, size, limit int64) ([]byte, error) {
	if size > limit {
		return nil, &fs.PathError{Op: "read", Path: name, Err: &TooLargeError{Size: size, Limit: limit}}
	}
	b := make([]byte, 0, size+1) // +1: EOF without growing
	for {
		n, err := r.Read(b[len(b):cap(b)])
		b = b[:len(b)+n]
		if int64(len(b)) > limit {
			return nil, &fs.PathError{Op: "read", Path: name, Err: &TooLargeError{Size: int64(len(b)), Limit: limit}}
		}
		if err == io.EOF || err == nil && size > 0 && int64(len(b)) == size {
			return b, nil
		}
		if err != nil {
			return nil, &fs.PathError{Op: "read", Path: name, Err: err}
		}
		if len(b) == cap(b) {
			b = slices.Grow(b, int(min(int64(cap(b)), limit+1-int64(len(b)))))
		}
	}
}

// ReadFile reads name from fsys: a regular file of at most limit bytes,
// not a link. fsys is a *Dir or any fs.FS whose Lstat (or Stat, without
// one) describes links as links (a git revision).
func ReadFile(fsys fs.FS, name string, limit int64) ([]byte, error) {
	b, _, err := readFS(fsys, name, limit)
	return b, err
}

func readFS(fsys fs.FS, name string, limit int64) ([]byte, fs.FileInfo, error) {
	if d, ok := fsys.(*Dir); ok {
		return d.readFile(name, nil, limit)
	}
	if fi, err := fs.Lstat(fsys, name); err != nil {
		return nil, nil, err
	} else if err := Check(fi); err != nil {
		return nil, nil, &fs.PathError{Op: "open", Path: name, Err: err}
	}
	f, err := fsys.Open(name)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, nil, err
	}
	if err := Check(fi); err != nil {
		return nil, nil, &fs.PathError{Op: "open", Path: name, Err: err}
	}
	b, err := readLimited(f, name, fi.Size(), limit)
	if err != nil {
		return nil, nil, err
	}
	return b, fi, nil
}

// ReadListed is ReadFile for a file found in a listing of fsys
// (ReadDir), entry being its entry there, and returns the file's Stat
// as of the read as well. On Linux the listing's type stands for the
// Lstat ReadFile does before it opens a file: a file listed as regular
// is opened at once. What was opened decides all the same: a file
// replaced since the listing (by a link, a FIFO, a folder, a bigger
// file) is refused as ReadFile refuses it, never waited on, and one
// replaced by another regular file is read as it now is, the Stat
// returned being that of the file read, not the listing's. fsys other
// than a *Dir is read as ReadFile reads it.
func ReadListed(fsys fs.FS, name string, entry fs.DirEntry, limit int64) ([]byte, fs.FileInfo, error) {
	if d, ok := fsys.(*Dir); ok {
		return d.readFile(name, entry, limit)
	}
	return readFS(fsys, name, limit)
}

// ReadFileAt reads one file of the folder root, as a Dir reads it: for
// readers that need a file or two (a source line for an error page).
func ReadFileAt(root, name string, limit int64) ([]byte, error) {
	d, err := Open(root)
	if err != nil {
		return nil, err
	}
	defer d.Close()
	return d.ReadFileLimit(name, limit)
}

// pathErr names the whole path in err, keeping its cause; a folder on
// the way that is a link (or no folder) keeps its own name.
func pathErr(op, name string, err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) && (errors.Is(pe.Err, ErrSymlink) || errors.Is(pe.Err, ErrNotDir)) {
		return pe
	}
	if errors.As(err, &pe) {
		return &fs.PathError{Op: op, Path: name, Err: pe.Err}
	}
	return &fs.PathError{Op: op, Path: name, Err: err}
}

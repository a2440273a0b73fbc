package history

import (
	"bytes"
	"errors"
	"io"
	"io/fs"
	"path"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/go-git/go-git/v5/plumbing"

	"github.com/accredit/accredit/cmd/internal/safefs"
)

// FS is a revision's program files as an fs.FS, read from git objects
// without a checkout. Paths are relative to the program root. Symlinks
// (mode 120000) are listed with fs.ModeSymlink, and opening or reading
// one fails with safefs.ErrSymlink, so that the loader refuses them as it
// refuses links on disk; submodules are left out.
type FS struct {
	r    *Repo
	root plumbing.Hash // the program root's tree (zero: no files)
	when time.Time     // the commit's time, as every file's ModTime

	mu   sync.Mutex
	dirs map[string][]dirent // read folders, by path ("." for the root)
}

type dirent struct {
	name string
	dir  bool
	link bool // a symbolic link: never read
	hash plumbing.Hash
}

// FS returns the program files at commit h.
func (r *Repo) FS(h plumbing.Hash) (*FS, error) {
	c, err := r.commitObject(h)
	if err != nil {
		return nil, err
	}
	d := &differ{r: r}
	root, err := d.sub(c.TreeHash)
	if err != nil {
		return nil, err
	}
	return &FS{r: r, root: root, when: c.Committer.When, dirs: map[string][]dirent{}}, nil
}

// readDir returns a folder's entries, sorted by name. The lock is not
// held while a tree is read, so that the loader's workers list folders
// in parallel; two that list one folder at once read it twice, no more.
func (f *FS) readDir(name string) ([]dirent, error) {
	f.mu.Lock()
	es, ok := f.dirs[name]
	f.mu.Unlock()
	if ok {
		return es, nil
	}
	var h plumbing.Hash
	if name == "." {
		h = f.root
		if h.IsZero() {
			return nil, nil
		}
	} else {
		parent, err := f.readDir(path.Dir(name))
		if err != nil {
			return nil, err
		}
		e, ok := find(parent, path.Base(name))
		if !ok {
			return nil, fs.ErrNotExist
		}
		if e.link {
			return nil, &fs.PathError{Op: "readdir", Path: name, Err: safefs.ErrSymlink}
		}
		if !e.dir {
			return nil, errNotDir
		}
		h = e.hash
	}
	es, err := f.r.tree(h)
	if err != nil {
		return nil, err
	}
	f.mu.Lock()
	f.dirs[name] = es
	f.mu.Unlock()
	return es, nil
}

// tree returns the entries of the tree h, sorted by name: read once per
// repository, then shared (read-only) by every revision's FS.
func (r *Repo) tree(h plumbing.Hash) ([]dirent, error) {
	r.treeMu.Lock()
	es, ok := r.trees[h]
	r.treeMu.Unlock()
	if ok {
		return es, nil
	}
	raw, err := r.raw(plumbing.TreeObject, h)
	if err != nil {
		return nil, err
	}
	for len(raw) > 0 {
		// The mode, which next folds into special: a link is listed, a
		// submodule is not.
		link := bytes.HasPrefix(raw, []byte("120000 "))
		var e entry
		if e, raw, err = next(raw); err != nil {
			return nil, err
		}
		if !e.special || link {
			es = append(es, dirent{string(e.name), e.dir, link, e.hash})
		}
	}
	slices.SortFunc(es, func(a, b dirent) int { return strings.Compare(a.name, b.name) })
	r.treeMu.Lock()
	r.trees[h] = es
	r.treeMu.Unlock()
	return es, nil
}

var errNotDir = &fs.PathError{Op: "readdir", Err: fs.ErrInvalid}

func find(es []dirent, name string) (dirent, bool) {
	i, ok := slices.BinarySearchFunc(es, name, func(e dirent, n string) int { return strings.Compare(e.name, n) })
	if !ok {
		return dirent{}, false
	}
	return es[i], true
}

// stat finds the entry of a path.
func (f *FS) stat(op, name string) (dirent, error) {
	if !fs.ValidPath(name) {
		return dirent{}, &fs.PathError{Op: op, Path: name, Err: fs.ErrInvalid}
	}
	if name == "." {
		return dirent{name: ".", dir: true, hash: f.root}, nil
	}
	parent, err := f.readDir(path.Dir(name))
	if err != nil {
		return dirent{}, &fs.PathError{Op: op, Path: name, Err: fs.ErrNotExist}
	}
	e, ok := find(parent, path.Base(name))
	if !ok {
		return dirent{}, &fs.PathError{Op: op, Path: name, Err: fs.ErrNotExist}
	}
	return e, nil
}

// Open opens a file or folder.
func (f *FS) Open(name string) (fs.File, error) {
	e, err := f.stat("open", name)
	if err != nil {
		return nil, err
	}
	if e.link {
		return nil, &fs.PathError{Op: "open", Path: name, Err: safefs.ErrSymlink}
	}
	if e.dir {
		es, err := f.ReadDir(name)
		if err != nil {
			return nil, err
		}
		return &dirFile{info: f.info(e, name), entries: es}, nil
	}
	b, err := f.r.blob(e.hash)
	if err != nil {
		return nil, &fs.PathError{Op: "open", Path: name, Err: err}
	}
	info := f.fileInfo(e, name)
	info.size = int64(len(b))
	return &file{info: info, data: b}, nil
}

// ReadFile returns a file's content.
func (f *FS) ReadFile(name string) ([]byte, error) {
	e, err := f.stat("read", name)
	if err != nil {
		return nil, err
	}
	if e.link {
		return nil, &fs.PathError{Op: "read", Path: name, Err: safefs.ErrSymlink}
	}
	if e.dir {
		return nil, &fs.PathError{Op: "read", Path: name, Err: errIsDir}
	}
	b, err := f.r.blob(e.hash)
	if err != nil {
		return nil, &fs.PathError{Op: "read", Path: name, Err: err}
	}
	return slices.Clone(b), nil
}

type isDirError struct{}

func (isDirError) Error() string { return "is a directory" }

var errIsDir error = isDirError{}

// ReadDir lists a folder, sorted by name.
func (f *FS) ReadDir(name string) ([]fs.DirEntry, error) {
	if !fs.ValidPath(name) {
		return nil, &fs.PathError{Op: "readdir", Path: name, Err: fs.ErrInvalid}
	}
	if _, err := f.stat("readdir", name); err != nil {
		return nil, err
	}
	es, err := f.readDir(name)
	if errors.Is(err, safefs.ErrSymlink) {
		return nil, err
	}
	if err != nil {
		return nil, &fs.PathError{Op: "readdir", Path: name, Err: fs.ErrNotExist}
	}
	out := make([]fs.DirEntry, len(es))
	for i, e := range es {
		out[i] = fs.FileInfoToDirEntry(f.info(e, e.name))
	}
	return out, nil
}

// Stat describes a file or folder.
func (f *FS) Stat(name string) (fs.FileInfo, error) {
	e, err := f.stat("stat", name)
	if err != nil {
		return nil, err
	}
	return f.info(e, name), nil
}

func (f *FS) info(e dirent, name string) fs.FileInfo { return f.fileInfo(e, name) }

func (f *FS) fileInfo(e dirent, name string) *fileInfo {
	return &fileInfo{name: path.Base(name), dir: e.dir, link: e.link, when: f.when, fs: f, hash: e.hash, size: -1}
}

type fileInfo struct {
	name string
	dir  bool
	link bool
	when time.Time
	fs   *FS
	hash plumbing.Hash
	size int64 // -1 until known
}

// Size reads the blob, unless the file was opened: listing a folder of
// thousands of files must not.
func (i *fileInfo) Size() int64 {
	if i.dir {
		return 0
	}
	if i.size >= 0 {
		return i.size
	}
	b, err := i.fs.r.blob(i.hash)
	if err != nil {
		return 0
	}
	return int64(len(b))
}

// BlobID is a regular file's git object id, so that the decode cache of
// package load finds the file's entry without reading the blob (see
// load.BlobID). The tree that names it was read and checked against its
// own name like every object, and an entry learns the id only from a load
// that read the blob, which is checked against the id the same way.
func (i *fileInfo) BlobID() (id [20]byte, ok bool) {
	if i.dir || i.link {
		return id, false
	}
	return i.hash, true
}

func (i *fileInfo) Name() string { return i.name }
func (i *fileInfo) Mode() fs.FileMode {
	if i.dir {
		return fs.ModeDir | 0o555
	}
	if i.link {
		return fs.ModeSymlink | 0o777
	}
	return 0o444
}
func (i *fileInfo) ModTime() time.Time { return i.when }
func (i *fileInfo) IsDir() bool        { return i.dir }
func (i *fileInfo) Sys() any           { return nil }

type file struct {
	info fs.FileInfo
	data []byte
	off  int
}

func (f *file) Stat() (fs.FileInfo, error) { return f.info, nil }
func (f *file) Close() error               { return nil }
func (f *file) Read(b []byte) (int, error) {
	if f.off >= len(f.data) {
		return 0, io.EOF
	}
	n := copy(b, f.data[f.off:])
	f.off += n
	return n, nil
}

type dirFile struct {
	info    fs.FileInfo
	entries []fs.DirEntry
	off     int
}

func (d *dirFile) Stat() (fs.FileInfo, error) { return d.info, nil }
func (d *dirFile) Close() error               { return nil }
func (d *dirFile) Read([]byte) (int, error) {
	return 0, &fs.PathError{Op: "read", Path: d.info.Name(), Err: errIsDir}
}

func (d *dirFile) ReadDir(n int) ([]fs.DirEntry, error) {
	rest := d.entries[d.off:]
	if n <= 0 {
		d.off = len(d.entries)
		return rest, nil
	}
	if len(rest) == 0 {
		return nil, io.EOF
	}
	rest = rest[:min(n, len(rest))]
	d.off += len(rest)
	return rest, nil
}

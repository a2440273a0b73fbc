//go:build linux

package safefs

import (
	"encoding/binary"
	"io/fs"
	"os"
	"time"

	"golang.org/x/sys/unix"
)

// readDir lists an open folder with the types the kernel's getdents64
// gives. os.File.ReadDir, for a folder opened in an os.Root, calls lstat
// on every entry to learn what the kernel already said, folders included;
// here only regular files are described, with fstatat on the open folder
// (their size and time are what the decode cache asks next), and an entry
// whose type the file system leaves unknown is asked with lstat, in the
// root.
func readDir(f *os.File, lstat func(string) (fs.FileInfo, error)) ([]fs.DirEntry, error) {
	// Through SyscallConn, not Fd, which would set the folder's
	// descriptor blocking: one fcntl a folder more.
	rc, err := f.SyscallConn()
	if err != nil {
		return nil, err
	}
	var out []fs.DirEntry
	var lerr error
	cerr := rc.Control(func(fd uintptr) { out, lerr = getdents(int(fd), f.Name(), lstat, true) })
	if cerr != nil {
		return nil, cerr
	}
	return out, lerr
}

func getdents(fd int, name string, lstat func(string) (fs.FileInfo, error), describeFiles bool) ([]fs.DirEntry, error) {
	buf := make([]byte, 32<<10)
	var out []fs.DirEntry
	for {
		n, err := unix.Getdents(fd, buf)
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return out, &fs.PathError{Op: "readdir", Path: name, Err: err}
		}
		if n <= 0 {
			return out, nil
		}
		for b := buf[:n]; len(b) >= 19; {
			// struct linux_dirent64: ino u64, off s64, reclen u16, type u8, name.
			reclen := int(binary.NativeEndian.Uint16(b[16:18]))
			if reclen < 19 || reclen > len(b) {
				return out, &fs.PathError{Op: "readdir", Path: name, Err: unix.EINVAL}
			}
			typ, nm := b[18], b[19:reclen]
			for i, c := range nm {
				if c == 0 {
					nm = nm[:i]
					break
				}
			}
			b = b[reclen:]
			if s := string(nm); s != "." && s != ".." {
				e := &dirent{name: s, lstat: lstat}
				if m, ok := direntType(typ); ok {
					e.typ = m
					if m.IsRegular() && describeFiles {
						e.describe(fd)
					}
				} else {
					fi, err := lstat(s)
					if err != nil {
						return out, err
					}
					e.typ, e.info = fi.Mode().Type(), fi
				}
				out = append(out, e)
			}
		}
	}
}

func direntType(t uint8) (fs.FileMode, bool) {
	switch t {
	case unix.DT_REG:
		return 0, true
	case unix.DT_DIR:
		return fs.ModeDir, true
	case unix.DT_LNK:
		return fs.ModeSymlink, true
	case unix.DT_FIFO:
		return fs.ModeNamedPipe, true
	case unix.DT_SOCK:
		return fs.ModeSocket, true
	case unix.DT_CHR:
		return fs.ModeDevice | fs.ModeCharDevice, true
	case unix.DT_BLK:
		return fs.ModeDevice, true
	}
	return 0, false
}

// dirent is a folder entry; Info asks lstat in the folder's root.
type dirent struct {
	name  string
	typ   fs.FileMode
	info  fs.FileInfo
	lstat func(string) (fs.FileInfo, error)
	// reg is the info of a regular file, in the entry's own allocation:
	// a program has 100,000 of them.
	reg fileInfo
}

// describe gives a regular file's entry its fstatat in the open folder
// fd, and reports whether it is still a regular file.
func (e *dirent) describe(fd int) bool {
	e.reg.name = e.name
	if unix.Fstatat(fd, e.name, &e.reg.st, unix.AT_SYMLINK_NOFOLLOW) != nil || e.reg.st.Mode&unix.S_IFMT != unix.S_IFREG {
		return false
	}
	e.info = &e.reg
	return true
}

func (e *dirent) Name() string      { return e.name }
func (e *dirent) IsDir() bool       { return e.typ.IsDir() }
func (e *dirent) Type() fs.FileMode { return e.typ }
func (e *dirent) Info() (fs.FileInfo, error) {
	if e.info != nil {
		return e.info, nil
	}
	return e.lstat(e.name)
}
func (e *dirent) String() string { return fs.FormatDirEntry(e) }

// fileInfo describes a regular file from its fstatat.
type fileInfo struct {
	name string
	st   unix.Stat_t
}

func (i *fileInfo) Name() string       { return i.name }
func (i *fileInfo) Size() int64        { return i.st.Size }
func (i *fileInfo) Mode() fs.FileMode  { return fs.FileMode(i.st.Mode & 0o777) }
func (i *fileInfo) ModTime() time.Time { return time.Unix(i.st.Mtim.Unix()) }
func (i *fileInfo) IsDir() bool        { return false }
func (i *fileInfo) Sys() any           { return &i.st }

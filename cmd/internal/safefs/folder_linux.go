//go:build linux

package safefs

import (
	"errors"
	"io/fs"
	"time"

	"golang.org/x/sys/unix"
)

// A Folder's fast path: the folder is a descriptor (O_PATH) that openat2
// resolved below the root through no link, and each operation is one
// *at system call on a name in it, with AT_SYMLINK_NOFOLLOW or
// O_NOFOLLOW for that last component.

// openFolderFast opens name with openat2; ok is false when the portable
// way must (a link, no folder, no openat2: it says why).
func (d *Dir) openFolderFast(name string) (int, bool) {
	fd, err := d.openBeneath(name, unix.O_PATH|unix.O_DIRECTORY)
	if err != nil {
		return -1, false
	}
	return fd, true
}

func closeFD(fd int) error {
	if err := unix.Close(fd); err != nil {
		return &fs.PathError{Op: "close", Err: err}
	}
	return nil
}

func (f *Folder) lstatFast(base string) (fs.FileInfo, error) {
	info := &statInfo{name: baseName(f.rel(base))}
	if err := fstatat(f.fd, base, &info.st); err != nil {
		return nil, &fs.PathError{Op: "lstat", Path: f.rel(base), Err: err}
	}
	return info, nil
}

func fstatat(dfd int, base string, st *unix.Stat_t) error {
	for {
		if err := unix.Fstatat(dfd, base, st, unix.AT_SYMLINK_NOFOLLOW); err != unix.EINTR {
			return err
		}
	}
}

func (f *Folder) createFast(base string, data []byte, perm fs.FileMode) error {
	var fd int
	var err error
	for {
		fd, err = unix.Openat(f.fd, base, unix.O_WRONLY|unix.O_CREAT|unix.O_EXCL|unix.O_NOFOLLOW|unix.O_CLOEXEC, uint32(perm.Perm()))
		if err != unix.EINTR {
			break
		}
	}
	if err != nil {
		return &fs.PathError{Op: "create", Path: f.rel(base), Err: err}
	}
	for b := data; len(b) > 0 && err == nil; {
		var n int
		n, err = unix.Write(fd, b)
		switch {
		case err == unix.EINTR:
			err = nil
		case err == nil && n == 0:
			err = unix.EIO // a regular file never writes nothing
		case err == nil:
			b = b[n:]
		}
	}
	if err == nil {
		err = unix.Fchmod(fd, uint32(perm.Perm())) // whatever the umask
	}
	if cerr := unix.Close(fd); err == nil {
		err = cerr
	}
	if err != nil {
		unix.Unlinkat(f.fd, base, 0)
		return &fs.PathError{Op: "write", Path: f.rel(base), Err: err}
	}
	return nil
}

// readFast reads base as fast_linux.go's readFast reads a file: described
// first, so that a FIFO or a device is never opened, then opened with
// O_NOFOLLOW|O_NONBLOCK, and the fstat of what was opened decides. ok
// is false when the portable way must say why it is not read; a file
// over the cap is refused here.
func (f *Folder) readFast(base string, limit int64) (data []byte, ok bool, err error) {
	var st unix.Stat_t
	if fstatat(f.fd, base, &st) != nil || st.Mode&unix.S_IFMT != unix.S_IFREG {
		return nil, false, nil
	}
	var fd int
	for {
		fd, err = unix.Openat(f.fd, base, unix.O_RDONLY|unix.O_NOFOLLOW|unix.O_NONBLOCK|unix.O_NOCTTY|unix.O_CLOEXEC, 0)
		if err != unix.EINTR {
			break
		}
	}
	if err != nil {
		return nil, false, nil
	}
	defer unix.Close(fd)
	if fstat(fd, &st) != nil || st.Mode&unix.S_IFMT != unix.S_IFREG {
		return nil, false, nil
	}
	b, err := readLimited(fdReader(fd), f.rel(base), st.Size, limit)
	if err != nil {
		var tl *TooLargeError
		if errors.As(err, &tl) {
			return nil, true, err
		}
		return nil, false, nil
	}
	return b, true, nil
}

func (f *Folder) renameFast(from, to string) error {
	for {
		err := unix.Renameat(f.fd, from, f.fd, to)
		if err == nil {
			return nil
		}
		if err != unix.EINTR {
			return &fs.PathError{Op: "rename", Path: f.rel(from), Err: err}
		}
	}
}

func (f *Folder) removeFast(base string) error {
	for {
		err := unix.Unlinkat(f.fd, base, 0)
		if err == nil {
			return nil
		}
		if err != unix.EINTR {
			return &fs.PathError{Op: "remove", Path: f.rel(base), Err: err}
		}
	}
}

// statInfo is a FileInfo from a Stat_t of any type of file (fileInfo,
// for a listing's regular files, knows only those).
type statInfo struct {
	name string
	st   unix.Stat_t
}

func (i *statInfo) Name() string       { return i.name }
func (i *statInfo) Size() int64        { return i.st.Size }
func (i *statInfo) ModTime() time.Time { return time.Unix(i.st.Mtim.Unix()) }
func (i *statInfo) IsDir() bool        { return i.Mode().IsDir() }
func (i *statInfo) Sys() any           { return &i.st }

// Mode is the file's type and permissions as os.Lstat gives them.
func (i *statInfo) Mode() fs.FileMode {
	m := fs.FileMode(i.st.Mode & 0o777)
	switch i.st.Mode & unix.S_IFMT {
	case unix.S_IFDIR:
		m |= fs.ModeDir
	case unix.S_IFLNK:
		m |= fs.ModeSymlink
	case unix.S_IFIFO:
		m |= fs.ModeNamedPipe
	case unix.S_IFSOCK:
		m |= fs.ModeSocket
	case unix.S_IFCHR:
		m |= fs.ModeDevice | fs.ModeCharDevice
	case unix.S_IFBLK:
		m |= fs.ModeDevice
	}
	if i.st.Mode&unix.S_ISUID != 0 {
		m |= fs.ModeSetuid
	}
	if i.st.Mode&unix.S_ISGID != 0 {
		m |= fs.ModeSetgid
	}
	if i.st.Mode&unix.S_ISVTX != 0 {
		m |= fs.ModeSticky
	}
	return m
}

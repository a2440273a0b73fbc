//go:build linux

package safefs

import (
	"io"
	"io/fs"
	"os"
	"strings"
	"sync"
	"time"

	"golang.org/x/sys/unix"
)

// The Linux fast path. os.Root walks a path one component at a time in
// user space and wraps every file it opens in an os.File, which Go
// registers with its poller: with the Lstat done first, six or seven
// system calls a file, and 15% of a check of 10,000 partners. openat2
// with RESOLVE_BENEATH|RESOLVE_NO_SYMLINKS asks the kernel for the same
// discipline in one call: the whole path resolved below the root's
// descriptor, and refused (ELOOP) if any of its components, the last
// included, is a link. The file is then a bare descriptor: fstat, read,
// close.
//
// The fast path only reads. Whatever it cannot read (a link, a missing
// file, a folder, a special file, a kernel without openat2) goes the
// portable way of safefs.go, which says why in the same words as ever.

// resolve is openat2's discipline: beneath the root, through no link
// (magic /proc links included).
const resolve = unix.RESOLVE_BENEATH | unix.RESOLVE_NO_SYMLINKS

// openat2OK says whether openat2 works here: Linux 5.6 and later, and
// not refused by a seccomp filter (some containers answer EPERM or
// ENOSYS). Asked once, of the first root opened.
var (
	openat2Once sync.Once
	openat2OK   bool
)

// openFast gives d a descriptor of its root for the fast path: a
// duplicate of the os.Root's own, so both name the same folder whatever
// is renamed meanwhile. Without openat2 d keeps fd -1 and reads the
// portable way.
func (d *Dir) openFast() {
	d.fd = -1
	f, err := d.root.Open(".")
	if err != nil {
		return
	}
	defer f.Close()
	rc, err := f.SyscallConn()
	if err != nil {
		return
	}
	fd := -1
	if rc.Control(func(s uintptr) { fd, _ = unix.FcntlInt(s, unix.F_DUPFD_CLOEXEC, 0) }) != nil || fd < 0 {
		return
	}
	openat2Once.Do(func() {
		probe, err := unix.Openat2(fd, ".", &unix.OpenHow{Flags: unix.O_RDONLY | unix.O_DIRECTORY | unix.O_CLOEXEC, Resolve: resolve})
		if err == nil {
			unix.Close(probe)
			openat2OK = true
		}
	})
	if !openat2OK {
		unix.Close(fd)
		return
	}
	d.fd = fd
}

func (d *Dir) closeFast() {
	d.fdMu.Lock()
	defer d.fdMu.Unlock()
	if d.fd >= 0 {
		unix.Close(d.fd)
		d.fd = -1
	}
}

// openBeneath opens name below the root with flags, or fails for any
// reason at all (the caller then takes the portable way, which knows
// why). A rename elsewhere in the file system while the kernel resolves
// the path may make openat2 answer EAGAIN: asked again.
func (d *Dir) openBeneath(name string, flags int) (int, error) {
	d.fdMu.RLock()
	defer d.fdMu.RUnlock()
	if d.fd < 0 {
		return -1, unix.EBADF
	}
	how := unix.OpenHow{Flags: uint64(flags | unix.O_CLOEXEC | unix.O_NOFOLLOW), Resolve: resolve}
	for range 3 {
		fd, err := unix.Openat2(d.fd, name, &how)
		if err != unix.EAGAIN && err != unix.EINTR {
			return fd, err
		}
	}
	return -1, unix.EAGAIN
}

// listedRegular is the listing's word on a file, when the listing was
// this package's on Linux: the type getdents gave, or its fstatat.
// Anything else is no word.
func listedRegular(entry fs.DirEntry) bool {
	e, ok := entry.(*dirent)
	return ok && e.typ.IsRegular()
}

// readFast reads the regular file name through one openat2. A file
// whose listing said it is regular is opened at once; any other is
// described first (fstatat in its folder, reached by openat2 as well),
// so that a FIFO or a device is never opened. Should a FIFO or a device
// be swapped in between the listing and the open, O_NONBLOCK keeps the
// open from waiting for a writer, and the fstat of what was opened
// refuses it: the fstat, not the listing, decides what is read, and its
// size, not the listing's, is checked against the cap. ok is false when
// the portable way must read the file (a refusal, a missing file: it
// says why).
func (d *Dir) readFast(name string, entry fs.DirEntry, limit int64) (data []byte, fi fs.FileInfo, ok bool) {
	if !fs.ValidPath(name) || name == "." {
		return nil, nil, false
	}
	if !listedRegular(entry) && !d.regularBeneath(name) {
		return nil, nil, false
	}
	fd, err := d.openBeneath(name, unix.O_RDONLY|unix.O_NONBLOCK|unix.O_NOCTTY)
	if err != nil {
		return nil, nil, false
	}
	defer unix.Close(fd)
	info := &fileInfo{name: baseName(name)}
	if fstat(fd, &info.st) != nil || info.st.Mode&unix.S_IFMT != unix.S_IFREG {
		return nil, nil, false
	}
	b, err := readLimited(fdReader(fd), name, info.st.Size, limit)
	if err != nil {
		return nil, nil, false // over the cap, unreadable: the portable way says so
	}
	return b, info, true
}

// regularBeneath reports whether name is a regular file below the root,
// reached through no link, without opening it: its folder opened with
// O_PATH by openat2, then fstatat of the file in it.
func (d *Dir) regularBeneath(name string) bool {
	dir, base := ".", name
	if i := strings.LastIndexByte(name, '/'); i >= 0 {
		dir, base = name[:i], name[i+1:]
	}
	dfd, err := d.openBeneath(dir, unix.O_PATH|unix.O_DIRECTORY)
	if err != nil {
		return false
	}
	defer unix.Close(dfd)
	var st unix.Stat_t
	for {
		err = unix.Fstatat(dfd, base, &st, unix.AT_SYMLINK_NOFOLLOW)
		if err != unix.EINTR {
			break
		}
	}
	return err == nil && st.Mode&unix.S_IFMT == unix.S_IFREG
}

// readDirFast lists the folder name through one openat2; ok is false
// when the portable way must (a link, no folder, no openat2).
func (d *Dir) readDirFast(name string) (es []fs.DirEntry, ok bool, err error) {
	fd, oerr := d.openBeneath(name, unix.O_RDONLY|unix.O_DIRECTORY)
	if oerr != nil {
		return nil, false, nil
	}
	defer unix.Close(fd)
	es, err = getdents(fd, name, func(entry string) (fs.FileInfo, error) { return d.Stat(joinPath(name, entry)) }, true)
	return es, true, err
}

func fstat(fd int, st *unix.Stat_t) error {
	for {
		if err := unix.Fstat(fd, st); err != unix.EINTR {
			return err
		}
	}
}

// fdReader reads a bare descriptor; a regular file never answers
// EAGAIN, O_NONBLOCK or not.
type fdReader int

func (r fdReader) Read(b []byte) (int, error) {
	for {
		n, err := unix.Read(int(r), b)
		switch {
		case err == unix.EINTR:
			continue
		case err != nil:
			return 0, &os.SyscallError{Syscall: "read", Err: err}
		case n == 0 && len(b) > 0:
			return 0, io.EOF
		}
		return n, nil
	}
}

func baseName(name string) string {
	return name[strings.LastIndexByte(name, '/')+1:]
}

func joinPath(dir, name string) string {
	if dir == "." {
		return name
	}
	return dir + "/" + name
}

// readDirSinceFast lists the folder name through one openat2, or takes
// prev's names when the folder's stamp (its fstat) is prev's. reused
// says the entries are prev's; stamp is the folder's now, zero when too
// recent to trust. ok is false when the portable way must list it.
func (d *Dir) readDirSinceFast(name string, prev *Listing, now time.Time, describeFiles bool) (es []fs.DirEntry, stamp Stamp, reused, ok bool, err error) {
	fd, oerr := d.openBeneath(name, unix.O_RDONLY|unix.O_DIRECTORY)
	if oerr != nil {
		return nil, Stamp{}, false, false, nil
	}
	defer unix.Close(fd)
	var st unix.Stat_t
	if fstat(fd, &st) == nil {
		stamp = Stamp{Dev: st.Dev, Ino: st.Ino, Mtime: st.Mtim.Nano(), Ctime: st.Ctim.Nano()}
		if !stamp.trusted(now) {
			stamp = Stamp{}
		}
	}
	lstat := func(entry string) (fs.FileInfo, error) { return d.Stat(joinPath(name, entry)) }
	if prev.usable(stamp) {
		if es, ok := describe(fd, prev, lstat); ok {
			return es, stamp, true, true, nil
		}
	}
	es, err = getdents(fd, name, lstat, describeFiles)
	return es, stamp, false, true, err
}

// describe makes the entries of a listing kept, each regular file
// described by fstatat as getdents describes it. ok is false when a file
// is no longer what the listing says (which its folder's stamp rules
// out, but a listing kept is only ever a hint): the folder is then
// listed again.
func describe(fd int, l *Listing, lstat func(string) (fs.FileInfo, error)) ([]fs.DirEntry, bool) {
	es := make([]fs.DirEntry, len(l.Names))
	for i, n := range l.Names {
		e := &dirent{name: n, typ: l.Types[i], lstat: lstat}
		if e.typ.IsRegular() && !e.describe(fd) {
			return nil, false
		}
		es[i] = e
	}
	return es, true
}

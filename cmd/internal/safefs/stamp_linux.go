package safefs

import (
	"io/fs"
	"syscall"

	"golang.org/x/sys/unix"
)

// StampOf describes a regular file from its Lstat or fstat (as safefs or
// package os give it); ok is false where there is no change time.
func StampOf(fi fs.FileInfo) (s FileStamp, ok bool) {
	switch st := fi.Sys().(type) {
	case *unix.Stat_t:
		return FileStamp{Size: st.Size, Mtime: st.Mtim.Nano(), Ctime: st.Ctim.Nano(), Ino: st.Ino}, true
	case *syscall.Stat_t:
		return FileStamp{Size: st.Size, Mtime: st.Mtim.Nano(), Ctime: st.Ctim.Nano(), Ino: st.Ino}, true
	}
	return FileStamp{}, false
}

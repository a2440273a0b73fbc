package checkcache

import (
	"io/fs"
	"syscall"

	"golang.org/x/sys/unix"
)

// stampOf describes a regular file from its listing's fstatat.
func stampOf(e fs.DirEntry) (Stamp, bool) {
	fi, err := e.Info()
	if err != nil {
		return Stamp{}, false
	}
	switch st := fi.Sys().(type) {
	case *unix.Stat_t:
		return Stamp{Size: st.Size, Mtime: st.Mtim.Nano(), Ctime: st.Ctim.Nano(), Ino: st.Ino}, true
	case *syscall.Stat_t:
		return Stamp{Size: st.Size, Mtime: st.Mtim.Nano(), Ctime: st.Ctim.Nano(), Ino: st.Ino}, true
	}
	return Stamp{}, false
}

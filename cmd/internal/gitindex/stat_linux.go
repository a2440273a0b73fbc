package gitindex

import (
	"io/fs"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// statOf describes a file from its Lstat, as safefs or package os give
// it.
func statOf(fi fs.FileInfo) (stat, bool) {
	switch s := fi.Sys().(type) {
	case *unix.Stat_t:
		return stat{Ctime: time.Unix(s.Ctim.Unix()), Mtime: time.Unix(s.Mtim.Unix()),
			Dev: s.Dev, Ino: s.Ino, Mode: s.Mode, UID: s.Uid, GID: s.Gid, Size: s.Size}, true
	case *syscall.Stat_t:
		return stat{Ctime: time.Unix(s.Ctim.Unix()), Mtime: time.Unix(s.Mtim.Unix()),
			Dev: s.Dev, Ino: s.Ino, Mode: s.Mode, UID: s.Uid, GID: s.Gid, Size: s.Size}, true
	}
	return stat{}, false
}

//go:build !linux

package safefs

import (
	"io/fs"
	"time"
)

// Elsewhere than Linux, no fast path: every read goes through os.Root
// (safefs.go), a Lstat first.

func (d *Dir) openFast()  {}
func (d *Dir) closeFast() {}

func (d *Dir) readFast(string, fs.DirEntry, int64) ([]byte, fs.FileInfo, bool) {
	return nil, nil, false
}

func (d *Dir) readDirFast(string) ([]fs.DirEntry, bool, error) { return nil, false, nil }

func (d *Dir) readDirSinceFast(string, *Listing, time.Time, bool) ([]fs.DirEntry, Stamp, bool, bool, error) {
	return nil, Stamp{}, false, false, nil
}

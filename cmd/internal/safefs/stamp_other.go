//go:build !linux

package safefs

import "io/fs"

// StampOf has no change time to read here.
func StampOf(fs.FileInfo) (FileStamp, bool) { return FileStamp{}, false }

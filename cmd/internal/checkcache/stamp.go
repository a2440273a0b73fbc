package checkcache

import (
	"io/fs"

	"github.com/accredit/accredit/cmd/internal/safefs"
)

// stampOf describes a regular file from its listing's fstatat.
func stampOf(e fs.DirEntry) (Stamp, bool) {
	fi, err := e.Info()
	if err != nil {
		return Stamp{}, false
	}
	return safefs.StampOf(fi)
}

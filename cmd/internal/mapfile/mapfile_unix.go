//go:build unix

package mapfile

import (
	"fmt"
	"os"
	"syscall"
)

// Read returns the content of the file at path, mapped read-only where
// the system can: tens of megabytes at 200,000 credentials, which then
// are neither copied nor counted in the heap that the build's memory
// limit and its collector watch. The mapping lasts as long as the
// process: the file is only ever replaced by renaming a new one over it,
// which leaves the mapped one as it was.
func Read(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close() // the mapping outlives the descriptor
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("%s is not a regular file", path)
	}
	size := fi.Size()
	if size == 0 || int64(int(size)) != size {
		return os.ReadFile(path)
	}
	b, err := syscall.Mmap(int(f.Fd()), 0, int(size), syscall.PROT_READ, syscall.MAP_SHARED)
	if err != nil {
		return os.ReadFile(path)
	}
	return b, nil
}

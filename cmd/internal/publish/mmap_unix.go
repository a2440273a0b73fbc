//go:build unix

package publish

import (
	"os"
	"syscall"
)

// readCache returns the content of a cache file, mapped read-only where
// the system can: tens of megabytes at 200,000 credentials, which then
// are neither copied nor counted in the heap that the build's memory
// limit and its collector watch. The mapping lasts as long as the
// process: the file is only ever replaced by renaming a new one over it,
// which leaves the mapped one as it was.
func readCache(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close() // the mapping outlives the descriptor
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	size := fi.Size()
	if size == 0 || int64(int(size)) != size || !fi.Mode().IsRegular() {
		return os.ReadFile(path)
	}
	b, err := syscall.Mmap(int(f.Fd()), 0, int(size), syscall.PROT_READ, syscall.MAP_SHARED)
	if err != nil {
		return os.ReadFile(path)
	}
	return b, nil
}

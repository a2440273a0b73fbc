//go:build unix

package history

import (
	"os"
	"syscall"
)

// mapFile maps a pack file into memory, read-only: the pack reader then
// costs no system call per object. It returns nil when the file cannot
// be mapped, and ReadAt serves instead.
func mapFile(path string, size int64) []byte {
	if path == "" || size <= 0 || int64(int(size)) != size {
		return nil
	}
	f, err := os.Open(path)
	if err != nil {
		return nil
	}
	defer f.Close() // the mapping outlives the descriptor
	b, err := syscall.Mmap(int(f.Fd()), 0, int(size), syscall.PROT_READ, syscall.MAP_SHARED)
	if err != nil {
		return nil
	}
	return b
}

func unmapFile(b []byte) {
	if b != nil {
		syscall.Munmap(b)
	}
}

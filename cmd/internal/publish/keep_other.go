//go:build !linux

package publish

import "os"

func oldFD(*os.Root) int { return -1 }

func closeFD(int) {}

func (w *writer) keepFast(rel, p string, data []byte) (kept, existed, ok bool) {
	return false, false, false
}

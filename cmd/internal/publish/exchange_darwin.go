package publish

import (
	"errors"

	"golang.org/x/sys/unix"
)

// exchangeDirs uses renamex_np's RENAME_SWAP (APFS, HFS+).
func exchangeDirs(a, b string) error {
	err := unix.RenamexNp(a, b, unix.RENAME_SWAP)
	if errors.Is(err, unix.ENOTSUP) || errors.Is(err, unix.EINVAL) || errors.Is(err, unix.ENOSYS) {
		return errNoExchange
	}
	return err
}

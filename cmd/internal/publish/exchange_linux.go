package publish

import (
	"errors"

	"golang.org/x/sys/unix"
)

// exchangeDirs uses renameat2's RENAME_EXCHANGE (Linux 3.15; ext4, xfs,
// btrfs, tmpfs and others).
func exchangeDirs(a, b string) error {
	err := unix.Renameat2(unix.AT_FDCWD, a, unix.AT_FDCWD, b, unix.RENAME_EXCHANGE)
	if errors.Is(err, unix.ENOSYS) || errors.Is(err, unix.EINVAL) || errors.Is(err, unix.ENOTSUP) {
		return errNoExchange
	}
	return err
}

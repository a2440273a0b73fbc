//go:build unix

package publish

import "syscall"

// writeFile writes data to a new file at path. It makes the system calls
// itself: os.WriteFile also registers every file with the runtime's poller
// (one more system call each, and a finalizer), which shows at 300,000
// files.
func writeFile(path string, data []byte) error {
	fd, err := syscall.Open(path, syscall.O_WRONLY|syscall.O_CREAT|syscall.O_TRUNC|syscall.O_CLOEXEC, 0o644)
	if err != nil {
		return &pathError{Op: "open", Path: path, Err: err}
	}
	for len(data) > 0 {
		n, err := syscall.Write(fd, data)
		if err == syscall.EINTR {
			continue
		}
		if err != nil {
			syscall.Close(fd)
			return &pathError{Op: "write", Path: path, Err: err}
		}
		data = data[n:]
	}
	if err := syscall.Close(fd); err != nil {
		return &pathError{Op: "close", Path: path, Err: err}
	}
	return nil
}

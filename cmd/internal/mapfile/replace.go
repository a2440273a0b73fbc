package mapfile

import (
	"bufio"
	"os"
	"path/filepath"
)

// Replace writes the file at path anew through write, into a temporary
// file beside it that is renamed over it once complete: a reader (or a
// mapping, see Read) sees the old file or the new one, never a part, and
// a failed write leaves the old one. Write errors are the buffered
// writer's, reported when it is flushed.
func Replace(path string, write func(w *bufio.Writer)) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+"-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	w := bufio.NewWriterSize(tmp, 1<<20)
	write(w)
	if err := w.Flush(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

package mapfile

import (
	"io"
	"os"
	"strings"
)

// ReadString reads a file into a string with one copy, for a cache whose
// decoded entries keep substrings of it (the decode cache, the record
// index): reading it as bytes and converting them copied tens of
// megabytes a second time.
func ReadString(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	var b strings.Builder
	if fi, err := f.Stat(); err == nil && fi.Size() > 0 {
		b.Grow(int(min(fi.Size(), 1<<30)) + 1)
	}
	if _, err := io.Copy(&b, f); err != nil {
		return "", err
	}
	return b.String(), nil
}

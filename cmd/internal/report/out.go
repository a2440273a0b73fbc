package report

import (
	"os"
	"path/filepath"

	"github.com/accredit/accredit/cmd/internal/publish"
)

// RefusedError is an --out that a report will not be written to.
type RefusedError = publish.PrivateRefusedError

func refused(out, reason string) error {
	return &RefusedError{What: "the report", Out: out, Reason: reason, Note: "the report is private"}
}

// Guard checks that out is a place for a private report of the program
// at root (publish.GuardPrivate). It returns out resolved.
func Guard(root, out string) (string, error) {
	return publish.GuardPrivate(root, out, refused)
}

// WriteFile writes the report in a format to its file in dir (resolved by
// Guard), creating dir, readable by its owner only: the report is
// private. The file is written beside and renamed into place, so a
// reader never sees half a report.
func (r *Report) WriteFile(dir, format string) (string, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", err
	}
	f, err := os.CreateTemp(dir, ".report-*")
	if err != nil {
		return "", err
	}
	defer os.Remove(f.Name())
	if err := r.Write(f, format); err != nil {
		f.Close()
		return "", err
	}
	if err := f.Close(); err != nil {
		return "", err
	}
	dest := filepath.Join(dir, FileName(format))
	if fi, err := os.Lstat(dest); err == nil && !fi.Mode().IsRegular() {
		return "", refused(dest, "it is not a regular file")
	}
	return dest, os.Rename(f.Name(), dest)
}

package report

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/accredit/accredit/cmd/internal/publish"
)

// private are the folders of a program that a report may never be
// written into: its sources (which get committed or published) and its
// default build output.
var private = []string{"programs", "partners", "content", "layouts", ".git", "build"}

// RefusedError is an --out that a report will not be written to.
type RefusedError struct {
	Out    string
	Reason string
}

func (e *RefusedError) Error() string {
	return fmt.Sprintf("refusing to write the report to %s: %s; the report is private", e.Out, e.Reason)
}

// Guard checks that out is a place for a private report of the program
// at root: not the root itself, not inside its sources or its build/
// folder, and not inside any site accredit built (a folder holding the
// site marker, wherever --out put it). Paths are compared with symlinks
// resolved, as package publish's Guard does. It returns out resolved.
func Guard(root, out string) (string, error) {
	abs, err := resolve(out)
	if err != nil {
		return "", err
	}
	rootAbs, err := resolve(root)
	if err != nil {
		return "", err
	}
	refuse := func(reason string) (string, error) { return "", &RefusedError{Out: out, Reason: reason} }
	if abs == rootAbs {
		return refuse("it is the program's root, which is committed")
	}
	if publish.Below(abs, rootAbs) {
		return refuse("it holds the program's root")
	}
	for _, dir := range private {
		if d := filepath.Join(rootAbs, dir); abs == d || publish.Below(d, abs) {
			return refuse("it is inside the program's " + dir + "/ folder")
		}
	}
	for d := abs; ; d = filepath.Dir(d) {
		if fi, err := os.Lstat(filepath.Join(d, publish.Marker)); err == nil && fi.Mode().IsRegular() {
			return refuse("it is inside a site accredit built (" + d + ")")
		}
		if filepath.Dir(d) == d {
			break
		}
	}
	if fi, err := os.Lstat(abs); err == nil && !fi.IsDir() {
		return refuse("it is a file, not a folder")
	}
	return abs, nil
}

// resolve is publish.Resolve, a symlink to nothing refused as a report's
// output.
func resolve(p string) (string, error) {
	abs, err := publish.Resolve(p)
	var d *publish.DanglingError
	if errors.As(err, &d) {
		return "", &RefusedError{Out: d.Path, Reason: "it is a symlink to nothing"}
	}
	return abs, err
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
		return "", &RefusedError{Out: dest, Reason: "it is not a regular file"}
	}
	return dest, os.Rename(f.Name(), dest)
}

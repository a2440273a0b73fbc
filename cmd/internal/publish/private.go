package publish

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// privateFolders are the folders of a program that private output (a
// report, drawn exam forms) may never be written into: its sources
// (committed, some published) and its default build output. Any other
// site accredit built is found by its Marker.
var privateFolders = []string{"programs", "partners", "content", "layouts", ".git", "build"}

// PrivateRefusedError is an --out that private output will not be
// written to.
type PrivateRefusedError struct {
	What   string // what would be written: "the report", "the forms"
	Out    string
	Reason string
	Note   string // why it matters: "the report is private"
}

func (e *PrivateRefusedError) Error() string {
	return fmt.Sprintf("refusing to write %s to %s: %s; %s", e.What, e.Out, e.Reason, e.Note)
}

// GuardPrivate checks that out is a place for private output of the
// program at root: not the root, not a folder that holds it, not inside
// its sources or build/, not inside any site accredit built (a folder
// holding Marker, wherever build --out put it), and not a file. Paths are
// compared with symlinks resolved (Resolve), so no spelling of build/
// gets through. refused makes the error of a refusal. It returns out
// resolved.
func GuardPrivate(root, out string, refused func(out, reason string) error) (string, error) {
	abs, err := resolvePrivate(out, refused)
	if err != nil {
		return "", err
	}
	rootAbs, err := resolvePrivate(root, refused)
	if err != nil {
		return "", err
	}
	refuse := func(reason string) (string, error) { return "", refused(out, reason) }
	if abs == rootAbs {
		return refuse("it is the program's root, which is committed")
	}
	if Below(abs, rootAbs) {
		return refuse("it holds the program's root")
	}
	for _, dir := range privateFolders {
		if d := filepath.Join(rootAbs, dir); abs == d || Below(d, abs) {
			return refuse("it is inside the program's " + dir + "/ folder")
		}
	}
	for d := abs; ; d = filepath.Dir(d) {
		if fi, err := os.Lstat(filepath.Join(d, Marker)); err == nil && fi.Mode().IsRegular() {
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

// resolvePrivate is Resolve, a symlink to nothing refused.
func resolvePrivate(p string, refused func(out, reason string) error) (string, error) {
	abs, err := Resolve(p)
	var d *DanglingError
	if errors.As(err, &d) {
		return "", refused(d.Path, "it is a symlink to nothing")
	}
	return abs, err
}

package publish

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/accredit/accredit/cmd/internal/lock"
)

// Marker is the file at the top of every site accredit builds. A build
// replaces only a folder that holds it (or an empty one): whatever else
// is at the output path was not written by accredit and is never
// removed.
const Marker = ".accredit-site"

// markerText is the marker's content: the same in every site, so that
// one program and as-of date still give byte-identical output.
const markerText = `This folder is a site written by "accredit build". A later build
replaces it whole; accredit never replaces a folder without this file.
`

// sources are the folders of a program that a site may never be written
// into: the build would replace them.
var sources = []string{"programs", "partners", "content", "layouts", ".git"}

// RefusedError is an output path that a build will not write to.
type RefusedError struct {
	Out    string // as given
	Reason string
}

func (e *RefusedError) Error() string {
	return fmt.Sprintf("refusing to write the site to %s: %s; nothing was touched", e.Out, e.Reason)
}

// Guard checks that out is a place where the site of the program at
// root may be built, before anything is read or written: not a file,
// not the root or a folder that holds it, not inside the program's
// sources, and either absent, empty or a site accredit wrote (with its
// Marker). Paths are compared after making them absolute and resolving
// symlinks, so no spelling of the root gets through. It also cleans
// what killed builds left beside out (see Start). It returns out
// resolved: the path to build at.
func Guard(root, out string) (string, error) {
	abs, err := resolve(out)
	if err != nil {
		return "", err
	}
	rootAbs, err := resolve(root)
	if err != nil {
		return "", err
	}
	refuse := func(reason string) (string, error) {
		return "", &RefusedError{Out: out, Reason: reason}
	}
	switch {
	case abs == rootAbs:
		return refuse("it is the program's root")
	case Below(abs, rootAbs):
		return refuse("it holds the program's root " + rootAbs)
	}
	for _, src := range sources {
		dir := filepath.Join(rootAbs, src)
		if abs == dir || Below(dir, abs) {
			return refuse("it is inside the program's sources (" + src + "/)")
		}
	}
	if err := checkTarget(out, abs); err != nil {
		return "", err
	}
	if err := cleanLeftovers(abs); err != nil {
		return "", err
	}
	return abs, nil
}

// Below reports whether path is strictly inside dir; both are clean and
// absolute. Package report guards its private output with it too.
func Below(dir, path string) bool {
	rel, err := filepath.Rel(dir, path)
	return err == nil && rel != "." && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
}

// A DanglingError is a path that is a symlink to nothing: where it
// points is unknown, so nothing may be written there.
type DanglingError struct{ Path string }

func (e *DanglingError) Error() string { return e.Path + " is a symlink to nothing" }

// Resolve makes p absolute with every symlink resolved, including those
// of the part of p that exists when the rest does not yet; a symlink to
// nothing on the way is a *DanglingError. Package report resolves its
// output with it too.
func Resolve(p string) (string, error) {
	abs, err := filepath.Abs(p)
	if err != nil {
		return "", err
	}
	real, err := filepath.EvalSymlinks(abs)
	if err == nil {
		return real, nil
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return "", err
	}
	if _, lerr := os.Lstat(abs); lerr == nil {
		return "", &DanglingError{Path: p}
	}
	parent := filepath.Dir(abs)
	if parent == abs {
		return abs, nil
	}
	dir, err := Resolve(parent)
	if err != nil {
		return "", err
	}
	return filepath.Join(dir, filepath.Base(abs)), nil
}

// resolve is Resolve, a symlink to nothing refused as an output.
func resolve(p string) (string, error) {
	abs, err := Resolve(p)
	var d *DanglingError
	if errors.As(err, &d) {
		return "", &RefusedError{Out: d.Path, Reason: "it is a symlink to nothing"}
	}
	return abs, err
}

// checkTarget refuses an existing abs (out, resolved) that is not a
// folder, or a folder with files but no Marker.
func checkTarget(out, abs string) error {
	fi, err := os.Lstat(abs)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	if !fi.IsDir() {
		return &RefusedError{Out: out, Reason: "it is a file, not a folder"}
	}
	if m, err := os.Lstat(filepath.Join(abs, Marker)); err == nil && m.Mode().IsRegular() {
		return nil
	}
	f, err := os.Open(abs)
	if err != nil {
		return err
	}
	defer f.Close()
	if _, err := f.Readdirnames(1); err == io.EOF {
		return nil // empty
	} else if err != nil {
		return err
	}
	return &RefusedError{Out: out, Reason: "it is a folder that accredit did not write (it has files but no " + Marker + "); remove it or choose another --out"}
}

// A build works beside out, in folders named .<out>.accredit-new-<pid>-N
// (the site being written; after the swap, the old site being removed)
// and, where the system cannot exchange two folders in one step,
// .<out>.accredit-old-<pid>-N (the old site moved aside). Whatever a
// killed build left there has a dead pid in its name.
func leftoverPrefix(out string) string { return "." + filepath.Base(out) + ".accredit-" }

func newPattern(out string) string {
	return leftoverPrefix(out) + "new-" + strconv.Itoa(os.Getpid()) + "-*"
}

func oldName(tmp, out string) string {
	return filepath.Join(filepath.Dir(out), leftoverPrefix(out)+"old-"+strings.TrimPrefix(filepath.Base(tmp), leftoverPrefix(out)+"new-"))
}

// leftover is a folder a killed build left beside out.
type leftover struct {
	path string
	old  bool // the old site moved aside: complete
}

// leftovers lists the folders that builds no longer running left beside
// out, and those of earlier versions of accredit (.<out>.new-N and
// .<out>.new-N.old), which named no pid.
func leftovers(out string) ([]leftover, error) {
	dir := filepath.Dir(out)
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	prefix, legacy := leftoverPrefix(out), "."+filepath.Base(out)+".new-"
	var found []leftover
	for _, e := range entries {
		name := e.Name()
		switch {
		case strings.HasPrefix(name, prefix):
			kind, rest, _ := strings.Cut(name[len(prefix):], "-")
			pidText, _, _ := strings.Cut(rest, "-")
			pid, err := strconv.Atoi(pidText)
			if (kind != "new" && kind != "old") || err != nil {
				continue
			}
			if pid == os.Getpid() || lock.Alive(pid) {
				continue // a build still running
			}
			found = append(found, leftover{filepath.Join(dir, name), kind == "old"})
		case strings.HasPrefix(name, legacy):
			digits, isOld := strings.CutSuffix(name[len(legacy):], ".old")
			if _, err := strconv.ParseUint(digits, 10, 64); err == nil && e.IsDir() {
				found = append(found, leftover{filepath.Join(dir, name), isOld})
			}
		}
	}
	return found, nil
}

// cleanLeftovers puts back the old site that a killed build had moved
// aside, if nothing took its place, and removes every other leftover.
func cleanLeftovers(out string) error {
	found, err := leftovers(out)
	if err != nil {
		return err
	}
	if _, err := os.Lstat(out); errors.Is(err, fs.ErrNotExist) {
		for i, l := range found {
			if l.old {
				if err := os.Rename(l.path, out); err != nil {
					return err
				}
				found = append(found[:i:i], found[i+1:]...)
				break
			}
		}
	}
	for _, l := range found {
		if err := os.RemoveAll(l.path); err != nil {
			return err
		}
	}
	return nil
}

// swap puts the complete site tmp at out, so that at every instant a
// complete site is at out, the old one or the new one: where the system
// can, the two folders are exchanged in one step and the old site, now
// at tmp, is removed; a missing out is simply renamed to. Elsewhere the
// old site is moved aside first, and a build killed between the two
// renames leaves out missing until the next build puts it back
// (cleanLeftovers).
//
// It returns the number of files the old site held, counted as it is
// removed (0 when there was none).
func swap(tmp, out string) (int, error) {
	hook("swap")
	if _, err := os.Lstat(out); errors.Is(err, fs.ErrNotExist) {
		if err := os.Rename(tmp, out); err == nil || !exists(out) {
			return 0, err
		}
		// Something appeared at out meanwhile: judge it as any other.
	}
	// Checked again: a build takes time, and out may have changed since
	// Start.
	if err := checkTarget(out, out); err != nil {
		return 0, err
	}
	err := exchange(tmp, out)
	if err == nil {
		hook("exchanged")
		return removeCounting(tmp)
	}
	if !errors.Is(err, errNoExchange) {
		return 0, err
	}
	old := oldName(tmp, out)
	if err := os.Rename(out, old); err != nil {
		return 0, err
	}
	hook("aside")
	if err := os.Rename(tmp, out); err != nil {
		os.Rename(old, out)
		return 0, err
	}
	hook("renamed")
	return removeCounting(old)
}

// removeCounting removes the folder dir (a site) and returns the number
// of files (not folders) it held. The walk does not follow links.
func removeCounting(dir string) (int, error) {
	n := 0
	filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			n++
		}
		return nil
	})
	return n, os.RemoveAll(dir)
}

func exists(p string) bool {
	_, err := os.Lstat(p)
	return err == nil
}

// errNoExchange: the system or file system cannot exchange two folders.
var errNoExchange = errors.New("cannot exchange folders")

// exchange swaps the folders a and b in one step (exchange_*.go); it is
// a variable for the tests of the fallback.
var exchange = exchangeDirs

// hook is called at each step of a build's swap; the kill tests stop
// the process there.
var hook = func(step string) {}

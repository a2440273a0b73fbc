package exam

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/accredit/accredit/cmd/internal/publish"
	"github.com/accredit/accredit/cmd/internal/safefs"
)

// RefusedError is an --out that forms will not be written to.
type RefusedError = publish.PrivateRefusedError

func refused(out, reason string) error {
	return &RefusedError{What: "the forms", Out: out, Reason: reason, Note: "exam forms are private"}
}

// Guard checks that out is a place for the private forms of an exam of
// the program at root, before anything is read: what
// publish.GuardPrivate refuses, and a folder with files in it. It returns
// out resolved.
func Guard(root, out string) (string, error) {
	abs, err := publish.GuardPrivate(root, out, refused)
	if err != nil {
		return "", err
	}
	if err := emptyOrNew(abs); err != nil {
		return "", err
	}
	return abs, nil
}

// NotEmptyError is an output folder that holds files already.
type NotEmptyError struct {
	Dir, File string
}

func (e *NotEmptyError) Error() string {
	return fmt.Sprintf("%s is not empty (it holds %s): forms are drawn into a new or empty folder, so that no file of an earlier draw is imported with them", e.Dir, e.File)
}

// emptyOrNew returns a *NotEmptyError for a folder dir that holds a file.
func emptyOrNew(dir string) error {
	f, err := os.Open(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	defer f.Close()
	names, err := f.Readdirnames(1)
	if len(names) > 0 {
		return &NotEmptyError{Dir: dir, File: names[0]}
	}
	if err != nil && !errors.Is(err, io.EOF) {
		return err
	}
	return nil
}

// WriteDir writes files into dir (resolved by Guard), which must be new
// or an empty folder: the files of an earlier draw, mixed with these,
// would be imported with them. The files are written into a new folder
// beside dir (.<dir>.draw-*, readable by its owner only), each created
// exclusively through an os.Root of that folder, so that no name or link
// leads out of it; the folder is then renamed to dir. An importer never
// sees half a package, and a failed draw leaves nothing at dir.
func WriteDir(dir string, files []File) error {
	for _, f := range files {
		if !plainName(f.Name) {
			return fmt.Errorf("%q is not a plain file name", f.Name)
		}
	}
	if fi, err := os.Lstat(dir); err == nil && !fi.IsDir() {
		return refused(dir, "it is not a folder")
	}
	if err := emptyOrNew(dir); err != nil {
		return err
	}
	parent := filepath.Dir(dir)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return err
	}
	tmp, err := os.MkdirTemp(parent, "."+filepath.Base(dir)+".draw-")
	if err != nil {
		return err
	}
	done := false
	defer func() {
		if !done {
			os.RemoveAll(tmp)
		}
	}()
	r, err := os.OpenRoot(tmp)
	if err != nil {
		return err
	}
	for _, file := range files {
		if err := writeFile(r, file); err != nil {
			r.Close()
			return fmt.Errorf("%s: %w", filepath.Join(dir, file.Name), err)
		}
	}
	if err := r.Close(); err != nil {
		return err
	}
	// Remove fails on a folder that is no longer empty: then nothing is
	// replaced, and the rename below fails.
	if err := os.Remove(dir); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("%s: %w", dir, err)
	}
	if err := os.Rename(tmp, dir); err != nil {
		return err
	}
	done = true
	return nil
}

func writeFile(r *os.Root, file File) error {
	f, err := r.OpenFile(file.Name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	if _, err := f.Write(file.Data); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// plainName reports whether name names a file directly in a folder.
func plainName(name string) bool {
	return name != "" && name != "." && name != ".." && !strings.ContainsAny(name, `/\`+"\x00")
}

// maxFile caps a file read back: the largest item or form is far below.
const maxFile = 64 << 20

// Reread reads back every file WriteDir wrote into dir, through package
// safefs (a link or anything but a regular file is refused), and checks
// that each holds what was written and that the whole is a package an
// importer accepts: CheckQTI for qti, a strict decode for json, each against
// the drawing.
func (d *Drawing) Reread(dir, format string, files []File) error {
	fsys, err := safefs.Open(dir)
	if err != nil {
		return fmt.Errorf("reading back %s: %w", dir, err)
	}
	defer fsys.Close()
	got := map[string][]byte{}
	for _, f := range files {
		data, err := fsys.ReadFileLimit(f.Name, maxFile)
		if err != nil {
			return fmt.Errorf("reading back %s: %w", filepath.Join(dir, f.Name), err)
		}
		if !bytes.Equal(data, f.Data) {
			return fmt.Errorf("reading back %s: it does not hold what was written", filepath.Join(dir, f.Name))
		}
		got[f.Name] = data
	}
	switch format {
	case "qti":
		var p *Package
		if p, err = CheckQTI(got); err == nil {
			err = d.matchesQTI(p)
		}
	case "json":
		err = d.checkJSON(got[JSONFile])
	default:
		err = fmt.Errorf("unknown format %q", format)
	}
	if err != nil {
		return fmt.Errorf("checking what was written to %s: %w", dir, err)
	}
	return nil
}

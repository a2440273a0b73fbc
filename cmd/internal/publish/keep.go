package publish

import (
	"bytes"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// openOld opens the site at out that a build replaces, or returns nil
// when there is none (checkTarget has made sure that a folder there is
// a site accredit wrote, or empty). Reads go through os.Root: no path,
// and no link in it, leads outside the old site.
func openOld(out string) *os.Root {
	if _, err := os.Lstat(filepath.Join(out, Marker)); err != nil {
		return nil
	}
	r, err := os.OpenRoot(out)
	if err != nil {
		return nil
	}
	return r
}

// fastKeep turns keepFast on; the tests turn it off to run the
// portable way, the reference the fast way must agree with.
var fastKeep = true

func (w *writer) closeOld() {
	closeFD(w.oldFD)
	w.oldFD = -1
	if w.old != nil {
		w.old.Close()
		w.old = nil
	}
}

// keep puts the previous site's file rel at p, the path being written
// in the new site, when its bytes are data: a hard link to it, so the
// file keeps its inode and modification time and a deploy that compares
// either skips it. It reports whether it did, and whether the previous
// site had a file at rel at all.
//
// The previous site is ours but may have been edited by hand: only a
// regular file (not a link) with the mode accredit writes is kept, and
// only if the file linked in is the very file whose bytes were compared
// (os.SameFile after the link; a file swapped in between is unlinked
// and p written anew). Any failure (a file system without hard links,
// say) means writing the file, never an error.
func (w *writer) keep(rel, p string, data []byte) (kept, existed bool) {
	if w.old == nil {
		return false, false
	}
	if fastKeep {
		if kept, existed, ok := w.keepFast(rel, p, data); ok {
			return kept, existed
		}
	}
	name := filepath.FromSlash(rel)
	fi, err := w.old.Lstat(name)
	if err != nil {
		return false, !errors.Is(err, fs.ErrNotExist)
	}
	if !fi.Mode().IsRegular() || fi.Mode().Perm() != 0o644 || fi.Size() != int64(len(data)) {
		return false, true
	}
	f, err := w.old.Open(name)
	if err != nil {
		return false, true
	}
	defer f.Close()
	ofi, err := f.Stat()
	if err != nil || !os.SameFile(fi, ofi) || !sameBytes(f, data) {
		return false, true
	}
	oldPath := filepath.Join(w.old.Name(), name)
	if err := os.Link(oldPath, p); err != nil {
		return false, true
	}
	if nfi, err := os.Lstat(p); err != nil || !os.SameFile(nfi, ofi) {
		os.Remove(p)
		return false, true
	}
	return true, true
}

// sameBytes reports whether r holds exactly data.
func sameBytes(r io.Reader, data []byte) bool {
	var buf [32 << 10]byte
	for {
		n, err := io.ReadFull(r, buf[:min(len(buf), len(data)+1)])
		if n > len(data) || !bytes.Equal(buf[:n], data[:n]) {
			return false
		}
		data = data[n:]
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			return len(data) == 0
		}
		if err != nil {
			return false
		}
	}
}

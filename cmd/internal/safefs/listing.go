package safefs

import (
	"io/fs"
	"time"
)

// A Listing is what a folder held when it was last listed: the names and
// types of its entries, and the folder's stamp then. A caller keeps it
// (the decode cache keeps one per folder of the program) and hands it
// to ReadDirSince, which takes the names from it, without listing the
// folder again, while the folder's stamp is unchanged.
//
// Adding, removing or renaming an entry, or replacing one (a link
// swapped in for a file is a rename or an unlink and a create), sets
// the folder's modification and change times; setting its modification
// time back sets its change time, which no one can set back. A folder
// swapped for another is another inode. The entries' own content is not
// the listing's: a file edited in place leaves its folder as it was,
// which is why ReadDirSince still describes every regular file (fstatat,
// as a listing does), and why the decode cache then compares the file's
// own size and time.
//
// As the decode cache does for files, a folder whose modification or
// change time is within RacyWindow of the listing is not trusted next
// time (its stamp is zero): a second change within the file system's
// clock tick could leave both times as they were.
type Listing struct {
	Stamp Stamp
	Names []string      // sorted
	Types []fs.FileMode // Types[i] is the type of Names[i], as DirEntry.Type
}

// Stamp identifies a folder and its last change; the zero Stamp matches
// none.
type Stamp struct {
	Dev, Ino     uint64
	Mtime, Ctime int64 // nanoseconds since 1970
}

// RacyWindow is how recent a change must be for a time not to be trusted.
const RacyWindow = 2 * time.Second

// FileStamp identifies a regular file's content as its inode does. A
// file edited in place changes its change time, which no tool can set
// back; one replaced by a rename is another inode. So a file whose
// FileStamp is as it was when it was read, at least RacyWindow after
// its change time, still holds what was read (see StampOf).
type FileStamp struct {
	Size, Mtime, Ctime int64
	Ino                uint64
}

// trusted reports whether s may stand for its folder's names next time,
// the folder having been listed at now.
func (s Stamp) trusted(now time.Time) bool {
	limit := now.Add(-RacyWindow).UnixNano()
	return s != Stamp{} && s.Mtime < limit && s.Ctime < limit
}

// ReadDirSince is ReadDir for a folder listed before, prev being that
// listing (or nil): when the folder's stamp is prev's, the entries are
// prev's names and types, and only the regular files among them are
// described (as ReadDir describes them, for the decode cache); else the
// folder is listed. It returns the listing to keep for next time, whose
// stamp is zero when the folder changed too recently to be trusted (now
// is when the caller began). With no prev, the folder is new to the
// caller's cache and so, likely, are its files: they are not described
// while listing, and an Info asks then. Where there is no fast path it
// is ReadDir, and its listings are never trusted.
func (d *Dir) ReadDirSince(name string, prev *Listing, now time.Time) ([]fs.DirEntry, *Listing, error) {
	// A folder the caller kept no listing of is new to its cache, and so
	// are its files, likely: they will be read, and the read's fstat
	// describes them. A file the cache does know asks Info, which
	// describes it then.
	return d.readDirSince(name, prev, now, prev != nil)
}

// ReadDirStamped lists the folder name, each regular file described, as
// ReadDir does, and returns its Listing too, to hand to ReadDirSince
// next time.
func (d *Dir) ReadDirStamped(name string, now time.Time) ([]fs.DirEntry, *Listing, error) {
	return d.readDirSince(name, nil, now, true)
}

func (d *Dir) readDirSince(name string, prev *Listing, now time.Time, describeFiles bool) ([]fs.DirEntry, *Listing, error) {
	if !fs.ValidPath(name) {
		return nil, nil, &fs.PathError{Op: "readdir", Path: name, Err: fs.ErrInvalid}
	}
	if es, stamp, reused, ok, err := d.readDirSinceFast(name, prev, now, describeFiles); ok {
		if reused {
			return es, prev, nil // sorted already
		}
		es, err = sorted(name, es, err)
		if err != nil {
			stamp = Stamp{} // a listing cut short is not one to keep
		}
		return es, listingOf(es, stamp), err
	}
	es, err := d.ReadDir(name)
	return es, listingOf(es, Stamp{}), err
}

// usable reports whether l may stand for a folder whose stamp is s: a
// listing kept in a file may be damaged, and entries must come sorted,
// each name once.
func (l *Listing) usable(s Stamp) bool {
	if l == nil || s == (Stamp{}) || l.Stamp != s || len(l.Names) != len(l.Types) {
		return false
	}
	for i := 1; i < len(l.Names); i++ {
		if l.Names[i-1] >= l.Names[i] {
			return false
		}
	}
	return true
}

// listingOf is the Listing of sorted entries.
func listingOf(es []fs.DirEntry, s Stamp) *Listing {
	l := &Listing{Stamp: s, Names: make([]string, len(es)), Types: make([]fs.FileMode, len(es))}
	for i, e := range es {
		l.Names[i], l.Types[i] = e.Name(), e.Type()
	}
	return l
}

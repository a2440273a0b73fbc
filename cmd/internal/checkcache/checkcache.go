// Package checkcache keeps the last result of `accredit check` with a
// manifest of everything it was computed from, so that a check of a
// program that has not changed since prints that result again instead
// of loading and checking a hundred thousand records, as `go test`
// reports a package's cached result.
//
// In: the program root, the result (the number of files and the
// diagnostics of its as-of day, and of some later days: Result.Later)
// and a key (the accredit binary's hash). Out: the result, when every
// input is provably as it was; the caller takes the diagnostics of the
// day it checks (Result.On), if the result has them.
//
// The manifest covers every folder and file below programs/, partners/,
// content/ and layouts/, a superset of what the loader reads: each
// folder's stamp and names (safefs.Listing: its device, inode and
// modification and change times), and each regular file's size,
// inode, and modification and change times. A file edited in place
// changes its change time, which no tool can set back; one replaced by
// a rename is another inode; an entry added, removed, renamed or swapped
// for a link changes its folder's times. A tree that was absent must
// still be. As git's index does, a manifest taken while a folder or file
// had changed within safefs.RacyWindow is not kept, since a second
// change within the same clock tick could leave every time as it was.
// Where safefs has no stamps (other systems than Linux) nothing is kept.
//
// The result is only ever a copy of what a full check printed for the
// same key and the same files; any doubt (an unreadable or damaged
// file, a folder that cannot be listed) is a miss, and the caller checks
// in full.
//
// When only partner folders changed, the manifest says which
// (ChangedPartners), and the result's summary of every partner folder
// (Partner: its files and the credential ids it holds and names) says
// which others the change can reach (Scope): the caller checks those
// again and keeps the rest of the result (Merge). edit.go says why that
// is exactly what a full check would print.
package checkcache

import (
	"bufio"
	"encoding/binary"
	"errors"
	"io"
	"io/fs"
	"os"
	"path"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/accredit/accredit/cmd/internal/diag"
	"github.com/accredit/accredit/cmd/internal/mapfile"
	"github.com/accredit/accredit/cmd/internal/safefs"
)

// trees are the folders of the root a check reads.
var trees = []string{"programs", "partners", "content", "layouts"}

// Result is what check prints: the diagnostics and the number of files;
// and what an edit to some partner folders needs to check only those
// again (see Scope).
type Result struct {
	Files    int
	Diags    []diag.Diagnostic
	Partners []Partner // sorted by ID
	// AsOf is the day (as-of date) of Diags; Later, the diagnostics of
	// the same files on some of the days after it, worked out by the
	// same check (check.RunDated), so that the first check of the next
	// days need not load the program again while nothing changed.
	AsOf  string
	Later []Day
}

// Day is the diagnostics of a result's files on a later day.
type Day struct {
	AsOf  string
	Diags []diag.Diagnostic
}

// On returns the diagnostics of r's files on the day asOf, and whether
// r has them: Diags on AsOf, a Later day's on that day.
func (r *Result) On(asOf string) ([]diag.Diagnostic, bool) {
	if asOf == r.AsOf {
		return r.Diags, true
	}
	for _, d := range r.Later {
		if d.AsOf == asOf {
			return d.Diags, true
		}
	}
	return nil, false
}

// Manifest is the state of the trees when a result was computed.
type Manifest struct {
	Absent  []string // trees that did not exist
	Folders []Folder // sorted by path

	// listed are the entries the walk that took the manifest read, for
	// the load that follows it (Listed); not kept in the file.
	listed map[string]walked
	// changed are the folders that differ from the manifest Refresh
	// compared with (see Partners): new, gone, or with other names or
	// file stamps.
	changed []string
}

// walked is a folder as the walk listed it.
type walked struct {
	es []fs.DirEntry
	l  *safefs.Listing
}

// Listed returns a folder's entries as the walk that took m listed them
// (sorted, regular files described) and its listing: the load that
// follows need not list it again. ok is false for a folder the walk did
// not list, or a manifest read from a file.
func (m *Manifest) Listed(rel string) (es []fs.DirEntry, l *safefs.Listing, ok bool) {
	w, ok := m.listed[rel]
	return w.es, w.l, ok
}

// Folder is one folder: its listing and the stamps of its regular files,
// in the listing's order.
type Folder struct {
	Path    string
	Listing *safefs.Listing
	Files   []Stamp // one per regular entry of Listing, in order
}

// Stamp describes a regular file.
type Stamp = safefs.FileStamp

// workers lists folders in parallel: most of the time is system calls.
const workers = 16

// Take walks root's trees and returns their manifest; ok is false when
// it cannot vouch for them (a change too recent, no stamps here, an
// error), and a result is then not worth keeping with it. A manifest
// that is not ok may still be there, for its listings (Listed). kept,
// when not nil, gives the listing a folder had when last listed (the
// decode cache keeps them): a folder whose stamp is still its listing's
// is not listed again, only its files described.
func Take(root string, now time.Time, kept func(rel string) *safefs.Listing) (m *Manifest, ok bool) {
	m, _, ok = walk(root, nil, now, kept)
	return m, ok
}

// Refresh walks root's trees as Take does, with the listings of m, and
// reports besides whether they are still as m describes them.
func (m *Manifest) Refresh(root string, now time.Time) (next *Manifest, same, ok bool) {
	return walk(root, m, now, nil)
}

// walk takes the manifest of root's trees, comparing each folder and
// file with last's (when not nil); kept gives other listings to start
// from.
func walk(root string, last *Manifest, now time.Time, kept func(string) *safefs.Listing) (m *Manifest, same, ok bool) {
	d, err := safefs.Open(root)
	if err != nil {
		return nil, false, false
	}
	defer d.Close()
	prev := map[string]*Folder{}
	if last != nil {
		for i := range last.Folders {
			prev[last.Folders[i].Path] = &last.Folders[i]
		}
	}
	m = &Manifest{listed: map[string]walked{}}
	var level []string
	for _, t := range trees {
		fi, err := d.Stat(t)
		switch {
		case errors.Is(err, fs.ErrNotExist):
			m.Absent = append(m.Absent, t)
		case err != nil || !fi.IsDir():
			return nil, false, false
		default:
			level = append(level, t)
		}
	}
	same = last != nil && slices.Equal(m.Absent, last.Absent)
	limit := now.Add(-safefs.RacyWindow).UnixNano()
	// A change too recent to vouch for does not stop the walk: its
	// listings still serve the load that follows, only the manifest is
	// not kept.
	racy := false
	var mu sync.Mutex
	for len(level) > 0 {
		folders := make([]Folder, len(level))
		subs := make([][]string, len(level))
		bad := parallel(len(level), func(i int) bool {
			p := prev[level[i]]
			var (
				es  []fs.DirEntry
				l   *safefs.Listing
				err error
			)
			switch {
			case p != nil:
				es, l, err = d.ReadDirSince(level[i], p.Listing, now)
			case kept != nil && kept(level[i]) != nil:
				es, l, err = d.ReadDirSince(level[i], kept(level[i]), now)
			default:
				es, l, err = d.ReadDirStamped(level[i], now)
			}
			if err != nil || l == nil {
				return false
			}
			recent := l.Stamp == (safefs.Stamp{})
			f := Folder{Path: level[i], Listing: l, Files: make([]Stamp, 0, len(es))}
			for _, e := range es {
				switch {
				case e.IsDir():
					subs[i] = append(subs[i], path.Join(level[i], e.Name()))
				case e.Type().IsRegular():
					st, ok := stampOf(e)
					if !ok {
						return false
					}
					recent = recent || st.Mtime >= limit || st.Ctime >= limit
					f.Files = append(f.Files, st)
				}
			}
			folders[i] = f
			mu.Lock()
			m.listed[level[i]] = walked{es, l}
			racy = racy || recent
			mu.Unlock()
			// The same folder: its listing kept (its names and types
			// unchanged) and every file's stamp as it was.
			if p == nil || l != p.Listing || !slices.Equal(f.Files, p.Files) {
				mu.Lock()
				same = false
				m.changed = append(m.changed, level[i])
				mu.Unlock()
			}
			return true
		})
		if bad {
			return nil, false, false
		}
		m.Folders = append(m.Folders, folders...)
		level = slices.Concat(subs...)
	}
	// A folder that is gone is one the walk did not reach.
	if last != nil {
		for _, f := range last.Folders {
			if _, ok := m.listed[f.Path]; !ok {
				same = false
				m.changed = append(m.changed, f.Path)
			}
		}
	}
	slices.SortFunc(m.Folders, func(a, b Folder) int { return strings.Compare(a.Path, b.Path) })
	return m, same && !racy, !racy
}

// parallel runs fn for 0..n-1 on workers goroutines and reports whether
// any returned false; after one does, the rest are skipped.
func parallel(n int, fn func(i int) bool) (bad bool) {
	var (
		mu   sync.Mutex
		next int
		wg   sync.WaitGroup
	)
	for range min(workers, n) {
		wg.Go(func() {
			for {
				mu.Lock()
				i := next
				next++
				stop := bad
				mu.Unlock()
				if i >= n || stop {
					return
				}
				if !fn(i) {
					mu.Lock()
					bad = true
					mu.Unlock()
				}
			}
		})
	}
	wg.Wait()
	return bad
}

// Save writes the result with its key and manifest to path, replacing
// what was there; an error only means the next check runs in full.
func Save(path string, key []byte, r Result, m *Manifest) error {
	return mapfile.Replace(path, func(w *bufio.Writer) {
		e := mapfile.Encoder{W: w}
		e.Str(magic)
		e.Str(string(key))
		e.Int(int64(r.Files))
		e.Str(r.AsOf)
		encodeDiags(&e, r.Diags)
		e.Uint(uint64(len(r.Later)))
		for _, day := range r.Later {
			e.Str(day.AsOf)
			encodeDiags(&e, day.Diags)
		}
		e.Uint(uint64(len(m.Absent)))
		for _, t := range m.Absent {
			e.Str(t)
		}
		e.Uint(uint64(len(m.Folders)))
		for _, f := range m.Folders {
			e.Str(f.Path)
			s := f.Listing.Stamp
			e.Uint(s.Dev)
			e.Uint(s.Ino)
			e.Int(s.Mtime)
			e.Int(s.Ctime)
			e.Uint(uint64(len(f.Listing.Names)))
			for i, name := range f.Listing.Names {
				e.Str(name)
				e.Uint(uint64(f.Listing.Types[i]))
			}
			e.Uint(uint64(len(f.Files)))
			for _, st := range f.Files {
				e.Int(st.Size)
				e.Int(st.Mtime)
				e.Int(st.Ctime)
				e.Uint(st.Ino)
			}
		}
		e.Uint(uint64(len(r.Partners)))
		for _, p := range r.Partners {
			e.Str(p.ID)
			e.Int(int64(p.Files))
			e.Strs(p.Held)
			e.Strs(p.Named)
		}
	})
}

const magic = "accredit-check-3"

// Load reads what Save wrote under key; ok is false for anything else.
func Load(path string, key []byte) (Result, *Manifest, bool) {
	f, err := os.Open(path)
	if err != nil {
		return Result{}, nil, false
	}
	defer f.Close()
	// The key first: a result of another build (the first check after
	// an upgrade, or of a binary being measured against another) is
	// megabytes not worth reading.
	fi, err := f.Stat()
	if err != nil || !fi.Mode().IsRegular() || fi.Size() > 1<<31 {
		return Result{}, nil, false
	}
	data := make([]byte, fi.Size())
	head := min(len(data), 2*binary.MaxVarintLen64+len(magic)+len(key))
	if _, err := io.ReadFull(f, data[:head]); err != nil {
		return Result{}, nil, false
	}
	d := &mapfile.Decoder{S: string(data[:head])}
	if d.Str() != magic || d.Str() != string(key) {
		return Result{}, nil, false
	}
	if _, err := io.ReadFull(f, data[head:]); err != nil {
		return Result{}, nil, false
	}
	d = &mapfile.Decoder{S: string(data)}
	if d.Str() != magic || d.Str() != string(key) {
		return Result{}, nil, false
	}
	var r Result
	r.Files = int(d.Int())
	r.AsOf = d.Str()
	r.Diags = decodeDiags(d)
	for n := d.Count(); n > 0 && !d.Bad; n-- {
		r.Later = append(r.Later, Day{AsOf: d.Str(), Diags: decodeDiags(d)})
	}
	m := &Manifest{}
	for n := d.Count(); n > 0 && !d.Bad; n-- {
		m.Absent = append(m.Absent, d.Str())
	}
	n := d.Count()
	m.Folders = make([]Folder, 0, n)
	for ; n > 0 && !d.Bad; n-- {
		f := Folder{Path: d.Str(), Listing: &safefs.Listing{}}
		f.Listing.Stamp = safefs.Stamp{Dev: d.Uint(), Ino: d.Uint(), Mtime: d.Int(), Ctime: d.Int()}
		k := d.Count()
		f.Listing.Names = make([]string, 0, k)
		f.Listing.Types = make([]fs.FileMode, 0, k)
		for ; k > 0 && !d.Bad; k-- {
			f.Listing.Names = append(f.Listing.Names, d.Str())
			f.Listing.Types = append(f.Listing.Types, fs.FileMode(d.Uint()))
		}
		for k := d.Count(); k > 0 && !d.Bad; k-- {
			f.Files = append(f.Files, Stamp{Size: d.Int(), Mtime: d.Int(), Ctime: d.Int(), Ino: d.Uint()})
		}
		m.Folders = append(m.Folders, f)
	}
	n = d.Count()
	if n > 0 {
		r.Partners = make([]Partner, 0, n)
	}
	for ; n > 0 && !d.Bad; n-- {
		r.Partners = append(r.Partners, Partner{ID: d.Str(), Files: int(d.Int()), Held: d.Strs(), Named: d.Strs()})
	}
	if d.Bad || d.S != "" {
		return Result{}, nil, false
	}
	return r, m, true
}

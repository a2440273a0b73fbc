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
// A fresh clone or checkout (CI, with its cache restored) writes every
// file and folder anew: no stamp is as it was. So the manifest also keeps
// each file's git blob id, and a file whose stamp changed still counts as
// unchanged when it holds the same blob now; a folder, when its names and
// types are as they were and its files unchanged. What a file holds is
// found out, after the walk, from git's index where it vouches for the
// file (package gitindex: the index's record of the file is the file's,
// and older than the index), else by hashing its bytes (see resolve). A
// check in CI then reuses the last result of main, or checks again only
// the partner folders a pull request changed. Where git may convert
// files between their blobs and the disk (attributes, core.autocrlf) the
// index is not asked: gitindex refuses it, and the files of a folder
// holding a .gitattributes, and those below it, are hashed. A file known
// while it was within the racy window is kept with no stamp (never
// matched: it is asked about again), not as a reason to keep nothing.
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
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/accredit/accredit/cmd/internal/diag"
	"github.com/accredit/accredit/cmd/internal/gitindex"
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
	// Undated is the diagnostics that hold on every day (the load's and
	// those of the rules that do not read the as-of date: check.RunUndated),
	// where the check that computed Diags kept them apart; nil where it
	// did not. With them, a day neither AsOf nor a Later one needs only
	// the dated rules run (check.RunDated) while no file changed.
	Undated []diag.Diagnostic
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
	// Blobs are the files' git blob ids, where the walk knew them (see
	// resolve); the zero id where it did not. nil for none.
	Blobs []Blob
}

// Blob is a git blob id.
type Blob = [20]byte

// blob returns the blob id of the folder's k-th file, or the zero id.
func (f *Folder) blob(k int) Blob {
	if k < len(f.Blobs) {
		return f.Blobs[k]
	}
	return Blob{}
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
//
// blobs asks git's index (or hashing) what each file holds even when
// there are many: a first walk in CI, where the next run is a fresh
// checkout whose stamps will all be new (see resolve). Elsewhere a first
// walk of many files finds out nothing, and the next walk that finds new
// stamps asks.
func Take(root string, now time.Time, kept func(rel string) *safefs.Listing, blobs bool) (m *Manifest, ok bool) {
	m, _, ok = walk(root, nil, now, kept, blobs)
	return m, ok
}

// Refresh walks root's trees as Take does, with the listings of m, and
// reports besides whether they are still as m describes them.
//
// A file whose stamp is not m's still counts as the same when it holds
// the blob m recorded for it, as git's index vouches or its bytes hashed
// say (resolve). A fresh clone or checkout, as in CI, gives every file
// and folder new stamps: the index, written by that checkout, says which
// files hold what they held, and a folder with the same names and such
// files is the same folder.
func (m *Manifest) Refresh(root string, now time.Time) (next *Manifest, same, ok bool) {
	return walk(root, m, now, nil, true)
}

// sameNames reports whether two listings have the same names and types.
func sameNames(a, b *safefs.Listing) bool {
	return a == b || a != nil && b != nil && slices.Equal(a.Names, b.Names) && slices.Equal(a.Types, b.Types)
}

// walk takes the manifest of root's trees, comparing each folder and
// file with last's (when not nil); kept gives other listings to start
// from.
func walk(root string, last *Manifest, now time.Time, kept func(string) *safefs.Listing, askAll bool) (m *Manifest, same, ok bool) {
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
	// Folders holding or below a .gitattributes: their files may differ
	// from their blobs.
	attributed := map[string]bool{}
	// The files whose stamps are not enough, what they hold found out
	// after the walk (resolve).
	var asks []ask
	var asked atomic.Int64
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
			// Its parent's entry was set at the level before.
			mu.Lock()
			attrs := attributed[path.Dir(level[i])]
			mu.Unlock()
			if !attrs {
				_, attrs = slices.BinarySearch(l.Names, ".gitattributes")
			}
			// The same folder: the same names and types, and every file
			// as it was: its stamp unchanged, or the blob it held known
			// to be what it holds (resolve).
			aligned := p != nil && sameNames(l, p.Listing)
			recent := false
			f := Folder{Path: level[i], Listing: l, Files: make([]Stamp, 0, len(es))}
			var blobs []Blob
			var mine []ask
			for _, e := range es {
				switch {
				case e.IsDir():
					subs[i] = append(subs[i], path.Join(level[i], e.Name()))
				case e.Type().IsRegular():
					st, ok := stampOf(e)
					if !ok {
						return false
					}
					k := len(f.Files)
					f.Files = append(f.Files, st)
					var blob Blob
					switch {
					case aligned && st == p.Files[k]:
						blob = p.blob(k)
						recent = recent || st.Mtime >= limit || st.Ctime >= limit
					case !askAll && asked.Add(1) > int64(fewAsks):
						// A first walk of many files: none found out
						// (below), none kept to ask about.
						recent = recent || st.Mtime >= limit || st.Ctime >= limit
					default:
						a := ask{rel: path.Join(level[i], e.Name()), e: e, st: st, k: k, attrs: attrs}
						if aligned {
							a.was = p.blob(k)
						}
						mine = append(mine, a)
					}
					if blob != (Blob{}) && blobs == nil {
						blobs = make([]Blob, k, cap(f.Files))
					}
					if blobs != nil {
						blobs = append(blobs, blob)
					}
				}
			}
			f.Blobs = blobs
			folders[i] = f
			mu.Lock()
			m.listed[level[i]] = walked{es, l}
			racy = racy || recent
			if attrs {
				attributed[level[i]] = true
			}
			if !aligned {
				same = false
				m.changed = append(m.changed, level[i])
			}
			asks = append(asks, mine...)
			mu.Unlock()
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
	// A first walk (Take) of many files with no manifest to compare with
	// finds out nothing, unless asked to (askAll: in CI): git's index
	// costs a tenth of a second and a few dozen megabytes there, for the
	// sake of a checkout that may never come; the next walk that finds
	// new stamps (Refresh) asks it.
	if len(asks) > 0 {
		if askAll || asked.Load() <= int64(fewAsks) {
			resolve(d, root, asks)
		}
		changed := map[string]bool{}
		for _, f := range m.changed {
			changed[f] = true
		}
		for i := range asks {
			a := &asks[i]
			dir := path.Dir(a.rel)
			f := m.folder(dir)
			if a.st.Mtime >= limit || a.st.Ctime >= limit {
				if a.known {
					// What it holds is known; its stamp may yet change
					// within the same clock tick: kept as none, never
					// matched, and the file is asked about again.
					f.Files[a.k] = Stamp{}
				} else {
					racy = true
				}
			}
			if a.blob != (Blob{}) {
				if f.Blobs == nil {
					f.Blobs = make([]Blob, len(f.Files))
				}
				f.Blobs[a.k] = a.blob
			}
			if !changed[dir] && (!a.known || a.blob != a.was || a.was == (Blob{})) {
				changed[dir] = true
				same = false
				m.changed = append(m.changed, dir)
			}
		}
	}
	return m, same && !racy, !racy
}

// ask is a file whose stamp is not the manifest's, or that is new to it:
// what it holds, found out after the walk.
type ask struct {
	rel   string
	e     fs.DirEntry
	st    Stamp
	k     int  // its index among its folder's files
	attrs bool // below a .gitattributes: its blob may not be its bytes
	was   Blob // the blob the manifest had for it, if any

	blob  Blob // what it holds, when known
	known bool
}

// fewAsks is how many files resolve hashes outright, rather than read
// git's index first (a few milliseconds against tens, for 100,000
// files): an edit since the last check.
var fewAsks = 256

// resolved counts the files resolve found out about, for Stats.
var resolved struct{ index, hashed, unknown atomic.Int64 }

// Stats says how the walks of this run found out what files with new
// stamps hold; "" when none had any.
func Stats() string {
	x, h, u := resolved.index.Load(), resolved.hashed.Load(), resolved.unknown.Load()
	if x+h+u == 0 {
		return ""
	}
	return fmt.Sprintf("manifest: %d files with new stamps known by git's index, %d by their bytes hashed, %d not known", x, h, u)
}

// resolve finds out what the files asked about hold: by git's index,
// where it vouches for them (a fresh checkout), else by hashing their
// bytes, where the blob is worth knowing (it was known, or there is an
// index to keep up with). Files written in the index's own clock tick
// (the last ones of a checkout) or since are not vouched for: git status
// hashes those too.
func resolve(d *safefs.Dir, root string, asks []ask) {
	var x *gitindex.Index
	if len(asks) > fewAsks {
		x, _ = gitindex.Open(root) // refused: hashed, or not known
	}
	parallel(len(asks), func(i int) bool {
		a := &asks[i]
		if x != nil && !a.attrs {
			if fi, err := a.e.Info(); err == nil {
				a.blob, a.known = x.Blob(a.rel, fi)
			}
		}
		if a.known {
			resolved.index.Add(1)
			return true
		}
		if len(asks) <= fewAsks || x != nil || a.was != (Blob{}) {
			a.blob, a.known = hashed(d, a.rel, a.e, a.st)
		}
		if a.known {
			resolved.hashed.Add(1)
		} else {
			resolved.unknown.Add(1)
		}
		return true
	})
}

// maxHashed bounds the file the walk reads to hash: a program's files
// are far smaller, and a larger one is only not known.
const maxHashed = 64 << 20

// hashed reads the regular file rel, which its listing described as st,
// and returns its blob id; ok is false when it cannot be read, or no
// longer is as st describes it.
func hashed(d *safefs.Dir, rel string, e fs.DirEntry, st Stamp) (id Blob, ok bool) {
	data, fi, err := safefs.ReadListed(d, rel, e, maxHashed)
	if err != nil {
		return id, false
	}
	if now, ok := safefs.StampOf(fi); !ok || now != st {
		return id, false
	}
	return gitindex.HashBlob(data)
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
		if r.Undated == nil {
			e.Uint(0)
		} else {
			e.Uint(1)
			encodeDiags(&e, r.Undated)
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
			// The blob ids, all or none.
			e.Uint(uint64(len(f.Blobs)))
			for _, b := range f.Blobs {
				e.Str(string(b[:]))
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

const magic = "accredit-check-5"

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
	switch d.Uint() {
	case 0:
	case 1:
		r.Undated = decodeDiags(d)
	default:
		return Result{}, nil, false
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
		if k := d.Count(); k > 0 {
			if k != len(f.Files) {
				return Result{}, nil, false
			}
			f.Blobs = make([]Blob, k)
			for j := range f.Blobs {
				if b := d.Str(); len(b) == len(Blob{}) {
					copy(f.Blobs[j][:], b)
				} else {
					d.Bad = true
				}
			}
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

package load

import (
	"bufio"
	"errors"
	"io"
	"io/fs"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/accredit/accredit/cmd/internal/diag"
	"github.com/accredit/accredit/cmd/internal/frontmatter"
	"github.com/accredit/accredit/cmd/internal/gitindex"
	"github.com/accredit/accredit/cmd/internal/mapfile"
	"github.com/accredit/accredit/cmd/internal/program"
	"github.com/accredit/accredit/cmd/internal/safefs"
)

// Cache keeps decoded people and partners between runs, keyed by each
// file's path and its content's git blob id (its SHA-1, with collision
// detection), so a run decodes with TOML only the files that changed
// since the last one. A program has these files by the thousand;
// everything else is always decoded. A cache that cannot be read is
// empty; one that cannot be written is skipped: it only ever saves time.
// Entries written by another build of accredit (another salt) are never
// read.
//
// A file is found in the cache without reading it in three ways:
//
//   - Its size and modification time are the entry's, as git's index
//     does (at 100,000 people, reading and hashing them was most of a
//     warm load); its text is read only if a diagnostic asks for a
//     position. Like git, a file changed in the two seconds before it
//     was recorded is read again next time, since a second change
//     within the file system's clock tick can leave its time as it was.
//     A tool that rewrites a file and then restores its old time and
//     size defeats this check; set ACCREDIT_CACHE=off after one.
//   - git's index vouches for its blob id (package gitindex): a fresh
//     clone or checkout, as in CI, where every file has a new time but
//     the checkout recorded each one's blob and stat.
//   - A file of a git tree says its blob id (accredit plan): see BlobID.
//
// It keeps the listing of each folder too (safefs.Listing): a folder
// whose device, inode and modification and change times are unchanged
// is not listed again, only its files described, as a listing does (a
// file edited in place leaves its folder as it was). Setting a folder's
// time back sets its change time, so this check has no such hole; a
// folder changed within two seconds of the load is listed next time.
type Cache struct {
	path string
	salt []byte

	// listsReady is closed once the folders' listings are read, which
	// come first in the file, for the listing of the program to use.
	listsReady chan struct{}
	// ready is closed once the cache file is read: OpenCache reads it
	// while the load lists the program's folders, which need no cache
	// (at 10,000 partners a 36 MB file, a fifth of a warm check's wall
	// time when read first). old and new are read after ready only.
	ready chan struct{}

	mu    sync.Mutex
	old   map[string]cacheEntry
	new   map[string]cacheEntry
	dirty bool

	// The listings of the program's folders, by path: a folder whose
	// stamp is unchanged is not listed again (safefs.Listing says why
	// that is safe). oldLists is read after listsReady only.
	oldLists, newLists map[string]*safefs.Listing
}

type cacheEntry struct {
	blob    BlobID   // of the content payload was decoded from
	stat    fileStat // zero when not recorded
	payload string
}

// BlobID is a file's git object id: the SHA-1 of "blob <size>\x00" and
// its content. A file system that holds git objects (package history's
// tree of a revision) says it through the fs.FileInfo of each regular
// file, as a method
//
//	BlobID() (id [20]byte, ok bool)
//
// and the cache then finds a file's entry by that id, without reading
// the file: an unchanged blob is neither inflated nor hashed again
// (accredit plan loads two revisions that share all but a few files).
//
// The id is the cache's own key for content: an entry's is computed from
// the bytes its payload was decoded from, with SHA-1 collision detection
// (git's sha1dc, go-git's sha1cd), or taken from a reader that checks
// every object against its name the same way. Content made to collide
// with other content is refused there, and no other way to give two
// contents one SHA-1 is known (a second preimage). The id is checked
// with the path and with the cache's salt (the binary): a blob met under
// another path, or by another build, is decoded anew.
type BlobID [20]byte

// blobber is the method a file system's fs.FileInfo offers to give its
// file's blob id; ok is false for what is not a regular file.
type blobber interface {
	BlobID() (id [20]byte, ok bool)
}

// fileStat is what says a file is unchanged without reading it.
type fileStat struct {
	size, mtime int64 // bytes; nanoseconds since 1970
}

// racyWindow is how recent a change must be for a file's time not to be
// trusted.
const racyWindow = 2 * time.Second

// statOf returns fi's fileStat, or the zero fileStat when it cannot be
// trusted: no modification time, or one within racyWindow of now. Only
// files on disk are asked (a git tree gives every file its commit's time).
func statOf(fi fs.FileInfo, now time.Time) fileStat {
	mt := fi.ModTime()
	if mt.IsZero() || !mt.Before(now.Add(-racyWindow)) || !fi.Mode().IsRegular() {
		return fileStat{}
	}
	return fileStat{size: fi.Size(), mtime: mt.UnixNano()}
}

const cacheMagic = "accredit-cache-5\n"

// OpenCache reads the cache file at path, in the background: the cache
// waits for the file on its first use. salt identifies the decoder (the
// binary): entries written by another build never match.
func OpenCache(path string, salt []byte) *Cache {
	c := &Cache{path: path, salt: salt, listsReady: make(chan struct{}), ready: make(chan struct{}),
		old: map[string]cacheEntry{}, new: map[string]cacheEntry{}, oldLists: map[string]*safefs.Listing{}, newLists: map[string]*safefs.Listing{}}
	go func() {
		defer close(c.ready)
		c.read()
	}()
	return c
}

// read reads the cache file; an unreadable or foreign one leaves the
// cache empty.
func (c *Cache) read() {
	lists := c.listsReady
	defer func() {
		if lists != nil {
			close(lists)
		}
	}()
	// One string for the whole file, read with one copy: every string
	// and payload decoded from it is a substring (see dec).
	data, err := mapfile.ReadString(c.path)
	if err != nil || !strings.HasPrefix(data, cacheMagic) {
		return
	}
	d := &dec{s: data[len(cacheMagic):]}
	if string(d.bytes()) != string(c.salt) {
		return
	}
	n := d.count()
	c.oldLists = make(map[string]*safefs.Listing, n)
	for ; n > 0 && !d.bad; n-- {
		rel, l := d.str(), d.listing()
		if !d.bad {
			c.oldLists[rel] = l
		}
	}
	c.newLists = make(map[string]*safefs.Listing, len(c.oldLists))
	close(lists)
	lists = nil
	n = d.count()
	// Sized once for the entries the file holds (at most one per 18
	// bytes, so a damaged count cannot ask for more): a cache of 100,000
	// files otherwise grows its map a dozen times.
	c.old = make(map[string]cacheEntry, min(n, len(d.s)/18))
	for ; n > 0 && !d.bad; n-- {
		rel := d.str()
		var e cacheEntry
		if len(d.s) < len(e.blob) {
			break
		}
		copy(e.blob[:], d.s)
		d.s = d.s[len(e.blob):]
		e.stat.size, e.stat.mtime = int64(d.int()), int64(d.int())
		e.payload = d.str()
		if !d.bad {
			c.old[rel] = e
		}
	}
	// The next run's entries are mostly this one's.
	c.new = make(map[string]cacheEntry, len(c.old))
}

// Listing returns the listing of the folder rel kept by the last run, or
// nil; for a walk of the program's folders that comes before the load
// (checkcache's).
func (c *Cache) Listing(rel string) *safefs.Listing {
	if c == nil {
		return nil
	}
	return c.listing(rel)
}

// listing returns the listing of the folder rel kept by the last run,
// or nil.
func (c *Cache) listing(rel string) *safefs.Listing {
	if c.listsReady != nil {
		<-c.listsReady
	}
	return c.oldLists[rel] // read-only while loading
}

// putListing keeps the listing of the folder rel for the next run.
func (c *Cache) putListing(rel string, l *safefs.Listing) {
	if c.listsReady != nil {
		<-c.listsReady
	}
	c.mu.Lock()
	c.newLists[rel] = l
	c.dirty = c.dirty || !sameListing(c.oldLists[rel], l)
	c.mu.Unlock()
}

// sameListing reports whether a listing is the one kept: the same, or
// equal (another walk, checkcache's, listed the folder).
func sameListing(a, b *safefs.Listing) bool {
	return a == b || a != nil && b != nil && a.Stamp == b.Stamp && slices.Equal(a.Names, b.Names) && slices.Equal(a.Types, b.Types)
}

// wait waits until the cache file is read.
func (c *Cache) wait() {
	if c.ready != nil {
		<-c.ready
	}
}

// blobIDOf returns git's name of a blob holding data, hashed with
// collision detection; ok is false for content crafted to collide with
// other content, which is then not cached.
func blobIDOf(data []byte) (BlobID, bool) {
	id, ok := gitindex.HashBlob(data)
	return BlobID(id), ok
}

// known reports whether the cache has an entry for rel: a file it has
// none of is read, and need not be described first (on a cold cache the
// listing describes no file, as safefs.ReadDirSince documents).
func (c *Cache) known(rel string) bool {
	c.wait()
	_, ok := c.old[rel]
	return ok
}

// unchanged returns the entry of rel when st, recorded, is its recorded
// stat.
func (c *Cache) unchanged(rel string, st fileStat) (cacheEntry, bool) {
	c.wait()
	e, ok := c.old[rel] // read-only while loading
	return e, ok && st != (fileStat{}) && e.stat == st
}

// get returns the entry of rel when id is its blob's id.
func (c *Cache) get(rel string, id BlobID) (cacheEntry, bool) {
	c.wait()
	e, ok := c.old[rel] // read-only while loading
	return e, ok && e.blob == id
}

// put keeps e as rel's entry for the next run. A load from a git tree
// (tree true) has no time of its own: the size and time on disk that the
// last entry of rel recorded of the same content stay, since they
// describe a file that held it when it was recorded. A load from disk
// that could not trust its file's time (zero stat) takes none from the
// last entry.
func (c *Cache) put(rel string, e cacheEntry, changed, tree bool) {
	c.wait()
	c.mu.Lock()
	o, ok := c.old[rel]
	if tree && ok && o.blob == e.blob && e.stat == (fileStat{}) {
		e.stat = o.stat
	}
	c.new[rel] = e
	c.dirty = c.dirty || changed || o.stat != e.stat || o.blob != e.blob
	c.mu.Unlock()
}

// blobOf returns the blob id of a job's file when the file system holds
// git objects and says it (see BlobID).
func (l *loader) blobOf(j *job) (BlobID, bool) {
	if l.disk {
		return BlobID{}, false
	}
	fi, err := l.listed(j)
	if err != nil || !fi.Mode().IsRegular() {
		return BlobID{}, false
	}
	b, ok := fi.(blobber)
	if !ok {
		return BlobID{}, false
	}
	id, ok := b.BlobID()
	return id, ok && id != BlobID{}
}

// fromBlob serves a job from the cache by its blob id, without reading
// the file: its positions, should a diagnostic ask for one, are read
// then (read). st is the file's size and time on disk, when it has
// trusted ones.
func (l *loader) fromBlob(j *job, id BlobID, st fileStat, read func() []byte) bool {
	e, ok := l.cache.get(j.rel, id)
	if !ok {
		return false
	}
	res, ds, err := decodeResult(j.rel, nil, e.payload, read)
	if err != nil {
		return false
	}
	j.result = res
	l.diags.Append(ds)
	e.stat = st
	l.cache.put(j.rel, e, false, !l.disk)
	return true
}

// treeReader reads a job's file from a git tree, for its positions.
func (l *loader) treeReader(j *job) func() []byte {
	fsys, rel, limit := l.fsys, j.rel, limits[j.kind]
	return func() []byte {
		b, err := safefs.ReadFile(fsys, rel, limit)
		if err != nil {
			return nil
		}
		return b
	}
}

// NewCache returns an empty cache that lives in memory only (Save does
// nothing): for loading two revisions of one program in one run.
func NewCache(salt []byte) *Cache {
	return &Cache{salt: salt, old: map[string]cacheEntry{}, new: map[string]cacheEntry{},
		oldLists: map[string]*safefs.Listing{}, newLists: map[string]*safefs.Listing{}}
}

// Reuse makes what the last load decoded available to the next one: a
// second revision of the program then decodes only the files that differ
// (accredit plan). Not safe while a load runs.
func (c *Cache) Reuse() {
	c.wait()
	for rel, e := range c.new {
		c.old[rel] = e
	}
}

// Save writes the cache when anything changed, atomically.
func (c *Cache) Save() error {
	if c.path == "" {
		return nil
	}
	c.wait()
	if !c.dirty && len(c.new) == len(c.old) && len(c.newLists) == len(c.oldLists) {
		return nil
	}
	return mapfile.Replace(c.path, func(w *bufio.Writer) {
		io.WriteString(w, cacheMagic)
		e := &enc{}
		e.bytes(c.salt)
		e.int(len(c.newLists))
		for rel, l := range c.newLists {
			e.str(rel)
			e.listing(l)
			w.Write(e.b)
			e.b = e.b[:0]
		}
		e.int(len(c.new))
		w.Write(e.b)
		for rel, ent := range c.new {
			e.b = e.b[:0]
			e.str(rel)
			e.b = append(e.b, ent.blob[:]...)
			e.int(int(ent.stat.size))
			e.int(int(ent.stat.mtime))
			e.str(ent.payload)
			w.Write(e.b)
		}
	})
}

// encoders keeps the buffers of encodeResult: a cold load encodes a
// payload for each of a hundred thousand files, and a buffer grown from
// nothing each time costs more than the encoding.
var encoders = sync.Pool{New: func() any { return &enc{b: make([]byte, 0, 4096)} }}

// encodeResult turns a decoded file into a cache payload.
func encodeResult(f *file, result any) string {
	e := encoders.Get().(*enc)
	defer encoders.Put(e) // after the payload is copied out of it
	e.b = e.b[:0]
	e.int(len(f.out))
	for _, d := range f.out {
		e.int(d.Line)
		e.int(d.Col)
		e.str(d.Rule)
		e.str(d.Msg)
	}
	switch v := result.(type) {
	case *program.Person:
		e.b = append(e.b, 1)
		encodePerson(e, v)
	case *program.Partner:
		e.b = append(e.b, 2)
		e.int(v.Src.Offset)
		encodePartner(e, v)
	default:
		e.b = append(e.b, 0)
	}
	return string(e.b)
}

var errBadPayload = errors.New("bad cache payload")

// decodeResult rebuilds a file's result and diagnostics from a payload;
// data is the file's content, indexed only if a position is asked for,
// or nil for read to read it then.
func decodeResult(rel string, data []byte, payload string, read func() []byte) (any, []diag.Diagnostic, error) {
	d := &dec{s: payload}
	ds := make([]diag.Diagnostic, d.count())
	for i := range ds {
		ds[i] = diag.Diagnostic{File: rel, Line: d.int(), Col: d.int(), Severity: diag.Error, Rule: d.str(), Msg: d.str()}
	}
	if len(d.s) == 0 {
		return nil, nil, errBadPayload
	}
	kind := d.s[0]
	d.s = d.s[1:]
	var result any
	switch kind {
	case 1:
		p := decodePerson(d, rel)
		if data == nil {
			p.Src = program.NewLazySource(rel, 0, read)
		} else {
			p.Src = program.NewSource(rel, 0, nil, data)
		}
		result = p
	case 2:
		off := d.int()
		p := decodePartner(d)
		if data == nil {
			p.Src = program.NewLazySource(rel, off, frontOf(read))
		} else {
			doc, err := frontmatter.Split(data)
			if err != nil {
				return nil, nil, errBadPayload
			}
			p.Src = program.NewSource(rel, off, nil, doc.Front)
		}
		result = p
	}
	if d.bad {
		return nil, nil, errBadPayload
	}
	return result, ds, nil
}

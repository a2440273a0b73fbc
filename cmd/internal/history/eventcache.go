package history

import (
	"bufio"
	"fmt"
	"sync"
	"sync/atomic"

	"github.com/go-git/go-git/v5/plumbing"

	"github.com/accredit/accredit/cmd/internal/mapfile"
)

// An audit diffs every commit of the history with its first parent, every
// time: three quarters of its time is reading those trees and blobs (with
// their SHA-1 checked) and comparing them key by key. What a diff finds
// (its events) depends only on the two trees, which git names by the
// SHA-1 of their content, and on accredit's code: so the events of each
// pair of trees are kept in a file between runs (AuditOptions.Cache),
// for one build of accredit (its salt), and a later audit diffs only the
// commits it has not seen. A pull request's check then diffs its own
// commits, not the program's whole history again.
//
// The file is trusted as the decode cache is: it lives in the user's
// cache directory, and an entry is only ever what this build computed
// for the same two trees. A file that cannot be read, or of another
// build, is empty; one that cannot be written only costs time. A diff of
// a huge change (an import of a whole program) is not kept: its events
// would make the file hundreds of megabytes, slower to read than to
// compute on every core. What a full audit reads of such a diff lean is
// kept (leanDiff): the keys every lean read keeps, a few per credential.

// treePair names a diff: the first parent's tree (zero for a root
// commit) and the commit's.
type treePair [2]plumbing.Hash

// eventCache is the events of the diffs a walk met, by their trees.
type eventCache struct {
	path string
	salt []byte

	mu    sync.Mutex
	old   map[treePair][]event // read-only once loaded
	new   map[treePair][]event
	dirty bool

	leanOld, leanNew map[treePair]*leanDiff // lean reads (lean.go), likewise
}

// auditStats counts the diffs the audits of this run took from their
// cache and those they computed: a fast path is never taken or left
// silently (ACCREDIT_STATS prints Stats).
var auditStats struct{ hits, misses atomic.Int64 }

// Stats says how many diffs the audits of this run took from the cache
// of diffs and how many they computed; "" when no audit had a cache.
func Stats() string {
	h, m := auditStats.hits.Load(), auditStats.misses.Load()
	if h+m == 0 {
		return ""
	}
	return fmt.Sprintf("audit: %d commits' diffs taken from the cache, %d computed", h, m)
}

// maxCachedEvents bounds a diff kept: a commit of a thousand people files
// has about twenty thousand events.
const maxCachedEvents = 50_000

const eventCacheMagic = "accredit-audit-2"

// openEventCache reads the cache file at path; nil when path is "".
func openEventCache(path string, salt []byte) *eventCache {
	if path == "" {
		return nil
	}
	c := &eventCache{path: path, salt: salt, old: map[treePair][]event{}, new: map[treePair][]event{}, leanOld: map[treePair]*leanDiff{}, leanNew: map[treePair]*leanDiff{}}
	text, err := mapfile.ReadString(path)
	if err != nil {
		return c
	}
	if old, lean, ok := parseEventCache(text, salt); ok {
		c.old, c.leanOld = old, lean
	}
	return c
}

// parseEventCache reads what save wrote for salt; ok is false for
// anything else, damaged or of another build.
func parseEventCache(text string, salt []byte) (map[treePair][]event, map[treePair]*leanDiff, bool) {
	d := &mapfile.Decoder{S: text}
	if d.Str() != eventCacheMagic || d.Str() != string(salt) {
		return nil, nil, false
	}
	old := map[treePair][]event{}
	for n := d.Count(); n > 0 && !d.Bad; n-- {
		k, files := readPair(d)
		evs, ok := readEvents(d, files)
		if !ok {
			return nil, nil, false
		}
		old[k] = evs
	}
	lean := map[treePair]*leanDiff{}
	for n := d.Count(); n > 0 && !d.Bad; n-- {
		k, files := readPair(d)
		evs, ok := readEvents(d, files)
		if !ok {
			return nil, nil, false
		}
		ld := &leanDiff{evs: evs, creds: map[string][]string{}}
		for m := d.Count(); m > 0 && !d.Bad; m-- {
			id := d.Str()
			in := make([]string, d.Count())
			for i := range in {
				if in[i] = fileOf(d, files); in[i] == "" {
					d.Bad = true
				}
			}
			ld.creds[id] = in
		}
		lean[k] = ld
	}
	if d.Bad || d.S != "" {
		return nil, nil, false // damaged: every diff is computed again
	}
	return old, lean, true
}

// readPair reads a diff's trees and the list of files its events name.
func readPair(d *mapfile.Decoder) (treePair, []string) {
	var k treePair
	copy(k[0][:], d.Raw(len(k[0])))
	copy(k[1][:], d.Raw(len(k[1])))
	files := make([]string, d.Count())
	for i := range files {
		files[i] = d.Str()
	}
	return k, files
}

// The flags of an event as kept: gone, the role, whether the value is
// the file itself (a credential's "@" key: most of a lean diff's events)
// and whether the key is the file's text key (the others), neither then
// written again.
const (
	flagGone      = 1
	roleShift     = 1
	flagValIsFile = 1 << 9
	flagTextKey   = 1 << 10
)

// readEvents reads what writeEvents wrote; ok is false when it is not
// what a diff finds: the file is damaged.
func readEvents(d *mapfile.Decoder, files []string) ([]event, bool) {
	// An event takes at least three bytes: a damaged count cannot ask
	// for more than the file holds.
	m := d.Count()
	if m > len(d.S)/3 {
		return nil, false
	}
	evs := make([]event, m)
	for i := range evs {
		e := &evs[i]
		flags := d.Uint()
		if flags&flagTextKey == 0 {
			e.key = d.Str()
		}
		if flags&flagValIsFile == 0 {
			e.val = d.Str()
		}
		e.gone, e.role = flags&flagGone != 0, role(flags>>roleShift&0xff)
		e.file, e.from = fileOf(d, files), fileOf(d, files)
		if flags&flagValIsFile != 0 {
			e.val = e.file
		}
		if flags&flagTextKey != 0 && e.file != "" {
			e.key = "t" + sep + e.file
		}
		if e.key == "" || e.file == "" || flags>>(roleShift+8) > 3 || e.gone && flags&flagValIsFile != 0 {
			return nil, false
		}
	}
	return evs, !d.Bad
}

// get returns the events of the diff from tree a to tree b, if kept.
func (c *eventCache) get(a, b plumbing.Hash) ([]event, bool) {
	if c == nil {
		return nil, false
	}
	return found(c, c.old, c.new, treePair{a, b})
}

// found looks k up in what was read (old) and keeps what it finds for
// the next run (new), counting a hit or a miss.
func found[V any](c *eventCache, old, new map[treePair]V, k treePair) (V, bool) {
	v, ok := old[k]
	if !ok {
		auditStats.misses.Add(1)
		return v, false
	}
	auditStats.hits.Add(1)
	c.mu.Lock()
	new[k] = v
	c.mu.Unlock()
	return v, true
}

// put keeps the events a diff found, for the next run.
func (c *eventCache) put(a, b plumbing.Hash, evs []event) {
	if c == nil || len(evs) > maxCachedEvents {
		return
	}
	c.mu.Lock()
	c.new[treePair{a, b}] = evs
	c.dirty = true
	c.mu.Unlock()
}

// getLean returns what a lean read of the diff from tree a to tree b
// keeps whatever it is asked for, if kept.
func (c *eventCache) getLean(a, b plumbing.Hash) (*leanDiff, bool) {
	if c == nil {
		return nil, false
	}
	return found(c, c.leanOld, c.leanNew, treePair{a, b})
}

// hasLean reports whether a lean read of the diff is kept: the walk
// defers the diff to it without counting a miss.
func (c *eventCache) hasLean(a, b plumbing.Hash) bool {
	if c == nil {
		return false
	}
	_, ok := c.leanOld[treePair{a, b}]
	return ok
}

// putLean keeps a lean read for the next run.
func (c *eventCache) putLean(a, b plumbing.Hash, ld *leanDiff) {
	if c == nil {
		return
	}
	c.mu.Lock()
	c.leanNew[treePair{a, b}] = ld
	c.dirty = true
	c.mu.Unlock()
}

// save writes the diffs this walk met, when any was new; an error only
// means the next audit computes them again.
func (c *eventCache) save() error {
	if c == nil {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.dirty && len(c.new) == len(c.old) && len(c.leanNew) == len(c.leanOld) {
		return nil
	}
	return mapfile.Replace(c.path, func(w *bufio.Writer) {
		e := mapfile.Encoder{W: w}
		e.Str(eventCacheMagic)
		e.Str(string(c.salt))
		e.Uint(uint64(len(c.new)))
		for k, evs := range c.new {
			writeEvents(&e, w, k, evs, nil)
		}
		e.Uint(uint64(len(c.leanNew)))
		for k, ld := range c.leanNew {
			index := writeEvents(&e, w, k, ld.evs, ld.creds)
			e.Uint(uint64(len(ld.creds)))
			for id, in := range ld.creds {
				e.Str(id)
				e.Uint(uint64(len(in)))
				for _, f := range in {
					fileRef(&e, index, f)
				}
			}
		}
	})
}

// writeEvents writes a diff's trees, the files its events (and creds)
// name, each once, and its events; it returns the files' places.
func writeEvents(e *mapfile.Encoder, w *bufio.Writer, k treePair, evs []event, creds map[string][]string) map[string]int {
	w.Write(k[0][:])
	w.Write(k[1][:])
	// Each file once: a diff's events name a few files many times.
	index := map[string]int{}
	var files []string
	add := func(f string) {
		if _, ok := index[f]; !ok && f != "" {
			index[f] = len(files)
			files = append(files, f)
		}
	}
	for _, ev := range evs {
		add(ev.file)
		add(ev.from)
	}
	for _, in := range creds {
		for _, f := range in {
			add(f)
		}
	}
	e.Uint(uint64(len(files)))
	for _, f := range files {
		e.Str(f)
	}
	e.Uint(uint64(len(evs)))
	for _, ev := range evs {
		flags := uint64(ev.role) << roleShift
		if ev.gone {
			flags |= flagGone
		}
		textKey := ev.key == "t"+sep+ev.file
		if textKey {
			flags |= flagTextKey
		}
		valIsFile := ev.val == ev.file && !ev.gone
		if valIsFile {
			flags |= flagValIsFile
		}
		e.Uint(flags)
		if !textKey {
			e.Str(ev.key)
		}
		if !valIsFile {
			e.Str(ev.val)
		}
		fileRef(e, index, ev.file)
		fileRef(e, index, ev.from)
	}
	return index
}

// fileRef writes a file as its place in the diff's list, plus one; 0 for
// none.
func fileRef(e *mapfile.Encoder, index map[string]int, f string) {
	if f == "" {
		e.Uint(0)
		return
	}
	e.Uint(uint64(index[f]) + 1)
}

// fileOf reads what fileRef wrote.
func fileOf(d *mapfile.Decoder, files []string) string {
	i := d.Uint()
	if i == 0 {
		return ""
	}
	if i > uint64(len(files)) {
		d.Bad, d.S = true, ""
		return ""
	}
	return files[i-1]
}

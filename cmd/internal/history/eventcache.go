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
// compute on every core.

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

const eventCacheMagic = "accredit-audit-1"

// openEventCache reads the cache file at path; nil when path is "".
func openEventCache(path string, salt []byte) *eventCache {
	if path == "" {
		return nil
	}
	c := &eventCache{path: path, salt: salt, old: map[treePair][]event{}, new: map[treePair][]event{}}
	text, err := mapfile.ReadString(path)
	if err != nil {
		return c
	}
	if old, ok := parseEventCache(text, salt); ok {
		c.old = old
	}
	return c
}

// parseEventCache reads what save wrote for salt; ok is false for
// anything else, damaged or of another build.
func parseEventCache(text string, salt []byte) (map[treePair][]event, bool) {
	d := &mapfile.Decoder{S: text}
	if d.Str() != eventCacheMagic || d.Str() != string(salt) {
		return nil, false
	}
	old := map[treePair][]event{}
	for n := d.Count(); n > 0 && !d.Bad; n-- {
		var k treePair
		copy(k[0][:], d.Raw(len(k[0])))
		copy(k[1][:], d.Raw(len(k[1])))
		files := make([]string, d.Count())
		for i := range files {
			files[i] = d.Str()
		}
		// An event takes at least five bytes: a damaged count cannot
		// ask for more than the file holds.
		m := d.Count()
		if m > len(d.S)/5 {
			return nil, false
		}
		evs := make([]event, m)
		for i := range evs {
			e := &evs[i]
			e.key, e.val = d.Str(), d.Str()
			flags := d.Uint()
			e.gone, e.role = flags&1 != 0, role(flags>>1)
			e.file, e.from = fileOf(d, files), fileOf(d, files)
			if e.key == "" || e.file == "" || flags>>1 > 0xff {
				d.Bad = true // not what a diff finds: the file is damaged
			}
		}
		old[k] = evs
	}
	if d.Bad || d.S != "" {
		return nil, false // damaged: every diff is computed again
	}
	return old, true
}

// get returns the events of the diff from tree a to tree b, if kept.
func (c *eventCache) get(a, b plumbing.Hash) ([]event, bool) {
	if c == nil {
		return nil, false
	}
	k := treePair{a, b}
	evs, ok := c.old[k]
	if !ok {
		auditStats.misses.Add(1)
		return nil, false
	}
	auditStats.hits.Add(1)
	c.mu.Lock()
	c.new[k] = evs
	c.mu.Unlock()
	return evs, true
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

// save writes the diffs this walk met, when any was new; an error only
// means the next audit computes them again.
func (c *eventCache) save() error {
	if c == nil {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.dirty && len(c.new) == len(c.old) {
		return nil
	}
	return mapfile.Replace(c.path, func(w *bufio.Writer) {
		e := mapfile.Encoder{W: w}
		e.Str(eventCacheMagic)
		e.Str(string(c.salt))
		e.Uint(uint64(len(c.new)))
		for k, evs := range c.new {
			w.Write(k[0][:])
			w.Write(k[1][:])
			// Each file once: a diff's events name a few files many times.
			index := map[string]int{}
			var files []string
			for _, ev := range evs {
				for _, f := range []string{ev.file, ev.from} {
					if _, ok := index[f]; !ok && f != "" {
						index[f] = len(files)
						files = append(files, f)
					}
				}
			}
			e.Uint(uint64(len(files)))
			for _, f := range files {
				e.Str(f)
			}
			e.Uint(uint64(len(evs)))
			for _, ev := range evs {
				e.Str(ev.key)
				e.Str(ev.val)
				flags := uint64(ev.role) << 1
				if ev.gone {
					flags |= 1
				}
				e.Uint(flags)
				fileRef(&e, index, ev.file)
				fileRef(&e, index, ev.from)
			}
		}
	})
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

package history

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"strings"

	"github.com/go-git/go-git/v5/plumbing"
)

// A tree object is a sequence of entries "<octal mode> <name>\x00<20-byte
// hash>", sorted by name (a folder's name compared as if it ended in "/").
// The walk reads them in place: a program's partners/ folder holds
// thousands of entries, and decoding it into go-git's object.Tree for
// every commit would cost more than the rest of the walk.

// entry is one tree entry, pointing into the tree's bytes.
type entry struct {
	name []byte
	dir  bool
	// special is a symlink or a submodule: never program files.
	special bool
	hash    plumbing.Hash
}

var errBadTree = errors.New("malformed tree object")

// next parses the entry at the start of b and returns the rest.
func next(b []byte) (entry, []byte, error) {
	sp := bytes.IndexByte(b, ' ')
	if sp < 1 {
		return entry{}, nil, errBadTree
	}
	mode := b[:sp]
	b = b[sp+1:]
	nul := bytes.IndexByte(b, 0)
	if nul < 1 || len(b) < nul+1+20 {
		return entry{}, nil, errBadTree
	}
	e := entry{name: b[:nul]}
	copy(e.hash[:], b[nul+1:nul+21])
	switch string(mode) {
	case "40000", "040000":
		e.dir = true
	case "100644", "100755", "100664":
	default: // 120000 symlink, 160000 submodule
		e.special = true
	}
	return e, b[nul+21:], nil
}

// compareEntries orders entries as git sorts a tree.
func compareEntries(a, b entry) int {
	n := min(len(a.name), len(b.name))
	if c := bytes.Compare(a.name[:n], b.name[:n]); c != 0 {
		return c
	}
	ca, cb := suffix(a, n), suffix(b, n)
	switch {
	case ca < cb:
		return -1
	case ca > cb:
		return 1
	}
	return 0
}

// suffix is the byte after the first n of an entry's name, with a folder's
// implicit "/" (0 when the name ends there).
func suffix(e entry, n int) int {
	if n < len(e.name) {
		return int(e.name[n])
	}
	if e.dir {
		return '/'
	}
	return 0
}

// pattern selects the paths a diff looks at, one element per path level
// below the program root: a name, names joined by "|", "*" for any,
// "*.ext" for any name with that extension (files only), or a final "**"
// for everything below.
type pattern []string

// people are the person files, the files provenance alone reads.
var people = pattern{"partners", "*", "people", "*.toml"}

// audited are the files the governance audit reads: every file of the
// program and its theme.
var audited = pattern{"programs|partners|content|layouts", "**"}

func (p pattern) match(level int, e entry) (descend, take bool) {
	if n := len(p); n > 0 && p[n-1] == "**" && level >= n-1 {
		return e.dir, !e.dir
	}
	if level >= len(p) {
		return false, false
	}
	el := p[level]
	last := level == len(p)-1
	if !matchName(el, e.name) {
		return false, false
	}
	return e.dir && !last, !e.dir && last
}

func matchName(el string, name []byte) bool {
	if el == "*" || strings.HasPrefix(el, "*.") && bytes.HasSuffix(name, []byte(el[1:])) {
		return true
	}
	for el != "" {
		var alt string
		alt, el, _ = strings.Cut(el, "|")
		if alt == string(name) {
			return true
		}
	}
	return false
}

// change is one file that differs between two trees; a zero hash is a
// file that does not exist on that side.
type change struct {
	path     string // relative to the program root
	from, to plumbing.Hash
	// special says a side is a symbolic link or a submodule: only diffs
	// that ask for them (the audit's) list them.
	fromSpecial, toSpecial bool
}

// differ compares trees. Several may run at once.
type differ struct {
	r   *Repo
	pat pattern
	// specials lists symbolic links and submodules too: the audit sees
	// every entry, even those no reader of the program opens.
	specials bool
	out      []change
	trees    *treeCache // nil: no caching
}

// diff appends the selected files that differ between the trees a and b
// (either may be the zero hash, an empty tree) below the program root.
func (r *Repo) diffRoots(a, b plumbing.Hash, pat pattern, trees *treeCache) ([]change, error) {
	d := &differ{r: r, pat: pat, trees: trees, specials: pat[len(pat)-1] == "**"}
	if trees != nil {
		defer trees.turn()
	}
	ra, err := d.sub(a)
	if err != nil {
		return nil, err
	}
	rb, err := d.sub(b)
	if err != nil {
		return nil, err
	}
	err = d.diff(ra, rb, 0, "")
	return d.out, err
}

// sub descends from a root tree to the program root's tree.
func (d *differ) sub(h plumbing.Hash) (plumbing.Hash, error) {
	if h.IsZero() || d.r.prefix == "" {
		return h, nil
	}
	for _, name := range strings.Split(strings.TrimSuffix(d.r.prefix, "/"), "/") {
		raw, err := d.r.raw(plumbing.TreeObject, h)
		if err != nil {
			return plumbing.ZeroHash, err
		}
		found := plumbing.ZeroHash
		for len(raw) > 0 {
			var e entry
			e, raw, err = next(raw)
			if err != nil {
				return plumbing.ZeroHash, fmt.Errorf("tree %s: %w", h.String()[:7], err)
			}
			if e.dir && string(e.name) == name {
				found = e.hash
				break
			}
		}
		if found.IsZero() {
			return found, nil
		}
		h = found
	}
	return h, nil
}

// tree reads the tree h (nil for the zero hash) and caches it, checked
// from the marks of ref: the tree at the same path on the other side of
// the diff, which it differs from by an entry or a few (sum.go).
func (d *differ) tree(h plumbing.Hash, ref *packed) (*packed, error) {
	if h.IsZero() {
		return nil, nil
	}
	o, err := d.r.typed(plumbing.TreeObject, h, ref)
	if err == nil && d.trees != nil {
		d.trees.put(h, o)
	}
	return o, err
}

// cached returns the tree h when the cache holds it.
func (d *differ) cached(h plumbing.Hash) *packed {
	if d.trees == nil || h.IsZero() {
		return nil
	}
	o, _ := d.trees.get(h)
	return o
}

// treeCache keeps the trees of the last two diffs. A walk diffs each
// commit against its parent, so every tree it reads is read again by the
// next diff; go-git would resolve the larger ones from their deltas again.
type treeCache struct {
	cur, prev map[plumbing.Hash]*packed
}

func (c *treeCache) get(h plumbing.Hash) (*packed, bool) {
	if o, ok := c.cur[h]; ok {
		return o, true
	}
	o, ok := c.prev[h]
	return o, ok
}

func (c *treeCache) put(h plumbing.Hash, o *packed) {
	if c.cur == nil {
		c.cur = map[plumbing.Hash]*packed{}
	}
	c.cur[h] = o
}

// turn starts a new generation, forgetting the oldest.
func (c *treeCache) turn() {
	c.prev, c.cur = c.cur, nil
}

func (d *differ) diff(a, b plumbing.Hash, level int, dir string) error {
	if a == b {
		return nil
	}
	// The side not cached is checked from the marks of the other.
	oa, ob := d.cached(a), d.cached(b)
	var err error
	if oa == nil {
		if oa, err = d.tree(a, ob); err != nil {
			return err
		}
	}
	if ob == nil {
		if ob, err = d.tree(b, oa); err != nil {
			return err
		}
	}
	var ra, rb []byte
	if oa != nil {
		ra = oa.data
	}
	if ob != nil {
		rb = ob.data
	}
	var ea, eb entry
	haveA, haveB := false, false
	for {
		// Most entries of a large folder are the same on both sides:
		// skip them as bytes before parsing anything.
		if !haveA && !haveB {
			n := commonPrefix(ra, rb)
			if n == len(ra) && n == len(rb) {
				return nil // the rest is the same: nothing to parse
			}
			ra, rb = skipEqual(ra, rb, n)
		}
		if !haveA && len(ra) > 0 {
			if ea, ra, err = next(ra); err != nil {
				return fmt.Errorf("tree %s: %w", a.String()[:7], err)
			}
			haveA = true
		}
		if !haveB && len(rb) > 0 {
			if eb, rb, err = next(rb); err != nil {
				return fmt.Errorf("tree %s: %w", b.String()[:7], err)
			}
			haveB = true
		}
		if !haveA && !haveB {
			return nil
		}
		c := 0
		switch {
		case !haveA:
			c = 1
		case !haveB:
			c = -1
		default:
			c = compareEntries(ea, eb)
		}
		switch {
		case c < 0: // only in a
			err = d.one(ea, level, dir, true)
			haveA = false
		case c > 0: // only in b
			err = d.one(eb, level, dir, false)
			haveB = false
		default:
			special := ea.special || eb.special
			switch {
			case ea.hash == eb.hash && ea.special == eb.special:
			case special && !d.specials:
			case special:
				// A file turned into a link keeps its blob: the mode
				// is the change.
				if _, take := d.pat.match(level, entry{name: ea.name}); take {
					d.out = append(d.out, change{dir + string(ea.name), ea.hash, eb.hash, ea.special, eb.special})
				}
			default:
				if desc, take := d.pat.match(level, ea); desc {
					err = d.diff(ea.hash, eb.hash, level+1, dir+string(ea.name)+"/")
				} else if take {
					d.out = append(d.out, change{path: dir + string(ea.name), from: ea.hash, to: eb.hash})
				}
			}
			haveA, haveB = false, false
		}
		if err != nil {
			return err
		}
	}
}

// one handles an entry found on one side only.
func (d *differ) one(e entry, level int, dir string, removed bool) error {
	if e.special && !d.specials {
		return nil
	}
	desc, take := d.pat.match(level, e)
	switch {
	case desc && removed:
		return d.diff(e.hash, plumbing.ZeroHash, level+1, dir+string(e.name)+"/")
	case desc:
		return d.diff(plumbing.ZeroHash, e.hash, level+1, dir+string(e.name)+"/")
	case take && removed:
		d.out = append(d.out, change{path: dir + string(e.name), from: e.hash, fromSpecial: e.special})
	case take:
		d.out = append(d.out, change{path: dir + string(e.name), to: e.hash, toSpecial: e.special})
	}
	return nil
}

// skipEqual drops the entries that a and b share at their start, given
// the length n of their common prefix: it backs up to the start of the
// entry the first difference falls in, found by parsing a's shared
// prefix.
func skipEqual(a, b []byte, n int) ([]byte, []byte) {
	if n < 64 {
		return a, b
	}
	// Entries start at the same offsets in both up to n: step over a's
	// entries (a name never holds a NUL, so the first NUL after an entry's
	// start ends its name) to the last boundary at or before n.
	off := 0
	for off < len(a) {
		nul := bytes.IndexByte(a[off:], 0)
		if nul < 0 {
			return a, b
		}
		end := off + nul + 21
		if end > n {
			break
		}
		off = end
	}
	return a[off:], b[off:]
}

// commonPrefix is the length of the longest common prefix of a and b.
func commonPrefix(a, b []byte) int {
	n := min(len(a), len(b))
	i := 0
	// Long runs a call at a time, then words, then bytes: the trees of
	// two commits share all but an entry or a few.
	for i+256 <= n && bytes.Equal(a[i:i+256], b[i:i+256]) {
		i += 256
	}
	for i+8 <= n && binary.LittleEndian.Uint64(a[i:]) == binary.LittleEndian.Uint64(b[i:]) {
		i += 8
	}
	for i < n && a[i] == b[i] {
		i++
	}
	return i
}

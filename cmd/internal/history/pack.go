package history

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/go-git/go-billy/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/format/idxfile"
	"github.com/go-git/go-git/v5/storage/filesystem/dotgit"
	"github.com/klauspost/compress/zlib"
)

// packs reads objects straight from the repository's pack files, with
// go-git's index decoder. go-git's own object reader
// costs about 25 µs an object (it hashes every object it resolves from a
// delta, to key its cache, and copies it twice); a walk reads a tree per
// commit and plan a blob per file, by the hundred thousand. Here an
// object costs its inflate and one hash: deltas are resolved from bases
// kept by pack offset, and readers are safe for concurrent use (ReadAt,
// a locked cache), so the loader's workers read in parallel. Loose
// objects are read here too (loose.go); only objects in neither (an
// alternate object store) are left to go-git.
//
// Nothing in a repository is trusted: sizes are checked before anything
// is allocated, what an object may cost is bounded by a Budget, delta
// chains by git's own limit, and every object returned is checked
// against its name (SHA-1 with collision detection, as git does).
type packs struct {
	list []*pack
	// objects is the objects folder on disk, for loose objects ("" when
	// the repository is not on disk: go-git reads them).
	objects string

	// The budget, set by SetBudget; spent is what reads have cost since.
	objectBudget atomic.Int64
	totalBudget  atomic.Int64
	spent        atomic.Int64

	mu    sync.Mutex
	cache map[objKey]*packed
	order []kept // insertion order, for eviction
	bytes int
}

type pack struct {
	name string // pack-<hash>.pack, for errors
	f    billy.File
	idx  *idxfile.MemoryIndex
	// offsets is the index as a map: a binary search of the index costs
	// a cache miss a step, and a walk looks up hundreds of thousands.
	offsets map[plumbing.Hash]int64
	size    int64
	data    []byte // the file mapped into memory, or nil
}

type objKey struct {
	pack int
	off  int64
}

// kept is an object of the cache and its size, so that evicting it needs
// no look-up.
type kept struct {
	k objKey
	n int
}

type packed struct {
	typ  plumbing.ObjectType
	data []byte
	// sum is the name the content was checked against (zero until it
	// is), under packs.mu: a cached base is hashed once, however often
	// it is read.
	sum plumbing.Hash
	// marks are SHA-1's states along the check (sum.go), set with sum
	// and never changed after: the check of a similar object starts
	// from them.
	marks []byte
}

// Budget bounds the bytes that reading objects may inflate and patch, so
// that a crafted repository cannot exhaust memory or time: a header that
// claims petabytes, or a pack of a kilobyte whose deltas copy their base
// over and over into gigabytes. What the cache of delta bases already
// holds costs nothing again.
type Budget struct {
	// Object bounds one object read: its content, and the deltas and
	// bases of its delta chain that must be resolved for it.
	Object int64
	// Total bounds all reads from the moment the budget is set: a walk
	// sets it when it starts.
	Total int64
}

// DefaultBudget is what Open sets. accredit reads TOML, Markdown and
// trees: no honest object nears 256 MiB. A walk of the benchmark's
// 50,000 commits over 10,000 people files inflates 2.6 GiB (a tree of
// 1,000 partners a commit), a tenth of the total: about a minute of
// inflating before a crafted repository is refused.
var DefaultBudget = Budget{Object: 256 << 20, Total: 32 << 30}

// ErrBudget means a read would exceed its Budget.
var ErrBudget = errors.New("object read budget exceeded")

// ErrCorrupt means the repository holds an object that is not what its
// name says: a damaged or tampered file, or a SHA-1 collision attack.
var ErrCorrupt = errors.New("corrupt git object")

// cacheBytes bounds the resolved objects kept as delta bases.
const cacheBytes = 96 << 20

// maxDeltaDepth is git's own limit on delta chains (pack-objects keeps a
// depth in 12 bits and clamps --depth to 4095); a longer chain, or one
// that points in circles, is no pack git wrote.
const maxDeltaDepth = 4095

var (
	errNotPacked = errors.New("not in a pack")
	errBadPack   = errors.New("malformed pack entry")
)

// openPacks opens the pack files of the repository whose .git (common
// folder for a linked worktree) is fs. A pack without its index (one git
// is writing) is skipped; a pack or index that is malformed is an error.
func openPacks(fs billy.Filesystem) (*packs, error) {
	ps := &packs{cache: map[objKey]*packed{}, objects: objectsDir(fs)}
	ps.setBudget(DefaultBudget)
	dg := dotgit.New(fs)
	hashes, err := dg.ObjectPacks()
	if err != nil {
		return ps, nil
	}
	for _, h := range hashes {
		name := "pack-" + h.String() + ".pack"
		idxName := fs.Join("objects", "pack", "pack-"+h.String()+".idx")
		fi, err := fs.Stat(fs.Join("objects", "pack", name))
		if err != nil {
			continue
		}
		ii, err := fs.Stat(idxName)
		if err != nil {
			continue
		}
		raw, err := readAll(fs, idxName, ii.Size())
		if err != nil {
			continue
		}
		f, err := dg.ObjectPack(h)
		if err != nil {
			continue
		}
		p := &pack{name: name, f: f, size: fi.Size()}
		if p.idx, err = parseIdx(raw); err == nil {
			err = p.check()
		}
		if err != nil {
			f.Close()
			ps.close()
			return nil, fmt.Errorf("%s: %w", fs.Join("objects", "pack", name), err)
		}
		p.offsets = offsetMap(p.idx)
		if dir := ps.objects; dir != "" {
			p.data = mapFile(filepath.Join(dir, "pack", name), p.size)
		}
		ps.list = append(ps.list, p)
	}
	return ps, nil
}

// readAll reads a file of the size Stat gave.
func readAll(fs billy.Filesystem, name string, size int64) ([]byte, error) {
	f, err := fs.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if size < 0 || int64(int(size)) != size {
		return nil, errors.New("index too large")
	}
	b := make([]byte, size)
	_, err = io.ReadFull(f, b)
	return b, err
}

// parseIdx decodes a pack index (version 2) with go-git's decoder, after
// checking that the size its fanout claims matches the file's: the
// decoder allocates what the fanout says before it reads.
func parseIdx(b []byte) (*idxfile.MemoryIndex, error) {
	const head = 8 + 256*4
	if len(b) < head+40 {
		return nil, errors.New("malformed pack index: too short")
	}
	n := int64(binary.BigEndian.Uint32(b[head-4:]))
	lo := head + 40 + n*28
	if int64(len(b)) < lo || int64(len(b)) > lo+max(n-1, 0)*8 {
		return nil, fmt.Errorf("malformed pack index: %d bytes for %d objects", len(b), n)
	}
	idx := idxfile.NewMemoryIndex()
	if err := idxfile.NewDecoder(&sizedReader{bytes.NewReader(b), int64(len(b))}).Decode(idx); err != nil {
		return nil, fmt.Errorf("malformed pack index: %w", err)
	}
	return idx, nil
}

// sizedReader lets go-git's index decoder see the input's size (it
// checks it against the fanout when the input has a Stat method).
type sizedReader struct {
	*bytes.Reader
	size int64
}

func (r *sizedReader) Stat() (fs.FileInfo, error) { return sizeInfo(r.size), nil }

type sizeInfo int64

func (s sizeInfo) Name() string       { return "idx" }
func (s sizeInfo) Size() int64        { return int64(s) }
func (s sizeInfo) Mode() fs.FileMode  { return 0 }
func (s sizeInfo) ModTime() time.Time { return time.Time{} }
func (s sizeInfo) IsDir() bool        { return false }
func (s sizeInfo) Sys() any           { return nil }

// check matches a pack with its index: the header, the object count and
// the checksum the index records.
func (p *pack) check() error {
	var head [12]byte
	var tail [20]byte
	if p.size < 32 {
		return errors.New("malformed pack: too short")
	}
	if _, err := p.f.ReadAt(head[:], 0); err != nil {
		return err
	}
	if _, err := p.f.ReadAt(tail[:], p.size-20); err != nil {
		return err
	}
	if string(head[:4]) != "PACK" || (head[7] != 2 && head[7] != 3) || binary.BigEndian.Uint32(head[4:8])&^3 != 0 {
		return errors.New("malformed pack: not a version 2 pack")
	}
	if n, _ := p.idx.Count(); int64(binary.BigEndian.Uint32(head[8:])) != n {
		return fmt.Errorf("malformed pack: %d objects, its index lists %d", binary.BigEndian.Uint32(head[8:]), n)
	}
	if tail != p.idx.PackfileChecksum {
		return errors.New("the pack's checksum differs from the one its index records")
	}
	return nil
}

// objectsDir finds the objects folder on disk: below the .git folder, or
// below the common folder that a linked worktree's names.
func objectsDir(fs billy.Filesystem) string {
	r, ok := fs.(interface{ Root() string })
	if !ok {
		return ""
	}
	root := r.Root()
	if b, err := os.ReadFile(filepath.Join(root, "commondir")); err == nil {
		c := strings.TrimSpace(string(b))
		if !filepath.IsAbs(c) {
			c = filepath.Join(root, c)
		}
		root = c
	}
	p := filepath.Join(root, "objects")
	if _, err := os.Stat(p); err != nil {
		return ""
	}
	return p
}

func (ps *packs) close() {
	for _, p := range ps.list {
		unmapFile(p.data)
		p.f.Close()
	}
}

func (ps *packs) setBudget(b Budget) {
	ps.objectBudget.Store(b.Object)
	ps.totalBudget.Store(b.Total)
	ps.spent.Store(0)
}

// charge takes n bytes from an object's budget (left) and the total,
// before they are allocated.
func (ps *packs) charge(left *int64, n int64) error {
	if n < 0 || n > *left {
		return fmt.Errorf("%w: the object needs more than its %d MiB (Budget.Object)", ErrBudget, ps.objectBudget.Load()>>20)
	}
	if ps.spent.Add(n) > ps.totalBudget.Load() {
		ps.spent.Add(-n)
		return fmt.Errorf("%w: reads have inflated %d MiB in all (Budget.Total)", ErrBudget, ps.totalBudget.Load()>>20)
	}
	*left -= n
	return nil
}

// find returns the pack and offset of h.
func (ps *packs) find(h plumbing.Hash) (int, int64, bool) {
	for i, p := range ps.list {
		if p.offsets != nil {
			if off, ok := p.offsets[h]; ok {
				return i, off, true
			}
		} else if p.idx != nil {
			if off, ok := findOffset(p.idx, h); ok {
				return i, off, true
			}
		}
	}
	return 0, 0, false
}

// read returns the object h, checked against its name, or errNotPacked.
func (ps *packs) read(h plumbing.Hash) (*packed, error) {
	return ps.readFrom(h, nil)
}

// readFrom is read, with a checked object that h probably resembles (or
// nil): see sum.go.
func (ps *packs) readFrom(h plumbing.Hash, ref *packed) (*packed, error) {
	i, off, ok := ps.find(h)
	if !ok {
		return nil, errNotPacked
	}
	left := ps.objectBudget.Load()
	o, err := ps.at(i, off, &left)
	if err == nil {
		err = ps.verify(o, h, ref)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: object %s at offset %d: %w", ps.list[i].name, h, off, err)
	}
	return o, nil
}

// verify checks that an object's content is what h names, once. The
// check starts from the marks of ref, an object checked before, over the
// prefix the two share (sum.go).
func (ps *packs) verify(o *packed, h plumbing.Hash, ref *packed) error {
	var refData, refMarks []byte
	ps.mu.Lock()
	done := o.sum == h
	if ref != nil && !ref.sum.IsZero() && ref.typ == o.typ {
		refData, refMarks = ref.data, ref.marks
	}
	ps.mu.Unlock()
	if done {
		return nil
	}
	marks, err := checkHashFrom(o.typ, o.data, h, refData, refMarks)
	if err != nil {
		return err
	}
	ps.mu.Lock()
	if o.sum.IsZero() {
		o.sum, o.marks = h, marks
	}
	ps.mu.Unlock()
	return nil
}

// maxMapped bounds the objects of a pack put in a map (about 40 bytes
// each); a larger pack is searched in its index.
const maxMapped = 4 << 20

func offsetMap(idx *idxfile.MemoryIndex) map[plumbing.Hash]int64 {
	n := 0
	for k := range idx.Names {
		n += len(idx.Names[k]) / 20
	}
	if n > maxMapped {
		return nil
	}
	m := make(map[plumbing.Hash]int64, n)
	// The names and offsets of a fanout bucket are in the same order:
	// read them side by side (a search for each costs a tenth of a
	// second on a pack of 300,000 objects).
	for k, names := range idx.Names {
		if k >= len(idx.Offset32) {
			break
		}
		offs := idx.Offset32[k]
		for i := 0; i+20 <= len(names) && i/20*4+4 <= len(offs); i += 20 {
			var h plumbing.Hash
			copy(h[:], names[i:i+20])
			if off, ok := offsetAt(idx, offs, i/20); ok {
				m[h] = off
			}
		}
	}
	return m
}

// offsetAt is the offset of the i-th object of a fanout bucket whose
// 32-bit offsets are offs: there, or in the 64-bit table.
func offsetAt(idx *idxfile.MemoryIndex, offs []byte, i int) (int64, bool) {
	o := binary.BigEndian.Uint32(offs[i*4:])
	if o&0x80000000 == 0 {
		return int64(o), true
	}
	at := 8 * int(o&0x7fffffff)
	if at+8 > len(idx.Offset64) {
		return 0, false
	}
	return int64(binary.BigEndian.Uint64(idx.Offset64[at:]) & (1<<63 - 1)), true
}

// findOffset looks h up in an index as MemoryIndex.FindOffset does, less
// the reverse map it fills on every call (which the walk does not need,
// and which would grow by an entry for every object read).
func findOffset(idx *idxfile.MemoryIndex, h plumbing.Hash) (int64, bool) {
	k := idx.FanoutMapping[h[0]]
	if k < 0 || k >= len(idx.Names) || k >= len(idx.Offset32) {
		return 0, false
	}
	names, offs := idx.Names[k], idx.Offset32[k]
	n := min(len(names)/20, len(offs)/4)
	lo, hi := 0, n
	for lo < hi {
		mid := int(uint(lo+hi) >> 1)
		switch c := bytes.Compare(names[mid*20:mid*20+20], h[:]); {
		case c < 0:
			lo = mid + 1
		case c > 0:
			hi = mid
		default:
			return offsetAt(idx, offs, mid)
		}
	}
	return 0, false
}

// packEntry is a pack entry's header.
type packEntry struct {
	typ  plumbing.ObjectType
	size int64         // inflated size: the object's, or its delta's
	n    int64         // header length: the zlib data starts at off+n
	base int64         // OFS_DELTA: the base's offset
	ref  plumbing.Hash // REF_DELTA: the base's name
}

// entry reads the header of the entry at off.
func (p *pack) entry(off int64) (packEntry, error) {
	var e packEntry
	if off < 12 || off >= p.size-20 { // after the pack header, before its checksum
		return e, fmt.Errorf("%w: offset outside the pack", errBadPack)
	}
	var buf [32]byte
	var b []byte
	if p.data != nil {
		b = p.data[off:min(off+32, int64(len(p.data)))]
	} else {
		n, _ := p.f.ReadAt(buf[:], off)
		b = buf[:n]
	}
	if len(b) == 0 {
		return e, io.ErrUnexpectedEOF
	}
	c := b[0]
	e.typ = plumbing.ObjectType((c >> 4) & 7)
	e.size = int64(c & 15)
	shift, j := uint(4), 1
	for c&0x80 != 0 {
		if j >= len(b) || shift > 53 { // 2^60 bytes: far beyond any budget
			return e, errBadPack
		}
		c = b[j]
		j++
		e.size |= int64(c&0x7f) << shift
		shift += 7
	}
	switch e.typ {
	case plumbing.CommitObject, plumbing.TreeObject, plumbing.BlobObject, plumbing.TagObject:
	case plumbing.OFSDeltaObject:
		if j >= len(b) {
			return e, errBadPack
		}
		c = b[j]
		j++
		rel := int64(c & 0x7f)
		for c&0x80 != 0 {
			if j >= len(b) || rel > off {
				return e, errBadPack
			}
			c = b[j]
			j++
			rel = (rel+1)<<7 | int64(c&0x7f)
		}
		if rel <= 0 || rel > off {
			return e, errBadPack
		}
		e.base = off - rel
	case plumbing.REFDeltaObject:
		if j+20 > len(b) {
			return e, errBadPack
		}
		copy(e.ref[:], b[j:j+20])
		j += 20
	default:
		return e, errBadPack
	}
	e.n = int64(j)
	return e, nil
}

// at resolves the object at off in pack i, charging what it inflates and
// patches to left, the object's budget. The delta chain is followed down
// to a cached or whole base, then applied upwards: no recursion, and no
// inflater held while the chain is read.
func (ps *packs) at(i int, off int64, left *int64) (*packed, error) {
	type step struct {
		p   *pack
		off int64
		e   packEntry
		key objKey
	}
	var chain []step
	var base *packed
	for base == nil {
		key := objKey{i, off}
		ps.mu.Lock()
		base = ps.cache[key]
		ps.mu.Unlock()
		if base != nil {
			break
		}
		if len(chain) > maxDeltaDepth {
			return nil, fmt.Errorf("%w: delta chain deeper than %d, git's own limit", errBadPack, maxDeltaDepth)
		}
		p := ps.list[i]
		e, err := p.entry(off)
		if err != nil {
			return nil, fmt.Errorf("entry at offset %d: %w", off, err)
		}
		switch e.typ {
		case plumbing.OFSDeltaObject:
			chain = append(chain, step{p, off, e, key})
			off = e.base
		case plumbing.REFDeltaObject:
			chain = append(chain, step{p, off, e, key})
			var ok bool
			if i, off, ok = ps.find(e.ref); !ok {
				// A base in no pack: a loose object, or one that
				// only go-git finds (errNotPacked).
				if base, err = ps.loose(e.ref, left); err != nil {
					return nil, err
				}
			}
		default:
			if err := plausible(p, off+e.n, e.size); err != nil {
				return nil, fmt.Errorf("entry at offset %d: %w", off, err)
			}
			if err := ps.charge(left, e.size); err != nil {
				return nil, err
			}
			data, err := ps.inflate(p, off+e.n, e.size, nil)
			if err != nil {
				return nil, fmt.Errorf("entry at offset %d: %w", off, err)
			}
			base = &packed{typ: e.typ, data: data}
			ps.put(key, base)
		}
	}
	for k := len(chain) - 1; k >= 0; k-- {
		s := chain[k]
		if err := plausible(s.p, s.off+s.e.n, s.e.size); err != nil {
			return nil, fmt.Errorf("delta at offset %d: %w", s.off, err)
		}
		if err := ps.charge(left, s.e.size); err != nil {
			return nil, err
		}
		z := zlibs.Get().(*inflater)
		delta, err := ps.inflate(s.p, s.off+s.e.n, s.e.size, z)
		if err == nil {
			// The size the delta announces is charged before patch
			// allocates it. One byte of delta makes at most 64 KiB.
			n := deltaTarget(delta)
			if n < 0 {
				err = errBadDelta
			} else if err = ps.charge(left, n); err == nil {
				var out []byte
				if out, err = patch(base.data, delta, uint64(len(delta))<<16); err == nil {
					base = &packed{typ: base.typ, data: out}
				}
			}
		}
		zlibs.Put(z)
		if err != nil {
			return nil, fmt.Errorf("delta at offset %d: %w", s.off, err)
		}
		ps.put(s.key, base)
	}
	return base, nil
}

func (ps *packs) put(k objKey, o *packed) {
	if len(o.data) > cacheBytes/8 {
		return
	}
	ps.mu.Lock()
	defer ps.mu.Unlock()
	if _, ok := ps.cache[k]; ok {
		return
	}
	ps.cache[k] = o
	ps.order = append(ps.order, kept{k, len(o.data)})
	ps.bytes += len(o.data)
	for ps.bytes > cacheBytes && len(ps.order) > 0 {
		old := ps.order[0]
		ps.order = ps.order[1:]
		ps.bytes -= old.n
		delete(ps.cache, old.k)
	}
}

// plausible checks the size an entry claims against the data left in the
// pack, before it is charged or allocated: deflate expands at most about
// 1032:1.
func plausible(p *pack, off, size int64) error {
	if size < 0 || size/1032 > p.size-off {
		return fmt.Errorf("%w: %d bytes claimed by %d bytes of data", errBadPack, size, p.size-off)
	}
	return nil
}

// zlibs keeps inflaters with their buffers for reuse.
var zlibs = sync.Pool{New: func() any { return &inflater{br: bufio.NewReaderSize(nil, 4096)} }}

type inflater struct {
	bytes bytes.Reader
	br    *bufio.Reader
	zr    io.ReadCloser
	delta []byte // a buffer for deltas, kept when small
}

// maxKeptDelta bounds the delta buffer an inflater keeps for reuse.
const maxKeptDelta = 1 << 20

// inflate reads size bytes of zlib data at off. With an inflater, the
// bytes go to its reused delta buffer; without, to a new slice. The size
// was charged; it is checked against the data left before allocating.
func (ps *packs) inflate(p *pack, off, size int64, keep *inflater) ([]byte, error) {
	if err := plausible(p, off, size); err != nil {
		return nil, err
	}
	z := keep
	if z == nil {
		z = zlibs.Get().(*inflater)
		defer zlibs.Put(z)
	}
	var out []byte
	switch {
	case keep == nil:
		out = make([]byte, size)
	case size <= maxKeptDelta:
		if int64(cap(z.delta)) < size {
			z.delta = make([]byte, size)
		}
		out = z.delta[:size]
	default:
		out = make([]byte, size)
	}
	// A mapped pack is read in place: the inflater reads a bytes.Reader
	// byte by byte as it would a bufio.Reader, without copying 4 KiB into
	// a buffer for an entry that is most often a delta of 40 bytes.
	var src io.Reader = &z.bytes
	if p.data != nil {
		z.bytes.Reset(p.data[off:])
	} else {
		z.br.Reset(io.NewSectionReader(p.f, off, p.size-off))
		src = z.br
	}
	var err error
	if z.zr == nil {
		z.zr, err = zlib.NewReader(src)
	} else {
		err = z.zr.(zlib.Resetter).Reset(src, nil)
	}
	if err != nil {
		return nil, err
	}
	if _, err := io.ReadFull(z.zr, out); err != nil {
		return nil, err
	}
	return out, nil
}

var errBadDelta = errors.New("malformed delta")

// patch applies a git delta to base, into a buffer of the exact size the
// delta announces (go-git's PatchDelta grows a bytes.Buffer: several
// copies of every large tree), which may not exceed limit. A delta of a
// few operations (a tree with an entry changed: three) is joined from its
// pieces with bytes.Join, which allocates without zeroing what it is
// about to overwrite: a walk patches gigabytes of trees.
func patch(base, delta []byte, limit uint64) ([]byte, error) {
	srcSize, delta, ok := uvarint(delta)
	if !ok || srcSize != uint64(len(base)) {
		return nil, errBadDelta
	}
	dstSize, delta, ok := uvarint(delta)
	if !ok {
		return nil, errBadDelta
	}
	if dstSize > limit {
		return nil, fmt.Errorf("%w: it makes an object of %d bytes", errBadDelta, dstSize)
	}
	n := 0
	if err := deltaOps(base, delta, dstSize, func([]byte) { n++ }); err != nil {
		return nil, err
	}
	if n <= maxPieces {
		var stack [maxPieces][]byte
		pieces := stack[:0]
		deltaOps(base, delta, dstSize, func(p []byte) { pieces = append(pieces, p) })
		return bytes.Join(pieces, nil), nil
	}
	out := make([]byte, 0, dstSize)
	deltaOps(base, delta, dstSize, func(p []byte) { out = append(out, p...) })
	return out, nil
}

// maxPieces bounds the pieces patch joins: a list of them costs 24 bytes
// a piece, and a crafted delta can make one of every 2 bytes it holds.
const maxPieces = 64

// deltaOps checks the operations of a delta (after its header) and
// hands each piece of the object it makes to fn, in order: a slice of
// base or of the delta. The pieces add up to size exactly.
func deltaOps(base, delta []byte, size uint64, fn func([]byte)) error {
	var made uint64
	for len(delta) > 0 {
		op := delta[0]
		delta = delta[1:]
		switch {
		case op&0x80 != 0: // copy from base
			var off, n uint64
			for i := uint(0); i < 4; i++ {
				if op&(1<<i) != 0 {
					if len(delta) == 0 {
						return errBadDelta
					}
					off |= uint64(delta[0]) << (8 * i)
					delta = delta[1:]
				}
			}
			for i := uint(0); i < 3; i++ {
				if op&(0x10<<i) != 0 {
					if len(delta) == 0 {
						return errBadDelta
					}
					n |= uint64(delta[0]) << (8 * i)
					delta = delta[1:]
				}
			}
			if n == 0 {
				n = 0x10000
			}
			if off+n > uint64(len(base)) || made+n > size {
				return errBadDelta
			}
			fn(base[off : off+n])
			made += n
		case op != 0: // insert op bytes
			n := uint64(op)
			if n > uint64(len(delta)) || made+n > size {
				return errBadDelta
			}
			fn(delta[:n])
			made += n
			delta = delta[n:]
		default:
			return errBadDelta
		}
	}
	if made != size {
		return errBadDelta
	}
	return nil
}

// deltaTarget is the size of the object a delta makes, or -1 when its
// header is malformed (charge refuses it).
func deltaTarget(delta []byte) int64 {
	_, rest, ok := uvarint(delta)
	if !ok {
		return -1
	}
	n, _, ok := uvarint(rest)
	if !ok || n > 1<<62 {
		return -1
	}
	return int64(n)
}

// uvarint reads a delta header's size: 7 bits a byte, low bits first.
func uvarint(b []byte) (uint64, []byte, bool) {
	var v uint64
	for i, shift := 0, uint(0); i < len(b) && shift < 64; i, shift = i+1, shift+7 {
		v |= uint64(b[i]&0x7f) << shift
		if b[i]&0x80 == 0 {
			return v, b[i+1:], true
		}
	}
	return 0, b, false
}

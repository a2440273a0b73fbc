package history

import (
	"bufio"
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/go-git/go-billy/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/format/idxfile"
	"github.com/go-git/go-git/v5/storage/filesystem/dotgit"
)

// packs reads objects straight from the repository's pack files, with
// go-git's index decoder. go-git's own object reader
// costs about 25 µs an object (it hashes every object it resolves from a
// delta, to key its cache, and copies it twice); a walk reads a tree per
// commit and plan a blob per file, by the hundred thousand. Here an
// object costs its inflate: deltas are resolved from bases kept by pack
// offset, and readers are safe for concurrent use (ReadAt, a locked
// cache), so the loader's workers read in parallel. Objects in no pack
// (loose ones, alternates) are left to go-git.
type packs struct {
	list []*pack

	mu    sync.Mutex
	cache map[objKey]*packed
	order []objKey // insertion order, for eviction
	bytes int
}

type pack struct {
	f   billy.File
	idx *idxfile.MemoryIndex
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

type packed struct {
	typ  plumbing.ObjectType
	data []byte
}

// cacheBytes bounds the resolved objects kept as delta bases.
const cacheBytes = 96 << 20

var errNotPacked = errors.New("not in a pack")

// openPacks opens the pack files of the repository whose .git (common
// folder for a linked worktree) is fs. A pack that cannot be read is
// skipped: go-git still reads its objects.
func openPacks(fs billy.Filesystem) *packs {
	ps := &packs{cache: map[objKey]*packed{}}
	dg := dotgit.New(fs)
	hashes, err := dg.ObjectPacks()
	if err != nil {
		return ps
	}
	for _, h := range hashes {
		ix, err := dg.ObjectPackIdx(h)
		if err != nil {
			continue
		}
		idx := idxfile.NewMemoryIndex()
		err = idxfile.NewDecoder(bufio.NewReader(ix)).Decode(idx)
		ix.Close()
		if err != nil {
			continue
		}
		f, err := dg.ObjectPack(h)
		if err != nil {
			continue
		}
		fi, err := fs.Stat(fs.Join("objects", "pack", "pack-"+h.String()+".pack"))
		if err != nil {
			f.Close()
			continue
		}
		name := "pack-" + h.String() + ".pack"
		ps.list = append(ps.list, &pack{f: f, idx: idx, offsets: offsetMap(idx), size: fi.Size(), data: mapFile(packPath(fs, name), fi.Size())})
	}
	return ps
}

// packPath finds a pack file on disk, for mapping it: below the .git
// folder, or below the common folder that a linked worktree's names.
func packPath(fs billy.Filesystem, name string) string {
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
	p := filepath.Join(root, "objects", "pack", name)
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

// read returns the object h, or errNotPacked.
func (ps *packs) read(h plumbing.Hash) (*packed, error) {
	for i, p := range ps.list {
		if off, ok := p.offsets[h]; ok {
			return ps.at(i, off, 0)
		}
		if p.offsets == nil {
			if off, ok := findOffset(p.idx, h); ok {
				return ps.at(i, off, 0)
			}
		}
	}
	return nil, errNotPacked
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
	for k, names := range idx.Names {
		for i := 0; i+20 <= len(names); i += 20 {
			var h plumbing.Hash
			copy(h[:], names[i:i+20])
			if off, ok := findOffset(idx, h); ok {
				m[h] = off
			}
		}
		_ = k
	}
	return m
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
			o := binary.BigEndian.Uint32(offs[mid*4:])
			if o&0x80000000 == 0 {
				return int64(o), true
			}
			at := 8 * int(o&0x7fffffff)
			if at+8 > len(idx.Offset64) {
				return 0, false
			}
			return int64(binary.BigEndian.Uint64(idx.Offset64[at:])), true
		}
	}
	return 0, false
}

// maxDelta bounds delta chains (git's default is 50) against a corrupt
// pack that points in circles.
const maxDelta = 1000

func (ps *packs) at(i int, off int64, depth int) (*packed, error) {
	k := objKey{i, off}
	ps.mu.Lock()
	o, ok := ps.cache[k]
	ps.mu.Unlock()
	if ok {
		return o, nil
	}
	if depth > maxDelta {
		return nil, fmt.Errorf("pack: delta chain longer than %d", maxDelta)
	}
	p := ps.list[i]
	// One read serves the header and, for most objects, all their data.
	z := zlibs.Get().(*inflater)
	defer zlibs.Put(z)
	var src io.Reader
	if p.data != nil {
		if off >= int64(len(p.data)) {
			return nil, errBadPack
		}
		z.bytes.Reset(p.data[off:])
		src = &z.bytes
	} else {
		src = io.NewSectionReader(p.f, off, p.size-off)
	}
	z.br.Reset(src)
	b, err := z.br.Peek(32)
	if len(b) == 0 {
		if err == nil {
			err = io.ErrUnexpectedEOF
		}
		return nil, err
	}
	c := b[0]
	typ := plumbing.ObjectType((c >> 4) & 7)
	size := int64(c & 15)
	shift, j := uint(4), 1
	for c&0x80 != 0 {
		if j >= len(b) || shift > 56 {
			return nil, errBadPack
		}
		c = b[j]
		j++
		size |= int64(c&0x7f) << shift
		shift += 7
	}
	var base *packed
	switch typ {
	case plumbing.CommitObject, plumbing.TreeObject, plumbing.BlobObject, plumbing.TagObject:
	case plumbing.OFSDeltaObject:
		if j >= len(b) {
			return nil, errBadPack
		}
		c = b[j]
		j++
		rel := int64(c & 0x7f)
		for c&0x80 != 0 {
			if j >= len(b) {
				return nil, errBadPack
			}
			c = b[j]
			j++
			rel = (rel+1)<<7 | int64(c&0x7f)
		}
		if rel <= 0 || rel > off {
			return nil, errBadPack
		}
		if base, err = ps.at(i, off-rel, depth+1); err != nil {
			return nil, err
		}
	case plumbing.REFDeltaObject:
		if j+20 > len(b) {
			return nil, errBadPack
		}
		var bh plumbing.Hash
		copy(bh[:], b[j:j+20])
		j += 20
		bi, boff := -1, int64(0)
		for x, q := range ps.list {
			if o, ok := findOffset(q.idx, bh); ok {
				bi, boff = x, o
				break
			}
		}
		if bi < 0 {
			return nil, errNotPacked // a thin pack's base is elsewhere: go-git finds it
		}
		if base, err = ps.at(bi, boff, depth+1); err != nil {
			return nil, err
		}
	default:
		return nil, errBadPack
	}
	z.br.Discard(j)
	if base == nil {
		data := make([]byte, size)
		if err := z.inflate(p, data); err != nil {
			return nil, fmt.Errorf("pack: object at %d: %w", off, err)
		}
		o = &packed{typ: typ, data: data}
	} else {
		// The delta is read into a reused buffer and applied at once.
		if int64(cap(z.delta)) < size {
			z.delta = make([]byte, size)
		}
		delta := z.delta[:size]
		if err := z.inflate(p, delta); err != nil {
			return nil, fmt.Errorf("pack: object at %d: %w", off, err)
		}
		data, err := patch(base.data, delta)
		if err != nil {
			return nil, fmt.Errorf("pack: object at %d: %w", off, err)
		}
		o = &packed{typ: base.typ, data: data}
	}
	ps.put(k, o)
	return o, nil
}

var errBadPack = errors.New("pack: malformed object header")

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
	ps.order = append(ps.order, k)
	ps.bytes += len(o.data)
	for ps.bytes > cacheBytes && len(ps.order) > 0 {
		old := ps.order[0]
		ps.order = ps.order[1:]
		ps.bytes -= len(ps.cache[old].data)
		delete(ps.cache, old)
	}
}

// zlibs keeps inflaters with their buffers for reuse.
var zlibs = sync.Pool{New: func() any { return &inflater{br: bufio.NewReaderSize(nil, 4096)} }}

type inflater struct {
	bytes bytes.Reader
	br    *bufio.Reader
	zr    io.ReadCloser
	delta []byte
}

// inflate fills out with zlib data from z.br.
func (z *inflater) inflate(p *pack, out []byte) error {
	if int64(len(out)) > p.size*1032 { // deflate expands at most ~1032:1
		return errBadPack
	}
	var err error
	if z.zr == nil {
		z.zr, err = zlib.NewReader(z.br)
	} else {
		err = z.zr.(zlib.Resetter).Reset(z.br, nil)
	}
	if err != nil {
		return err
	}
	_, err = io.ReadFull(z.zr, out)
	return err
}

var errBadDelta = errors.New("malformed delta")

// patch applies a git delta to base, into a buffer of the exact size the
// delta announces (go-git's PatchDelta grows a bytes.Buffer: several
// copies of every large tree).
func patch(base, delta []byte) ([]byte, error) {
	srcSize, delta, ok := uvarint(delta)
	if !ok || srcSize != uint64(len(base)) {
		return nil, errBadDelta
	}
	dstSize, delta, ok := uvarint(delta)
	if !ok || dstSize > 1<<32 {
		return nil, errBadDelta
	}
	out := make([]byte, 0, dstSize)
	for len(delta) > 0 {
		op := delta[0]
		delta = delta[1:]
		switch {
		case op&0x80 != 0: // copy from base
			var off, n uint64
			for i := uint(0); i < 4; i++ {
				if op&(1<<i) != 0 {
					if len(delta) == 0 {
						return nil, errBadDelta
					}
					off |= uint64(delta[0]) << (8 * i)
					delta = delta[1:]
				}
			}
			for i := uint(0); i < 3; i++ {
				if op&(0x10<<i) != 0 {
					if len(delta) == 0 {
						return nil, errBadDelta
					}
					n |= uint64(delta[0]) << (8 * i)
					delta = delta[1:]
				}
			}
			if n == 0 {
				n = 0x10000
			}
			if off+n > uint64(len(base)) || uint64(len(out))+n > dstSize {
				return nil, errBadDelta
			}
			out = append(out, base[off:off+n]...)
		case op != 0: // insert op bytes
			n := int(op)
			if n > len(delta) || uint64(len(out)+n) > dstSize {
				return nil, errBadDelta
			}
			out = append(out, delta[:n]...)
			delta = delta[n:]
		default:
			return nil, errBadDelta
		}
	}
	if uint64(len(out)) != dstSize {
		return nil, errBadDelta
	}
	return out, nil
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

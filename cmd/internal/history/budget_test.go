package history

import (
	"bytes"
	"compress/zlib"
	"crypto"
	"crypto/sha1"
	"encoding/binary"
	"errors"
	"os"
	"runtime"
	"strings"
	"testing"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/format/idxfile"
	githash "github.com/go-git/go-git/v5/plumbing/hash"
	"github.com/pjbgf/sha1cd"
)

// craft writes a pack entry by entry, each header claiming whatever size
// the test says: the crafted inputs of the regression tests and fuzz seeds.
type craft struct {
	body []byte
	n    int
	zw   *zlib.Writer
}

// entry appends an entry and returns its offset. extra is the OFS_DELTA
// offset or REF_DELTA hash; payload is deflated.
func (c *craft) entry(typ plumbing.ObjectType, size uint64, extra, payload []byte) int64 {
	off := int64(12 + len(c.body))
	b := byte(typ)<<4 | byte(size&15)
	size >>= 4
	for size > 0 {
		c.body = append(c.body, b|0x80)
		b = byte(size & 0x7f)
		size >>= 7
	}
	c.body = append(c.body, b)
	c.body = append(c.body, extra...)
	var z bytes.Buffer
	if c.zw == nil {
		c.zw, _ = zlib.NewWriterLevel(&z, zlib.BestCompression)
	} else {
		c.zw.Reset(&z)
	}
	c.zw.Write(payload)
	c.zw.Close()
	c.body = append(c.body, z.Bytes()...)
	c.n++
	return off
}

// ofs appends a delta on the entry at base.
func (c *craft) ofs(base int64, delta []byte) int64 {
	rel := uint64(int64(12+len(c.body)) - base)
	// git's offset encoding: 7 bits a byte, most significant first,
	// each continued byte one less.
	enc := []byte{byte(rel & 0x7f)}
	for rel >>= 7; rel > 0; rel >>= 7 {
		rel--
		enc = append([]byte{byte(0x80 | rel&0x7f)}, enc...)
	}
	return c.entry(plumbing.OFSDeltaObject, uint64(len(delta)), enc, delta)
}

func (c *craft) pack() []byte {
	out := append([]byte("PACK\x00\x00\x00\x02"), binary.BigEndian.AppendUint32(nil, uint32(c.n))...)
	out = append(out, c.body...)
	sum := sha1.Sum(out)
	return append(out, sum[:]...)
}

// crafted opens a pack held in memory, with no index: the tests read by
// offset.
func crafted(data []byte, b Budget) *packs {
	ps := &packs{cache: map[objKey]*packed{}, list: []*pack{{name: "crafted.pack", data: data, size: int64(len(data))}}}
	ps.setBudget(b)
	return ps
}

func varint(v uint64) []byte {
	var out []byte
	for v >= 0x80 {
		out = append(out, byte(v)|0x80)
		v >>= 7
	}
	return append(out, byte(v))
}

// copies is a delta that copies all of a 64 KiB-multiple base n times
// over: one byte of delta per 64 KiB of output.
func copies(baseSize, times uint64) []byte {
	d := append(varint(baseSize), varint(baseSize*times)...)
	for range times * (baseSize >> 16) {
		d = append(d, 0x80) // copy 0x10000 bytes from offset 0
	}
	return d
}

// allocated runs f and returns the bytes it allocated.
func allocated(f func()) uint64 {
	var a, b runtime.MemStats
	runtime.ReadMemStats(&a)
	f()
	runtime.ReadMemStats(&b)
	return b.TotalAlloc - a.TotalAlloc
}

// A header may claim any size: it is refused before anything is
// allocated (this panicked in makeslice at 2^52).
func TestPackHugeHeader(t *testing.T) {
	for _, size := range []uint64{1 << 52, 1<<60 - 1, 300 << 20} {
		var c craft
		off := c.entry(plumbing.BlobObject, size, nil, []byte("tiny"))
		for _, b := range []Budget{DefaultBudget, {Object: 1 << 62, Total: 1 << 62}} {
			ps := crafted(c.pack(), b)
			left := b.Object
			var err error
			n := allocated(func() { _, err = ps.at(0, off, &left) })
			if err == nil || n > 1<<20 {
				t.Errorf("size %d, budget %v: err %v, allocated %d bytes", size, b, err, n)
			}
		}
	}
}

// The repro: a pack of about a kilobyte whose deltas copy their
// base over and over made a gigabyte. An object's chain is charged to
// its budget, and refused before the allocation that would pass it.
func TestPackDeltaBomb(t *testing.T) {
	var c craft
	base := c.entry(plumbing.BlobObject, 1<<16, nil, make([]byte, 1<<16))
	giant := c.ofs(base, copies(1<<16, 1<<14)) // 1 GiB
	d1 := c.ofs(base, copies(1<<16, 64))       // 4 MiB
	d2 := c.ofs(d1, copies(4<<20, 2))          // 8 MiB, 12 MiB with its base
	small := c.ofs(base, copies(1<<16, 16))    // 1 MiB
	data := c.pack()
	t.Logf("crafted pack: %d bytes", len(data))
	for _, tc := range []struct {
		off int64
		b   Budget
	}{{giant, DefaultBudget}, {d2, Budget{Object: 10 << 20, Total: 1 << 30}}} {
		ps := crafted(data, tc.b)
		left := tc.b.Object
		var err error
		n := allocated(func() { _, err = ps.at(0, tc.off, &left) })
		if !errors.Is(err, ErrBudget) || !strings.Contains(err.Error(), "Budget.Object") {
			t.Errorf("offset %d: err = %v, want ErrBudget", tc.off, err)
		}
		if n > uint64(tc.b.Object)+1<<20 {
			t.Errorf("offset %d: allocated %d MiB, beyond the object budget", tc.off, n>>20)
		}
	}
	// The total bounds a walk: every read within the object budget, all
	// of them together beyond the total.
	ps := crafted(data, Budget{Object: 4 << 20, Total: 8 << 20})
	var err error
	for range 10 {
		ps.mu.Lock()
		clear(ps.cache)
		ps.mu.Unlock()
		left := int64(4 << 20)
		if _, err = ps.at(0, small, &left); err != nil {
			break
		}
	}
	if !errors.Is(err, ErrBudget) || !strings.Contains(err.Error(), "Budget.Total") {
		t.Errorf("ten reads of 1 MiB with 8 MiB in all: err = %v", err)
	}
}

// Delta chains stop at git's own limit, with an error that says so.
func TestPackDeltaDepth(t *testing.T) {
	var c craft
	off := c.entry(plumbing.BlobObject, 5, nil, []byte("hello"))
	same := append(append(varint(5), varint(5)...), 0x90, 5) // copy 5 bytes from 0
	var chain []int64
	for range maxDeltaDepth + 1 {
		off = c.ofs(off, same)
		chain = append(chain, off)
	}
	data := c.pack()
	ps := crafted(data, DefaultBudget)
	left := DefaultBudget.Object
	if o, err := ps.at(0, chain[maxDeltaDepth-1], &left); err != nil || string(o.data) != "hello" {
		t.Fatalf("a chain of %d: %v", maxDeltaDepth, err)
	}
	ps = crafted(data, DefaultBudget)
	left = DefaultBudget.Object
	if _, err := ps.at(0, chain[maxDeltaDepth], &left); err == nil || !strings.Contains(err.Error(), "git's own limit") {
		t.Errorf("a chain of %d: err = %v", maxDeltaDepth+1, err)
	}
}

// A REF_DELTA whose base is itself (a chain in circles) ends at the
// depth limit, not in a hang.
func TestPackDeltaCycle(t *testing.T) {
	var c craft
	name := plumbing.NewHash("1111111111111111111111111111111111111111")
	off := c.entry(plumbing.REFDeltaObject, 4, name[:], append(append(varint(5), varint(5)...), 0x90, 5))
	ps := crafted(c.pack(), DefaultBudget)
	ps.list[0].offsets = map[plumbing.Hash]int64{name: off}
	if _, err := ps.read(name); err == nil || !strings.Contains(err.Error(), "git's own limit") {
		t.Errorf("err = %v", err)
	}
}

// Collision detection is on for the whole process (an init() of this
// package once turned it off in go-git) and in the hash that checks
// objects: the first 320 bytes of SHAttered's shattered-1.pdf carry the
// colliding blocks.
func TestCollisionDetection(t *testing.T) {
	b, err := os.ReadFile("testdata/shattered-1.prefix")
	if err != nil {
		t.Fatal(err)
	}
	h, ok := githash.New(crypto.SHA1).(sha1cd.CollisionResistantHash)
	if !ok {
		t.Fatalf("go-git's SHA-1 is %T, without collision detection", githash.New(crypto.SHA1))
	}
	h.(interface{ Write([]byte) (int, error) }).Write(b)
	if _, col := h.CollisionResistantSum(nil); !col {
		t.Error("go-git's SHA-1 misses the SHAttered collision")
	}
	d := hashers.Get().(sha1cd.CollisionResistantHash)
	d.(interface{ Reset() }).Reset()
	d.(interface{ Write([]byte) (int, error) }).Write(b)
	if _, col := d.CollisionResistantSum(nil); !col {
		t.Error("the object hash misses the SHAttered collision")
	}
	if sum, col := objectHash(plumbing.BlobObject, []byte("hello\n")); col || sum.String() != "ce013625030ba8dba906f756967f9e9ca394464a" {
		t.Errorf("objectHash(blob hello) = %s, %v", sum, col)
	}
}

// FuzzPackEntry reads crafted packs at any offset: never a panic, never
// an allocation beyond the budget.
func FuzzPackEntry(f *testing.F) {
	var c craft
	blob := c.entry(plumbing.BlobObject, 5, nil, []byte("hello"))
	d := c.ofs(blob, append(append(varint(5), varint(8)...), 0x90, 5, 3, 'o', 'u', 't'))
	c.ofs(d, copies(1<<16, 1<<14))
	c.entry(plumbing.BlobObject, 1<<52, nil, []byte("x"))
	name := plumbing.NewHash("1111111111111111111111111111111111111111")
	c.entry(plumbing.REFDeltaObject, 4, name[:], []byte{5, 5, 0x90, 5})
	data := c.pack()
	for _, off := range []uint32{uint32(blob), uint32(d), 0, 12, 1 << 20} {
		f.Add(data, off)
	}
	const budget = 1 << 20
	f.Fuzz(func(t *testing.T, data []byte, off uint32) {
		ps := crafted(data, Budget{Object: budget, Total: 4 * budget})
		var o *packed
		var err error
		n := allocated(func() {
			left := int64(budget)
			if o, err = ps.at(0, int64(off), &left); err == nil {
				ps.verify(o, name, nil)
			}
		})
		// The budget, the inflater and the chain's bookkeeping.
		if n > 4*budget+uint64(len(data))*64+1<<20 {
			t.Errorf("allocated %d bytes", n)
		}
	})
}

// index writes a pack index (version 2) listing names at offsets; those
// above large go to the 64-bit table.
func index(names []plumbing.Hash, offs []uint64, large uint64) []byte {
	b := []byte("\xfftOc\x00\x00\x00\x02")
	for k := range 256 {
		n := 0
		for _, h := range names {
			if int(h[0]) <= k {
				n++
			}
		}
		b = binary.BigEndian.AppendUint32(b, uint32(n))
	}
	for _, h := range names {
		b = append(b, h[:]...)
	}
	b = append(b, make([]byte, 4*len(names))...) // CRC32s
	var big []byte
	for _, o := range offs {
		if o > large {
			b = binary.BigEndian.AppendUint32(b, 0x80000000|uint32(len(big)/8))
			big = binary.BigEndian.AppendUint64(big, o)
		} else {
			b = binary.BigEndian.AppendUint32(b, uint32(o))
		}
	}
	b = append(b, big...)
	b = append(b, make([]byte, 20)...) // the pack's checksum
	sum := sha1.Sum(b)
	return append(b, sum[:]...)
}

func TestParseIdx(t *testing.T) {
	names := []plumbing.Hash{plumbing.NewHash("01"), plumbing.NewHash("7f"), plumbing.NewHash("fe")}
	idx, err := parseIdx(index(names, []uint64{12, 40, 1 << 33}, 12))
	if err != nil {
		t.Fatal(err)
	}
	m := offsetMap(idx)
	for i, want := range []int64{12, 40, 1 << 33} {
		if off, ok := findOffset(idx, names[i]); !ok || off != want {
			t.Errorf("%s at %d, want %d", names[i], off, want)
		}
		if off, ok := m[names[i]]; !ok || off != want {
			t.Errorf("offsetMap: %s at %d, want %d", names[i], off, want)
		}
	}
	if len(m) != len(names) {
		t.Errorf("offsetMap holds %d objects, want %d", len(m), len(names))
	}
	// A fanout claiming 2^32 objects in a small file, a truncated index,
	// and one with a 64-bit offset for every object (git refuses it).
	huge := index(names, []uint64{12, 40, 80}, 1<<40)
	binary.BigEndian.PutUint32(huge[8+255*4:], 0xffffffff)
	for name, b := range map[string][]byte{
		"huge fanout": huge,
		"truncated":   index(names, []uint64{12, 40, 80}, 1<<40)[:1100],
		"all 64-bit":  index(names, []uint64{12, 40, 80}, 0),
	} {
		if _, err := parseIdx(b); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

// FuzzIdx parses crafted pack indexes: never a panic, never an
// allocation out of proportion with the input, and lookups in what it
// accepts stay in bounds.
func FuzzIdx(f *testing.F) {
	names := []plumbing.Hash{plumbing.NewHash("01"), plumbing.NewHash("7f"), plumbing.NewHash("fe")}
	f.Add(index(names, []uint64{12, 40, 1 << 33}, 12))
	f.Add(index(names, []uint64{12, 40, 80}, 1<<40))
	f.Fuzz(func(t *testing.T, b []byte) {
		var idx *idxfile.MemoryIndex
		var err error
		n := allocated(func() { idx, err = parseIdx(b) })
		if n > 8*uint64(len(b))+1<<20 { // with room for what the fuzzing engine allocates meanwhile
			t.Errorf("allocated %d bytes for %d of input", n, len(b))
		}
		if err != nil {
			return
		}
		for h := range offsetMap(idx) {
			findOffset(idx, h)
		}
	})
}

package history

import (
	"encoding"
	"encoding/binary"
	"hash"
	"strconv"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/pjbgf/sha1cd"
)

// Checking an object against its name hashes all of it, and a walk reads
// the same large trees again and again with one entry changed: the
// partners/ folder of a program of 1,000 partners is a tree of 50 KB, new
// in every commit that touches a person. Hashing those was a quarter of
// the audit's time.
//
// SHA-1 reads its input in blocks of 64 bytes, in order: its state after
// a prefix depends on that prefix alone. A check therefore keeps the state
// every markEvery bytes (its marks), and the check of another object of
// the same type and size (so with the same "<type> <size>\0" header)
// starts from the last mark within the prefix the two share, which a
// byte comparison finds at a tenth of the cost of hashing it.
//
// Collision detection stays whole: sha1dc judges each block by the state
// before it and the block itself, nothing else. The blocks skipped are
// the same bytes from the same state as blocks already judged clean (an
// object's marks are kept only when its check found no collision and
// matched its name), so they would be judged clean again; every block
// after the mark is hashed and judged as usual.

// markEvery is the interval between marks, in bytes of the hashed stream:
// a mark is 20 bytes, and a check hashes on average half of it again.
const markEvery = 1024

// stateSize is SHA-1's state: five 32-bit words.
const stateSize = 20

// marshaled is sha1cd's serialized state, as MarshalBinary writes it: a
// 6-byte magic, the state, the block buffer and the length. Marks are
// taken at block boundaries (the buffer is empty), so the state and the
// length are all that is kept. The layout is checked once; should a
// version of sha1cd change it, checks hash everything (markOK false).
var (
	marshalMagic []byte
	markOK       bool
)

const (
	magicLen      = 6
	marshaledSize = magicLen + stateSize + 64 + 8
)

func init() {
	d := sha1cd.New()
	b, err := d.(encoding.BinaryMarshaler).MarshalBinary()
	if err != nil || len(b) != marshaledSize || binary.BigEndian.Uint32(b[magicLen:]) != 0x67452301 {
		return
	}
	marshalMagic = b[:magicLen:magicLen]
	// A round trip through a mark must give the hash of the whole.
	data := make([]byte, 256)
	for i := range data {
		data[i] = byte(i * 7)
	}
	want, _ := sha1cd.Sum(data)
	d.Write(data[:128])
	st, _ := d.(encoding.BinaryMarshaler).MarshalBinary()
	e := sha1cd.New()
	markOK = true
	if !restore(e, st[magicLen:magicLen+stateSize], 128) {
		markOK = false
		return
	}
	e.Write(data[128:])
	got, _ := e.(sha1cd.CollisionResistantHash).CollisionResistantSum(nil)
	markOK = string(got) == string(want[:])
}

// restore sets a hasher to the state a mark holds, after n bytes.
func restore(d hash.Hash, state []byte, n int) bool {
	var b [marshaledSize]byte
	copy(b[:], marshalMagic)
	copy(b[magicLen:], state)
	binary.BigEndian.PutUint64(b[marshaledSize-8:], uint64(n))
	return d.(encoding.BinaryUnmarshaler).UnmarshalBinary(b[:]) == nil
}

// objectHeader is git's "<type> <size>\0".
func objectHeader(buf []byte, t plumbing.ObjectType, size int) []byte {
	b := append(buf[:0], t.Bytes()...)
	b = append(b, ' ')
	b = strconv.AppendInt(b, int64(size), 10)
	return append(b, 0)
}

// markedSum hashes head and content with collision detection, as
// objectHash does, and returns the state every `every` bytes of the
// stream (a multiple of 64). ref and refMarks are another content of the
// same length, behind the same head, and the marks a markedSum of it
// returned without a collision (or nil): the blocks that the longest
// mark within their shared prefix covers are not hashed again. No marks
// are returned when a collision was met.
func markedSum(head, content, ref, refMarks []byte, every int) (sum plumbing.Hash, collision bool, marks []byte) {
	d := hashers.Get().(hash.Hash)
	defer hashers.Put(d)
	d.Reset()
	total := len(head) + len(content)
	if !markOK || every <= len(head) || every%64 != 0 {
		d.Write(head)
		d.Write(content)
		s, col := d.(sha1cd.CollisionResistantHash).CollisionResistantSum(sum[:0])
		copy(sum[:], s)
		return sum, col, nil
	}
	marks = make([]byte, 0, total/every*stateSize)
	pos := 0 // bytes of the stream hashed
	if len(ref) == len(content) && len(refMarks) > 0 {
		n := len(head) + commonPrefix(content, ref)
		if k := min(n/every, len(refMarks)/stateSize); k > 0 && restore(d, refMarks[(k-1)*stateSize:k*stateSize], k*every) {
			marks = append(marks, refMarks[:k*stateSize]...)
			pos = k * every
		} else {
			d.Reset()
		}
	}
	if pos == 0 {
		d.Write(head)
		pos = len(head)
	}
	for next := (pos/every + 1) * every; next <= total; next += every {
		d.Write(content[pos-len(head) : next-len(head)])
		pos = next
		st, err := d.(encoding.BinaryMarshaler).MarshalBinary()
		if err != nil || len(st) != marshaledSize {
			marks = nil
			break
		}
		marks = append(marks, st[magicLen:magicLen+stateSize]...)
	}
	d.Write(content[pos-len(head):])
	s, col := d.(sha1cd.CollisionResistantHash).CollisionResistantSum(sum[:0])
	copy(sum[:], s)
	if col {
		marks = nil
	}
	return sum, col, marks
}

package history

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"hash"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"sync"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/klauspost/compress/zlib"
	"github.com/pjbgf/sha1cd"
)

// loose reads a loose object (objects/xx/yyyy…: zlib of "<type> <size>\0"
// and the content), charging its size to left before allocating it, and
// checks it against its name. It returns errNotPacked when there is no
// such file.
func (ps *packs) loose(h plumbing.Hash, left *int64) (*packed, error) {
	if ps.objects == "" {
		return nil, errNotPacked
	}
	hex := h.String()
	name := filepath.Join(ps.objects, hex[:2], hex[2:])
	f, err := os.Open(name)
	if errors.Is(err, os.ErrNotExist) {
		return nil, errNotPacked
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	o, err := ps.readLoose(f, h, left)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return o, nil
}

func (ps *packs) readLoose(f *os.File, h plumbing.Hash, left *int64) (*packed, error) {
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	zr, err := zlib.NewReader(bufio.NewReader(f))
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrCorrupt, err)
	}
	br := bufio.NewReaderSize(zr, 64)
	head, err := br.ReadSlice(0)
	if err != nil {
		return nil, fmt.Errorf("%w: no object header", ErrCorrupt)
	}
	typ, size, ok := parseLooseHeader(head[:len(head)-1])
	if !ok {
		return nil, fmt.Errorf("%w: malformed object header %q", ErrCorrupt, head)
	}
	if size/1032 > fi.Size() { // deflate expands at most about 1032:1
		return nil, fmt.Errorf("%w: %d bytes claimed by %d bytes of data", ErrCorrupt, size, fi.Size())
	}
	if err := ps.charge(left, size); err != nil {
		return nil, err
	}
	data := make([]byte, size)
	if _, err := io.ReadFull(br, data); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrCorrupt, err)
	}
	if n, _ := br.Read(make([]byte, 1)); n > 0 {
		return nil, fmt.Errorf("%w: more data than its header says", ErrCorrupt)
	}
	marks, err := checkHashFrom(typ, data, h, nil, nil)
	if err != nil {
		return nil, err
	}
	return &packed{typ: typ, data: data, sum: h, marks: marks}, nil
}

// parseLooseHeader reads "<type> <size>".
func parseLooseHeader(b []byte) (plumbing.ObjectType, int64, bool) {
	t, n, ok := bytes.Cut(b, []byte{' '})
	if !ok {
		return 0, 0, false
	}
	typ, err := plumbing.ParseObjectType(string(t))
	if err != nil || typ < plumbing.CommitObject || typ > plumbing.TagObject {
		return 0, 0, false
	}
	size, err := strconv.ParseInt(string(n), 10, 64)
	if err != nil || size < 0 || (len(n) > 1 && n[0] == '0') {
		return 0, 0, false
	}
	return typ, size, true
}

// hashers keeps SHA-1 hashers with collision detection (git's sha1dc,
// here as go-git's sha1cd) for reuse.
var hashers = sync.Pool{New: func() any { return sha1cd.New() }}

// checkHash checks that content of type t is the object h: the SHA-1 of
// "<type> <size>\0" and the content, computed with collision detection.
func checkHash(t plumbing.ObjectType, content []byte, h plumbing.Hash) error {
	_, err := checkHashFrom(t, content, h, nil, nil)
	return err
}

// checkHashFrom is checkHash starting from the marks of ref, the content
// of another object of type t that a check passed (sum.go). It returns
// the marks of this check.
func checkHashFrom(t plumbing.ObjectType, content []byte, h plumbing.Hash, ref, refMarks []byte) ([]byte, error) {
	var head [32]byte
	sum, collision, marks := markedSum(objectHeader(head[:0], t, len(content)), content, ref, refMarks, markEvery)
	if collision {
		return nil, fmt.Errorf("%w: %s %s carries a SHA-1 collision attack", ErrCorrupt, t, h)
	}
	if sum != h {
		return nil, fmt.Errorf("%w: %s %s has the content of %s", ErrCorrupt, t, h, sum)
	}
	return marks, nil
}

// objectHash is git's name for an object, and whether computing it met
// a collision attack.
func objectHash(t plumbing.ObjectType, content []byte) (plumbing.Hash, bool) {
	d := hashers.Get().(hash.Hash)
	defer hashers.Put(d)
	d.Reset()
	var head [32]byte
	d.Write(objectHeader(head[:0], t, len(content)))
	d.Write(content)
	var h plumbing.Hash
	sum, collision := d.(sha1cd.CollisionResistantHash).CollisionResistantSum(h[:0])
	copy(h[:], sum)
	return h, collision
}

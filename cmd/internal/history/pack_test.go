package history

import (
	"bytes"
	"testing"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/format/packfile"
	"github.com/go-git/go-git/v5/plumbing/object"
)

// FuzzPatch checks the delta patcher against go-git's: the same result
// or both refusing, and no panic on any input.
func FuzzPatch(f *testing.F) {
	base := []byte("the quick brown fox jumps over the lazy dog")
	target := []byte("the quick red fox jumps over the lazy dog, twice")
	f.Add(base, packfile.DiffDelta(base, target))
	f.Add(base, []byte{0x2b, 0x05, 0x90, 0x05})
	// More pieces than patch joins: appended one by one instead.
	many := []byte{0x2b, 0xc8, 0x01} // 43 bytes to 200
	for i := range 100 {
		many = append(many, 0x91, byte(i%40), 1, 1, 'x') // a byte of base, one inserted
	}
	f.Add(base, many)
	f.Fuzz(func(t *testing.T, base, delta []byte) {
		got, err := patch(base, delta, 1<<20)
		if len(base) == 0 {
			return // go-git refuses an empty base outright
		}
		want, werr := packfile.PatchDelta(base, delta)
		if err == nil && werr == nil && !bytes.Equal(got, want) {
			t.Errorf("patch = %q, go-git %q", got, want)
		}
		if err == nil && werr != nil {
			t.Errorf("patch accepts a delta go-git refuses (%v): %q", werr, got)
		}
	})
}

// FuzzParseCommit checks the light commit parser against go-git's decoder.
func FuzzParseCommit(f *testing.F) {
	f.Add([]byte("tree 4b825dc642cb6eb9a060e54bf8d69288fbee4904\nparent 4b825dc642cb6eb9a060e54bf8d69288fbee4904\nauthor Dana <dana@x.example> 1700000000 +0100\ncommitter Dana <dana@x.example> 1700000000 +0100\n\nmsg\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		tree, parents, who, err := parseCommit(plumbing.ZeroHash, b)
		if err != nil {
			return
		}
		var c object.Commit
		o := &plumbing.MemoryObject{}
		o.SetType(plumbing.CommitObject)
		o.Write(b)
		if c.Decode(o) != nil {
			return
		}
		if c.TreeHash != tree || len(c.ParentHashes) != len(parents) || c.Author.Email != who.Email {
			t.Errorf("parsed tree %s parents %v author %q; go-git %s %v %q", tree, parents, who.Email, c.TreeHash, c.ParentHashes, c.Author.Email)
		}
	})
}

// FuzzTreeEntries: the raw tree parser and the skip over shared entries
// never panic, and skipping keeps both sides at one entry boundary.
func FuzzTreeEntries(f *testing.F) {
	e := func(mode, name string, h byte) []byte {
		return append([]byte(mode+" "+name+"\x00"), bytes.Repeat([]byte{h}, 20)...)
	}
	a := bytes.Join([][]byte{e("100644", "a.toml", 1), e("40000", "b", 2), e("100644", "c.toml", 3)}, nil)
	b := bytes.Join([][]byte{e("100644", "a.toml", 1), e("40000", "b", 9), e("100644", "c.toml", 3)}, nil)
	f.Add(a, b)
	f.Fuzz(func(t *testing.T, a, b []byte) {
		for rest := a; len(rest) > 0; {
			var err error
			if _, rest, err = next(rest); err != nil {
				break
			}
		}
		n := commonPrefix(a, b)
		if n > min(len(a), len(b)) || !bytes.Equal(a[:n], b[:n]) || n < min(len(a), len(b)) && a[n] == b[n] {
			t.Errorf("commonPrefix(%q, %q) = %d", a, b, n)
		}
		ra, rb := skipEqual(a, b, n)
		if len(a)-len(ra) != len(b)-len(rb) || !bytes.Equal(a[:len(a)-len(ra)], b[:len(b)-len(rb)]) {
			t.Errorf("skipEqual dropped different prefixes")
		}
	})
}

// commonPrefix finds the first difference wherever it falls: in a long
// run, a word or the last bytes.
func TestCommonPrefix(t *testing.T) {
	a := make([]byte, 1100)
	for i := range a {
		a[i] = byte(i * 31)
	}
	for _, n := range []int{0, 1, 7, 8, 9, 255, 256, 257, 511, 512, 600, 1023, 1099, 1100} {
		b := bytes.Clone(a)
		if n < len(b) {
			b[n] ^= 0x40
		}
		if got := commonPrefix(a, b); got != n {
			t.Errorf("difference at %d: commonPrefix = %d", n, got)
		}
		if got := commonPrefix(a[:n], b); got != n {
			t.Errorf("prefix of %d: commonPrefix = %d", n, got)
		}
	}
}

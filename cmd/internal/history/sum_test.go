package history

import (
	"bytes"
	"crypto/sha1"
	"errors"
	"math/rand/v2"
	"os"
	"testing"

	"github.com/go-git/go-git/v5/plumbing"
)

func TestMarksLayout(t *testing.T) {
	if !markOK {
		t.Fatal("sha1cd's state layout is not the one sum.go reads: every check hashes everything")
	}
}

// A check that starts from a reference's marks gives the hash, the
// collision verdict and the marks of a check from scratch, whatever the
// two contents share: differential against crypto/sha1.
func TestMarkedSumMatchesSHA1(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	head := []byte("tree 5000\x00")
	for _, every := range []int{64, 128, 1024} {
		for range 200 {
			n := rng.IntN(5000)
			ref := make([]byte, n)
			for i := range ref {
				ref[i] = byte(rng.IntN(256))
			}
			content := bytes.Clone(ref)
			if n > 0 {
				for range rng.IntN(3) + 1 {
					content[rng.IntN(n)] ^= byte(1 + rng.IntN(255))
				}
			}
			_, col, refMarks := markedSum(head, ref, nil, nil, every)
			if col {
				t.Fatal("collision in random data")
			}
			if want := (len(head) + n) / every * stateSize; len(refMarks) != want {
				t.Fatalf("%d bytes of marks for %d bytes every %d, want %d", len(refMarks), len(head)+n, every, want)
			}
			got, col, marks := markedSum(head, content, ref, refMarks, every)
			want := sha1.Sum(append(bytes.Clone(head), content...))
			if col || got != plumbing.Hash(want) {
				t.Fatalf("every %d, %d bytes: sum %s, %v; want %x", every, n, got, col, want)
			}
			if _, _, fresh := markedSum(head, content, nil, nil, every); !bytes.Equal(marks, fresh) {
				t.Fatalf("every %d, %d bytes: marks from a reference differ from fresh ones", every, n)
			}
		}
	}
}

// A reference of another length, or without marks, is not used.
func TestMarkedSumIgnoresUnfitReference(t *testing.T) {
	head := []byte("blob 3000\x00")
	content := bytes.Repeat([]byte("a"), 3000)
	_, _, marks := markedSum(head, content, nil, nil, 64)
	other := bytes.Repeat([]byte("a"), 3001)
	_, _, otherMarks := markedSum([]byte("blob 3001\x00"), other, nil, nil, 64)
	want := sha1.Sum(append(bytes.Clone(head), content...))
	for name, c := range map[string]struct{ ref, marks []byte }{
		"longer": {other, otherMarks},
		"none":   {content, nil},
		"short":  {content, marks[:stateSize]},
	} {
		if got, _, _ := markedSum(head, content, c.ref, c.marks, 64); got != plumbing.Hash(want) {
			t.Errorf("%s: %s, want %x", name, got, want)
		}
	}
}

// Collision detection survives the marks: a SHAttered collision whose
// colliding blocks (bytes 192 to 320 of shattered-1.pdf) follow the
// prefix a clean reference shares is still found, with a mark inside the
// shared prefix (every 64 bytes) and with the package's interval; and a
// content that carries the collision leaves no marks to start from.
func TestMarkedSumFindsCollisionAfterMark(t *testing.T) {
	b, err := os.ReadFile("testdata/shattered-1.prefix")
	if err != nil {
		t.Fatal(err)
	}
	content := append(bytes.Clone(b), bytes.Repeat([]byte{'x'}, 4096)...)
	clean := bytes.Clone(content)
	clean[300] ^= 1 // inside the second colliding block
	for _, every := range []int{64, markEvery} {
		_, col, refMarks := markedSum(nil, clean, nil, nil, every)
		if col || len(refMarks) == 0 {
			t.Fatalf("every %d: the reference is not clean (%v) or has no marks", every, col)
		}
		if every == 64 && commonPrefix(content, clean)/every < 3 {
			t.Fatal("the test means the check to start after 3 blocks")
		}
		if _, col, marks := markedSum(nil, content, clean, refMarks, every); !col || marks != nil {
			t.Errorf("every %d: collision %v, %d bytes of marks; want the collision, no marks", every, col, len(marks))
		}
		if _, col, _ := markedSum(nil, content, nil, nil, every); !col {
			t.Errorf("every %d: the collision is not found from scratch", every)
		}
	}
}

// The object check through a reference refuses a tampered object: the
// content of one tree checked against the name of its neighbour, which
// shares most of its bytes (and the marks over them).
func TestCheckHashFromRefusesTampered(t *testing.T) {
	a := bytes.Repeat([]byte("100644 person.toml\x00aaaaaaaaaaaaaaaaaaaa"), 200)
	b := bytes.Clone(a)
	b[len(b)-3] = 'b'
	ha, _ := objectHash(plumbing.TreeObject, a)
	hb, _ := objectHash(plumbing.TreeObject, b)
	marks, err := checkHashFrom(plumbing.TreeObject, a, ha, nil, nil)
	if err != nil || len(marks) == 0 {
		t.Fatalf("a: %v, %d bytes of marks", err, len(marks))
	}
	if _, err := checkHashFrom(plumbing.TreeObject, b, hb, a, marks); err != nil {
		t.Errorf("b from a's marks: %v", err)
	}
	if _, err := checkHashFrom(plumbing.TreeObject, b, ha, a, marks); !errors.Is(err, ErrCorrupt) {
		t.Errorf("b named as a, from a's marks: %v, want ErrCorrupt", err)
	}
	if _, err := checkHashFrom(plumbing.TreeObject, a, hb, b, marks); !errors.Is(err, ErrCorrupt) {
		t.Errorf("a named as b: %v, want ErrCorrupt", err)
	}
}

package gitindex

import (
	"bytes"
	"fmt"
	"testing"
	"time"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/format/index"
)

// bigIndex is the index of a program of 10,000 partners of 10 people
// each, as go-git's encoder writes it.
func bigIndex(b *testing.B) []byte {
	idx := &index.Index{Version: 2}
	at := time.Unix(1_700_000_000, 5)
	for p := range 10_000 {
		name := fmt.Sprintf("partners/partner-%05d/", p)
		idx.Entries = append(idx.Entries, &index.Entry{Name: name + "partner.md", Mode: filemode.Regular, Size: 900, CreatedAt: at, ModifiedAt: at, Hash: plumbing.Hash{byte(p)}})
		for i := range 10 {
			idx.Entries = append(idx.Entries, &index.Entry{Name: fmt.Sprintf("%speople/person-%02d.toml", name, i), Mode: filemode.Regular, Size: 400, CreatedAt: at, ModifiedAt: at, Hash: plumbing.Hash{byte(i)}})
		}
	}
	var buf bytes.Buffer
	if err := index.NewEncoder(&buf).Encode(idx); err != nil {
		b.Fatal(err)
	}
	return buf.Bytes()
}

// BenchmarkParse reads the index of 110,000 files with Parse and, in the
// same run, with go-git's decoder.
func BenchmarkParse(b *testing.B) {
	data := bigIndex(b)
	b.Run("gitindex", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		for b.Loop() {
			if _, err := Parse(data); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("go-git", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		for b.Loop() {
			if _, err := goGit(data); err != nil {
				b.Fatal(err)
			}
		}
	})
}

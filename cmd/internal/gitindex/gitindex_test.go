package gitindex

import (
	"bytes"
	"crypto/sha1"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/go-git/go-git/v5/plumbing/format/index"
)

// The fixtures are indexes git 2.39 wrote: v2 after a commit (with its
// TREE extension); v3 with an assumed-unchanged, a skip-worktree and an
// intent-to-add entry, a path of over 4,095 bytes and a conflict's three
// stages; v4, the same with its paths prefix-compressed; split, the same
// as a split index (its "link" extension).
func fixture(t testing.TB, name string) []byte {
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// goGit decodes data with go-git's decoder, the reference: the entries it
// decoded, and its error.
func goGit(data []byte) ([]*index.Entry, error) {
	var idx index.Index
	err := index.NewDecoder(bytes.NewReader(data)).Decode(&idx)
	return idx.Entries, err
}

// same reports how ours differs from go-git's entries, or "".
func same(ours []Entry, theirs []*index.Entry) string {
	if len(ours) != len(theirs) {
		return fmt.Sprintf("%d entries, go-git %d", len(ours), len(theirs))
	}
	at := func(t time.Time) time.Time {
		if t.IsZero() {
			return time.Unix(0, 0)
		}
		return t
	}
	for i, g := range theirs {
		o := ours[i]
		want := Entry{Name: g.Name, Ctime: at(g.CreatedAt), Mtime: at(g.ModifiedAt), Dev: g.Dev, Ino: g.Inode,
			Mode: uint32(g.Mode), UID: g.UID, GID: g.GID, Size: g.Size, Blob: g.Hash, Stage: int(g.Stage),
			AssumeValid: o.AssumeValid, SkipWorktree: g.SkipWorktree, IntentToAdd: g.IntentToAdd}
		if !o.Ctime.Equal(want.Ctime) || !o.Mtime.Equal(want.Mtime) {
			return fmt.Sprintf("entry %d (%s): times %v %v, go-git %v %v", i, o.Name, o.Ctime, o.Mtime, want.Ctime, want.Mtime)
		}
		o.Ctime, o.Mtime = want.Ctime, want.Mtime
		if o != want {
			return fmt.Sprintf("entry %d:\n ours   %+v\n go-git %+v", i, o, want)
		}
	}
	return ""
}

func TestParseMatchesGoGit(t *testing.T) {
	for _, name := range []string{"v2.index", "v3.index", "v4.index"} {
		t.Run(name, func(t *testing.T) {
			data := fixture(t, name)
			ours, err := Parse(data)
			if err != nil {
				t.Fatal(err)
			}
			theirs, err := goGit(data)
			if err != nil {
				t.Fatal(err)
			}
			if d := same(ours, theirs); d != "" {
				t.Fatal(d)
			}
		})
	}
	// What the fixtures hold, so that the comparison above covers it.
	es, _ := Parse(fixture(t, "v4.index"))
	var long, stages, skip, ita, assume bool
	for _, e := range es {
		long = long || len(e.Name) > flagNameMask
		stages = stages || e.Stage == 3
		skip = skip || e.SkipWorktree
		ita = ita || e.IntentToAdd
		assume = assume || e.AssumeValid
	}
	if !long || !stages || !skip || !ita || !assume {
		t.Errorf("the v4 fixture lacks a case: long path %v, stages %v, skip-worktree %v, intent-to-add %v, assume-valid %v", long, stages, skip, ita, assume)
	}
}

// withSum replaces data's trailing checksum with the right one.
func withSum(data []byte) []byte {
	if len(data) < sha1.Size {
		return data
	}
	b := append([]byte(nil), data...)
	sum := sha1.Sum(b[:len(b)-sha1.Size])
	copy(b[len(b)-sha1.Size:], sum[:])
	return b
}

func TestParseRefuses(t *testing.T) {
	v2 := fixture(t, "v2.index")
	flip := func(data []byte, at int) []byte {
		b := append([]byte(nil), data...)
		b[at] ^= 1
		return b
	}
	zeroSum := append([]byte(nil), v2...)
	clear(zeroSum[len(zeroSum)-sha1.Size:])
	version := func(v byte) []byte {
		b := append([]byte(nil), v2...)
		b[7] = v
		return withSum(b)
	}
	for _, tc := range []struct {
		name string
		data []byte
	}{
		{"split index", fixture(t, "split.index")},
		{"a byte changed", flip(v2, 100)},
		{"the checksum changed", flip(v2, len(v2)-1)},
		{"index.skipHash's zero checksum", zeroSum},
		{"version 1", version(1)},
		{"version 5", version(5)},
		{"truncated", withSum(v2[:200])},
		{"empty", nil},
		{"a NUL of padding made a letter", withSum(flip(v2, 12+62+len("partners/acme/partner.md")+1))},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if es, err := Parse(tc.data); err == nil {
				t.Fatalf("parsed %d entries, want an error", len(es))
			}
		})
	}
}

// FuzzParse holds Parse to go-git's decoder: whatever Parse accepts,
// go-git decodes to the same entries (it may still refuse an extension
// that Parse skips unread). The checksum is made right first, so that the
// fuzzer reaches the entries.
func FuzzParse(f *testing.F) {
	for _, name := range []string{"v2.index", "v3.index", "v4.index", "split.index"} {
		f.Add(fixture(f, name))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		data = withSum(data)
		ours, err := Parse(data)
		if err != nil {
			return
		}
		theirs, _ := goGit(data)
		if d := same(ours, theirs); d != "" {
			t.Fatal(d)
		}
	})
}

// FuzzConvertingConfig: any config file is read without a panic, and
// whatever it includes is a path to follow.
func FuzzConvertingConfig(f *testing.F) {
	f.Add([]byte("[core]\n\tautocrlf = input\n"))
	f.Add([]byte("[includeIf \"gitdir:~/w/\"]\n\tpath = ~/w.gitconfig\n[core] attributesFile = x\n"))
	f.Add([]byte("[include]\npath = \"a b\"\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		why, includes := convertingConfig(data)
		if why != "" && includes != nil {
			t.Fatalf("a reason (%s) and includes %q", why, includes)
		}
		for _, inc := range includes {
			if inc == "" || strings.ContainsAny(inc, "#;\"\\") {
				t.Fatalf("include %q followed", inc)
			}
		}
	})
}

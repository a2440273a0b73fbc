package history

import (
	"cmp"
	"crypto/sha1"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/go-git/go-git/v5/plumbing"
)

// TestLeanDiffAgrees: a lean read made from what is cached of a diff
// (its base, leanDiff) and the files its keep asks for is the lean read
// of the whole diff, event for event, for thousands of
// random diffs of people files: credentials added, removed, moved
// between files and people, written twice, with and without ids, their
// keys changed with "@" unchanged, and random keeps. The base goes
// through the cache file first, made from a read for another keep, as
// an earlier audit keeps it. Text events' roles are the base's
// (leanDiff.with says why); every other event's role must agree.
func TestLeanDiffAgrees(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	cache := filepath.Join(t.TempDir(), "audit")
	for n := range 3000 {
		files, from, to := randomDiff(rng)
		keep := randomKeep(rng, files)
		read := func(only map[string]bool, k *leanKeys) []event {
			var f, t [][]value
			for i, name := range files {
				if only == nil || only[name] {
					f = append(f, blobOf(name, from[i], k))
					t = append(t, blobOf(name, to[i], k))
				}
			}
			return diffValues(map[string]value{}, map[string]value{}, f, t, k)
		}
		want := read(nil, keep)

		// The base as an audit keeps it: from a read of the whole diff
		// for the keep of another history.
		other := randomKeep(rng, files)
		other.index = map[string][]string{}
		c := openEventCache(cache, []byte("test"))
		c.putLean(plumbing.ZeroHash, plumbing.Hash{1}, leanBase(read(nil, other), other.index))
		if err := c.save(); err != nil {
			t.Fatal(err)
		}
		ld, ok := openEventCache(cache, []byte("test")).getLean(plumbing.ZeroHash, plumbing.Hash{1})
		if !ok {
			t.Fatal("the lean diff was not kept")
		}
		need := ld.need(keep)
		got := ld.with(read(need, keep))

		byKey := func(a, b event) int { return cmp.Compare(a.key, b.key) }
		for _, evs := range [][]event{want, got} {
			slices.SortFunc(evs, byKey)
			for i := range evs {
				if evs[i].key[0] == 't' {
					evs[i].role = 0
				}
			}
		}
		if !slices.Equal(got, want) {
			var diff strings.Builder
			for i, name := range files {
				fmt.Fprintf(&diff, "--- %s before\n%s--- after\n%s", name, from[i], to[i])
			}
			t.Fatalf("diff %d, keep %v, reading %v:\n%s\ngot\n%s\nwant\n%s", n, keep, need, diff.String(), eventLines(got), eventLines(want))
		}
	}
}

// randomKeep keeps some of files whole, and some credentials, among
// them one in no file and a file the diff does not change.
func randomKeep(rng *rand.Rand, files []string) *leanKeys {
	keep := &leanKeys{files: map[string]bool{}, creds: map[string]bool{}}
	for _, f := range files {
		if rng.IntN(4) == 0 {
			keep.files[f] = true
		}
	}
	for i := range 9 { // C8 is in no file
		if rng.IntN(4) == 0 {
			keep.creds[fmt.Sprintf("C%d", i)] = true
		}
	}
	if rng.IntN(4) == 0 { // a file a judged commit changes, this diff not
		keep.files["partners/c/people/zed.toml"] = true
	}
	return keep
}

// blobOf is the keys of one side of a changed file ("" when absent).
func blobOf(name, text string, keep *leanKeys) []value {
	if text == "" {
		return nil
	}
	return valuesOf(name, []byte(text), false, fmt.Sprintf("%x", sha1.Sum([]byte(text))), keep)
}

// randomDiff makes two versions of a few people files (and a partner
// file) that differ; "" is a file that is not there.
func randomDiff(rng *rand.Rand) (files, from, to []string) {
	names := []string{"partners/a/partner.toml", "partners/a/people/ann.toml", "partners/a/people/bob.toml", "partners/b/people/cy.toml", "partners/b/people/dee.toml"}
	for _, name := range names {
		if rng.IntN(3) == 0 {
			continue // unchanged
		}
		a, b := randomFile(rng, name), randomFile(rng, name)
		if rng.IntN(3) == 0 {
			b = mutate(rng, a)
		}
		if a == b {
			continue
		}
		files, from, to = append(files, name), append(from, a), append(to, b)
	}
	return files, from, to
}

// randomFile is a version of a file: a partner's keys, or a person with
// certification records drawn from eight ids, some written twice, some
// with no id or two.
func randomFile(rng *rand.Rand, name string) string {
	if rng.IntN(6) == 0 {
		return ""
	}
	if !strings.Contains(name, "/people/") {
		return fmt.Sprintf("name = %q\ntier = %q\n", []string{"A", "B"}[rng.IntN(2)], []string{"gold", "silver"}[rng.IntN(2)])
	}
	var b strings.Builder
	fmt.Fprintf(&b, "name = %q\nemail = \"x%d@example.com\"\n", []string{"Ann", "Bob"}[rng.IntN(2)], rng.IntN(2))
	for range rng.IntN(4) {
		b.WriteString("\n[[certifications]]\n")
		switch rng.IntN(8) {
		case 0: // no id
		case 1:
			fmt.Fprintf(&b, "id = \"C%d\"\nID = \"C%d\"\n", rng.IntN(8), rng.IntN(8))
		default:
			fmt.Fprintf(&b, "id = \"C%d\"\n", rng.IntN(8))
		}
		for _, sub := range []string{"track", "issued", "expires", "revoked", "waive", "level"} {
			if rng.IntN(2) == 0 {
				fmt.Fprintf(&b, "%s = \"%d\"\n", sub, rng.IntN(2))
			}
		}
	}
	return b.String()
}

// mutate changes one value of a file, or nothing: a diff whose "@" keys
// stay as they were.
func mutate(rng *rand.Rand, text string) string {
	lines := strings.Split(text, "\n")
	for range 3 {
		i := rng.IntN(len(lines))
		if k, v, ok := strings.Cut(lines[i], " = "); ok && !strings.EqualFold(k, "id") {
			lines[i] = k + " = " + v + "0"
		}
	}
	return strings.Join(lines, "\n")
}

func eventLines(evs []event) string {
	var b strings.Builder
	for _, e := range evs {
		fmt.Fprintf(&b, "  %q = %q gone %v role %v file %s from %s\n", e.key, e.val, e.gone, e.role, e.file, e.from)
	}
	return b.String()
}

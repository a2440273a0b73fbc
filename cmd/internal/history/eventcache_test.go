package history

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/go-git/go-git/v5/plumbing"
)

// sampleCache is a cache of two diffs as an audit keeps them: a grant,
// a move and a removal.
func sampleCache(path string) *eventCache {
	c := openEventCache(path, []byte("test"))
	c.put(plumbing.ZeroHash, plumbing.Hash{1}, []event{
		{key: "c\x00ACME-1\x00@", val: "partners/acme/people/ann.toml", role: roleGrants, file: "partners/acme/people/ann.toml"},
		{key: "t\x00partners/acme/people/ann.toml", val: "abc", role: roleGrants, file: "partners/acme/people/ann.toml"},
	})
	c.put(plumbing.Hash{1}, plumbing.Hash{2}, []event{
		{key: "c\x00ACME-1\x00@", val: "x", role: roleGrants, file: "partners/acme/people/bob.toml", from: "partners/acme/people/ann.toml"},
		{key: "k\x00programs/program.toml\x00program.name", gone: true, role: roleProgram, file: "programs/program.toml"},
	})
	c.putLean(plumbing.Hash{2}, plumbing.Hash{3}, &leanDiff{
		evs: []event{
			{key: "c\x00ACME-2\x00@", val: "partners/acme/people/cy.toml", role: roleGrants, file: "partners/acme/people/cy.toml"},
			{key: "c\x00ACME-1\x00revoked", val: "2025-01-02", role: roleGrants, file: "partners/acme/people/bob.toml"},
			{key: "t\x00partners/acme/people/bob.toml", val: "def", role: roleGrants | rolePartners, file: "partners/acme/people/bob.toml"},
		},
		creds: map[string][]string{"ACME-1": {"partners/acme/people/bob.toml"}, "ACME-3": {"partners/acme/people/dee.toml", "partners/acme/people/cy.toml"}},
	})
	return c
}

// TestEventCacheRoundTrip: what save writes, open reads back; another
// build's file (salt) is empty.
func TestEventCacheRoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "audit")
	c := sampleCache(path)
	if err := c.save(); err != nil {
		t.Fatal(err)
	}
	back := openEventCache(path, []byte("test"))
	if !reflect.DeepEqual(back.old, c.new) {
		t.Errorf("read back\n%+v\nwant\n%+v", back.old, c.new)
	}
	if !reflect.DeepEqual(back.leanOld, c.leanNew) {
		t.Errorf("lean diffs read back\n%+v\nwant\n%+v", back.leanOld, c.leanNew)
	}
	if other := openEventCache(path, []byte("another build")); len(other.old) != 0 {
		t.Errorf("another build's cache gave %d diffs", len(other.old))
	}
	// A diff too large to keep is not kept.
	c.put(plumbing.Hash{2}, plumbing.Hash{3}, make([]event, maxCachedEvents+1))
	if _, ok := c.new[treePair{plumbing.Hash{2}, plumbing.Hash{3}}]; ok {
		t.Error("a diff of more than maxCachedEvents events was kept")
	}
}

// FuzzEventCache: whatever the file holds, reading it does not fail, and
// every event it gives has a key and a file, as every diff's has.
func FuzzEventCache(f *testing.F) {
	seed := filepath.Join(f.TempDir(), "seed")
	if err := sampleCache(seed).save(); err != nil {
		f.Fatal(err)
	}
	b, err := os.ReadFile(seed)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(string(b))
	f.Fuzz(func(t *testing.T, text string) {
		old, lean, ok := parseEventCache(text, []byte("test"))
		if !ok && (old != nil || lean != nil) {
			t.Fatal("a refused file gave diffs")
		}
		check := func(k treePair, evs []event) {
			for _, e := range evs {
				if e.key == "" || e.file == "" {
					t.Fatalf("diff %v: event %+v", k, e)
				}
			}
		}
		for k, evs := range old {
			check(k, evs)
		}
		for k, ld := range lean {
			check(k, ld.evs)
			for id, in := range ld.creds {
				for _, f := range in {
					if f == "" {
						t.Fatalf("lean diff %v: credential %s in no file", k, id)
					}
				}
			}
		}
	})
}

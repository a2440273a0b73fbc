package publish_test

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	prog "github.com/accredit/accredit/cmd/internal/program"
	"github.com/accredit/accredit/cmd/internal/publish"
	"github.com/accredit/accredit/cmd/internal/site"
)

// rawFiles returns the bytes of every file below dir by /-separated
// path.
func rawFiles(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		data, err := os.ReadFile(p)
		out[filepath.ToSlash(rel)] = data
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestParts: a build split into M parts (--shard K/M) writes M folders
// whose files are disjoint but for the marker, with every file that is
// neither a shard nor a partner's in job 0's only, and which together
// are, byte for byte, the site of one build; the signed credentials'
// shards follow theirs, and each part writes its share of the partners.
// A part of a build in pages mode is refused.
func TestParts(t *testing.T) {
	const day = "2026-11-22"
	st, theme := exampleSite(t, prog.VerifyShards, day)
	extra := func() (map[string][]byte, error) {
		return map[string][]byte{"search/index.json": []byte("{}")}, nil
	}
	opts := func(p publish.Part) publish.Options {
		return publish.Options{Part: p, Signed: fakeSigned, Extra: extra}
	}
	whole := filepath.Join(t.TempDir(), "whole")
	if _, err := publish.WriteWith(st, theme, whole, opts(publish.Part{})); err != nil {
		t.Fatal(err)
	}
	want := rawFiles(t, whole)
	for _, m := range []int{1, 3, 8} {
		got := map[string][]byte{}
		for k := range m {
			out := filepath.Join(t.TempDir(), "part")
			if _, err := publish.WriteWith(st, theme, out, opts(publish.Part{K: k, M: m})); err != nil {
				t.Fatalf("part %d/%d: %v", k, m, err)
			}
			shards, partners := 0, 0
			for name, data := range rawFiles(t, out) {
				isShard := strings.HasPrefix(name, site.ShardDir) || strings.HasPrefix(name, site.OB3ShardDir)
				isPartner := strings.HasPrefix(name, "partners/")
				if isShard {
					shards++
				}
				if isPartner && strings.HasSuffix(name, "/index.html") {
					partners++
				}
				switch {
				case name == publish.Marker:
				case k != 0 && !isShard && !isPartner:
					t.Errorf("part %d/%d writes %s, which is neither a shard nor a partner's", k, m, name)
				case got[name] != nil:
					t.Errorf("part %d/%d writes %s again", k, m, name)
				}
				got[name] = data
			}
			if m == 3 && (shards == 0 || partners == 0) {
				// The example has more than 3 of each.
				t.Errorf("part %d/%d writes %d shards and %d partner pages", k, m, shards, partners)
			}
		}
		if len(got) != len(want) {
			t.Errorf("%d parts write %d files, one build %d", m, len(got), len(want))
		}
		for name, data := range want {
			if !bytes.Equal(got[name], data) {
				t.Errorf("%d parts: %s differs from one build's", m, name)
			}
		}
	}
	pages, theme := exampleSite(t, prog.VerifyPages, day)
	if _, err := publish.WriteWith(pages, theme, filepath.Join(t.TempDir(), "p"), opts(publish.Part{K: 0, M: 2})); err == nil {
		t.Error("a part of a build in pages mode is written")
	}
}

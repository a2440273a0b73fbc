package publish_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/accredit/accredit"
	"github.com/accredit/accredit/cmd/internal/credid"
	"github.com/accredit/accredit/cmd/internal/date"
	"github.com/accredit/accredit/cmd/internal/load"
	prog "github.com/accredit/accredit/cmd/internal/program"
	"github.com/accredit/accredit/cmd/internal/publish"
	"github.com/accredit/accredit/cmd/internal/render"
	"github.com/accredit/accredit/cmd/internal/site"
	"github.com/accredit/accredit/cmd/internal/standing"
	"github.com/accredit/accredit/cmd/internal/verifier"
)

// exampleSite is the example program's site at asOf, in the given
// verification mode.
func exampleSite(t *testing.T, mode, asOf string) (*site.Site, *render.Theme) {
	t.Helper()
	p, _, err := load.Load("../../..")
	if err != nil {
		t.Fatal(err)
	}
	p.Site.Verification = mode
	d, _ := date.Parse(asOf)
	st, err := site.Build(p, standing.Compute(p), d)
	if err != nil {
		t.Fatal(err)
	}
	theme, err := render.Load(accredit.Layouts(), filepath.Join("../../..", "layouts"))
	if err != nil {
		t.Fatal(err)
	}
	return st, theme
}

// fakeSigned stands in for a signed credential: shards mode only
// stores it.
func fakeSigned(dst []byte, c *prog.Credential, _ *site.Credential) ([]byte, error) {
	return append(dst, `{"id":"urn:test:`+c.ID+`"}`+"\n"...), nil
}

// TestShards: in shards mode every credential is in the shard its id
// names, with the JSON of pages mode but for status and as_of; no
// credential has a folder or file of its own; every shard is within a
// lookup's budget; the hosts' fallback files route /verify/<ID>/ to the
// one verification page; the signed credentials are in shards that
// accredit verify reads; serve's Index gives the same bytes.
func TestShards(t *testing.T) {
	const day = "2026-11-22"
	pages, _ := exampleSite(t, prog.VerifyPages, day)
	st, theme := exampleSite(t, prog.VerifyShards, day)
	if st.Info.Shards == nil || st.Info.Shards.Bits != site.ShardBits(len(st.P.Credentials)) {
		t.Fatalf("shards mode: Info.Shards = %+v", st.Info.Shards)
	}
	out := filepath.Join(t.TempDir(), "site")
	stats, err := publish.WriteWith(st, theme, out, publish.Options{Signed: fakeSigned})
	if err != nil {
		t.Fatal(err)
	}
	all := files(t, out) // shards read uncompressed
	if stats.Files > 300 {
		t.Errorf("%d files for %d credentials", stats.Files, len(st.P.Credentials))
	}
	for rel := range all {
		if strings.HasPrefix(rel, "verify/") && rel != "verify/index.html" || strings.HasPrefix(rel, "api/v1/credentials/") && !strings.Contains(rel, "shards") && !strings.HasPrefix(rel, site.OB3ShardDir) {
			t.Errorf("shards mode wrote %s", rel)
		}
		if strings.HasSuffix(rel, ".json.gz") {
			fi, _ := os.Stat(filepath.Join(out, rel))
			if fi.Size() > 30<<10 {
				t.Errorf("%s is %d bytes, over a lookup's 30 KB", rel, fi.Size())
			}
		}
	}
	shards := map[string]map[string]map[string]any{}
	for _, c := range pages.P.Credentials {
		key, _, ok := credid.ShardKey(c.ID, st.Info.Shards.Bits)
		if !ok {
			t.Fatalf("%s has no shard key", c.ID)
		}
		rel := site.ShardDir + key + ".json.gz"
		if shards[rel] == nil {
			var m map[string]map[string]any
			if err := json.Unmarshal(all[rel], &m); err != nil {
				t.Fatalf("%s: %v", rel, err)
			}
			shards[rel] = m
		}
		got, ok := shards[rel][c.ID]
		if !ok {
			t.Errorf("%s is not in its shard %s", c.ID, rel)
			continue
		}
		cp, err := pages.Credential(c)
		if err != nil {
			t.Fatal(err)
		}
		var want map[string]any
		json.Unmarshal(cp.JSON, &want)
		delete(want, "status")
		delete(want, "as_of")
		gb, _ := json.Marshal(got)
		wb, _ := json.Marshal(want)
		if !bytes.Equal(gb, wb) {
			t.Errorf("%s in its shard:\n%s\nwant, as pages mode without status and as_of:\n%s", c.ID, gb, wb)
		}
		// accredit verify ID --site reads the signed credential from its shard.
		signed, err := verifier.SignedFromShards(verifier.Site{Dir: out}.Read, c.ID)
		if err != nil || string(signed) != `{"id":"urn:test:`+c.ID+`"}` {
			t.Errorf("SignedFromShards(%s) = %s, %v", c.ID, signed, err)
		}
	}
	n := 0
	for _, s := range shards {
		n += len(s)
	}
	if n != len(st.P.Credentials) {
		t.Errorf("the shards hold %d credentials, the program %d", n, len(st.P.Credentials))
	}
	if _, err := verifier.SignedFromShards(verifier.Site{Dir: out}.Read, "0000-0000-0000"); err == nil {
		t.Error("SignedFromShards finds a credential that does not exist")
	}

	// The fallbacks: _redirects rewrites, the 404 page and the
	// verification page load verify.js, which knows the shards.
	if got, want := string(all["_redirects"]), "/verify/* /verify/index.html 200\n"; !strings.HasSuffix(got, want) {
		t.Errorf("_redirects:\n%s\nwant it to end in %q", got, want)
	}
	for _, rel := range []string{"404.html", "verify/index.html"} {
		if !bytes.Contains(all[rel], []byte(`<script src="/assets/verify.js" defer></script>`)) {
			t.Errorf("%s does not load verify.js", rel)
		}
	}
	if want := `data-shards="/api/v1/credentials/shards/" data-bits="` + itoa(st.Info.Shards.Bits) + `"`; !bytes.Contains(all["verify/index.html"], []byte(want)) {
		t.Errorf("verify/index.html lacks %s", want)
	}
	if _, ok := all["assets/verify.js"]; !ok {
		t.Error("no assets/verify.js")
	}
	var ix struct {
		Bits             int
		Credentials, OB3 string
	}
	if err := json.Unmarshal(all[site.ShardIndex], &ix); err != nil || ix.Bits != st.Info.Shards.Bits || ix.Credentials != site.ShardDir || ix.OB3 != site.OB3ShardDir {
		t.Errorf("%s: %s (%v)", site.ShardIndex, all[site.ShardIndex], err)
	}

	// serve shows what build writes (but the signed shards, which serve
	// does not sign).
	ixs := publish.NewIndex(st, theme)
	var buf bytes.Buffer
	for rel := range all {
		if strings.HasPrefix(rel, "search/") || rel == publish.Marker || strings.HasPrefix(rel, site.OB3ShardDir) || rel == site.ShardIndex {
			continue
		}
		raw, _ := os.ReadFile(filepath.Join(out, rel))
		buf.Reset()
		if ok, err := ixs.File(rel, &buf); !ok || err != nil || !bytes.Equal(buf.Bytes(), raw) {
			t.Errorf("Index.File(%q) = %v, %v, or other bytes than the build's", rel, ok, err)
		}
	}
}

// TestSignedShardsCache: a build with a warm cache of the signed
// shards writes the same bytes as one that compressed them (every file
// kept), compressing none; a signed credential that changes misses.
func TestSignedShardsCache(t *testing.T) {
	st, theme := exampleSite(t, prog.VerifyShards, "2026-11-22")
	out := filepath.Join(t.TempDir(), "site")
	cachePath := filepath.Join(t.TempDir(), "ob3shards")
	build := func(signed publish.SignedFunc) (publish.Stats, [3]int) {
		t.Helper()
		c := publish.OpenGzipCache(cachePath)
		stats, err := publish.WriteWith(st, theme, out, publish.Options{Signed: signed, SignedShards: c})
		if err != nil {
			t.Fatal(err)
		}
		if err := c.Save(); err != nil {
			t.Fatal(err)
		}
		h, m, k := c.Stats()
		return stats, [3]int{h, m, k}
	}
	_, cold := build(fakeSigned)
	shards := cold[1]
	if cold[0] != 0 || shards == 0 || cold[2] != 0 {
		t.Fatalf("cold: %v (hits, compressed, corrupt)", cold)
	}
	stats, warm := build(fakeSigned)
	if warm != [3]int{shards, 0, 0} {
		t.Errorf("warm: %v, want [%d 0 0]", warm, shards)
	}
	if stats.Written != 0 {
		t.Errorf("warm: %d files written, want every file kept", stats.Written)
	}
	one := st.P.Credentials[0].ID
	_, edited := build(func(dst []byte, c *prog.Credential, cp *site.Credential) ([]byte, error) {
		if c.ID == one {
			return append(dst, `{"id":"urn:test:changed"}`+"\n"...), nil
		}
		return fakeSigned(dst, c, cp)
	})
	if edited != [3]int{shards - 1, 1, 0} {
		t.Errorf("one credential changed: %v, want [%d 1 0]", edited, shards-1)
	}
	signed, err := verifier.SignedFromShards(verifier.Site{Dir: out}.Read, one)
	if err != nil || string(signed) != `{"id":"urn:test:changed"}` {
		t.Errorf("SignedFromShards(%s) = %s, %v", one, signed, err)
	}
}

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }

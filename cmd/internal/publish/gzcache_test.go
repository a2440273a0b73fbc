package publish

import (
	"bytes"
	"compress/gzip"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func gunzip(t *testing.T, b []byte) string {
	t.Helper()
	r, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	out, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	return string(out)
}

// TestGzipCache: a warm cache gives the compressor's bytes for the same
// content and misses on any change; an entry that fails its checksum,
// or a file cut short, is compressed anew and counted; a run that used
// every entry and made none leaves the file alone, and Save drops the
// entries a run did not use.
func TestGzipCache(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x.ob3shards")
	a := []byte(strings.Repeat(`{"id":"A","proof":"z3yMApq"},`, 300))
	b := []byte(strings.Repeat(`{"id":"B","proof":"z9kQ2rT"},`, 300))
	run := func(docs ...[]byte) (hits, compressed, corrupt int) {
		t.Helper()
		c := OpenGzipCache(path)
		for _, d := range docs {
			got, err := c.gzip(d)
			if err != nil {
				t.Fatal(err)
			}
			want, _ := gzipped(d)
			if !bytes.Equal(got, want) {
				t.Fatalf("the cache's bytes differ from the compressor's")
			}
			if gunzip(t, got) != string(d) {
				t.Fatal("the cache's bytes are not the content")
			}
		}
		if err := c.Save(); err != nil {
			t.Fatal(err)
		}
		return c.Stats()
	}
	if h, m, k := run(a, b); h != 0 || m != 2 || k != 0 {
		t.Fatalf("cold: %d hits, %d compressed, %d corrupt", h, m, k)
	}
	before, _ := os.Stat(path)
	if h, m, k := run(a, b); h != 2 || m != 0 || k != 0 {
		t.Fatalf("warm: %d hits, %d compressed, %d corrupt", h, m, k)
	}
	if after, _ := os.Stat(path); !os.SameFile(before, after) {
		t.Error("a run that changed nothing rewrote the cache")
	}
	changed := bytes.Clone(a)
	changed[100] ^= 1
	if h, m, _ := run(changed, b); h != 1 || m != 1 {
		t.Errorf("one byte changed: %d hits, %d compressed", h, m)
	}
	// That run used b and the changed a: a is gone.
	if h, m, _ := run(a, b); h != 1 || m != 1 {
		t.Errorf("after a run without a: %d hits, %d compressed", h, m)
	}

	// A flipped byte in a compressed entry: compressed anew, counted.
	data, _ := os.ReadFile(path)
	data[len(gzCacheMagic)+32+36+5] ^= 0x10
	os.WriteFile(path, data, 0o600)
	if h, m, k := run(a, b); h != 1 || m != 1 || k != 1 {
		t.Errorf("corrupt entry: %d hits, %d compressed, %d corrupt; want 1, 1, 1", h, m, k)
	}
	if h, m, k := run(a, b); h != 2 || m != 0 || k != 0 {
		t.Errorf("after the corrupt entry was replaced: %d hits, %d compressed, %d corrupt", h, m, k)
	}
	// Cut short: what parses is used, the rest counted and compressed.
	data, _ = os.ReadFile(path)
	os.WriteFile(path, data[:len(data)-10], 0o600)
	if h, m, k := run(a, b); h+m != 2 || m == 0 || k == 0 {
		t.Errorf("file cut short: %d hits, %d compressed, %d corrupt", h, m, k)
	}
	// Another version of the compressor: a foreign file, an empty cache.
	data, _ = os.ReadFile(path)
	data[len(gzCacheMagic)] ^= 1
	os.WriteFile(path, data, 0o600)
	if h, m, k := run(a, b); h != 0 || m != 2 || k != 0 {
		t.Errorf("another salt: %d hits, %d compressed, %d corrupt", h, m, k)
	}
}

package load

import (
	"crypto/sha1"
	"fmt"
	"io/fs"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/fstest"

	"github.com/accredit/accredit/cmd/internal/diag"
	"github.com/accredit/accredit/cmd/internal/program"
)

// blobFS is a MapFS whose files say their git blob ids, as a git tree's
// do, and which counts the files opened.
type blobFS struct {
	fstest.MapFS
	mu     sync.Mutex
	opened []string
}

type blobInfo struct {
	fs.FileInfo
	id [20]byte
}

func (i blobInfo) BlobID() ([20]byte, bool) { return i.id, i.Mode().IsRegular() }

// gitBlobID is git's name of a blob: the SHA-1 of its header and content.
func gitBlobID(data []byte) (id [20]byte) {
	h := sha1.New()
	fmt.Fprintf(h, "blob %d\x00", len(data))
	h.Write(data)
	copy(id[:], h.Sum(nil))
	return id
}

func (b *blobFS) info(name string, fi fs.FileInfo) fs.FileInfo {
	if fi.IsDir() {
		return fi
	}
	return blobInfo{fi, gitBlobID(b.MapFS[name].Data)}
}

func (b *blobFS) Open(name string) (fs.File, error) {
	f, err := b.MapFS.Open(name)
	if err == nil {
		if fi, err := f.Stat(); err == nil && !fi.IsDir() {
			b.mu.Lock()
			b.opened = append(b.opened, name)
			b.mu.Unlock()
		}
	}
	return f, err
}

func (b *blobFS) Stat(name string) (fs.FileInfo, error) {
	fi, err := b.MapFS.Stat(name)
	if err != nil {
		return nil, err
	}
	return b.info(name, fi), nil
}

func (b *blobFS) Lstat(name string) (fs.FileInfo, error) { return b.Stat(name) }

func (b *blobFS) ReadDir(name string) ([]fs.DirEntry, error) {
	es, err := b.MapFS.ReadDir(name)
	for i, e := range es {
		fi, err := e.Info()
		if err != nil {
			return nil, err
		}
		es[i] = fs.FileInfoToDirEntry(b.info(strings.TrimPrefix(name+"/"+e.Name(), "./"), fi))
	}
	return es, err
}

// people is what a load says of every person: name, file and the
// lines of their diagnostics.
func people(t *testing.T, p *program.Program, ds []diag.Diagnostic) []string {
	t.Helper()
	var out []string
	for _, pa := range p.Partners {
		for _, pe := range pa.People {
			out = append(out, fmt.Sprintf("%s/%s %q %s:%d", pa.ID, pe.ID, pe.Name, pe.Src.File, pe.Src.At("name").Line))
		}
	}
	for _, d := range ds {
		out = append(out, d.String())
	}
	return out
}

// TestCacheBlobID: a file whose blob id the cache knows, under the same
// path, is served unread, as it would be decoded; a file under another
// path, or of another blob, is read and decoded anew whatever the cache
// holds.
func TestCacheBlobID(t *testing.T) {
	x := "# x\nname = \"X\"\ncolour = \"blue\"\n" // an unknown key: a diagnostic
	files := func(people map[string]string) *blobFS {
		m := fstest.MapFS{
			"programs/program.toml": {Data: []byte("[program]\nname = \"P\"\n")},
			"partners/a/partner.md": {Data: []byte("+++\nname = \"A\"\n+++\n")},
			"partners/b/partner.md": {Data: []byte("+++\nname = \"B\"\n+++\n")},
		}
		for rel, data := range people {
			m[rel] = &fstest.MapFile{Data: []byte(data)}
		}
		return &blobFS{MapFS: m}
	}
	c := NewCache([]byte("test"))
	step := func(name string, fsys *blobFS, wantRead []string) {
		t.Helper()
		p, ds, err := LoadFS(fsys, "rev", Options{Cache: c})
		if err != nil {
			t.Fatal(err)
		}
		var read []string
		for _, rel := range fsys.opened {
			if strings.Contains(rel, "/people/") {
				read = append(read, rel)
			}
		}
		slices.Sort(read)
		if !slices.Equal(read, wantRead) {
			t.Errorf("%s: read people %q, want %q", name, read, wantRead)
		}
		// Positions of people served unread are read now.
		got := people(t, p, ds)
		// What the same files say loaded without a cache.
		plain := &blobFS{MapFS: fsys.MapFS}
		wp, wds, err := LoadFS(plain, "rev", Options{})
		if err != nil {
			t.Fatal(err)
		}
		if want := people(t, wp, wds); !slices.Equal(got, want) {
			t.Errorf("%s: loaded\n%s\nwant\n%s", name, strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
		c.Reuse()
	}
	ax, ay, bx := "partners/a/people/x.toml", "partners/a/people/y.toml", "partners/b/people/x.toml"
	y := "name = \"Y\"\n"
	step("first", files(map[string]string{ax: x, ay: y}), []string{ax, ay})
	step("unchanged", files(map[string]string{ax: x, ay: y}), nil)
	// The same blob under two more paths: the same id, another person, in
	// another partner; the cache has no entry of theirs.
	step("copied", files(map[string]string{ax: x, ay: x, bx: x}), []string{ay, bx})
	// Another blob under the same path: read, whatever the cache holds.
	step("edited", files(map[string]string{ax: y, ay: x, bx: x}), []string{ax})
	// Back to the first blob: its entry was replaced, so read again.
	step("reverted", files(map[string]string{ax: x, ay: x, bx: x}), []string{ax})
}

// TestCachePutKeeps: an entry from a git tree keeps the time on disk of
// the last one of the same content; nothing else keeps anything.
func TestCachePutKeeps(t *testing.T) {
	b1, b2 := BlobID{1}, BlobID{2}
	st1, st2 := fileStat{1, 1}, fileStat{2, 2}
	for _, tc := range []struct {
		name     string
		old, put cacheEntry
		tree     bool
		want     cacheEntry
	}{
		{"check of the same content takes its new time", cacheEntry{b1, st1, "p"}, cacheEntry{b1, st2, "p"}, false, cacheEntry{b1, st2, "p"}},
		{"racy check of the same content takes no time", cacheEntry{b1, st1, "p"}, cacheEntry{b1, fileStat{}, "p"}, false, cacheEntry{b1, fileStat{}, "p"}},
		{"check of other content", cacheEntry{b1, st1, "p"}, cacheEntry{b2, st2, "q"}, false, cacheEntry{b2, st2, "q"}},
		{"git load of the same content keeps the time", cacheEntry{b1, st1, "p"}, cacheEntry{b1, fileStat{}, "p"}, true, cacheEntry{b1, st1, "p"}},
		{"git load of other content drops it", cacheEntry{b1, st1, "p"}, cacheEntry{b2, fileStat{}, "q"}, true, cacheEntry{b2, fileStat{}, "q"}},
	} {
		c := NewCache([]byte("test"))
		c.old["f"] = tc.old
		c.put("f", tc.put, false, tc.tree)
		if got := c.new["f"]; got != tc.want {
			t.Errorf("%s: %+v, want %+v", tc.name, got, tc.want)
		}
	}
}

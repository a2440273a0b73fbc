package publish

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"github.com/accredit/accredit/cmd/internal/mapfile"
	"io"
	"sync"
	"sync/atomic"
)

// GzipCache keeps compressed shards between builds. Compressing the
// signed credentials' shards (some 400 MB of JSON at 200,000
// credentials) is most of what they cost a build, and a rebuild finds
// almost all of them unchanged: an entry maps SHA-256 of the bytes
// compressed to their gzip, so a shard whose content is the same is not
// compressed again, and one whose content changed (in any byte) misses.
//
// Safety: each entry carries SHA-256 of its key and compressed bytes,
// checked when the entry is used; one that fails is compressed anew and
// counted (Stats). The file is salted with the compressor's version and
// level: the same content then gives the same bytes from the cache as
// from the compressor, and a build's output does not depend on whether
// the cache was warm.
type GzipCache struct {
	path string
	// The file's entries, in place, by key: read only once
	// OpenGzipCache returns, so that workers look up without a lock.
	data []byte
	old  map[[32]byte]gzSpan
	used []atomic.Bool // by gzSpan.index: Save keeps those

	broken                int // file structure that did not parse
	hits, misses, corrupt atomic.Int64
	mu                    sync.Mutex
	new                   map[[32]byte][]byte
}

type gzSpan struct {
	index    int
	off, len int // of the compressed bytes in data; their sum follows
}

const gzCacheMagic = "accredit-gzip-1\n"

// gzCacheSalt changes with what the compressed bytes depend on besides
// the content: the library and its level (gzipped).
var gzCacheSalt = sync.OnceValue(func() [32]byte {
	return mapfile.Salt([]byte(gzCacheMagic+"klauspost/compress gzip.DefaultCompression\n"), "github.com/klauspost/compress")
})

// OpenGzipCache reads the cache at path; an unreadable or foreign file is
// an empty cache. path "" keeps it in memory only.
func OpenGzipCache(path string) *GzipCache {
	c := &GzipCache{path: path, old: map[[32]byte]gzSpan{}, new: map[[32]byte][]byte{}}
	if path == "" {
		return c
	}
	data, err := mapfile.Read(path)
	if err != nil || !bytes.HasPrefix(data, []byte(gzCacheMagic)) {
		return c
	}
	rest := data[len(gzCacheMagic):]
	if salt := gzCacheSalt(); len(rest) < 32 || !bytes.Equal(rest[:32], salt[:]) {
		return c
	}
	c.data = data
	off, entries := len(gzCacheMagic)+32, 0
	// Entries: key, length, compressed bytes, SHA-256 of all three.
	for off < len(data) {
		if len(data)-off < 32+4 {
			c.broken++
			break
		}
		n := int(binary.BigEndian.Uint32(data[off+32:]))
		if n > len(data)-off-36-32 {
			c.broken++
			break
		}
		c.old[[32]byte(data[off:off+32])] = gzSpan{index: entries, off: off + 36, len: n}
		off += 36 + n + 32
		entries++
	}
	c.used = make([]atomic.Bool, entries)
	return c
}

// gzip returns gzipped(b), from the cache when it holds b's.
func (c *GzipCache) gzip(b []byte) ([]byte, error) {
	if c == nil {
		return gzipped(b)
	}
	k := sha256.Sum256(b)
	if s, ok := c.old[k]; ok {
		whole := c.data[s.off-36 : s.off+s.len]
		if sum := sha256.Sum256(whole); bytes.Equal(sum[:], c.data[s.off+s.len:s.off+s.len+32]) {
			c.used[s.index].Store(true)
			c.hits.Add(1)
			return c.data[s.off : s.off+s.len : s.off+s.len], nil
		}
		c.corrupt.Add(1)
	}
	c.mu.Lock()
	gz, ok := c.new[k]
	c.mu.Unlock()
	if ok {
		c.hits.Add(1)
		return gz, nil
	}
	c.misses.Add(1)
	gz, err := gzipped(b)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	c.new[k] = gz
	c.mu.Unlock()
	return gz, nil
}

// Stats returns how many shards came from the cache, how many were
// compressed, and how many of those were compressed because their entry
// failed its checksum (or the file did not parse to its end).
func (c *GzipCache) Stats() (hits, compressed, corrupt int) {
	if c == nil {
		return 0, 0, 0
	}
	return int(c.hits.Load()), int(c.misses.Load()), int(c.corrupt.Load()) + c.broken
}

// Save writes the entries this run used, atomically; nothing when they
// are the entries the file holds.
func (c *GzipCache) Save() error {
	if c == nil || c.path == "" {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	kept := 0
	for i := range c.used {
		if c.used[i].Load() {
			kept++
		}
	}
	if len(c.new) == 0 && kept == len(c.old) && c.corrupt.Load() == 0 && c.broken == 0 {
		return nil
	}
	return mapfile.Replace(c.path, func(w *bufio.Writer) {
		io.WriteString(w, gzCacheMagic)
		salt := gzCacheSalt()
		w.Write(salt[:])
		for _, s := range c.old {
			if c.used[s.index].Load() {
				w.Write(c.data[s.off-36 : s.off+s.len+32])
			}
		}
		for k, gz := range c.new {
			entry := binary.BigEndian.AppendUint32(append(make([]byte, 0, 36+len(gz)), k[:]...), uint32(len(gz)))
			entry = append(entry, gz...)
			sum := sha256.Sum256(entry)
			w.Write(entry)
			w.Write(sum[:])
		}
	})
}

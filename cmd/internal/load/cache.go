package load

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"errors"
	"io"
	"os"
	"path/filepath"
	"sync"

	"github.com/accredit/accredit/cmd/internal/diag"
	"github.com/accredit/accredit/cmd/internal/frontmatter"
	"github.com/accredit/accredit/cmd/internal/program"
)

// Cache keeps decoded people and partners between runs, keyed by each
// file's path and a hash of its content and of the accredit binary, so a
// run decodes with TOML only the files that changed since the last one.
// A program has these files by the thousand; everything else is always
// decoded. A cache that cannot be read is empty; one that cannot be
// written is skipped: it only ever saves time.
type Cache struct {
	path string
	salt []byte

	mu    sync.Mutex
	old   map[string]cacheEntry
	new   map[string]cacheEntry
	dirty bool
}

type cacheEntry struct {
	hash    [16]byte
	payload []byte
}

const cacheMagic = "accredit-cache-1\n"

// OpenCache reads the cache file at path. salt identifies the decoder (the
// binary): entries written by another build never match.
func OpenCache(path string, salt []byte) *Cache {
	c := &Cache{path: path, salt: salt, old: map[string]cacheEntry{}, new: map[string]cacheEntry{}}
	data, err := os.ReadFile(path)
	if err != nil || !bytes.HasPrefix(data, []byte(cacheMagic)) {
		return c
	}
	d := &dec{b: data[len(cacheMagic):]}
	if string(d.bytes()) != string(salt) {
		return c
	}
	for n := d.count(); n > 0 && !d.bad; n-- {
		rel := d.str()
		var e cacheEntry
		if len(d.b) < 16 {
			break
		}
		copy(e.hash[:], d.b)
		d.b = d.b[16:]
		e.payload = d.bytes()
		if !d.bad {
			c.old[rel] = e
		}
	}
	return c
}

func (c *Cache) hash(data []byte) (h [16]byte) {
	s := sha256.New()
	s.Write(c.salt)
	s.Write(data)
	copy(h[:], s.Sum(nil))
	return h
}

func (c *Cache) get(rel string, h [16]byte) ([]byte, bool) {
	e, ok := c.old[rel] // read-only while loading
	return e.payload, ok && e.hash == h
}

func (c *Cache) put(rel string, h [16]byte, payload []byte, changed bool) {
	c.mu.Lock()
	c.new[rel] = cacheEntry{h, payload}
	c.dirty = c.dirty || changed
	c.mu.Unlock()
}

// NewCache returns an empty cache that lives in memory only (Save does
// nothing): for loading two revisions of one program in one run.
func NewCache(salt []byte) *Cache {
	return &Cache{salt: salt, old: map[string]cacheEntry{}, new: map[string]cacheEntry{}}
}

// Reuse makes what the last load decoded available to the next one: a
// second revision of the program then decodes only the files that differ
// (accredit plan). Not safe while a load runs.
func (c *Cache) Reuse() {
	for rel, e := range c.new {
		c.old[rel] = e
	}
}

// Save writes the cache when anything changed, atomically.
func (c *Cache) Save() error {
	if c.path == "" {
		return nil
	}
	if !c.dirty && len(c.new) == len(c.old) {
		return nil
	}
	if err := os.MkdirAll(filepath.Dir(c.path), 0o755); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(c.path), ".cache-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	w := bufio.NewWriterSize(tmp, 1<<20)
	io.WriteString(w, cacheMagic)
	e := &enc{}
	e.bytes(c.salt)
	e.int(len(c.new))
	w.Write(e.b)
	for rel, ent := range c.new {
		e.b = e.b[:0]
		e.str(rel)
		e.b = append(e.b, ent.hash[:]...)
		e.bytes(ent.payload)
		w.Write(e.b)
	}
	if err := w.Flush(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), c.path)
}

// encodeResult turns a decoded file into a cache payload.
func encodeResult(f *file, result any) []byte {
	e := &enc{}
	e.int(len(f.out))
	for _, d := range f.out {
		e.int(d.Line)
		e.int(d.Col)
		e.str(d.Rule)
		e.str(d.Msg)
	}
	switch v := result.(type) {
	case *program.Person:
		e.b = append(e.b, 1)
		encodePerson(e, v)
	case *program.Partner:
		e.b = append(e.b, 2)
		e.int(v.Src.Offset)
		encodePartner(e, v)
	default:
		e.b = append(e.b, 0)
	}
	return e.b
}

var errBadPayload = errors.New("bad cache payload")

// decodeResult rebuilds a file's result and diagnostics from a payload;
// data is the file's content, indexed only if a position is asked for.
func decodeResult(rel string, data, payload []byte) (any, []diag.Diagnostic, error) {
	d := &dec{b: payload}
	ds := make([]diag.Diagnostic, d.count())
	for i := range ds {
		ds[i] = diag.Diagnostic{File: rel, Line: d.int(), Col: d.int(), Severity: diag.Error, Rule: d.str(), Msg: d.str()}
	}
	if len(d.b) == 0 {
		return nil, nil, errBadPayload
	}
	kind := d.b[0]
	d.b = d.b[1:]
	var result any
	switch kind {
	case 1:
		p := decodePerson(d, rel)
		p.Src = program.NewSource(rel, 0, nil, data)
		result = p
	case 2:
		off := d.int()
		p := decodePartner(d)
		doc, err := frontmatter.Split(data)
		if err != nil {
			return nil, nil, errBadPayload
		}
		p.Src = program.NewSource(rel, off, nil, doc.Front)
		result = p
	}
	if d.bad {
		return nil, nil, errBadPayload
	}
	return result, ds, nil
}

package credential

import (
	"bufio"
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"github.com/accredit/accredit/cmd/internal/mapfile"
	"hash"
	"io"
	"math"
	"sync"
	"sync/atomic"
	"time"
)

// Cache keeps signatures between builds. Ed25519 is deterministic, so a
// document signed again with the same key and proof options gets the
// same signature: an entry maps a hash of exactly what was signed (the
// unsigned document's JSON bytes, the proof options and the public key)
// to the hashData it canonicalized to and the signature, and a build
// that finds its entry neither canonicalizes (milliseconds) nor signs.
//
// Safety: every entry carries a checksum of its key, hashData and
// signature, so a corrupted entry is dropped when the file is read and
// that document is signed anew; the whole cache is salted with the
// embedded contexts and the json-gold version, which canonicalization
// depends on. Entries are not verified with Ed25519 on use (about 50 µs
// each, seconds at 200,000 credentials): a signature can only come from
// the key, so an entry that is not corrupt but wrong would have to be
// written by someone holding it. ACCREDIT_CACHE=off signs everything.
type Cache struct {
	path string
	// The file's entries as read, in place: entry i at i*entrySize.
	// old indexes them by key and is only read once OpenCache returns,
	// so that lookups from every worker take no lock; used marks those
	// this run looked up, the ones Save keeps.
	data    []byte
	old     map[[32]byte]int32
	used    []atomic.Bool
	dropped int // entries that failed their checksum

	mu  sync.Mutex
	new map[[32]byte]cacheEntry // signed by this run
	// Encoded status lists by the hash of their bits: gzip takes
	// milliseconds for each list of 2^20 bits, hashing them tens of
	// microseconds.
	oldLists, newLists map[[32]byte]string
}

type cacheEntry struct {
	hashData [64]byte
	sig      [64]byte
}

const sigCacheMagic = "accredit-signatures-2\n"

// cacheSalt changes whenever what a signature depends on besides the
// document could: the contexts, the canonicalization library.
var cacheSalt = sync.OnceValue(func() [32]byte {
	ch := ContextHash()
	return mapfile.Salt(append([]byte(sigCacheMagic), ch[:]...), "github.com/piprate/json-gold")
})

const entrySize = 32 + 64 + 64 + 8

// OpenCache reads the signature cache at path; an unreadable or foreign
// file is an empty cache. path "" keeps the cache in memory only.
func OpenCache(path string) *Cache {
	c := &Cache{path: path, new: map[[32]byte]cacheEntry{},
		oldLists: map[[32]byte]string{}, newLists: map[[32]byte]string{}}
	if path == "" {
		return c
	}
	data, err := mapfile.Read(path)
	if err != nil || !bytes.HasPrefix(data, []byte(sigCacheMagic)) {
		return c
	}
	data = data[len(sigCacheMagic):]
	if salt := cacheSalt(); len(data) < 32 || !bytes.Equal(data[:32], salt[:]) {
		return c
	}
	data = data[32:]
	if len(data) < 8 {
		return c
	}
	n := binary.BigEndian.Uint64(data)
	data = data[8:]
	if n > uint64(len(data)/entrySize) || n > math.MaxInt32 {
		return c
	}
	lists := data[n*entrySize:]
	c.data = data[:n*entrySize]
	c.old = make(map[[32]byte]int32, n)
	c.used = make([]atomic.Bool, n)
	for i := range int(n) {
		e := c.data[i*entrySize : (i+1)*entrySize]
		// The checksum follows the key, hashData and signature it sums.
		if sum := sha256.Sum256(e[:160]); bytes.Equal(sum[:8], e[160:]) {
			c.old[[32]byte(e[:32])] = int32(i)
		} else {
			c.dropped++
		}
	}
	// Then the lists: key, length, text, checksum.
	for len(lists) >= 32+4 {
		var k [32]byte
		copy(k[:], lists)
		l := int(binary.BigEndian.Uint32(lists[32:]))
		if l > len(lists)-36-8 {
			c.dropped++
			break
		}
		text := lists[36 : 36+l]
		sum := sha256.Sum256(append(k[:], text...))
		if bytes.Equal(sum[:8], lists[36+l:36+l+8]) {
			c.oldLists[k] = string(text)
		} else {
			c.dropped++
		}
		lists = lists[36+l+8:]
	}
	return c
}

// Dropped returns the number of entries of the file that failed their
// checksum when it was read: each such document is signed anew (a miss
// of Signer.Stats), which this number explains.
func (c *Cache) Dropped() int {
	if c == nil {
		return 0
	}
	return c.dropped
}

// EncodeList is the package's EncodeList through the cache.
func (c *Cache) EncodeList(bits []byte) (string, error) {
	if c == nil {
		return EncodeList(bits)
	}
	k := sha256.Sum256(bits)
	c.mu.Lock()
	s, ok := c.oldLists[k]
	if !ok {
		s, ok = c.newLists[k]
	}
	c.mu.Unlock()
	if !ok {
		var err error
		if s, err = EncodeList(bits); err != nil {
			return "", err
		}
	}
	c.mu.Lock()
	c.newLists[k] = s
	c.mu.Unlock()
	return s, nil
}

// entrySum is the checksum of an entry: the first 8 bytes of SHA-256
// of the entry's key, hashData and signature, as they are in the file.
func entrySum(k [32]byte, e cacheEntry) [8]byte {
	var b [160]byte
	copy(b[:], k[:])
	copy(b[32:], e.hashData[:])
	copy(b[96:], e.sig[:])
	sum := sha256.Sum256(b[:])
	return [8]byte(sum[:8])
}

func (c *Cache) get(k [32]byte) (cacheEntry, bool) {
	if i, ok := c.old[k]; ok {
		c.used[i].Store(true)
		d := c.data[int(i)*entrySize:]
		return cacheEntry{hashData: [64]byte(d[32:96]), sig: [64]byte(d[96:160])}, true
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.new[k]
	return e, ok
}

func (c *Cache) put(k [32]byte, e cacheEntry) {
	c.mu.Lock()
	c.new[k] = e
	c.mu.Unlock()
}

// Save writes the entries this run used, atomically: the signatures of
// credentials no longer published are dropped. A run that signed
// nothing, used every entry and every list writes nothing.
func (c *Cache) Save() error {
	if c.path == "" {
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
	if len(c.new) == 0 && kept == len(c.old) && c.dropped == 0 && len(c.newLists) == len(c.oldLists) {
		same := true
		for k := range c.newLists {
			if _, ok := c.oldLists[k]; !ok {
				same = false
				break
			}
		}
		if same {
			return nil
		}
	}
	return mapfile.Replace(c.path, func(w *bufio.Writer) {
		io.WriteString(w, sigCacheMagic)
		salt := cacheSalt()
		w.Write(salt[:])
		w.Write(binary.BigEndian.AppendUint64(nil, uint64(kept+len(c.new))))
		for _, i := range c.old {
			if c.used[i].Load() {
				w.Write(c.data[int(i)*entrySize : int(i+1)*entrySize])
			}
		}
		for k, e := range c.new {
			sum := entrySum(k, e)
			w.Write(k[:])
			w.Write(e.hashData[:])
			w.Write(e.sig[:])
			w.Write(sum[:])
		}
		for k, text := range c.newLists {
			sum := sha256.Sum256(append(k[:], text...))
			w.Write(k[:])
			w.Write(binary.BigEndian.AppendUint32(nil, uint32(len(text))))
			io.WriteString(w, text)
			w.Write(sum[:8])
		}
	})
}

// Signer signs documents with one key, through a cache.
type Signer struct {
	Key                ed25519.PrivateKey
	VerificationMethod string // the key's DID URL
	Cache              *Cache // nil: sign everything

	hits, misses atomic.Int64
}

// Stats returns how many documents were found in the cache and how many
// were canonicalized and signed.
func (s *Signer) Stats() (hits, misses int64) { return s.hits.Load(), s.misses.Load() }

// Sign returns the unsigned document (JSON) with its proof, made at
// created.
func (s *Signer) Sign(unsigned []byte, created time.Time) ([]byte, error) {
	return s.AppendSign(make([]byte, 0, len(unsigned)+300), unsigned, created)
}

// keyHashes keep the hashes of cache keys for reuse: one a worker.
var keyHashes = sync.Pool{New: func() any { return sha256.New() }}

// AppendSign appends to dst what Sign returns. With the document in the
// cache, that is one SHA-256 of the document and a map lookup: neither
// canonicalization nor Ed25519.
func (s *Signer) AppendSign(dst, unsigned []byte, created time.Time) ([]byte, error) {
	if len(s.Key) != ed25519.PrivateKeySize {
		return dst, errors.New("sign: no key")
	}
	p := NewProof(s.VerificationMethod, created)
	var k [32]byte
	if s.Cache != nil {
		h := keyHashes.Get().(hash.Hash)
		h.Reset()
		salt := cacheSalt()
		h.Write(salt[:])
		h.Write(s.Key[32:]) // the public key
		io.WriteString(h, p.VerificationMethod)
		h.Write([]byte{0})
		io.WriteString(h, p.Created)
		h.Write([]byte{0})
		h.Write(unsigned)
		h.Sum(k[:0])
		keyHashes.Put(h)
		if e, ok := s.Cache.get(k); ok {
			s.hits.Add(1)
			return appendSigned(dst, unsigned, p, e.sig[:])
		}
	}
	s.misses.Add(1)
	hd, err := HashData(unsigned, p)
	if err != nil {
		return dst, err
	}
	sig := ed25519.Sign(s.Key, hd)
	if s.Cache != nil {
		var e cacheEntry
		copy(e.hashData[:], hd)
		copy(e.sig[:], sig)
		s.Cache.put(k, e)
	}
	return appendSigned(dst, unsigned, p, sig)
}

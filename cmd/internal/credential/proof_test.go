package credential

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/accredit/accredit/cmd/internal/date"
)

// testKey is a fixed key, so that golden files do not change.
var testKey = ed25519.NewKeyFromSeed(bytes.Repeat([]byte{7}, 32))

func testBadge() *Badge {
	return &Badge{
		URL:        "https://partners.northwind.example/verify/7K3M-9Q2P-XW4T/",
		Name:       "Certified Sales Associate",
		Issuer:     Issuer{DID: "did:web:partners.northwind.example", Name: "Northwind Software", URL: "https://northwind.example"},
		Holder:     "Jane Doe",
		ValidFrom:  date.New(2025, 1, 15),
		ValidUntil: date.New(2026, 1, 15),
		Achievement: Achievement{
			ID:          "https://partners.northwind.example/program/sales/#foundation",
			Name:        "Certified Sales Associate",
			Description: "The Foundation level of the Sales track.",
			Narrative:   "Complete the course Sales 101 and pass the Sales Foundation exam.",
			Image:       "https://partners.northwind.example/verify/7K3M-9Q2P-XW4T/badge.svg",
		},
		Status: StatusEntry{List: "https://partners.northwind.example/api/v1/status/3.json", Index: 4242},
	}
}

const testVM = "did:web:partners.northwind.example#key-2025"

func signBadge(t testing.TB, b *Badge, key ed25519.PrivateKey) []byte {
	t.Helper()
	u, err := b.Unsigned()
	if err != nil {
		t.Fatal(err)
	}
	s := &Signer{Key: key, VerificationMethod: testVM}
	signed, err := s.Sign(u, b.ValidFrom.Time())
	if err != nil {
		t.Fatal(err)
	}
	return signed
}

func TestSignVerifyRoundTrip(t *testing.T) {
	signed := signBadge(t, testBadge(), testKey)
	p, err := VerifyKey(signed, testKey.Public().(ed25519.PublicKey))
	if err != nil {
		t.Fatalf("Verify: %v\n%s", err, signed)
	}
	if p.Created != "2025-01-15T00:00:00Z" || p.VerificationMethod != testVM {
		t.Errorf("proof = %+v", p)
	}
	// The same input is the same bytes (Ed25519 is deterministic).
	if again := signBadge(t, testBadge(), testKey); !bytes.Equal(signed, again) {
		t.Error("signing twice gave two documents")
	}
	golden(t, "testdata/badge.ob3.json", signed)
}

// The test vector's document, signed and verified: its hashData is made
// of the canonical forms checked byte for byte in TestCanonicalTestVector.
func TestSignTestVector(t *testing.T) {
	doc, _ := os.ReadFile("testdata/test-vector-credential.json")
	var v any
	json.Unmarshal(doc, &v)
	compact, _ := json.Marshal(v)
	created, _ := time.Parse(time.RFC3339, "2010-01-01T19:23:24Z")
	p := NewProof("https://example.edu/issuers/565049#z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi", created)
	hd, err := HashData(compact, p)
	if err != nil {
		t.Fatal(err)
	}
	pc, _ := os.ReadFile("testdata/test-vector-proof-canon.txt")
	dc, _ := os.ReadFile("testdata/test-vector-document-canon.txt")
	ph, dh := sha256.Sum256(sortedNQuads(pc)), sha256.Sum256(sortedNQuads(dc))
	if !bytes.Equal(hd, append(ph[:], dh[:]...)) {
		t.Error("hashData is not SHA-256(proof canon) || SHA-256(document canon) of the vector")
	}
	p, err = Sign(compact, p, testKey)
	if err != nil {
		t.Fatal(err)
	}
	signed, err := WithProof(compact, p)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := VerifyKey(signed, testKey.Public().(ed25519.PublicKey)); err != nil {
		t.Fatal(err)
	}
}

// sortedNQuads is a vector file as RDFC-1.0 writes it: sorted lines,
// each ending in a newline.
func sortedNQuads(b []byte) []byte {
	lines := strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
	sortStrings(lines)
	return []byte(strings.Join(lines, "\n") + "\n")
}

func TestVerifyTampered(t *testing.T) {
	pub := testKey.Public().(ed25519.PublicKey)
	signed := signBadge(t, testBadge(), testKey)
	other := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{8}, 32))
	for _, c := range []struct {
		name   string
		edit   func(m map[string]any)
		doc    []byte
		key    ed25519.PublicKey
		reason string
	}{
		{name: "holder name", edit: func(m map[string]any) { subj(m)["name"] = "John Doe" }, reason: "does not match"},
		{name: "holder identity", edit: func(m map[string]any) {
			subj(m)["identifier"].([]any)[0].(map[string]any)["identityHash"] = "John Doe"
		}, reason: "does not match"},
		{name: "issue date", edit: func(m map[string]any) { m["validFrom"] = "2024-01-15T00:00:00Z" }, reason: "does not match"},
		{name: "expiry", edit: func(m map[string]any) { m["validUntil"] = "2030-01-15T00:00:00Z" }, reason: "does not match"},
		{name: "achievement", edit: func(m map[string]any) {
			subj(m)["achievement"].(map[string]any)["name"] = "Certified Sales Expert"
		}, reason: "does not match"},
		{name: "status index", edit: func(m map[string]any) {
			m["credentialStatus"].(map[string]any)["statusListIndex"] = "1"
		}, reason: "does not match"},
		{name: "created", edit: func(m map[string]any) { proof(m)["created"] = "2025-01-16T00:00:00Z" }, reason: "does not match"},
		{name: "verification method", edit: func(m map[string]any) {
			proof(m)["verificationMethod"] = "did:web:evil.example#key"
		}, reason: "does not match"},
		{name: "undefined term", edit: func(m map[string]any) { m["favourite"] = "x" }, reason: "canonicalize"},
		{name: "no proof", edit: func(m map[string]any) { delete(m, "proof") }, reason: "no proof"},
		{name: "two proofs", edit: func(m map[string]any) { m["proof"] = append(m["proof"].([]any), proof(m)) }, reason: "2 proofs"},
		{name: "cryptosuite", edit: func(m map[string]any) { proof(m)["cryptosuite"] = "ecdsa-rdfc-2019" }, reason: "cryptosuite"},
		{name: "purpose", edit: func(m map[string]any) { proof(m)["proofPurpose"] = "authentication" }, reason: "purpose"},
		{name: "short signature", edit: func(m map[string]any) { proof(m)["proofValue"] = "z3yMMC" }, reason: "64"},
		{name: "wrong key", key: other.Public().(ed25519.PublicKey), reason: "another key"},
		{name: "not json", doc: []byte("{"), reason: "not a JSON-LD document"},
	} {
		t.Run(c.name, func(t *testing.T) {
			doc := c.doc
			if doc == nil {
				var m map[string]any
				if err := json.Unmarshal(signed, &m); err != nil {
					t.Fatal(err)
				}
				if c.edit != nil {
					c.edit(m)
				}
				doc, _ = json.Marshal(m)
			}
			key := pub
			if c.key != nil {
				key = c.key
			}
			_, err := VerifyKey(doc, key)
			var ve *VerifyError
			if !errors.As(err, &ve) || !strings.Contains(err.Error(), c.reason) {
				t.Errorf("err = %v, want a VerifyError with %q", err, c.reason)
			}
		})
	}
}

func subj(m map[string]any) map[string]any  { return m["credentialSubject"].(map[string]any) }
func proof(m map[string]any) map[string]any { return m["proof"].([]any)[0].(map[string]any) }

// The member order of the JSON does not matter: the proof covers the
// statements, and a proof given as an object rather than an array of
// one verifies too.
func TestVerifyReordered(t *testing.T) {
	signed := signBadge(t, testBadge(), testKey)
	var m map[string]any
	json.Unmarshal(signed, &m)
	m["proof"] = proof(m)
	doc, _ := json.Marshal(m) // sorted keys
	if _, err := VerifyKey(doc, testKey.Public().(ed25519.PublicKey)); err != nil {
		t.Fatal(err)
	}
}

func TestCacheHitIsTheSameSignature(t *testing.T) {
	dir := t.TempDir()
	path := dir + "/sig"
	u, _ := testBadge().Unsigned()
	at := date.New(2025, 1, 15).Time()
	c := OpenCache(path)
	s := &Signer{Key: testKey, VerificationMethod: testVM, Cache: c}
	cold, err := s.Sign(u, at)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Save(); err != nil {
		t.Fatal(err)
	}
	s2 := &Signer{Key: testKey, VerificationMethod: testVM, Cache: OpenCache(path)}
	warm, err := s2.Sign(u, at)
	if err != nil {
		t.Fatal(err)
	}
	if h, m := s2.Stats(); h != 1 || m != 0 {
		t.Errorf("warm: %d hits, %d misses", h, m)
	}
	if !bytes.Equal(cold, warm) {
		t.Error("the cached signature differs")
	}
	// Both are what Sign and WithProof make, the plain way.
	p, err := Sign(u, NewProof(testVM, at), testKey)
	if err != nil {
		t.Fatal(err)
	}
	if plain, _ := WithProof(u, p); !bytes.Equal(plain, cold) {
		t.Errorf("Signer.Sign:\n%s\nSign and WithProof:\n%s", cold, plain)
	}
	// Another key, another created, another document: misses.
	s3 := &Signer{Key: ed25519.NewKeyFromSeed(bytes.Repeat([]byte{9}, 32)), VerificationMethod: testVM, Cache: OpenCache(path)}
	s3.Sign(u, at)
	s3.Sign(u, at.Add(24*time.Hour))
	if h, _ := s3.Stats(); h != 0 {
		t.Errorf("another key hit the cache")
	}

	// A corrupted entry is dropped: the document is signed anew, right.
	data, _ := os.ReadFile(path)
	data[len(data)-100] ^= 0x40
	os.WriteFile(path, data, 0o644)
	s4 := &Signer{Key: testKey, VerificationMethod: testVM, Cache: OpenCache(path)}
	again, err := s4.Sign(u, at)
	if err != nil {
		t.Fatal(err)
	}
	if h, m := s4.Stats(); h != 0 || m != 1 {
		t.Errorf("corrupt cache: %d hits, %d misses", h, m)
	}
	if d := s4.Cache.Dropped(); d != 1 {
		t.Errorf("corrupt cache: %d entries dropped, want 1", d)
	}
	if !bytes.Equal(again, cold) {
		t.Error("signed anew, the document differs")
	}
}

// TestCacheSaveKeepsWhatWasUsed: Save keeps the entries a run looked up
// or made, drops the others, and leaves the file alone when a run used
// every entry and made none.
func TestCacheSaveKeepsWhatWasUsed(t *testing.T) {
	path := t.TempDir() + "/sig"
	at := date.New(2025, 1, 15).Time()
	a, _ := testBadge().Unsigned()
	other := testBadge()
	other.Holder = "John Roe"
	b, _ := other.Unsigned()
	run := func(docs ...[]byte) (hits, misses int64) {
		c := OpenCache(path)
		s := &Signer{Key: testKey, VerificationMethod: testVM, Cache: c}
		for _, d := range docs {
			if _, err := s.Sign(d, at); err != nil {
				t.Fatal(err)
			}
		}
		if err := c.Save(); err != nil {
			t.Fatal(err)
		}
		return s.Stats()
	}
	if h, m := run(a, b); h != 0 || m != 2 {
		t.Fatalf("cold: %d hits, %d misses", h, m)
	}
	before, _ := os.Stat(path)
	if h, m := run(a, b); h != 2 || m != 0 {
		t.Fatalf("warm: %d hits, %d misses", h, m)
	}
	if after, _ := os.Stat(path); !os.SameFile(before, after) {
		t.Error("a run that used every entry and made none rewrote the cache")
	}
	run(a) // b unused: dropped
	if h, m := run(a, b); h != 1 || m != 1 {
		t.Errorf("after a run without b: %d hits, %d misses, want 1 and 1", h, m)
	}
}

func golden(t *testing.T, file string, got []byte) {
	t.Helper()
	if os.Getenv("UPDATE_GOLDEN") != "" {
		os.WriteFile(file, got, 0o644)
	}
	want, err := os.ReadFile(file)
	if err != nil {
		t.Fatalf("%v (UPDATE_GOLDEN=1 writes it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs:\ngot:\n%s\nwant:\n%s", file, got, want)
	}
}

// Encoded status lists are kept too, and a corrupted one is dropped.
func TestCacheKeepsEncodedLists(t *testing.T) {
	path := t.TempDir() + "/sig"
	bits := make([]byte, ListBits/8)
	bits[3] = 0x10
	want, _ := EncodeList(bits)
	c := OpenCache(path)
	if got, err := c.EncodeList(bits); err != nil || got != want {
		t.Fatalf("EncodeList = %.20s, %v", got, err)
	}
	if err := c.Save(); err != nil {
		t.Fatal(err)
	}
	c2 := OpenCache(path)
	if len(c2.oldLists) != 1 {
		t.Fatalf("%d lists read back", len(c2.oldLists))
	}
	if got, _ := c2.EncodeList(bits); got != want {
		t.Error("the cached list differs")
	}
	data, _ := os.ReadFile(path)
	data[len(data)-20] ^= 1 // inside the list's text
	os.WriteFile(path, data, 0o644)
	if c3 := OpenCache(path); len(c3.oldLists) != 0 {
		t.Error("a corrupted list was kept")
	}
}

// NewKeyFromSeedForTest is a fixed key made of one repeated byte.
func NewKeyFromSeedForTest(b byte) ed25519.PrivateKey {
	return ed25519.NewKeyFromSeed(bytes.Repeat([]byte{b}, 32))
}

func publicOf(k ed25519.PrivateKey) ed25519.PublicKey { return k.Public().(ed25519.PublicKey) }

// Verify reads documents from anywhere: whatever the bytes, it returns
// an error or a proof, never panics, and verifies only what was signed.
func FuzzVerify(f *testing.F) {
	signed := signBadge(f, testBadge(), testKey)
	f.Add(signed)
	f.Add([]byte(`{"@context":["https://www.w3.org/ns/credentials/v2"],"proof":{}}`))
	f.Add([]byte(`{"@context":{"@vocab":"https://x.example/"},"a":{"@id":"_:b0","b":[1,2.5e300,null,true]},"proof":[{"type":"DataIntegrityProof"}]}`))
	f.Add([]byte(`[]`))
	pub := testKey.Public().(ed25519.PublicKey)
	f.Fuzz(func(t *testing.T, doc []byte) {
		if _, err := VerifyKey(doc, pub); err == nil && !bytes.Equal(doc, signed) {
			// Another spelling of the same statements verifies too
			// (member order, spacing); anything else must not.
			var a, b any
			if json.Unmarshal(doc, &a) != nil || json.Unmarshal(signed, &b) != nil {
				t.Fatalf("%q verified", doc)
			}
			ca, _ := Canonicalize(withoutProof(t, doc))
			cb, _ := Canonicalize(withoutProof(t, signed))
			if !bytes.Equal(ca, cb) {
				t.Fatalf("%q verified with other statements", doc)
			}
		}
	})
}

func withoutProof(t *testing.T, doc []byte) []byte {
	var m map[string]any
	json.Unmarshal(doc, &m)
	delete(m, "proof")
	b, _ := json.Marshal(m)
	return b
}

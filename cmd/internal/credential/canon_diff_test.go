package credential

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"sync"
	"testing"

	"github.com/piprate/json-gold/ld"
)

// referenceCanonical is canonicalize as json-gold's own processor does
// it, every document's contexts processed afresh: what toRDF's memoized
// contexts must agree with.
func referenceCanonical(v any) (out []byte, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("panic: %v", r)
		}
	}()
	opts := options()
	ds, err := ld.NewJsonLdProcessor().ToRDF(v, opts)
	if err != nil {
		return nil, err
	}
	opts.Algorithm = canonicalization
	opts.Format = nquadsFormat
	n, err := ld.NewJsonLdApi().Normalize(ds.(*ld.RDFDataset), opts)
	if err != nil {
		return nil, err
	}
	return []byte(n.(string)), nil
}

func ourCanonical(v any) (out []byte, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("panic: %v", r)
		}
	}()
	return canonicalize(v)
}

func decodeDoc(t testing.TB, doc []byte) (any, bool) {
	d := json.NewDecoder(bytes.NewReader(doc))
	d.UseNumber()
	var v any
	if d.Decode(&v) != nil || d.More() {
		return nil, false
	}
	return v, true
}

// sameAsJSONGold canonicalizes doc both ways, each from its own decoding
// (expansion may keep parts of its input), and fails unless both give
// the same N-Quads or both refuse it.
func sameAsJSONGold(t testing.TB, name string, doc []byte) {
	t.Helper()
	a, ok := decodeDoc(t, doc)
	if !ok {
		return
	}
	b, _ := decodeDoc(t, doc)
	got, gerr := ourCanonical(a)
	want, werr := referenceCanonical(b)
	switch {
	case (gerr == nil) != (werr == nil):
		t.Errorf("%s: memoized contexts: err %v; json-gold: err %v", name, gerr, werr)
	case !bytes.Equal(got, want):
		t.Errorf("%s: memoized contexts give other N-Quads\ngot:\n%s\njson-gold:\n%s", name, got, want)
	}
}

var canonCorpus = []string{
	`{}`,
	`{"@context":["https://www.w3.org/ns/credentials/v2","https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"]}`,
	`{"@context":"https://www.w3.org/ns/credentials/v2","type":"VerifiableCredential","id":"https://x.example/1","issuer":"did:web:x.example"}`,
	`{"@context":["https://www.w3.org/ns/credentials/v2","https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],"type":"DataIntegrityProof","cryptosuite":"eddsa-rdfc-2022","created":"2026-01-01T00:00:00Z","verificationMethod":"did:web:x.example#k1","proofPurpose":"assertionMethod"}`,
	`{"@context":{"name":"https://schema.org/name"},"@id":"https://x.example/a","name":"Ada"}`,
	`{"@context":["https://www.w3.org/ns/credentials/v2",{"ex":"https://ex.example/"}],"type":["VerifiableCredential"],"ex:colour":"blue","credentialSubject":{"id":"did:example:1"}}`,
	`{"@id":"https://x.example/a","https://schema.org/name":"Ada"}`,
	`[{"@context":"https://www.w3.org/ns/credentials/v2","id":"https://x.example/1","type":"VerifiableCredential"}]`,
	`{"@context":"https://www.w3.org/ns/credentials/v2","@graph":[{"id":"https://x.example/1","type":"VerifiableCredential"},{"id":"https://x.example/2","name":"two"}]}`,
	`{"@context":["https://www.w3.org/ns/credentials/v2",{"id":"https://x.example/redefined"}],"id":"https://x.example/1"}`,
	`{"@context":["https://www.w3.org/ns/credentials/v2","https://example.com/evil.json"],"type":"VerifiableCredential"}`,
	`{"@context":["https://www.w3.org/ns/credentials/v2"],"type":["VerifiableCredential"],"id":"https://x.example/1","favouriteColour":"blue"}`,
	`{"@context":["https://www.w3.org/ns/credentials/v2","https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],"type":["VerifiableCredential","OpenBadgeCredential"],"credentialSubject":{"@context":{"nick":"https://ex.example/nick"},"type":["AchievementSubject"],"nick":"A","achievement":{"id":"https://x.example/a","type":["Achievement"],"name":"N","criteria":{"narrative":"n"}}}}`,
	`{"@context":["https://www.w3.org/ns/credentials/v2","https://www.w3.org/ns/credentials/v2"],"type":"VerifiableCredential","validFrom":"2026-01-01T00:00:00Z"}`,
	`{"@context":[],"@id":"https://x.example/a","https://schema.org/name":"Ada"}`,
	`{"@context":""}`,
	`{"@context":[""]}`,
	`{"@context":["https://www.w3.org/ns/credentials/v2 https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],"type":"VerifiableCredential"}`,
	`"https://www.w3.org/ns/credentials/v2"`,
	`{"@context":null,"@id":"https://x.example/a","https://schema.org/name":"Ada"}`,
	`{"@context":["https://www.w3.org/ns/did/v1","https://w3id.org/security/multikey/v1"],"id":"did:web:x.example","verificationMethod":[{"id":"did:web:x.example#k1","type":"Multikey","controller":"did:web:x.example","publicKeyMultibase":"z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi"}],"assertionMethod":["did:web:x.example#k1"]}`,
	`{"@context":["https://www.w3.org/ns/credentials/v2"],"id":"https://x.example/status/1","type":["VerifiableCredential","BitstringStatusListCredential"],"issuer":"did:web:x.example","validFrom":"2026-01-01T00:00:00Z","credentialSubject":{"id":"https://x.example/status/1#list","type":"BitstringStatusList","statusPurpose":"revocation","encodedList":"uH4sIAAAAAAAAA-3BMQEAAADCoPVPbQwfoAAAAAAAAAAAAAAAAAAAAIC3AYbSVKsAQAAA"}}`,
}

// TestToRDFIsJSONGold holds canonicalization with memoized contexts to
// json-gold's own processing of each document's contexts: the test
// vector, the package's own documents, and documents that reach every
// branch (inline, mixed and empty contexts, no context, @graph, a list,
// scoped contexts, refused contexts and terms), twice over so that the
// second pass reads the memo the first filled, and concurrently.
func TestToRDFIsJSONGold(t *testing.T) {
	docs := map[string][]byte{}
	for i, d := range canonCorpus {
		docs[fmt.Sprint("corpus ", i)] = []byte(d)
	}
	for _, f := range []string{"testdata/test-vector-credential.json", "testdata/badge.ob3.json", "testdata/did.json"} {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		docs[f] = b
	}
	for pass := 0; pass < 2; pass++ {
		for name, d := range docs {
			sameAsJSONGold(t, name, d)
		}
	}
	var wg sync.WaitGroup
	for name, d := range docs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sameAsJSONGold(t, name, d)
		}()
	}
	wg.Wait()
}

func FuzzToRDFIsJSONGold(f *testing.F) {
	for _, d := range canonCorpus {
		f.Add([]byte(d))
	}
	f.Fuzz(func(t *testing.T, doc []byte) {
		if len(doc) > 4096 {
			return
		}
		sameAsJSONGold(t, "fuzz", doc)
	})
}

// Two contexts that are not the same list of URLs never share a key.
func TestContextKey(t *testing.T) {
	seen := map[string]string{}
	for _, c := range []string{`""`, `[]`, `[""]`, `["",""]`, `"a b"`, `["a b"]`, `["a","b"]`, `["a b",""]`, `["1:a"]`, `"list"`, `["a"]`, `"a"`} {
		var v any
		if err := json.Unmarshal([]byte(c), &v); err != nil {
			t.Fatal(err)
		}
		k, memo := contextKey(v)
		if !memo {
			t.Errorf("%s: not memoized", c)
			continue
		}
		if other, ok := seen[k]; ok {
			t.Errorf("%s and %s share the key %q", c, other, k)
		}
		seen[k] = c
	}
	for _, c := range []any{map[string]any{"name": "https://schema.org/name"}, []any{"a", map[string]any{}}, nil, []any{"1", "2", "3", "4", "5", "6", "7", "8", "9"}} {
		if _, memo := contextKey(c); memo {
			t.Errorf("%v: memoized", c)
		}
	}
}

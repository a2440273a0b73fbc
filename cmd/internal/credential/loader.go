package credential

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/json"
	"fmt"
	"sync"

	"github.com/piprate/json-gold/ld"
)

// The JSON-LD contexts documents name, by URL. contexts/README.md says
// where each file comes from.
const (
	ContextVC        = "https://www.w3.org/ns/credentials/v2"
	ContextOB        = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
	ContextDI        = "https://w3id.org/security/data-integrity/v2"
	ContextMultikey  = "https://w3id.org/security/multikey/v1"
	ContextDID       = "https://www.w3.org/ns/did/v1"
	contextsFolder   = "contexts/"
	nquadsFormat     = "application/n-quads"
	canonicalization = ld.AlgorithmURDNA2015 // RDFC-1.0 for these documents
)

//go:embed contexts/*.json contexts/*.jsonld
var contextFiles embed.FS

var contextFile = map[string]string{
	ContextVC:       "credentials-v2.jsonld",
	ContextOB:       "ob-v3p0-context-3.0.3.json",
	ContextDI:       "data-integrity-v2.jsonld",
	ContextMultikey: "multikey-v1.jsonld",
	ContextDID:      "did-v1.jsonld",
}

// contexts returns the parsed contexts, read once (on first use: every
// command links this package, few canonicalize); json-gold may keep and
// share what a loader returns, and never modifies it.
var contexts = sync.OnceValue(func() map[string]any {
	m := map[string]any{}
	for url, name := range contextFile {
		b, err := contextFiles.ReadFile(contextsFolder + name)
		if err != nil {
			panic("credential: embedded context missing: " + name) // a build error, not input
		}
		doc, err := ld.DocumentFromReader(bytes.NewReader(b))
		if err != nil {
			panic("credential: embedded context " + name + ": " + err.Error())
		}
		m[url] = doc
	}
	return m
})

// Loader is a json-gold DocumentLoader that serves the embedded contexts
// and refuses every other URL: a document naming any other context
// cannot be canonicalized, rather than fetching it.
type Loader struct{}

// LoadDocument implements ld.DocumentLoader.
func (Loader) LoadDocument(u string) (*ld.RemoteDocument, error) {
	doc, ok := contexts()[u]
	if !ok {
		return nil, ld.NewJsonLdError(ld.LoadingDocumentFailed, fmt.Sprintf("context %s is not one accredit knows (it never fetches a context)", u))
	}
	return &ld.RemoteDocument{DocumentURL: u, Document: doc}, nil
}

// ContextHash is a digest of every embedded context: a cached signature
// is valid only for the contexts it was made with.
var ContextHash = func() [32]byte {
	h := sha256.New()
	for _, url := range []string{ContextVC, ContextOB, ContextDI, ContextMultikey, ContextDID} {
		b, _ := contextFiles.ReadFile(contextsFolder + contextFile[url])
		fmt.Fprintf(h, "%s %d\n", url, len(b))
		h.Write(b)
	}
	var s [32]byte
	h.Sum(s[:0])
	return s
}()

// Canonicalize returns the canonical N-Quads (RDFC-1.0) of a JSON-LD
// document given as JSON. A property that no context defines is an error
// (JSON-LD's safe mode), not dropped: a signature must cover every
// statement a reader of the JSON sees.
func Canonicalize(doc []byte) ([]byte, error) {
	var v any
	d := json.NewDecoder(bytes.NewReader(doc))
	d.UseNumber()
	if err := d.Decode(&v); err != nil {
		return nil, fmt.Errorf("canonicalize: %w", err)
	}
	return canonicalize(v)
}

func canonicalize(v any) ([]byte, error) {
	proc := ld.NewJsonLdProcessor()
	opts := ld.NewJsonLdOptions("")
	opts.DocumentLoader = Loader{}
	opts.SafeMode = true
	opts.ProcessingMode = ld.JsonLd_1_1
	ds, err := proc.ToRDF(v, opts)
	if err != nil {
		return nil, fmt.Errorf("canonicalize: %w", err)
	}
	// Normalize's own expansion would run without safe mode: give it
	// the dataset made above.
	opts.Algorithm = canonicalization
	opts.Format = nquadsFormat
	out, err := ld.NewJsonLdApi().Normalize(ds.(*ld.RDFDataset), opts)
	if err != nil {
		return nil, fmt.Errorf("canonicalize: %w", err)
	}
	s, ok := out.(string)
	if !ok {
		return nil, fmt.Errorf("canonicalize: unexpected result %T", out)
	}
	return []byte(s), nil
}

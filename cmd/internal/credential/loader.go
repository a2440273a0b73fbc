package credential

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
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

// contexts holds each context, parsed on first use (every command links
// this package, few canonicalize, and a credential names two of the
// five); json-gold may keep and share what a loader returns, and never
// modifies it.
var contexts = func() map[string]func() any {
	m := map[string]func() any{}
	for url, name := range contextFile {
		m[url] = sync.OnceValue(func() any {
			b, err := contextFiles.ReadFile(contextsFolder + name)
			if err != nil {
				panic("credential: embedded context missing: " + name) // a build error, not input
			}
			doc, err := ld.DocumentFromReader(bytes.NewReader(b))
			if err != nil {
				panic("credential: embedded context " + name + ": " + err.Error())
			}
			return doc
		})
	}
	return m
}()

// Loader is a json-gold DocumentLoader that serves the embedded contexts
// and refuses every other URL: a document naming any other context
// cannot be canonicalized, rather than fetching it.
type Loader struct{}

// LoadDocument implements ld.DocumentLoader.
func (Loader) LoadDocument(u string) (*ld.RemoteDocument, error) {
	doc, ok := contexts[u]
	if !ok {
		return nil, ld.NewJsonLdError(ld.LoadingDocumentFailed, fmt.Sprintf("context %s is not one accredit knows (it never fetches a context)", u))
	}
	return &ld.RemoteDocument{DocumentURL: u, Document: doc()}, nil
}

// Prepare does ahead what the first canonicalization of a credential
// would: it parses the contexts an Open Badge names and has json-gold
// compile its URL pattern (on first use, behind a lock). A process that
// verifies one credential calls it on an idle core while it reads its
// input, so that the checks find both ready.
func Prepare() {
	activeContext([]any{ContextVC})            // a status list's
	activeContext([]any{ContextVC, ContextOB}) // an Open Badge's
	ld.IsURL("https://example.org/")
}

// ContextHash is a digest of every embedded context: a cached signature
// is valid only for the contexts it was made with.
var ContextHash = sync.OnceValue(func() [32]byte {
	h := sha256.New()
	for _, url := range []string{ContextVC, ContextOB, ContextDI, ContextMultikey, ContextDID} {
		b, _ := contextFiles.ReadFile(contextsFolder + contextFile[url])
		fmt.Fprintf(h, "%s %d\n", url, len(b))
		h.Write(b)
	}
	var s [32]byte
	h.Sum(s[:0])
	return s
})

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
	opts := options()
	ds, err := toRDF(v, opts)
	if err != nil {
		return nil, fmt.Errorf("canonicalize: %w", err)
	}
	// Normalize's own expansion would run without safe mode: give it
	// the dataset made above.
	opts.Algorithm = canonicalization
	opts.Format = nquadsFormat
	out, err := ld.NewJsonLdApi().Normalize(ds, opts)
	if err != nil {
		return nil, fmt.Errorf("canonicalize: %w", err)
	}
	s, ok := out.(string)
	if !ok {
		return nil, fmt.Errorf("canonicalize: unexpected result %T", out)
	}
	return []byte(s), nil
}

// options are json-gold's options for accredit's documents: the embedded
// contexts only, JSON-LD 1.1, and safe mode.
func options() *ld.JsonLdOptions {
	opts := ld.NewJsonLdOptions("")
	opts.DocumentLoader = Loader{}
	opts.SafeMode = true
	opts.ProcessingMode = ld.JsonLd_1_1
	return opts
}

// activeContexts memoizes JSON-LD's context processing (json-gold's
// Context.Parse) of a document's @context when it only names contexts by
// URL, as every credential, status list and proof configuration does:
// by the list of URLs (contextKey). Processing the Open Badges context is a third
// of canonicalizing a credential, and a signature costs two (the proof
// configuration names the same contexts). A processed context is never
// modified: expansion makes new ones from it.
var activeContexts sync.Map // contextKey -> *memoContext

// contextOptions are the options the memoized contexts keep, never
// changed after.
var contextOptions = sync.OnceValue(options)

// toRDF is json-gold's JsonLdProcessor.ToRDF (expansion, then the
// dataset) of a document, with the document's own @context processed as
// the first step of expansion does, but once per distinct list of
// context URLs (activeContexts). Expanding the rest of the document from
// that active context is what expansion does after its first step;
// TestToRDFIsJSONGold holds the two to the same N-Quads.
func toRDF(v any, opts *ld.JsonLdOptions) (*ld.RDFDataset, error) {
	if iri, ok := v.(string); ok && strings.Contains(iri, ":") {
		// A string that is an IRI names the document (expansion's
		// second step): Loader serves only the embedded contexts.
		rd, err := opts.DocumentLoader.LoadDocument(iri)
		if err != nil {
			return nil, err
		}
		v = rd.Document
		if opts.Base == "" {
			opts.Base = rd.DocumentURL
		}
	}
	active := ld.NewContext(nil, opts)
	if doc, ok := v.(map[string]any); ok {
		if local, ok := doc["@context"]; ok {
			var err error
			if active, err = activeContext(local); err != nil {
				return nil, err
			}
			rest := make(map[string]any, len(doc)-1)
			for k, x := range doc {
				if k != "@context" {
					rest[k] = x
				}
			}
			v = rest
		}
	}
	api := ld.NewJsonLdApi()
	expanded, err := api.Expand(active, "", v, opts, false, nil)
	if err != nil {
		return nil, err
	}
	// The last step of the expansion algorithm, as JsonLdProcessor's.
	m, isMap := expanded.(map[string]any)
	if isMap && len(m) == 0 {
		expanded = nil
	}
	if g, ok := m["@graph"]; isMap && ok && len(m) == 1 {
		expanded = g
	} else if expanded == nil {
		expanded = []any{}
	}
	list, ok := expanded.([]any)
	if !ok {
		list = []any{expanded}
	}
	return api.ToRDF(list, opts)
}

// activeContext returns the processed local context, from activeContexts
// when it is a list of URLs. Callers asking for the same list at once
// (a verify's two proofs, and Prepare) wait for one processing.
func activeContext(local any) (*ld.Context, error) {
	key, memo := contextKey(local)
	if !memo {
		return ld.NewContext(nil, contextOptions()).Parse(local)
	}
	e, _ := activeContexts.LoadOrStore(key, &memoContext{})
	m := e.(*memoContext)
	m.once.Do(func() { m.ctx, m.err = ld.NewContext(nil, contextOptions()).Parse(local) })
	return m.ctx, m.err
}

// memoContext is one processed context of activeContexts, or the error
// processing it gave (a URL Loader refuses: the same error every time).
type memoContext struct {
	once sync.Once
	ctx  *ld.Context
	err  error
}

// contextKey is the key of a @context of URLs in activeContexts: each
// URL with its length before it, unambiguous whatever the URLs hold,
// and a list marked as one. memo is false for any other context (an
// inline one: a document's own, unbounded) and for long lists.
func contextKey(local any) (key string, memo bool) {
	switch c := local.(type) {
	case string:
		return strconv.Itoa(len(c)) + ":" + c, true
	case []any:
		if len(c) > 8 {
			return "", false
		}
		b := []byte("list")
		for _, x := range c {
			s, ok := x.(string)
			if !ok {
				return "", false
			}
			b = append(strconv.AppendInt(append(b, ' '), int64(len(s)), 10), ':')
			b = append(b, s...)
		}
		return string(b), true
	}
	return "", false
}

// Package verifier checks a signed Open Badges 3.0 credential the way a
// third-party verifier does, trusting nothing of the program that made
// it: the document's shape against 1EdTech's AchievementCredential
// schema, the issuer's did:web DID document, the eddsa-rdfc-2022 proof
// by a key that document lists for assertions, the validity dates, and
// the revocation bit of the Bitstring Status List the credential names
// (a signed credential of its own, by the same issuer).
//
// In: the credential's JSON and a Source that fetches the documents it
// names (a built site folder, or HTTPS). Out: a Result listing each
// check, passed or failed with its reason.
//
// Files:
//
//	verifier.go  Verify and its checks
//	source.go    Sources: a site folder, HTTPS, and what maps one to the other
//	schema.go    the embedded JSON Schemas
package verifier

import (
	"bytes"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/accredit/accredit/cmd/internal/credential"
	"github.com/accredit/accredit/cmd/internal/date"
)

// MaxDocument is the largest document Verify reads: a credential, a DID
// document or a status list credential (whose 131,072 bits gzip to a
// few hundred bytes when few are set, and at most about 22 KB).
const MaxDocument = 1 << 20

// A Check is one thing Verify checked.
type Check struct {
	Name   string // schema, issuer, proof, dates, status
	OK     bool
	Detail string // what was found, or why it failed
}

// Result is what Verify found.
type Result struct {
	ID     string // the credential's id, when it has one
	Checks []Check
	opts   Options
}

// Valid reports whether every check passed (and there was one).
func (r *Result) Valid() bool {
	for _, c := range r.Checks {
		if !c.OK {
			return false
		}
	}
	return len(r.Checks) > 0
}

// Reason is the first failed check's detail, "" when valid.
func (r *Result) Reason() string {
	for _, c := range r.Checks {
		if !c.OK {
			return c.Name + ": " + c.Detail
		}
	}
	return ""
}

func (r *Result) pass(name, format string, args ...any) {
	r.Checks = append(r.Checks, Check{Name: name, OK: true, Detail: fmt.Sprintf(format, args...)})
}

func (r *Result) fail(name, format string, args ...any) {
	r.Checks = append(r.Checks, Check{Name: name, Detail: fmt.Sprintf(format, args...)})
}

// Options are what Verify checks against besides the documents.
type Options struct {
	Now time.Time // the instant the credential must be valid at
	// KeyDates, when not nil, are the dates each key (by DID URL) may
	// sign on, from the program's [[signing_keys]]: a DID document says
	// which keys are the issuer's, not since when. A proof whose key is
	// not listed here, or that was made outside its key's dates, fails.
	KeyDates map[string]Period
}

// Period is a key's from and until dates: until is the first day it no
// longer signs, zero when open.
type Period struct{ From, Until date.Date }

// Verify checks the credential doc, fetching what it names from src.
// Every check runs, so that the result says all that is wrong; one that
// needs what an earlier one could not give (the proof needs the DID
// document) fails saying so.
func Verify(doc []byte, src Source, opts Options) *Result {
	r := &Result{opts: opts}
	now := opts.Now
	if len(doc) > MaxDocument {
		r.fail("document", "%d bytes, more than the %d a credential may have", len(doc), MaxDocument)
		return r
	}
	var vc map[string]any
	if err := decode(doc, &vc); err != nil {
		r.fail("document", "not a JSON object: %v", err)
		return r
	}
	r.ID, _ = vc["id"].(string)
	if err := shape(vc, 0, new(int)); err != nil {
		// Canonicalization (RDFC-1.0) can be made to take exponential time
		// by blank nodes that point at each other; a tree of objects, as
		// every credential accredit or a wallet writes, cannot.
		r.fail("document", "%v", err)
		return r
	}

	// Schema: the document is an AchievementCredential, as 1EdTech
	// defines it.
	if err := validate(doc); err != nil {
		r.fail("schema", "%v", err)
	} else {
		r.pass("schema", "valid AchievementCredential (Open Badges 3.0 JSON Schema)")
	}
	types := strings2(vc["type"])
	if !contains(types, "VerifiableCredential") || !(contains(types, "OpenBadgeCredential") || contains(types, "AchievementCredential")) {
		r.fail("type", "type %v is not [VerifiableCredential, OpenBadgeCredential]", types)
	}

	// Issuer: a did:web DID, and its DID document.
	issuer := issuerID(vc["issuer"])
	keys, issuerOK := r.resolveIssuer(issuer, src)

	// The status list's proof is checked on another core while this one
	// checks the credential's: each canonicalizes its document, most of
	// a verify's time. Its checks are reported after the dates, as ever.
	st := &Result{opts: opts}
	done := make(chan struct{})
	go func() {
		defer close(done)
		st.status(vc, issuer, keys, issuerOK, src, now)
	}()

	// Proof: by a key of the issuer's DID document for assertions.
	r.proof("proof", doc, issuer, keys, issuerOK)

	// Dates.
	r.dates(vc, now)

	// Status.
	<-done
	r.Checks = append(r.Checks, st.Checks...)
	return r
}

// resolveIssuer fetches and reads the issuer's DID document, returning
// its keys for assertions by DID URL.
func (r *Result) resolveIssuer(issuer string, src Source) (map[string]ed25519.PublicKey, bool) {
	if issuer == "" {
		r.fail("issuer", "the credential names no issuer id")
		return nil, false
	}
	docURL, err := DIDDocumentURL(issuer)
	if err != nil {
		r.fail("issuer", "%v", err)
		return nil, false
	}
	b, err := src.Fetch(docURL)
	if err != nil {
		r.fail("issuer", "DID document of %s: %v", issuer, err)
		return nil, false
	}
	keys, err := assertionKeys(b, issuer)
	if err != nil {
		r.fail("issuer", "DID document %s: %v", docURL, err)
		return nil, false
	}
	r.pass("issuer", "%s, DID document %s (%d key(s) for assertions)", issuer, docURL, len(keys))
	return keys, true
}

// proof checks the Data Integrity proof of doc by one of keys, which the
// issuer's DID document lists.
func (r *Result) proof(name string, doc []byte, issuer string, keys map[string]ed25519.PublicKey, keysOK bool) bool {
	if !keysOK {
		r.fail(name, "not checked: the issuer's keys are unknown")
		return false
	}
	p, err := credential.Verify(doc, func(vm string) (ed25519.PublicKey, error) {
		if !strings.HasPrefix(vm, issuer+"#") {
			return nil, fmt.Errorf("is not a key of the issuer %s", issuer)
		}
		k, ok := keys[vm]
		if !ok {
			return nil, fmt.Errorf("is not listed for assertions in the issuer's DID document")
		}
		return k, nil
	})
	if err != nil {
		r.fail(name, "%v", err)
		return false
	}
	if r.opts.KeyDates != nil {
		period, ok := r.opts.KeyDates[p.VerificationMethod]
		created, err := time.Parse(time.RFC3339, p.Created)
		switch {
		case !ok:
			r.fail(name, "%s is not among the program's [[signing_keys]]", p.VerificationMethod)
			return false
		case err != nil:
			r.fail(name, "the proof's created %q is not a dateTime", p.Created)
			return false
		case !period.covers(date.FromTime(created)):
			r.fail(name, "made on %s by %s, which signs %s", day(created), p.VerificationMethod, period)
			return false
		}
	}
	r.pass(name, "%s signature by %s, created %s", p.Cryptosuite, p.VerificationMethod, p.Created)
	return true
}

// dates checks validFrom and validUntil against now.
func (r *Result) dates(vc map[string]any, now time.Time) {
	from, err := dateTime(vc, "validFrom", true)
	if err != nil {
		r.fail("dates", "%v", err)
		return
	}
	until, err := dateTime(vc, "validUntil", false)
	if err != nil {
		r.fail("dates", "%v", err)
		return
	}
	switch {
	case now.Before(from):
		r.fail("dates", "not valid before %s", day(from))
	case !until.IsZero() && !now.Before(until):
		r.fail("dates", "expired: valid until %s", day(until))
	case until.IsZero():
		r.pass("dates", "valid from %s, no expiry", day(from))
	default:
		r.pass("dates", "valid from %s until %s", day(from), day(until))
	}
}

// status checks each BitstringStatusListEntry of the credential: the
// status list credential it names is signed by the same issuer, valid
// now, and its bit for the credential is clear.
func (r *Result) status(vc map[string]any, issuer string, keys map[string]ed25519.PublicKey, keysOK bool, src Source, now time.Time) {
	raw, ok := vc["credentialStatus"]
	if !ok {
		r.pass("status", "the credential names no status list: it cannot be revoked")
		return
	}
	entries, ok := raw.([]any)
	if !ok {
		entries = []any{raw}
	}
	for _, e := range entries {
		r.statusEntry(e, issuer, keys, keysOK, src, now)
	}
}

func (r *Result) statusEntry(raw any, issuer string, keys map[string]ed25519.PublicKey, keysOK bool, src Source, now time.Time) {
	e, _ := raw.(map[string]any)
	typ, _ := e["type"].(string)
	purpose, _ := e["statusPurpose"].(string)
	listURL, _ := e["statusListCredential"].(string)
	idxStr, _ := e["statusListIndex"].(string)
	if typ != "BitstringStatusListEntry" {
		r.fail("status", "status entry of type %q, not BitstringStatusListEntry", typ)
		return
	}
	index, err := parseIndex(idxStr)
	if err != nil {
		r.fail("status", "statusListIndex %q: %v", idxStr, err)
		return
	}
	if listURL == "" {
		r.fail("status", "the status entry names no statusListCredential")
		return
	}
	b, err := src.Fetch(listURL)
	if err != nil {
		r.fail("status", "status list %s: %v", listURL, err)
		return
	}
	var tree any
	if err := decode(b, &tree); err != nil {
		r.fail("status", "status list %s: %v", listURL, err)
		return
	}
	if err := shape(tree, 0, new(int)); err != nil {
		r.fail("status", "status list %s: %v", listURL, err)
		return
	}
	if !r.proof("status list proof", b, issuer, keys, keysOK) {
		return
	}
	var list struct {
		ID         string   `json:"id"`
		Type       []string `json:"type"`
		Issuer     any      `json:"issuer"`
		ValidFrom  string   `json:"validFrom"`
		ValidUntil string   `json:"validUntil"`
		Subject    struct {
			Type          string `json:"type"`
			StatusPurpose string `json:"statusPurpose"`
			EncodedList   string `json:"encodedList"`
		} `json:"credentialSubject"`
	}
	if err := decode(b, &list); err != nil {
		r.fail("status", "status list %s: %v", listURL, err)
		return
	}
	switch {
	case list.ID != listURL:
		r.fail("status", "the status list at %s says its id is %q", listURL, list.ID)
		return
	case !contains(list.Type, "BitstringStatusListCredential") || list.Subject.Type != "BitstringStatusList":
		r.fail("status", "%s is not a BitstringStatusListCredential", listURL)
		return
	case issuerID(list.Issuer) != issuer:
		r.fail("status", "the status list %s is issued by %q, the credential by %q", listURL, issuerID(list.Issuer), issuer)
		return
	case list.Subject.StatusPurpose != purpose:
		r.fail("status", "the status list's purpose is %q, the entry's %q", list.Subject.StatusPurpose, purpose)
		return
	}
	if until, err := time.Parse(time.RFC3339, list.ValidUntil); list.ValidUntil != "" && (err != nil || !now.Before(until)) {
		r.fail("status", "the status list %s is not valid now (validUntil %s)", listURL, list.ValidUntil)
		return
	}
	bits, err := credential.DecodeList(list.Subject.EncodedList)
	if err != nil {
		r.fail("status", "status list %s: %v", listURL, err)
		return
	}
	if index >= len(bits)*8 {
		r.fail("status", "statusListIndex %d is past the end of the list's %d bits", index, len(bits)*8)
		return
	}
	if credential.BitSet(bits, index) {
		if purpose == "revocation" {
			r.fail("status", "revoked (bit %d of %s is set)", index, listURL)
		} else {
			r.fail("status", "%s (bit %d of %s is set)", purpose, index, listURL)
		}
		return
	}
	state := map[string]string{"revocation": "not revoked", "suspension": "not suspended"}[purpose]
	if state == "" {
		state = purpose + " not set"
	}
	r.pass("status", "%s (bit %d of %s is clear; the list is signed by the issuer)", state, index, listURL)
}

func (p Period) covers(d date.Date) bool {
	return !d.Before(p.From) && (!p.Until.Valid() || d.Before(p.Until))
}

func (p Period) String() string {
	if !p.Until.Valid() {
		return "from " + p.From.String()
	}
	return "from " + p.From.String() + " until " + p.Until.String()
}

// Bounds of what a credential may hold, far above any real one (accredit's
// have about a dozen objects, three levels deep).
const (
	maxObjects = 1000
	maxDepth   = 32
)

// shape refuses explicit blank node identifiers ("_:b0"), which let a
// document link its objects into any graph, and more objects or depth
// than a credential has.
func shape(v any, depth int, objects *int) error {
	if depth > maxDepth {
		return fmt.Errorf("nested more than %d levels deep", maxDepth)
	}
	switch v := v.(type) {
	case map[string]any:
		if *objects++; *objects > maxObjects {
			return fmt.Errorf("more than %d objects", maxObjects)
		}
		for k, e := range v {
			if s, ok := e.(string); ok && (k == "id" || k == "@id") && strings.HasPrefix(s, "_:") {
				return fmt.Errorf("%s %q is a blank node identifier, which a credential has no use for and which can make canonicalization take exponential time", k, s)
			}
			if err := shape(e, depth+1, objects); err != nil {
				return err
			}
		}
	case []any:
		for _, e := range v {
			if err := shape(e, depth+1, objects); err != nil {
				return err
			}
		}
	}
	return nil
}

// assertionKeys reads a DID document: its id must be did, and each key
// it lists for assertionMethod (by reference to verificationMethod, or
// embedded) must be a Multikey of that DID's controller.
func assertionKeys(b []byte, did string) (map[string]ed25519.PublicKey, error) {
	var d struct {
		ID                 string            `json:"id"`
		VerificationMethod []json.RawMessage `json:"verificationMethod"`
		AssertionMethod    []json.RawMessage `json:"assertionMethod"`
	}
	if err := decode(b, &d); err != nil {
		return nil, err
	}
	if d.ID != did {
		return nil, fmt.Errorf("its id is %q, not %s", d.ID, did)
	}
	type method struct {
		ID                 string `json:"id"`
		Type               string `json:"type"`
		Controller         string `json:"controller"`
		PublicKeyMultibase string `json:"publicKeyMultibase"`
	}
	methods := map[string]method{}
	for _, raw := range d.VerificationMethod {
		var m method
		if err := json.Unmarshal(raw, &m); err != nil {
			return nil, fmt.Errorf("verificationMethod: %v", err)
		}
		methods[absolute(did, m.ID)] = m
	}
	keys := map[string]ed25519.PublicKey{}
	for _, raw := range d.AssertionMethod {
		var m method
		var ref string
		if json.Unmarshal(raw, &ref) == nil {
			var ok bool
			if m, ok = methods[absolute(did, ref)]; !ok {
				return nil, fmt.Errorf("assertionMethod %q is not among its verification methods", ref)
			}
		} else if err := json.Unmarshal(raw, &m); err != nil {
			return nil, fmt.Errorf("assertionMethod: %v", err)
		}
		id := absolute(did, m.ID)
		if m.Type != "Multikey" {
			return nil, fmt.Errorf("key %s is a %q, not a Multikey", id, m.Type)
		}
		if m.Controller != did {
			return nil, fmt.Errorf("key %s is controlled by %q, not %s", id, m.Controller, did)
		}
		pub, err := credential.ParseMultikey(m.PublicKeyMultibase)
		if err != nil {
			return nil, fmt.Errorf("key %s: %v", id, err)
		}
		keys[id] = pub
	}
	if len(keys) == 0 {
		return nil, errors.New("it lists no key for assertionMethod")
	}
	return keys, nil
}

// absolute makes a relative DID URL ("#key-1") absolute.
func absolute(did, id string) string {
	if strings.HasPrefix(id, "#") {
		return did + id
	}
	return id
}

// Issuer is the issuer's id of a credential's JSON ("" when it has
// none): what its documents are looked up by.
func Issuer(doc []byte) string {
	var vc struct {
		Issuer any `json:"issuer"`
	}
	json.Unmarshal(doc, &vc)
	return issuerID(vc.Issuer)
}

func issuerID(v any) string {
	switch v := v.(type) {
	case string:
		return v
	case map[string]any:
		s, _ := v["id"].(string)
		return s
	}
	return ""
}

func dateTime(vc map[string]any, key string, required bool) (time.Time, error) {
	v, ok := vc[key]
	if !ok {
		if required {
			return time.Time{}, fmt.Errorf("the credential has no %s", key)
		}
		return time.Time{}, nil
	}
	s, _ := v.(string)
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("%s %q is not an XML Schema dateTime with a time zone", key, s)
	}
	return t, nil
}

func day(t time.Time) string {
	if t.UTC().Format("15:04:05") == "00:00:00" {
		return t.UTC().Format(time.DateOnly)
	}
	return t.UTC().Format(time.RFC3339)
}

// parseIndex reads a statusListIndex: a decimal string, as the spec
// writes it.
func parseIndex(s string) (int, error) {
	if s == "" || len(s) > 9 || (len(s) > 1 && s[0] == '0') {
		return 0, errors.New("not a decimal index")
	}
	n := 0
	for _, c := range []byte(s) {
		if c < '0' || c > '9' {
			return 0, errors.New("not a decimal index")
		}
		n = n*10 + int(c-'0')
	}
	return n, nil
}

// strings2 reads a string or an array of strings.
func strings2(v any) []string {
	switch v := v.(type) {
	case string:
		return []string{v}
	case []any:
		var out []string
		for _, e := range v {
			if s, ok := e.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

func contains(list []string, s string) bool {
	for _, e := range list {
		if e == s {
			return true
		}
	}
	return false
}

// decode reads one JSON value into v, refusing trailing data.
func decode(b []byte, v any) error {
	d := json.NewDecoder(bytes.NewReader(b))
	if err := d.Decode(v); err != nil {
		return err
	}
	if d.More() {
		return errors.New("trailing data after the JSON value")
	}
	return nil
}

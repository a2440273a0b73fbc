package credential

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"time"
)

// The Data Integrity proof accredit makes: W3C vc-di-eddsa's
// eddsa-rdfc-2022 cryptosuite, for the assertionMethod purpose.
const (
	ProofType    = "DataIntegrityProof"
	Cryptosuite  = "eddsa-rdfc-2022"
	ProofPurpose = "assertionMethod"
)

// Proof is a DataIntegrityProof.
type Proof struct {
	Type               string `json:"type"`
	Cryptosuite        string `json:"cryptosuite"`
	Created            string `json:"created"`
	VerificationMethod string `json:"verificationMethod"`
	ProofPurpose       string `json:"proofPurpose"`
	ProofValue         string `json:"proofValue,omitempty"`
}

// NewProof returns the options of a proof by the key verificationMethod
// names, made at created (kept to the second, in UTC, as XML Schema's
// dateTime writes it).
func NewProof(verificationMethod string, created time.Time) Proof {
	return Proof{Type: ProofType, Cryptosuite: Cryptosuite, Created: created.UTC().Format(time.RFC3339),
		VerificationMethod: verificationMethod, ProofPurpose: ProofPurpose}
}

// HashData is what eddsa-rdfc-2022 signs: SHA-256 of the canonical proof
// configuration (the proof without its value, with the document's
// @context) followed by SHA-256 of the canonical document without proof.
// unsigned is the document's JSON, without a proof.
func HashData(unsigned []byte, p Proof) ([]byte, error) {
	doc, err := decodeObject(unsigned)
	if err != nil {
		return nil, err
	}
	if _, ok := doc["proof"]; ok {
		return nil, errors.New("the document to sign already has a proof")
	}
	return hashData(doc, p)
}

func hashData(doc map[string]any, p Proof) ([]byte, error) {
	ctx, ok := doc["@context"]
	if !ok {
		return nil, errors.New("the document has no @context")
	}
	if _, err := time.Parse(time.RFC3339, p.Created); err != nil {
		return nil, fmt.Errorf("proof created %q is not a date-time", p.Created)
	}
	config := map[string]any{
		"@context":           ctx,
		"type":               p.Type,
		"cryptosuite":        p.Cryptosuite,
		"created":            p.Created,
		"verificationMethod": p.VerificationMethod,
		"proofPurpose":       p.ProofPurpose,
	}
	ph, err := configHash(config)
	if err != nil {
		return nil, fmt.Errorf("proof configuration: %w", err)
	}
	dc, err := canonicalize(doc)
	if err != nil {
		return nil, fmt.Errorf("document: %w", err)
	}
	dh := sha256.Sum256(dc)
	return append(ph[:], dh[:]...), nil
}

// configHashes memoizes configHash: a build's proofs differ only in
// their created date, a few hundred distinct days for 200,000
// credentials, and canonicalizing a proof configuration (parsing its
// contexts) is half the cost of signing.
var configHashes sync.Map // JSON of the configuration -> [32]byte

// configHash is SHA-256 of the canonical form of a proof configuration.
func configHash(config map[string]any) ([32]byte, error) {
	key, err := json.Marshal(config) // sorted keys: one spelling per value
	if err != nil {
		return [32]byte{}, err
	}
	if h, ok := configHashes.Load(string(key)); ok {
		return h.([32]byte), nil
	}
	cc, err := canonicalize(config)
	if err != nil {
		return [32]byte{}, err
	}
	h := sha256.Sum256(cc)
	configHashes.Store(string(key), h)
	return h, nil
}

// Sign returns the proof of the unsigned document (JSON) by key, with
// the options of p (NewProof).
func Sign(unsigned []byte, p Proof, key ed25519.PrivateKey) (Proof, error) {
	hd, err := HashData(unsigned, p)
	if err != nil {
		return Proof{}, err
	}
	p.ProofValue = "z" + base58Encode(ed25519.Sign(key, hd))
	return p, nil
}

// WithProof returns the document with "proof": [p] added as its last
// member: an array, as the Open Badges 3.0 schema wants it (and which
// Data Integrity verifiers read as a set of one proof).
func WithProof(unsigned []byte, p Proof) ([]byte, error) {
	return AppendWithProof(make([]byte, 0, len(unsigned)+300), unsigned, p)
}

// AppendWithProof appends WithProof's document to dst. The proof is
// spliced into the unsigned JSON as it is, not decoded and encoded
// again: the document's bytes are those signed, and the proof is
// written as encoding/json writes it (proof_test.go checks both against
// encoding/json's encoding of the whole document).
func AppendWithProof(dst, unsigned []byte, p Proof) ([]byte, error) {
	u := bytes.TrimRight(unsigned, "\n")
	if len(u) < 2 || u[0] != '{' || u[len(u)-1] != '}' {
		return dst, errors.New("the document is not a JSON object")
	}
	dst = append(dst, u[:len(u)-1]...)
	if len(bytes.TrimSpace(u[1:len(u)-1])) > 0 {
		dst = append(dst, ',')
	}
	dst = append(dst, `"proof":[{`...)
	dst = appendMember(dst, true, "type", p.Type)
	dst = appendMember(dst, false, "cryptosuite", p.Cryptosuite)
	dst = appendMember(dst, false, "created", p.Created)
	dst = appendMember(dst, false, "verificationMethod", p.VerificationMethod)
	dst = appendMember(dst, false, "proofPurpose", p.ProofPurpose)
	if p.ProofValue != "" {
		dst = appendMember(dst, false, "proofValue", p.ProofValue)
	}
	return append(dst, "}]}\n"...), nil
}

// appendSigned is AppendWithProof with the proof's value the signature
// sig: "z" and its base58, written in place (no character of either
// needs escaping).
func appendSigned(dst, unsigned []byte, p Proof, sig []byte) ([]byte, error) {
	p.ProofValue = ""
	dst, err := AppendWithProof(dst, unsigned, p)
	if err != nil {
		return dst, err
	}
	dst = append(dst[:len(dst)-len("}]}\n")], `,"proofValue":"z`...)
	return append(appendBase58(dst, sig), "\"}]}\n"...), nil
}

// A VerifyError says why a proof does not verify.
type VerifyError struct{ Reason string }

func (e *VerifyError) Error() string { return e.Reason }

func verifyErr(format string, args ...any) error {
	return &VerifyError{Reason: fmt.Sprintf(format, args...)}
}

// Verify checks the Data Integrity proof of a signed document (JSON):
// one eddsa-rdfc-2022 proof for assertionMethod, whose signature is
// valid, by the public key that key returns for the proof's
// verificationMethod, over the document as it is. It returns the proof.
// A *VerifyError says why a document does not verify.
func Verify(signed []byte, key func(verificationMethod string) (ed25519.PublicKey, error)) (Proof, error) {
	doc, err := decodeObject(signed)
	if err != nil {
		return Proof{}, verifyErr("not a JSON-LD document: %v", err)
	}
	raw, ok := doc["proof"]
	if !ok {
		return Proof{}, verifyErr("the document has no proof")
	}
	delete(doc, "proof")
	if list, isList := raw.([]any); isList {
		if len(list) != 1 {
			return Proof{}, verifyErr("the document has %d proofs; accredit checks documents with one", len(list))
		}
		raw = list[0]
	}
	pm, ok := raw.(map[string]any)
	if !ok {
		return Proof{}, verifyErr("the proof is not an object")
	}
	var p Proof
	for _, f := range []struct {
		name string
		v    *string
	}{{"type", &p.Type}, {"cryptosuite", &p.Cryptosuite}, {"created", &p.Created}, {"verificationMethod", &p.VerificationMethod}, {"proofPurpose", &p.ProofPurpose}, {"proofValue", &p.ProofValue}} {
		s, ok := pm[f.name].(string)
		if !ok {
			return Proof{}, verifyErr("the proof has no %s", f.name)
		}
		*f.v = s
		delete(pm, f.name)
	}
	if ctx, ok := pm["@context"]; ok {
		// A proof may repeat the document's context; any other is not
		// what was signed.
		a, _ := json.Marshal(ctx)
		b, _ := json.Marshal(doc["@context"])
		if !bytes.Equal(a, b) {
			return Proof{}, verifyErr("the proof's @context differs from the document's")
		}
		delete(pm, "@context")
	}
	for k := range pm {
		return Proof{}, verifyErr("the proof has a member %q that eddsa-rdfc-2022 does not sign", k)
	}
	switch {
	case p.Type != ProofType:
		return p, verifyErr("proof type %q, want %s", p.Type, ProofType)
	case p.Cryptosuite != Cryptosuite:
		return p, verifyErr("cryptosuite %q, want %s", p.Cryptosuite, Cryptosuite)
	case p.ProofPurpose != ProofPurpose:
		return p, verifyErr("proof purpose %q, want %s", p.ProofPurpose, ProofPurpose)
	}
	sig, err := multibase58(p.ProofValue)
	if err != nil {
		return p, verifyErr("proofValue: %v", err)
	}
	if len(sig) != ed25519.SignatureSize {
		return p, verifyErr("proofValue holds %d bytes, an Ed25519 signature 64", len(sig))
	}
	pub, err := key(p.VerificationMethod)
	if err != nil {
		return p, verifyErr("verification method %s: %v", p.VerificationMethod, err)
	}
	hd, err := hashData(doc, p)
	if err != nil {
		return p, verifyErr("%v", err)
	}
	if !ed25519.Verify(pub, hd, sig) {
		return p, verifyErr("the signature does not match the document: it was changed after signing, or signed by another key than %s", p.VerificationMethod)
	}
	return p, nil
}

// VerifyKey is Verify with one public key for any verification method.
func VerifyKey(signed []byte, pub ed25519.PublicKey) (Proof, error) {
	return Verify(signed, func(string) (ed25519.PublicKey, error) { return pub, nil })
}

func decodeObject(b []byte) (map[string]any, error) {
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	var m map[string]any
	if err := d.Decode(&m); err != nil {
		return nil, err
	}
	if d.More() {
		return nil, errors.New("trailing data after the JSON object")
	}
	if m == nil {
		return nil, errors.New("not a JSON object")
	}
	return m, nil
}

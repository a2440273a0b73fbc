// Package credential makes and checks signed Open Badges 3.0 credentials:
// W3C Verifiable Credentials 2.0 with an embedded Data Integrity proof
// of the eddsa-rdfc-2022 cryptosuite (Ed25519 over the RDF Dataset
// Canonicalization of the JSON-LD), revocation through a Bitstring Status
// List, and the did:web DID document that names the issuer's keys.
//
// In: plain values (a credential's holder, achievement, dates, status
// index; an Ed25519 key). Out: JSON documents, byte for byte the same for
// the same input, ready to write. JSON-LD contexts are embedded (see
// contexts/README.md) and the document loader refuses every other URL,
// so neither signing nor verifying ever touches the network.
//
// Files:
//
//	loader.go      the embedded contexts; Canonicalize (RDFC-1.0 N-Quads)
//	multikey.go    Multikey public keys (z6Mk...), the private key file
//	secret.go      finding private keys in files (check's private-key)
//	proof.go       Sign and Verify (eddsa-rdfc-2022)
//	badge.go       the OpenBadgeCredential
//	jsonenc.go     JSON strings as encoding/json writes them, by hand
//	statuslist.go  status list indices and BitstringStatusListCredential
//	did.go         did:web DIDs and DID documents
//	cache.go       signatures kept between builds
//
// Canonicalization takes milliseconds per credential, signing tens of
// microseconds: Signer keeps every signature in a Cache keyed by the
// exact bytes signed, so a build canonicalizes only what changed. A
// warm build then costs, per credential, writing its JSON by hand (the
// appenders of jsonenc.go, checked against encoding/json), one SHA-256
// of it and a map lookup: the proof is spliced into those bytes.
package credential

package credential

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
)

// DIDWeb returns the did:web DID of a site and the URL of its DID
// document, as the did:web method maps one to the other: the host (a
// port percent-encoded, "example.com%3A8443") and the path's segments
// joined by ":"; the document is /.well-known/did.json at a host's root,
// <path>/did.json under a path. file is the document's path within the
// site ("did.json" or ".well-known/did.json").
func DIDWeb(siteURL string) (did, docURL, file string, err error) {
	u, err := url.Parse(siteURL)
	if err != nil {
		return "", "", "", err
	}
	if u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		return "", "", "", fmt.Errorf("site_url %q is not an absolute http(s) URL", siteURL)
	}
	if u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return "", "", "", errors.New("site_url must not hold a user, query or fragment to name a did:web")
	}
	host := strings.ToLower(u.Hostname())
	if p := u.Port(); p != "" {
		host += "%3A" + p
	}
	did = "did:web:" + host
	var segs []string
	for _, s := range strings.Split(strings.Trim(u.Path, "/"), "/") {
		if s == "" {
			continue
		}
		if strings.Contains(s, ":") {
			return "", "", "", fmt.Errorf("site_url path segment %q holds a colon, which did:web cannot name", s)
		}
		segs = append(segs, url.PathEscape(s))
	}
	base := u.Scheme + "://" + u.Host + "/"
	if len(segs) == 0 {
		return did, base + ".well-known/did.json", ".well-known/did.json", nil
	}
	did += ":" + strings.Join(segs, ":")
	return did, base + strings.Join(segs, "/") + "/did.json", "did.json", nil
}

// KeyDays is an entry of api/v1/signing-keys.json: the days a key of
// the DID document signs on, which the document itself cannot say (a
// verification method marked revoked fails every proof it ever made, in
// the reference verifier). build writes the file, verify reads it.
type KeyDays struct {
	ID                 string `json:"id"`
	VerificationMethod string `json:"verification_method"`
	PublicKey          string `json:"public_key"`
	From               string `json:"from"`
	Until              string `json:"until,omitempty"`
}

// VerificationKey is a key the DID document lists.
type VerificationKey struct {
	ID       string // the fragment: the DID URL is DID#ID
	Multikey string // z6Mk...
}

type didDocument struct {
	Context            []string             `json:"@context"`
	ID                 string               `json:"id"`
	VerificationMethod []verificationMethod `json:"verificationMethod"`
	AssertionMethod    []string             `json:"assertionMethod"`
}

type verificationMethod struct {
	ID                 string `json:"id"`
	Type               string `json:"type"`
	Controller         string `json:"controller"`
	PublicKeyMultibase string `json:"publicKeyMultibase"`
}

// DIDDocument returns the DID document that lists keys, every one for
// assertionMethod (an old key stays listed, so that what it signed keeps
// verifying), as compact JSON and a newline.
func DIDDocument(did string, keys []VerificationKey) ([]byte, error) {
	d := didDocument{Context: []string{ContextDID, ContextMultikey}, ID: did,
		VerificationMethod: []verificationMethod{}, AssertionMethod: []string{}}
	for _, k := range keys {
		id := did + "#" + k.ID
		d.VerificationMethod = append(d.VerificationMethod, verificationMethod{ID: id, Type: "Multikey", Controller: did, PublicKeyMultibase: k.Multikey})
		d.AssertionMethod = append(d.AssertionMethod, id)
	}
	return marshal(d)
}

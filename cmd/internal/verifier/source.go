package verifier

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"path"
	"strings"
	"time"
)

// A Source fetches the documents a credential names, by URL.
type Source interface {
	Fetch(url string) ([]byte, error)
}

// DIDDocumentURL is where the did:web method puts a DID's document:
// did:web:example.com is https://example.com/.well-known/did.json,
// did:web:example.com:certs:partners https://example.com/certs/partners/did.json
// (a port is written %3A in the host).
func DIDDocumentURL(did string) (string, error) {
	rest, ok := strings.CutPrefix(did, "did:web:")
	if !ok {
		return "", fmt.Errorf("issuer %q is not a did:web DID, the only method accredit resolves", did)
	}
	if rest == "" || strings.ContainsAny(rest, "/?#") {
		return "", fmt.Errorf("issuer %q is not a valid did:web DID", did)
	}
	parts := strings.Split(rest, ":")
	host, err := url.PathUnescape(parts[0])
	if err != nil || host == "" || strings.ContainsAny(host, "/@") {
		return "", fmt.Errorf("issuer %q: the host %q is not valid", did, parts[0])
	}
	if len(parts) == 1 {
		return "https://" + host + "/.well-known/did.json", nil
	}
	for _, p := range parts[1:] {
		if p == "" || p == "." || p == ".." {
			return "", fmt.Errorf("issuer %q: path segment %q is not valid", did, p)
		}
	}
	return "https://" + host + "/" + strings.Join(parts[1:], "/") + "/did.json", nil
}

// SiteRoot is the URL of the site a did:web DID names: its DID document's
// folder (a DID of a host's root: the host's root).
func SiteRoot(did string) (string, error) {
	u, err := DIDDocumentURL(did)
	if err != nil {
		return "", err
	}
	u = strings.TrimSuffix(u, "did.json")
	return strings.TrimSuffix(u, ".well-known/"), nil
}

// Site serves the documents of a built site folder: a URL under Root
// (scheme aside: a site built for http://localhost is verified too) is
// the file at the same path below Dir. Nothing else is fetched: a
// document that names a URL outside the site cannot be verified from the
// folder. Files are read through os.Root, so neither ".." nor a symlink
// leads out of the folder.
type Site struct {
	Dir  string
	Root string // the site's URL, ending in "/"
}

// Fetch reads the file of u.
func (s Site) Fetch(u string) ([]byte, error) {
	rel, ok := s.rel(u)
	if !ok {
		return nil, fmt.Errorf("%s is not a URL of the site %s, so it cannot be read from %s", u, s.Root, s.Dir)
	}
	b, err := s.Read(rel)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%s is not in the site folder (%s)", u, path.Join(s.Dir, rel))
	}
	return b, err
}

// Read reads the regular file rel (slash-separated) of the site folder,
// at most MaxDocument bytes; a missing file is fs.ErrNotExist.
func (s Site) Read(rel string) ([]byte, error) {
	root, err := os.OpenRoot(s.Dir)
	if err != nil {
		return nil, err
	}
	defer root.Close()
	f, err := root.Open(rel)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if fi, err := f.Stat(); err != nil {
		return nil, err
	} else if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("%s is not a regular file in the site folder", rel)
	}
	return ReadDocument(f)
}

// rel is the path below the site of u, when u is under Root.
func (s Site) rel(u string) (string, bool) {
	strip := func(v string) string {
		v = strings.TrimPrefix(v, "https://")
		return strings.TrimPrefix(v, "http://")
	}
	rest, ok := strings.CutPrefix(strip(u), strip(s.Root))
	if !ok || rest == "" || strings.ContainsAny(rest, "?#\\") {
		return "", false
	}
	rest, err := url.PathUnescape(rest)
	if err != nil {
		return "", false
	}
	clean := path.Clean(rest)
	if clean != rest || strings.HasPrefix(clean, "../") || clean == ".." || path.IsAbs(clean) {
		return "", false
	}
	return clean, true
}

// HTTPS fetches documents over HTTPS only, each within 10 seconds and
// MaxDocument bytes.
type HTTPS struct {
	Client *http.Client // nil: a client with a 10 s timeout
}

// Fetch gets u.
func (h HTTPS) Fetch(u string) ([]byte, error) {
	if !strings.HasPrefix(u, "https://") {
		return nil, fmt.Errorf("%s is not an https URL", u)
	}
	c := h.Client
	if c == nil {
		c = &http.Client{Timeout: 10 * time.Second}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", "application/json, application/ld+json, application/did+json")
	resp, err := c.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("GET %s: %s", u, resp.Status)
	}
	return ReadDocument(resp.Body)
}

// ReadDocument reads r to its end, refusing more than MaxDocument bytes.
func ReadDocument(r io.Reader) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(r, MaxDocument+1))
	if err != nil {
		return nil, err
	}
	if len(b) > MaxDocument {
		return nil, fmt.Errorf("more than %d bytes", MaxDocument)
	}
	return b, nil
}

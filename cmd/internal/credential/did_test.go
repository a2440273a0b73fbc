package credential

import (
	"encoding/json"
	"testing"
)

func TestDIDWeb(t *testing.T) {
	for _, c := range []struct{ site, did, doc, file string }{
		{"https://partners.northwind.example/", "did:web:partners.northwind.example", "https://partners.northwind.example/.well-known/did.json", ".well-known/did.json"},
		{"https://partners.northwind.example", "did:web:partners.northwind.example", "https://partners.northwind.example/.well-known/did.json", ".well-known/did.json"},
		{"https://northwind.github.io/partner-program/", "did:web:northwind.github.io:partner-program", "https://northwind.github.io/partner-program/did.json", "did.json"},
		{"https://Example.COM:8443/a/b/", "did:web:example.com%3A8443:a:b", "https://Example.COM:8443/a/b/did.json", "did.json"},
	} {
		did, doc, file, err := DIDWeb(c.site)
		if err != nil || did != c.did || doc != c.doc || file != c.file {
			t.Errorf("DIDWeb(%s) = %s %s %s %v, want %s %s %s", c.site, did, doc, file, err, c.did, c.doc, c.file)
		}
	}
	for _, bad := range []string{"", "partners.example", "ftp://x.example/", "https://x.example/a:b/", "https://u@x.example/"} {
		if _, _, _, err := DIDWeb(bad); err == nil {
			t.Errorf("DIDWeb(%q): no error", bad)
		}
	}
}

func TestDIDDocument(t *testing.T) {
	b, err := DIDDocument("did:web:x.example", []VerificationKey{{ID: "key-2024", Multikey: "z6MkA"}, {ID: "key-2025", Multikey: "z6MkB"}})
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "testdata/did.json", b)
	var d map[string]any
	json.Unmarshal(b, &d)
	if got := len(d["assertionMethod"].([]any)); got != 2 {
		t.Errorf("%d assertion methods", got)
	}
	// It is JSON-LD that canonicalizes with the embedded contexts.
	if _, err := Canonicalize(b); err != nil {
		t.Error(err)
	}
}

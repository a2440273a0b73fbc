package credential

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/accredit/accredit/cmd/internal/date"
)

// The reference verifier: Digital Bazaar's @digitalbazaar/vc with the
// eddsa-rdfc-2022 cryptosuite and the Bitstring Status List checker
// verify what this package signs, as any wallet or verifier would, from
// the files of a site: credentials (proof arrays of one), the DID
// document and the status lists. The packages are installed by
//
//	npm ci --prefix cmd/internal/credential/testdata/interop --no-audit --no-fund
//
// (.ci/run does); without them the test is skipped, or fails under CI.
func TestReferenceVerifier(t *testing.T) {
	dir, _ := filepath.Abs("testdata/interop")
	if _, err := os.Stat(filepath.Join(dir, "node_modules", "@digitalbazaar", "vc")); err != nil {
		msg := "the reference verifier is missing: npm ci --prefix cmd/internal/credential/testdata/interop --no-audit --no-fund"
		if os.Getenv("CI") != "" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("no node")
	}
	const siteURL = "https://x.example/program/"
	did, _, didFile, err := DIDWeb(siteURL)
	if err != nil {
		t.Fatal(err)
	}
	site := t.TempDir()
	write := func(rel string, data []byte) {
		p := filepath.Join(site, filepath.FromSlash(rel))
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	old := NewKeyFromSeedForTest(3)
	doc, _ := DIDDocument(did, []VerificationKey{{ID: "old", Multikey: Multikey(publicOf(old))}, {ID: "key-1", Multikey: Multikey(publicOf(testKey))}})
	write(didFile, doc)
	s := &Signer{Key: testKey, VerificationMethod: did + "#key-1"}
	list := NewStatusList(siteURL+"api/v1/status/0.json", did, date.New(2025, 5, 1))
	var files []string
	for i, c := range []struct {
		holder  string
		revoked bool
	}{{"Ann Archer", false}, {"Bob Baker", true}, {"Zoë Ünal", false}} {
		b := testBadge()
		b.URL = fmt.Sprintf("%sverify/%d/", siteURL, i)
		b.Issuer.DID = did
		b.Holder = c.holder
		b.Status = StatusEntry{List: siteURL + "api/v1/status/0.json", Index: 1000 * i}
		u, _ := b.Unsigned()
		signed, err := s.Sign(u, b.ValidFrom.Time())
		if err != nil {
			t.Fatal(err)
		}
		status := "active"
		if c.revoked {
			list.Revoke(b.Status.Index)
			status = "revoked"
		}
		name := fmt.Sprintf("api/v1/credentials/%d", i)
		write(name+".ob3.json", signed)
		write(name+".json", []byte(`{"status":"`+status+`"}`))
		files = append(files, filepath.Join(site, filepath.FromSlash(name+".ob3.json")))
	}
	// One signed by another key than its proof names.
	b := testBadge()
	b.Issuer.DID, b.URL = did, siteURL+"verify/forged/"
	b.Status.List = siteURL + "api/v1/status/0.json"
	u, _ := b.Unsigned()
	forged, _ := (&Signer{Key: old, VerificationMethod: did + "#key-1"}).Sign(u, b.ValidFrom.Time())
	write("api/v1/credentials/forged.ob3.json", forged)
	write("api/v1/credentials/forged.json", []byte(`{"status":"active"}`))

	lu, _ := list.Unsigned(nil)
	ls, err := s.Sign(lu, date.New(2025, 5, 1).Time())
	if err != nil {
		t.Fatal(err)
	}
	write("api/v1/status/0.json", ls)

	ctx, _ := filepath.Abs("contexts")
	run := func(files ...string) (string, error) {
		cmd := exec.Command(node, append([]string{filepath.Join(dir, "verify.mjs"), site, siteURL, ctx}, files...)...)
		cmd.Dir = dir
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		err := cmd.Run()
		return out.String(), err
	}
	out, err := run(files...)
	if err != nil || !strings.Contains(out, "3 credentials: 2 verified, 1 revoked, 0 failed") {
		t.Fatalf("reference verifier: %v\n%s", err, out)
	}
	out, err = run(filepath.Join(site, "api", "v1", "credentials", "forged.ob3.json"))
	if err == nil || !strings.Contains(out, "1 failed") {
		t.Fatalf("a forged credential passed the reference verifier: %v\n%s", err, out)
	}
}

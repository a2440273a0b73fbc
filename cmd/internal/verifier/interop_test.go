package verifier

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/accredit/accredit/cmd/internal/credential"
)

// TestInterop has Digital Bazaar's reference verifier (the npm packages
// of ../credential/testdata/interop) check what accredit signs, and agree with Verify:
// a valid credential verifies, a tampered one, one by another key and a
// revoked one do not. It needs node and the packages installed (.ci/run
// installs them); under CI their absence fails the test.
func TestInterop(t *testing.T) {
	node, err := exec.LookPath("node")
	if _, serr := os.Stat("../credential/testdata/interop/node_modules/@digitalbazaar/vc"); err != nil || serr != nil {
		msg := "node or the reference verifier is missing: npm ci --prefix cmd/internal/credential/testdata/interop"
		if os.Getenv("CI") != "" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	documents := map[string]json.RawMessage{}
	for url, file := range map[string]string{
		credential.ContextVC:       "credentials-v2.jsonld",
		credential.ContextOB:       "ob-v3p0-context-3.0.3.json",
		credential.ContextDI:       "data-integrity-v2.jsonld",
		credential.ContextMultikey: "multikey-v1.jsonld",
		credential.ContextDID:      "did-v1.jsonld",
	} {
		b, err := os.ReadFile(filepath.Join("..", "credential", "contexts", file))
		if err != nil {
			t.Fatal(err)
		}
		documents[url] = b
	}
	w := world(t)
	for u, b := range w {
		documents[u] = b
	}
	valid := signedBadge(t, badge())
	var m map[string]any
	json.Unmarshal(valid, &m)
	m["credentialSubject"].(map[string]any)["name"] = "Eve Doe"
	tampered, _ := json.Marshal(m)
	// A second status list in which the badge's bit is set.
	revokedList := site + "api/v1/status/4.json"
	l := credential.NewStatusList(revokedList, did, badge().ValidFrom)
	l.Revoke(4242)
	u, _ := l.Unsigned(nil)
	documents[revokedList] = sign(t, u, key, vm, now)
	rb := badge()
	rb.Status.List = revokedList
	revoked := signedBadge(t, rb)
	ob, _ := rb.Unsigned()
	byOther := sign(t, ob, other, vm, now)

	cases := map[string][]byte{"valid": valid, "tampered": tampered, "revoked": revoked, "other-key": byOther}
	in := map[string]any{"documents": documents, "credentials": map[string]json.RawMessage{}, "now": now.Format("2006-01-02T15:04:05Z")}
	for name, b := range cases {
		in["credentials"].(map[string]json.RawMessage)[name] = b
		// Verify agrees with the reference on each.
		src := docs{}
		for u, b := range documents {
			src[u] = b
		}
		if r := Verify(b, src, Options{Now: now}); r.Valid() != (name == "valid") {
			t.Errorf("%s: Verify says valid=%v (%s)", name, r.Valid(), r.Reason())
		}
	}
	file := filepath.Join(t.TempDir(), "in.json")
	b, _ := json.Marshal(in)
	os.WriteFile(file, b, 0o644)
	cmd := exec.Command(node, "../credential/testdata/interop/agree.mjs", file)
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("node: %v", err)
	}
	var got map[string]struct {
		Verified bool   `json:"verified"`
		Error    string `json:"error"`
	}
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	for name := range cases {
		r, ok := got[name]
		switch {
		case !ok:
			t.Errorf("%s: no result", name)
		case name == "valid" && !r.Verified:
			t.Errorf("the reference verifier refuses accredit's credential: %s", r.Error)
		case name != "valid" && r.Verified:
			t.Errorf("%s: the reference verifier accepts it", name)
		default:
			t.Logf("%s: verified=%v %s", name, r.Verified, strings.TrimSpace(r.Error))
		}
	}
}

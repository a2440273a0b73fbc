package main

import (
	"bytes"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/rogpeppe/go-internal/testscript"
	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/accredit/accredit/cmd/internal/credential"
)

// cmdOB3Check is "ob3check SITE N R": every signed credential of the
// built site SITE verifies as a third party would check it from the
// site's files: its proof against the key the site's DID document names,
// the AchievementCredential schema, and its bit in the signed status
// list, which must be set exactly for the credentials whose JSON says
// revoked. There must be N signed credentials, R of them revoked, and
// none may hold an e-mail.
func cmdOB3Check(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 3 {
		ts.Fatalf("usage: ob3check SITE N R")
	}
	dir := ts.MkAbs(args[0])
	wantN, _ := strconv.Atoi(args[1])
	wantR, _ := strconv.Atoi(args[2])

	docFile := filepath.Join(dir, ".well-known", "did.json")
	if _, err := os.Stat(docFile); err != nil {
		docFile = filepath.Join(dir, "did.json")
	}
	var doc struct {
		ID                 string
		VerificationMethod []struct{ ID, Type, Controller, PublicKeyMultibase string }
		AssertionMethod    []string
	}
	data, err := os.ReadFile(docFile)
	ts.Check(err)
	ts.Check(json.Unmarshal(data, &doc))
	keys := map[string]ed25519.PublicKey{}
	for _, vm := range doc.VerificationMethod {
		pub, err := credential.ParseMultikey(vm.PublicKeyMultibase)
		ts.Check(err)
		if vm.Type != "Multikey" || vm.Controller != doc.ID {
			ts.Fatalf("did.json: %s is a %s of %s", vm.ID, vm.Type, vm.Controller)
		}
		keys[vm.ID] = pub
	}
	assertion := map[string]bool{}
	for _, a := range doc.AssertionMethod {
		assertion[a] = true
	}
	key := func(vm string) (ed25519.PublicKey, error) {
		if k, ok := keys[vm]; ok && assertion[vm] {
			return k, nil
		}
		return nil, errors.New("not an assertion method of the DID document")
	}
	sch := ob3Schema(ts)

	// local maps a URL of the site to its file.
	local := func(url string) string {
		i := strings.Index(url, "/api/v1/")
		if i < 0 {
			ts.Fatalf("%s is not a URL of the site's API", url)
		}
		return filepath.Join(dir, filepath.FromSlash(url[i+1:]))
	}
	lists := map[string][]byte{}
	files, _ := filepath.Glob(filepath.Join(dir, "api", "v1", "credentials", "*.ob3.json"))
	n, revoked := 0, 0
	for _, f := range files {
		data, err := os.ReadFile(f)
		ts.Check(err)
		if _, err := credential.Verify(data, key); err != nil {
			ts.Fatalf("%s: %v", filepath.Base(f), err)
		}
		var v any
		ts.Check(json.Unmarshal(data, &v))
		if err := sch.Validate(v); err != nil {
			ts.Fatalf("%s: schema: %v", filepath.Base(f), err)
		}
		if bytes.Contains(bytes.ReplaceAll(data, []byte(`"@context"`), nil), []byte("@")) {
			ts.Fatalf("%s holds an @: an e-mail?", filepath.Base(f))
		}
		var c struct {
			ID               string
			Issuer           struct{ ID string }
			CredentialStatus struct{ StatusListIndex, StatusListCredential string }
		}
		json.Unmarshal(data, &c)
		if c.Issuer.ID != doc.ID {
			ts.Fatalf("%s: issuer %s, the DID document is %s's", filepath.Base(f), c.Issuer.ID, doc.ID)
		}
		bits, ok := lists[c.CredentialStatus.StatusListCredential]
		if !ok {
			ld, err := os.ReadFile(local(c.CredentialStatus.StatusListCredential))
			ts.Check(err)
			if _, err := credential.Verify(ld, key); err != nil {
				ts.Fatalf("status list %s: %v", c.CredentialStatus.StatusListCredential, err)
			}
			var l struct{ CredentialSubject struct{ EncodedList string } }
			json.Unmarshal(ld, &l)
			bits, err = credential.DecodeList(l.CredentialSubject.EncodedList)
			ts.Check(err)
			lists[c.CredentialStatus.StatusListCredential] = bits
		}
		index, err := strconv.Atoi(c.CredentialStatus.StatusListIndex)
		ts.Check(err)
		var plain struct{ Status string }
		pd, err := os.ReadFile(strings.TrimSuffix(f, ".ob3.json") + ".json")
		ts.Check(err)
		json.Unmarshal(pd, &plain)
		if got, want := credential.BitSet(bits, index), plain.Status == "revoked"; got != want {
			ts.Fatalf("%s: status bit %v, but its JSON says %s", filepath.Base(f), got, plain.Status)
		}
		if plain.Status == "revoked" {
			revoked++
		}
		n++
	}
	if n != wantN || revoked != wantR {
		ts.Fatalf("%d signed credentials, %d revoked; want %d and %d", n, revoked, wantN, wantR)
	}
}

func ob3Schema(ts *testscript.TestScript) *jsonschema.Schema {
	c := jsonschema.NewCompiler()
	for _, f := range []string{"achievementcredential.schema.json", "profile.schema.json"} {
		b, err := os.ReadFile(filepath.Join(testdataDir, "..", "..", "internal", "obschema", "schema", f))
		ts.Check(err)
		doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
		ts.Check(err)
		ts.Check(c.AddResource("file:///"+f, doc))
	}
	sch, err := c.Compile("file:///achievementcredential.schema.json")
	ts.Check(err)
	return sch
}

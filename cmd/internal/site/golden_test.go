package site_test

import (
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/txtar"

	"github.com/accredit/accredit/cmd/internal/check"
	"github.com/accredit/accredit/cmd/internal/date"
	"github.com/accredit/accredit/cmd/internal/diag"
	"github.com/accredit/accredit/cmd/internal/load"
	"github.com/accredit/accredit/cmd/internal/site"
	"github.com/accredit/accredit/cmd/internal/standing"
)

var update = flag.Bool("update", false, "rewrite the golden files")

func testSite(t testing.TB) *site.Site {
	t.Helper()
	root := t.TempDir()
	if err := os.CopyFS(root, os.DirFS("../check/testdata/base")); err != nil {
		t.Fatal(err)
	}
	ar, err := txtar.ParseFile("testdata/overlay.txtar")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range ar.Files {
		p := filepath.Join(root, filepath.FromSlash(f.Name))
		os.MkdirAll(filepath.Dir(p), 0o755)
		os.WriteFile(p, f.Data, 0o644)
	}
	d, _ := date.Parse("2025-06-01")
	p, ds, err := load.Load(root)
	if err != nil {
		t.Fatal(err)
	}
	s := standing.Compute(p)
	for _, x := range append(ds, check.Run(p, s, d)...) {
		if x.Severity == diag.Error {
			t.Fatalf("program has errors: %s", x)
		}
	}
	st, err := site.Build(p, s, d)
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// golden compares v, as indented JSON, with testdata/golden/name.json.
func golden(t *testing.T, name string, v any) {
	t.Helper()
	got, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	got = append(got, '\n')
	path := filepath.Join("testdata", "golden", name+".json")
	if *update {
		os.MkdirAll(filepath.Dir(path), 0o755)
		os.WriteFile(path, got, 0o644)
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if string(got) != string(want) {
		t.Errorf("%s differs from %s (go test -update rewrites it):\n%s", name, path, got)
	}
}

func TestGoldenPages(t *testing.T) {
	st := testSite(t)
	// Info is shared by every page; compare it once.
	golden(t, "info", st.Info)
	strip := func(p *site.Page) { p.Info = nil }
	home := *st.Home
	strip(&home.Page)
	golden(t, "home", home)
	partner := *st.Partners[0]
	strip(&partner.Page)
	golden(t, "partner", partner)
	prog := *st.Program
	strip(&prog.Page)
	golden(t, "program", prog)
	golden(t, "partners-json", st.PartnersJSON)
	golden(t, "feed", st.Feed)
	for _, c := range st.P.Credentials {
		cp, err := st.Credential(c)
		if err != nil {
			t.Fatal(err)
		}
		var j any
		if err := json.Unmarshal(cp.JSON, &j); err != nil {
			t.Fatal(err)
		}
		golden(t, "credential-"+c.Person.ID+"-"+c.ID, j)
	}
}

// Provenance from git: the page and the JSON name the author and the
// commit, linked when the program names its repository; no e-mail.
func TestProvenance(t *testing.T) {
	st := testSite(t)
	c := st.P.Credentials[0]
	hash := "0123456789abcdef0123456789abcdef01234567"
	st.Grants = map[string]site.Grant{c.ID: {On: date.New(2025, 3, 1), By: "Dana Admin", Commit: hash}}
	for _, tc := range []struct{ repo, url string }{
		{"", ""},
		{"https://github.com/vendor/program.git", "https://github.com/vendor/program/commit/" + hash},
		{"https://github.com/vendor/program/", "https://github.com/vendor/program/commit/" + hash},
	} {
		st.P.Info.Repository = tc.repo
		cp, err := st.Credential(c)
		if err != nil {
			t.Fatal(err)
		}
		if cp.GrantedBy != "Dana Admin" || cp.GrantedOn.String() != "2025-03-01" || cp.CommitShort != "0123456" || cp.CommitURL != tc.url {
			t.Errorf("repository %q: granted %s by %q, commit %q at %q", tc.repo, cp.GrantedOn, cp.GrantedBy, cp.CommitShort, cp.CommitURL)
		}
		var j map[string]any
		if err := json.Unmarshal(cp.JSON, &j); err != nil {
			t.Fatal(err)
		}
		if j["granted_by"] != "Dana Admin" || j["commit"] != hash {
			t.Errorf("JSON: granted_by %v, commit %v", j["granted_by"], j["commit"])
		}
	}
	// Without provenance for a credential, nothing is said.
	cp, err := st.Credential(st.P.Credentials[1])
	if err != nil {
		t.Fatal(err)
	}
	if cp.GrantedBy != "" || strings.Contains(string(cp.JSON), "granted_by") {
		t.Errorf("credential without provenance: %q, %s", cp.GrantedBy, cp.JSON)
	}
}

// The credential of a person of an unlisted partner names no partner:
// not in its JSON, its JSON-LD or its page data, as its page shows none
// (issue 15 item 9).
func TestUnlistedPartnerCredential(t *testing.T) {
	st := testSite(t)
	c := st.P.Credentials[0]
	pa := c.Person.Partner
	pa.Listed = false
	t.Cleanup(func() { pa.Listed = true })
	cp, err := st.Credential(c)
	if err != nil {
		t.Fatal(err)
	}
	var j map[string]any
	if err := json.Unmarshal(cp.JSON, &j); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"partner", "partner_name"} {
		if v, ok := j[k]; ok {
			t.Errorf("the JSON has %s %v", k, v)
		}
	}
	for what, s := range map[string]string{"JSON": string(cp.JSON), "JSON-LD": string(cp.JSONLD)} {
		if strings.Contains(s, `"`+pa.ID+`"`) || strings.Contains(s, pa.Name) || strings.Contains(s, "partners/"+pa.ID) {
			t.Errorf("the %s names partner %s:\n%s", what, pa.ID, s)
		}
	}
	if cp.PartnerID != "" || cp.PartnerName != "" || cp.PartnerURL != "" {
		t.Errorf("the page data names the partner: %q %q %q", cp.PartnerID, cp.PartnerName, cp.PartnerURL)
	}
	golden(t, "credential-unlisted", j)

	// Listed again, the partner is named.
	pa.Listed = true
	cp, err = st.Credential(c)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(cp.JSON), `"partner":"`+pa.ID+`"`) {
		t.Errorf("a listed partner's credential JSON lacks the partner: %s", cp.JSON)
	}
}

// BenchmarkCredentialIn: a verification page's data, drawn in a reused
// Scratch as a build's workers do.
func BenchmarkCredentialIn(b *testing.B) {
	st := testSite(b)
	sc := new(site.Scratch)
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		c := st.P.Credentials[i%len(st.P.Credentials)]
		if _, err := st.CredentialIn(c, sc); err != nil {
			b.Fatal(err)
		}
	}
}

// The badge and sharing parts of a verification page: its standalone
// badge (drawn in the Scratch, like the JSON), the certification's PNGs,
// and, when the build signs, the links to the
// signed credential, the DID document and how to verify.
func TestCredentialBadge(t *testing.T) {
	st := testSite(t)
	golden(t, "badges", st.Badges)
	type view struct {
		BadgeSVG, BadgeURL, BadgeAlt, Image, ImageSquare, ImageURL string
		Shareable                                                  bool
		OB3URL, DIDURL, VerifyingURL                               string
	}
	for _, signing := range []*site.Signing{nil, {DID: "did:web:example.com", DIDURL: "https://example.com/.well-known/did.json"}} {
		st.Info.Signing = signing
		var got []view
		for _, c := range st.P.Credentials {
			cp, err := st.Credential(c)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(string(cp.BadgeSVG), "<svg ") || strings.Contains(string(cp.BadgeSVG), cp.Holder) {
				t.Errorf("%s: the badge is not an SVG, or names the holder:\n%s", c.ID, cp.BadgeSVG)
			}
			got = append(got, view{string(cp.BadgeSVG), cp.BadgeURL, cp.BadgeAlt, cp.Image, cp.ImageSquare, cp.ImageURL,
				cp.Shareable, cp.OB3URL, cp.DIDURL, cp.VerifyingURL})
		}
		name := "credential-badges"
		if signing != nil {
			name += "-signed"
		}
		golden(t, name, got)
	}
	st.Info.Signing = nil
}

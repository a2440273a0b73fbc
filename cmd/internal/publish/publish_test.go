package publish_test

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"image"
	"image/png"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/txtar"

	"github.com/accredit/accredit"
	"github.com/accredit/accredit/cmd/internal/badge"
	"github.com/accredit/accredit/cmd/internal/check"
	"github.com/accredit/accredit/cmd/internal/date"
	"github.com/accredit/accredit/cmd/internal/diag"
	"github.com/accredit/accredit/cmd/internal/load"
	prog "github.com/accredit/accredit/cmd/internal/program"
	"github.com/accredit/accredit/cmd/internal/publish"
	"github.com/accredit/accredit/cmd/internal/render"
	"github.com/accredit/accredit/cmd/internal/search"
	"github.com/accredit/accredit/cmd/internal/site"
	"github.com/accredit/accredit/cmd/internal/standing"
)

// program lays an overlay over the rules' base program in a temp dir.
func program(t testing.TB, overlay string) string {
	t.Helper()
	root := t.TempDir()
	if err := os.CopyFS(root, os.DirFS("../check/testdata/base")); err != nil {
		t.Fatal(err)
	}
	if overlay != "" {
		ar, err := txtar.ParseFile(overlay)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range ar.Files {
			p := filepath.Join(root, filepath.FromSlash(f.Name))
			os.MkdirAll(filepath.Dir(p), 0o755)
			if err := os.WriteFile(p, f.Data, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	return root
}

// build checks and builds the program at root into out.
func build(t *testing.T, root, out string, asOf string) publish.Stats {
	t.Helper()
	st, theme := siteOf(t, root, asOf)
	stats, err := publish.WriteWith(st, theme, out, publish.Options{Extra: func() (map[string][]byte, error) { return search.SiteFiles(st) }})
	if err != nil {
		t.Fatal(err)
	}
	return stats
}

// siteOf loads and checks the program at root, which must have no
// errors, and computes its site and theme, as accredit build does before
// writing.
func siteOf(t testing.TB, root, asOf string) (*site.Site, *render.Theme) {
	t.Helper()
	d, _ := date.Parse(asOf)
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
	theme, err := render.Load(accredit.Layouts(), filepath.Join(root, "layouts"))
	if err != nil {
		t.Fatal(err)
	}
	return st, theme
}

func files(t *testing.T, root string) map[string][]byte {
	t.Helper()
	m := map[string][]byte{}
	filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			t.Fatal(err)
		}
		if d.Type()&fs.ModeNamedPipe != 0 {
			return nil // reading would block
		}
		if !d.IsDir() {
			b, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			if bytes.HasPrefix(b, []byte{0x1f, 0x8b}) { // the search index: read what it holds
				r, err := gzip.NewReader(bytes.NewReader(b))
				if err != nil {
					t.Fatal(err)
				}
				if b, err = io.ReadAll(r); err != nil {
					t.Fatal(err)
				}
			}
			rel, _ := filepath.Rel(root, p)
			m[filepath.ToSlash(rel)] = b
		}
		return nil
	})
	return m
}

// Nothing private reaches the site (PROGRAM-FORMAT.md section 9), and
// hostile Markdown is defused.
func TestPrivacy(t *testing.T) {
	root := program(t, "testdata/privacy/overlay.txtar")
	out := filepath.Join(t.TempDir(), "site")
	build(t, root, out, "2025-06-01")
	site := files(t, out)
	if len(site) == 0 {
		t.Fatal("nothing built")
	}
	never := []string{"SENTINEL-", "sentinel-ann-email", "sentinel-pat-email", "@acme.example", "Sentinel Unlisted Partner",
		"sentinel-unlisted.example", "Sentinelville", "<script>alert", "onerror", "javascript:"}
	privateName := "Sentinel Private Person"
	unlistedPerson := "Sentinel Unlisted Public Person"
	for name, data := range site {
		for _, s := range never {
			if bytes.Contains(bytes.ToLower(data), bytes.ToLower([]byte(s))) {
				t.Errorf("%s contains %q", name, s)
			}
		}
		own := (strings.Contains(name, "verify/") || strings.Contains(name, "api/v1/credentials/")) && !strings.HasSuffix(name, "/badge.svg")
		for _, s := range []string{privateName, unlistedPerson} {
			if bytes.Contains(data, []byte(s)) && !own {
				t.Errorf("%s names %q", name, s)
			}
		}
		if own && (bytes.Contains(data, []byte(privateName)) || bytes.Contains(data, []byte(unlistedPerson))) && strings.HasSuffix(name, ".html") &&
			!bytes.Contains(data, []byte(`<meta name="robots" content="noindex">`)) {
			t.Errorf("%s: a private holder's page is not noindex", name)
		}
	}
	// The private and unlisted credentials are still verifiable.
	for _, id := range []string{"CXPZ-93SM-1HK9", "8M9G-2EPS-53ES"} {
		if _, ok := site["verify/"+id+"/index.html"]; !ok {
			t.Errorf("no verification page for %s", id)
		}
		if _, ok := site["api/v1/credentials/"+id+".json"]; !ok {
			t.Errorf("no JSON for %s", id)
		}
		// and linked from nowhere else
		for name, data := range site {
			if bytes.Contains(data, []byte(id)) && !strings.Contains(name, id) {
				t.Errorf("%s links the private credential %s", name, id)
			}
		}
	}
	if bytes.Contains(site["api/v1/partners.json"], []byte("hidden")) {
		t.Error("partners.json lists the unlisted partner")
	}
	if _, ok := site["partners/hidden/index.html"]; ok {
		t.Error("the unlisted partner has a page")
	}
}

// The same program and date give byte-identical sites.
func TestDeterministic(t *testing.T) {
	root := program(t, "testdata/privacy/overlay.txtar")
	a, b := filepath.Join(t.TempDir(), "a"), filepath.Join(t.TempDir(), "b")
	build(t, root, a, "2025-06-01")
	build(t, root, b, "2025-06-01")
	fa, fb := files(t, a), files(t, b)
	if len(fa) != len(fb) {
		t.Fatalf("%d files, then %d", len(fa), len(fb))
	}
	for name, data := range fa {
		if !bytes.Equal(data, fb[name]) {
			t.Errorf("%s differs between two builds", name)
		}
	}
}

// A build replaces the previous site; a failing one leaves it untouched.
func TestReplace(t *testing.T) {
	root := program(t, "")
	out := filepath.Join(t.TempDir(), "site")
	build(t, root, out, "2025-06-01")
	os.WriteFile(filepath.Join(out, "stale.txt"), []byte("old"), 0o644)
	build(t, root, out, "2025-06-02")
	if _, err := os.Stat(filepath.Join(out, "stale.txt")); err == nil {
		t.Error("the old site's files survive a rebuild")
	}
	before := files(t, out)
	// A theme that fails to render: the previous site must stay as it was.
	os.MkdirAll(filepath.Join(root, "layouts"), 0o755)
	os.WriteFile(filepath.Join(root, "layouts", "verify.html"), []byte(`{{define "main"}}{{.NoSuchField}}{{end}}`), 0o644)
	d, _ := date.Parse("2025-06-03")
	p, _, _ := load.Load(root)
	s := standing.Compute(p)
	st, _ := site.Build(p, s, d)
	theme, err := render.Load(accredit.Layouts(), filepath.Join(root, "layouts"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := publish.Write(st, theme, out, nil); err == nil {
		t.Fatal("a broken template builds")
	}
	after := files(t, out)
	if len(after) != len(before) {
		t.Fatalf("a failed build changed the site: %d files, then %d", len(before), len(after))
	}
	for name, data := range before {
		if !bytes.Equal(data, after[name]) {
			t.Errorf("a failed build changed %s", name)
		}
	}
	entries, _ := os.ReadDir(filepath.Dir(out))
	if len(entries) != 1 {
		t.Errorf("a failed build left %d entries beside the site", len(entries))
	}
}

// TestStartAbort: a build started (its folders being made) and then
// abandoned, as accredit build does when the site cannot be computed,
// leaves the previous site as it was and nothing beside it; a build
// written for other credentials than it was started for fails the same
// way.
func TestStartAbort(t *testing.T) {
	root := program(t, "")
	out := filepath.Join(t.TempDir(), "site")
	build(t, root, out, "2025-06-01")
	before := files(t, out)
	other := make([]*prog.Credential, 3000)
	for i := range other {
		other[i] = &prog.Credential{ID: fmt.Sprintf("ID%05d", i)}
	}
	b, err := publish.Start(out, other)
	if err != nil {
		t.Fatal(err)
	}
	b.Abort()

	st, theme := siteOf(t, root, "2025-06-01")
	b, err = publish.Start(out, other[:len(st.P.Credentials)])
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.Write(st, theme, publish.Options{}); err == nil {
		t.Error("a build started for other credentials writes")
	}

	after := files(t, out)
	if len(after) != len(before) {
		t.Fatalf("an abandoned build changed the site: %d files, then %d", len(before), len(after))
	}
	entries, _ := os.ReadDir(filepath.Dir(out))
	if len(entries) != 1 {
		t.Errorf("an abandoned build left %d entries beside the site", len(entries))
	}
}

// Every credential has its standalone badge beside its page, which shows
// it; every certification its two PNGs, which the page names as og:image.
func TestBadgeFiles(t *testing.T) {
	root := program(t, "")
	out := filepath.Join(t.TempDir(), "site")
	build(t, root, out, "2025-06-01")
	site := files(t, out)
	st, _ := siteOf(t, root, "2025-06-01")
	for _, c := range st.P.Credentials {
		svg, ok := site["verify/"+c.ID+"/badge.svg"]
		if !ok || !bytes.HasPrefix(svg, []byte("<svg ")) || !bytes.Contains(svg, []byte(c.ID)) {
			t.Errorf("verify/%s/badge.svg: %q", c.ID, svg)
		}
		page := site["verify/"+c.ID+"/index.html"]
		bi := st.Badges[c.Track+"/"+c.Level]
		for _, want := range []string{`<img class="badge" src="badge.svg"`,
			`<meta property="og:image" content="` + st.Info.SiteURL + bi.OG + `">`, `<meta name="twitter:card" content="summary_large_image">`} {
			if !bytes.Contains(page, []byte(want)) {
				t.Errorf("verify/%s/index.html lacks %s", c.ID, want)
			}
		}
	}
	if len(st.Badges) == 0 {
		t.Fatal("no certification designs")
	}
	for key, bi := range st.Badges {
		for path, size := range map[string]image.Point{bi.OG: {badge.OGWidth, badge.OGHeight}, bi.Square: {badge.SquareSize, badge.SquareSize}} {
			img, err := png.Decode(bytes.NewReader(site[path]))
			if err != nil {
				t.Errorf("%s (%s): %v", path, key, err)
				continue
			}
			if img.Bounds().Size() != size {
				t.Errorf("%s is %v, want %v", path, img.Bounds().Size(), size)
			}
		}
	}
}

// A partner's metrics.toml never reaches the site: the site's stages do
// not read it (the program here still holds it: ForgetPrivate is not
// called), so no figure or quarter of it is in any file built.
func TestMetricsPrivate(t *testing.T) {
	root := program(t, "testdata/privacy/metrics.txtar")
	p, _, err := load.Load(root)
	if err != nil {
		t.Fatal(err)
	}
	if pa := p.Partner("acme"); pa == nil || pa.Metrics == nil || len(pa.Metrics.Quarters) != 1 {
		t.Fatal("the metrics were not loaded: the test would prove nothing")
	}
	out := filepath.Join(t.TempDir(), "site")
	build(t, root, out, "2025-06-01")
	for name, data := range files(t, out) {
		for _, s := range []string{"31.4159", "92.6535", "89.7932", "3846264338", "3.846264338", "32.795", "2.884197", "2023-Q3", "win_rate", "metrics"} {
			if bytes.Contains(data, []byte(s)) {
				t.Errorf("%s contains %q from metrics.toml", name, s)
			}
		}
	}
}

// TestInlineStyle: the home page carries the theme's stylesheet inline,
// allowed by its policy's hash of exactly those bytes, and links none;
// the other pages link it. A partner's logo is published beside its page.
func TestInlineStyle(t *testing.T) {
	root := program(t, "")
	logo := `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 4 4"><rect width="4" height="4"/></svg>`
	if err := os.WriteFile(filepath.Join(root, "partners", "acme", "logo.svg"), []byte(logo), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "site")
	build(t, root, out, "2025-06-01")
	site := files(t, out)
	home := string(site["index.html"])
	css := site["assets/site.css"]
	sum := sha256.Sum256(css)
	hash := "sha256-" + base64.StdEncoding.EncodeToString(sum[:])
	if !strings.Contains(home, "<style>"+string(css)+"</style>") {
		t.Error("index.html does not hold site.css inline")
	}
	if strings.Contains(home, `rel="stylesheet"`) {
		t.Error("index.html links a stylesheet too")
	}
	if !strings.Contains(strings.ReplaceAll(home, "&#43;", "+"), "style-src 'self' '"+hash+"'") {
		t.Errorf("index.html's policy does not allow %s", hash)
	}
	if p := string(site["partners/index.html"]); strings.Contains(p, "<style>") || !strings.Contains(p, `rel="stylesheet"`) {
		t.Error("partners/index.html should link the stylesheet, not inline it")
	}
	if got := string(site["partners/acme/logo.svg"]); got != logo {
		t.Errorf("partners/acme/logo.svg = %q, want the logo as checked", got)
	}
	if !strings.Contains(string(site["partners/acme/index.html"]), `src="/partners/acme/logo.svg"`) {
		t.Error("the partner's page does not show its logo")
	}
}

package browsertest

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"image/png"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/emulation"
	cdppage "github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/accredit/accredit"
	"github.com/accredit/accredit/cmd/internal/date"
	"github.com/accredit/accredit/cmd/internal/load"
	"github.com/accredit/accredit/cmd/internal/publish"
	"github.com/accredit/accredit/cmd/internal/render"
	"github.com/accredit/accredit/cmd/internal/site"
	"github.com/accredit/accredit/cmd/internal/standing"
)

// fakeOB3 stands in for a signed credential: the page and its script
// handle it as text, so its content only needs to be recognisable, with
// characters beyond ASCII to show that the text is baked as UTF-8.
const fakeOB3 = `{"@context":["https://www.w3.org/ns/credentials/v2","https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],` +
	`"type":["VerifiableCredential","OpenBadgeCredential"],"name":"Zertifikat für Jürgen ✓","proof":{"type":"DataIntegrityProof","cryptosuite":"eddsa-rdfc-2022"}}`

// signedSite builds the example program in this process, as a build with
// a signing key publishes it (site.Info.Signing set), writes a fake
// .ob3.json for cred, and serves the site. It returns the server's URL
// and the site's folder.
func signedSite(t *testing.T, cred string) (string, string) {
	t.Helper()
	p, _, err := load.Load(env.root)
	if err != nil {
		t.Fatal(err)
	}
	d, err := date.Parse(asOf)
	if err != nil {
		t.Fatal(err)
	}
	st, err := site.Build(p, standing.Compute(p), d)
	if err != nil {
		t.Fatal(err)
	}
	st.Info.Signing = &site.Signing{DID: "did:web:partners.northwind.example", DIDURL: st.Info.SiteURL + ".well-known/did.json"}
	theme, err := render.Load(accredit.Layouts(), filepath.Join(env.root, "layouts"))
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "site")
	if _, err := publish.Write(st, theme, out, nil); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(out, "api", "v1", "credentials", cred+".ob3.json"), []byte(fakeOB3+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(siteHandler(out))
	t.Cleanup(srv.Close)
	allowOrigin(srv.URL)
	return srv.URL, out
}

// testBake: on a signed build's verification page, "Download badge with
// credential" downloads the certification's PNG with the signed
// credential baked in, as Open Badges 3.0 specifies: one iTXt chunk
// keyed openbadgecredential before IEND, uncompressed, with no language
// tag or translated keyword, its text the credential, its CRC right; the
// PNG's other chunks are the published image's, byte for byte. An
// unsigned build offers no such button.
func testBake(t *testing.T) {
	c := pick(t, "active", func(c credential) bool { return c.Status == "active" })
	tb := newTab(t)
	tb.open(t, "verify/"+c.ID+"/")
	if n := eval[int](t, tb, `document.querySelectorAll("[data-bake], .signed").length`); n != 0 {
		t.Errorf("an unsigned build's page offers a signed credential (%d elements)", n)
	}

	url, dir := signedSite(t, c.ID)
	downloads := t.TempDir()
	events := make(chan *browser.EventDownloadProgress, 64)
	if err := chromedp.ListenBrowser(tb.ctx, func(ev any) {
		if ev, ok := ev.(*browser.EventDownloadProgress); ok && ev.State != browser.DownloadProgressStateInProgress {
			select {
			case events <- ev:
			default:
			}
		}
	}); err != nil {
		t.Fatal(err)
	}
	yes := true
	if _, err := chromedp.CallBrowser(tb.ctx, browser.SetDownloadBehavior, browser.SetDownloadBehaviorParams{
		Behavior: browser.SetDownloadBehaviorBehaviorAllowAndName, DownloadPath: downloads, EventsEnabled: &yes}); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(tb.ctx, chromedp.Navigate(url+"/verify/"+c.ID+"/")); err != nil {
		t.Fatal(err)
	}

	// What a signed page says and links.
	got := eval[map[string]string](t, tb, `(() => {
  const s = document.querySelector(".signed");
  const links = s ? [...s.querySelectorAll("a")].map(a => a.getAttribute("href")) : [];
  return {text: s ? s.textContent.replace(/\s+/g, " ") : "", links: links.join(" "), png: (document.querySelector("[data-bake]") || {dataset: {}}).dataset.png || ""};
})()`)
	if !strings.Contains(got["text"], "Signed by Northwind Software — verify with any Open Badges 3.0 verifier") {
		t.Errorf("the signed page says %q", got["text"])
	}
	for _, want := range []string{"/api/v1/credentials/" + c.ID + ".ob3.json", "https://partners.northwind.example/.well-known/did.json", "/docs/verifying/"} {
		if !strings.Contains(" "+got["links"]+" ", " "+want+" ") {
			t.Errorf("the signed page's links %q lack %s", got["links"], want)
		}
	}
	// The e-mail signature: the square badge, linked to the page.
	sig := eval[string](t, tb, `(document.getElementById("signature-html") || {}).value || ""`)
	for _, want := range []string{`<a href="https://partners.northwind.example/verify/` + c.ID + `/"><img src="https://partners.northwind.example/badges/`,
		`.square.png" width="96" height="96"`, `>Verify this credential</a>`} {
		if !strings.Contains(sig, want) {
			t.Errorf("the e-mail signature lacks %s:\n%s", want, sig)
		}
	}

	// The signed page's own parts pass axe too (the axe test sees only
	// the unsigned build); skipped, as there, without axe-core.
	if src, err := os.ReadFile(filepath.Join(env.root, "cmd", "internal", "browsertest", "testdata", "node_modules", "axe-core", "axe.min.js")); err == nil {
		eval[chromedp.Void](t, tb, `document.querySelector(".signature").open = true`)
		eval[chromedp.Void](t, tb, string(src))
		vs, err := chromedp.Run(tb.ctx, chromedp.Evaluate[[]axeViolation](runAxe, chromedp.EvalAwaitPromise))
		if err != nil {
			t.Fatalf("axe.run: %v", err)
		}
		for _, v := range vs {
			if v.Impact == "serious" || v.Impact == "critical" {
				t.Errorf("signed page: %s %s: %s\n\t%s", v.Impact, v.ID, v.Help, strings.Join(v.Targets, "\n\t"))
			}
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "docs", "verifying", "index.html")); err != nil {
		t.Errorf("the page links docs/verifying/, which the site lacks: %v", err)
	}
	original, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(strings.TrimPrefix(got["png"], "/"))))
	if err != nil {
		t.Fatalf("the button's PNG %q: %v", got["png"], err)
	}

	if err := chromedp.Do(tb.ctx, chromedp.Click(chromedp.CSS("[data-bake]"))); err != nil {
		t.Fatal(err)
	}
	var ev *browser.EventDownloadProgress
	select {
	case ev = <-events:
	case <-time.After(20 * time.Second):
		t.Fatalf("no download in 20 s; the page says %q", eval[string](t, tb, `document.querySelector(".bake-status").textContent`))
	}
	if ev.State != browser.DownloadProgressStateCompleted {
		t.Fatalf("the download ended %s", ev.State)
	}
	baked, err := os.ReadFile(filepath.Join(downloads, ev.GUID))
	if err != nil {
		t.Fatal(err)
	}
	if msg := waitFor[string](t, tb, `document.querySelector(".bake-status").textContent`); !strings.Contains(msg, "Downloaded "+c.ID+".png") {
		t.Errorf("the page says %q", msg)
	}

	chunks, err := pngChunks(baked)
	if err != nil {
		t.Fatalf("the downloaded PNG: %v", err)
	}
	var rest []byte
	rest = append(rest, baked[:8]...)
	found := 0
	for i, ch := range chunks {
		key, after, isCred := bytes.Cut(ch.data, []byte{0})
		if ch.typ != "iTXt" || string(key) != "openbadgecredential" || !isCred {
			rest = append(rest, ch.raw...)
			continue
		}
		found++
		if i != len(chunks)-2 {
			t.Errorf("the credential is chunk %d of %d, not the last before IEND", i+1, len(chunks))
		}
		// compression flag, method, language tag "", translated keyword ""
		if len(after) < 4 || !bytes.Equal(after[:4], []byte{0, 0, 0, 0}) {
			t.Fatalf("the iTXt chunk's header after its keyword is % x, want 00 00 00 00", after[:min(4, len(after))])
		}
		if text := string(after[4:]); text != fakeOB3 {
			t.Errorf("the baked credential is\n%s\nwant\n%s", text, fakeOB3)
		}
	}
	if found != 1 {
		t.Fatalf("the downloaded PNG has %d openbadgecredential chunks, want 1", found)
	}
	if !bytes.Equal(rest, original) {
		t.Error("without the credential, the downloaded PNG is not the published one")
	}
	if _, err := png.Decode(bytes.NewReader(baked)); err != nil {
		t.Errorf("the downloaded PNG does not decode: %v", err)
	}
	if p := tb.takeProblems(); len(p) > 0 {
		t.Errorf("the browser reported:\n%s", strings.Join(p, "\n"))
	}
}

// chunk is one chunk of a PNG.
type chunk struct {
	typ  string
	data []byte
	raw  []byte // length, type, data and CRC
}

// pngChunks splits a PNG into its chunks, checking the signature, each
// chunk's CRC-32 and that IEND ends the file.
func pngChunks(b []byte) ([]chunk, error) {
	if !bytes.HasPrefix(b, []byte("\x89PNG\r\n\x1a\n")) {
		return nil, errors.New("no PNG signature")
	}
	var cs []chunk
	for off := 8; off < len(b); {
		if off+12 > len(b) {
			return nil, fmt.Errorf("a chunk at byte %d runs past the end", off)
		}
		n := int(binary.BigEndian.Uint32(b[off:]))
		end := off + 12 + n
		if n < 0 || end > len(b) {
			return nil, fmt.Errorf("the chunk at byte %d runs past the end", off)
		}
		typ := string(b[off+4 : off+8])
		if got, want := crc32.ChecksumIEEE(b[off+4:off+8+n]), binary.BigEndian.Uint32(b[off+8+n:]); got != want {
			return nil, fmt.Errorf("chunk %s at byte %d: CRC %08x, computed %08x", typ, off, want, got)
		}
		cs = append(cs, chunk{typ, b[off+8 : off+8+n], b[off:end]})
		off = end
		if typ == "IEND" && off != len(b) {
			return nil, fmt.Errorf("%d bytes after IEND", len(b)-off)
		}
	}
	if len(cs) == 0 || cs[len(cs)-1].typ != "IEND" {
		return nil, errors.New("no IEND")
	}
	return cs, nil
}

// testPrint: a verification page prints on one page, letter or A4, with
// the holder, the certification, its dates, id, QR code and badge, and
// without the site's navigation.
func testPrint(t *testing.T) {
	tb := newTab(t)
	// The longest verification pages: a renewal that was renewed again
	// (two more lines) and a revoked one.
	c := pick(t, "renewed", func(c credential) bool { return c.Status == "renewed" && c.RenewedBy != "" })
	r := pick(t, "revoked", func(c credential) bool { return c.Status == "revoked" })
	for _, id := range []string{c.ID, r.ID} {
		tb.open(t, "verify/"+id+"/")
		for _, paper := range []struct {
			name string
			w, h float64 // inches
		}{{"letter", 8.5, 11}, {"A4", 8.27, 11.69}} {
			res, err := chromedp.Call(tb.ctx, cdppage.PrintToPDF, cdppage.PrintToPDFParams{PaperWidth: paper.w, PaperHeight: paper.h})
			if err != nil {
				t.Fatal(err)
			}
			// Each page object of Chromium's PDF says "/Type /Page"; the
			// page tree, "/Type /Pages".
			if n := bytes.Count(res.Data, []byte("/Type /Page")) - bytes.Count(res.Data, []byte("/Type /Pages")); n != 1 {
				t.Errorf("/verify/%s/ prints on %d %s pages, want 1", id, n, paper.name)
			}
		}
		if _, err := chromedp.Call(tb.ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: "print"}); err != nil {
			t.Fatal(err)
		}
		shown := eval[map[string]bool](t, tb, `(() => {
  const vis = sel => { const el = document.querySelector(sel); return !!el && el.getClientRects().length > 0 && getComputedStyle(el).visibility !== "hidden"; };
  return {header: vis(".site-header"), footer: vis(".site-footer"), crumbs: vis(".crumbs"), share: vis(".share"),
    holder: vis(".facts"), title: vis("#cred-title"), qr: vis(".qr"), badge: vis("img.badge"), status: vis(".status")};
})()`)
		chromedp.Call(tb.ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{})
		for part, want := range map[string]bool{"header": false, "footer": false, "crumbs": false, "share": false,
			"holder": true, "title": true, "qr": true, "badge": true, "status": true} {
			if shown[part] != want {
				t.Errorf("/verify/%s/ in print: %s shown %v, want %v", id, part, shown[part], want)
			}
		}
	}
}

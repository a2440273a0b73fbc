package browsertest

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	cdppage "github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// sitePage is a page of the example site that several tests open.
type sitePage struct {
	name   string
	rel    string // path below the site root
	status int    // the HTTP status of the page
}

// pages lists one page of each kind: what tests 4 and 5 of the browser
// suite look at.
func pages(t *testing.T) []sitePage {
	t.Helper()
	ps := []sitePage{
		{"home", "", http.StatusOK},
		{"partner", "partners/" + env.partners[0].ID + "/", http.StatusOK},
		{"verification", "verify/" + pick(t, "active", func(c credential) bool { return c.Status == "active" }).ID + "/", http.StatusOK},
		{"revoked verification", "verify/" + pick(t, "revoked", func(c credential) bool { return c.Status == "revoked" }).ID + "/", http.StatusOK},
		{"lookup", "verify/", http.StatusOK},
		{"program", "program/", http.StatusOK},
		{"content", "how-it-works/", http.StatusOK},
		{"all partners", "partners/", http.StatusOK},
		{"browse", "browse/tier/platinum/", http.StatusOK},
		{"partner with logo", "partners/kestrel-peak/", http.StatusOK},
		{"lapsed or expired verification", "verify/" + pick(t, "lapsed or expired", func(c credential) bool { return c.Status == "lapsed" || c.Status == "expired" }).ID + "/", http.StatusOK},
		{"grace verification", "verify/" + pick(t, "grace", func(c credential) bool { return c.Status == "grace" }).ID + "/", http.StatusOK},
		{"not found", "no-such-page/", http.StatusNotFound},
	}
	for _, p := range ps {
		if p.status == http.StatusOK {
			if _, err := os.Stat(filepath.Join(env.site, filepath.FromSlash(p.rel), "index.html")); err != nil {
				t.Fatalf("the example site has no %s page: %v", p.name, err)
			}
		}
	}
	return ps
}

// testClean opens each kind of page in a fresh tab and fails on anything
// the browser reports as wrong: exceptions, console errors, failed requests
// and requests that leave the site.
func testClean(t *testing.T) {
	// The listener must see each kind of problem, or a clean result means nothing.
	t.Run("self-check", func(t *testing.T) {
		tb := newTab(t)
		if _, err := chromedp.Call(tb.ctx, cdppage.SetBypassCSP, cdppage.SetBypassCSPParams{Enabled: true}); err != nil {
			t.Fatal(err)
		}
		tb.open(t, "")
		eval[chromedp.Void](t, tb, `setTimeout(() => { throw new Error("boom"); });
console.error("oops");
fetch("/no-such-file.json").catch(() => {});
new Image().src = "http://192.0.2.1/pixel.png";`)
		want := []string{"exception", `console.error: "oops"`, "HTTP 404 for " + env.url + "/no-such-file.json", "request outside the site: GET http://192.0.2.1/pixel.png"}
		var got []string
		for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
			got = append(got, tb.takeProblems()...)
			if missing(got, want) == nil {
				return
			}
		}
		t.Errorf("the listener missed %q; it reported %q", missing(got, want), got)
	})
	for _, p := range pages(t) {
		t.Run(p.name, func(t *testing.T) {
			tb := newTab(t)
			resp, err := chromedp.Run(tb.ctx, chromedp.NavigateResponse(env.url+"/"+p.rel))
			if err != nil {
				t.Fatalf("opening /%s: %v", p.rel, err)
			}
			if resp.Status != int64(p.status) {
				t.Errorf("/%s: HTTP %d, want %d", p.rel, resp.Status, p.status)
			}
			// Wait for whatever the page does once loaded (site.js runs on
			// DOMContentLoaded), then give late requests a moment.
			waitFor[bool](t, tb, `document.readyState === "complete"`)
			if err := chromedp.Do(tb.ctx, chromedp.Evaluate[chromedp.Void](`new Promise(r => setTimeout(r, 150))`, chromedp.EvalAwaitPromise)); err != nil {
				t.Fatal(err)
			}
			for _, problem := range tb.takeProblems() {
				t.Errorf("/%s: %s", p.rel, problem)
			}
		})
	}
}

// missing returns the wants that no got contains.
func missing(got, want []string) []string {
	var m []string
	for _, w := range want {
		found := false
		for _, g := range got {
			found = found || strings.Contains(g, w)
		}
		if !found {
			m = append(m, w)
		}
	}
	return m
}

package browsertest

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// axeViolation is the part of an axe-core violation the test reports.
type axeViolation struct {
	ID      string   `json:"id"`
	Impact  string   `json:"impact"`
	Help    string   `json:"help"`
	HelpURL string   `json:"helpUrl"`
	Targets []string `json:"targets"`
}

const runAxe = `axe.run(document, {resultTypes: ["violations"]}).then(r => r.violations.map(v => ({
  id: v.id, impact: v.impact || "", help: v.help, helpUrl: v.helpUrl,
  targets: v.nodes.map(n => n.target.join(" "))
})))`

// testAxe runs axe-core on each kind of page and fails on serious or
// critical violations; lesser ones are logged.
func testAxe(t *testing.T) {
	file := filepath.Join(env.root, "cmd", "internal", "browsertest", "testdata", "node_modules", "axe-core", "axe.min.js")
	src, err := os.ReadFile(file)
	if err != nil {
		msg := "axe-core is missing: npm ci --prefix cmd/internal/browsertest/testdata"
		if os.Getenv("CI") != "" {
			t.Fatalf("%s (%v)", msg, err)
		}
		t.Skip(msg)
	}
	tb := newTab(t)
	// axe must report a planted violation, or a clean result means nothing.
	t.Run("self-check", func(t *testing.T) {
		tb.open(t, "")
		eval[chromedp.Void](t, tb, string(src))
		eval[chromedp.Void](t, tb, `document.querySelector("main").insertAdjacentHTML("beforeend", '<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" width="20" height="20">')`)
		vs, err := chromedp.Run(tb.ctx, chromedp.Evaluate[[]axeViolation](runAxe, chromedp.EvalAwaitPromise))
		if err != nil {
			t.Fatalf("axe.run: %v", err)
		}
		for _, v := range vs {
			if v.ID == "image-alt" && v.Impact == "critical" {
				return
			}
		}
		t.Errorf("axe did not report an image without alt text; it reported %+v", vs)
	})
	// Every page at both sizes the site is judged at: a desktop of
	// 1280×800 and a phone 390 pixels wide. The search's results too,
	// which the page's script draws.
	ps := append(pages(t), sitePage{"search results", "?q=data", http.StatusOK}, sitePage{"empty search", "?q=zzzzqqqq", http.StatusOK})
	for _, size := range []struct {
		name          string
		width, height int64
		opts          []chromedp.EmulateViewportOption
	}{
		{"1280x800", 1280, 800, nil},
		{"390x844", 390, 844, []chromedp.EmulateViewportOption{chromedp.EmulateMobile}},
	} {
		for _, p := range ps {
			t.Run(size.name+"/"+p.name, func(t *testing.T) {
				// A tab each: a tab's time is bounded, axe takes seconds.
				tb := newTab(t)
				if err := chromedp.Do(tb.ctx, chromedp.EmulateViewport(size.width, size.height, size.opts...)); err != nil {
					t.Fatal(err)
				}
				tb.open(t, p.rel)
				if strings.HasPrefix(p.rel, "?q=") {
					waitFor[bool](t, tb, `!document.getElementById("search").hidden && document.querySelector(".search-count").textContent.includes("result")`)
				}
				// Runtime.evaluate is not bound by the page's Content-Security-Policy.
				eval[chromedp.Void](t, tb, string(src))
				vs, err := chromedp.Run(tb.ctx, chromedp.Evaluate[[]axeViolation](runAxe, chromedp.EvalAwaitPromise))
				if err != nil {
					t.Fatalf("axe.run: %v", err)
				}
				for _, v := range vs {
					msg := "/" + p.rel + ": " + v.Impact + " " + v.ID + ": " + v.Help + " (" + v.HelpURL + ")\n\t" + strings.Join(v.Targets, "\n\t")
					if v.Impact == "serious" || v.Impact == "critical" {
						t.Error(msg)
					} else {
						t.Log(msg)
					}
				}
			})
		}
	}
}

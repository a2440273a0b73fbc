package browsertest

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// testScreenshots takes full-page screenshots of a few pages on a desktop
// and a phone, into $ACCREDIT_SCREENSHOTS when set (for a person to look
// at) or a temporary directory. It fails when a page is wider than the
// phone's screen: a sideways scroll is the usual sign of a broken layout.
func testScreenshots(t *testing.T) {
	dir := os.Getenv("ACCREDIT_SCREENSHOTS")
	if dir == "" {
		dir = t.TempDir()
	} else if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	shots := []struct{ name, rel string }{
		{"home", ""},
		{"search", "?q=data&type=partner"},
		{"partner", "partners/" + env.partners[0].ID + "/"},
		{"verification", "verify/" + env.creds[0].ID + "/"},
		{"revoked", "verify/" + pick(t, "revoked", func(c credential) bool { return c.Status == "revoked" }).ID + "/"},
	}
	widths := []struct {
		width, height int64
		opts          []chromedp.EmulateViewportOption
	}{
		{1280, 900, nil},
		{390, 844, []chromedp.EmulateViewportOption{chromedp.EmulateMobile}},
	}
	tb := newTab(t)
	for _, w := range widths {
		for _, s := range shots {
			t.Run(fmt.Sprintf("%s/%d", s.name, w.width), func(t *testing.T) {
				if err := chromedp.Do(tb.ctx, chromedp.EmulateViewport(w.width, w.height, w.opts...)); err != nil {
					t.Fatal(err)
				}
				tb.open(t, s.rel)
				if strings.HasPrefix(s.rel, "?q=") {
					waitFor[bool](t, tb, `document.querySelectorAll(".search-results li").length > 0`)
				}
				png, err := chromedp.Run(tb.ctx, chromedp.FullScreenshot(100))
				if err != nil {
					t.Fatal(err)
				}
				file := filepath.Join(dir, fmt.Sprintf("%s-%d.png", s.name, w.width))
				if err := os.WriteFile(file, png, 0o644); err != nil {
					t.Fatal(err)
				}
				wide := eval[[]string](t, tb, `(() => {
  const vw = document.documentElement.clientWidth;
  if (document.documentElement.scrollWidth <= vw) return [];
  return [...document.querySelectorAll("body *")].filter(el => el.getBoundingClientRect().right > vw + 1)
    .filter(el => !(el.parentElement && el.parentElement.getBoundingClientRect().right > vw + 1))
    .map(el => el.outerHTML.slice(0, 120) + " (right edge " + Math.round(el.getBoundingClientRect().right) + "px)");
})()`)
				for _, el := range wide {
					t.Errorf("/%s at %dpx is wider than the screen: %s", s.rel, w.width, el)
				}
			})
		}
	}
}

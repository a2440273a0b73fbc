package browsertest

import (
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// focusView describes document.activeElement after a key press. The page
// keeps the elements it has seen focused in window.__seen.
type focusView struct {
	Body         bool   `json:"body"`    // nothing focused
	Again        bool   `json:"again"`   // focused before: Tab went round
	Desc         string `json:"desc"`    // for messages
	Skip         bool   `json:"skip"`    // the skip link
	FocusVisible bool   `json:"fv"`      // matches :focus-visible
	Indicator    bool   `json:"ind"`     // an outline or a box shadow is drawn
	InView       bool   `json:"inView"`  // inside the viewport, with a size
	Main         bool   `json:"main"`    // the main element
	Hash         string `json:"hash"`    // location.hash
	SkipText     string `json:"skipTxt"` // the skip link's text
}

const readFocus = `(() => {
  const el = document.activeElement;
  const seen = window.__seen || (window.__seen = new Set());
  const v = {hash: location.hash};
  if (!el || el === document.body || el === document.documentElement) { v.body = true; return v; }
  v.again = seen.has(el);
  seen.add(el);
  const text = (el.textContent || el.value || el.getAttribute("aria-label") || "").replace(/\s+/g, " ").trim().slice(0, 50);
  v.desc = "<" + el.tagName.toLowerCase() + (el.id ? " id=" + el.id : "") + (el.getAttribute("href") ? " href=" + el.getAttribute("href") : "") + "> " + JSON.stringify(text);
  v.skip = el.classList.contains("skip");
  v.skipTxt = v.skip ? text : "";
  v.main = el.tagName === "MAIN";
  v.fv = el.matches(":focus-visible");
  const cs = getComputedStyle(el);
  v.ind = (cs.outlineStyle !== "none" && parseFloat(cs.outlineWidth) > 0) || cs.boxShadow !== "none";
  const r = el.getBoundingClientRect();
  v.inView = r.width > 0 && r.height > 0 && r.right > 0 && r.bottom > 0 && r.left < innerWidth && r.top < innerHeight;
  return v;
})()`

// unreached lists the visible links, buttons and fields that Tab never
// focused. The content of a closed disclosure (<details>) is reached by
// opening it, not by Tab.
const unreached = `(() => {
  const seen = window.__seen || new Set();
  return [...document.querySelectorAll("a[href], button, input, select, textarea, [tabindex]")]
    .filter(el => el.tabIndex >= 0 && !el.disabled && el.getClientRects().length > 0 && getComputedStyle(el).visibility !== "hidden" && !seen.has(el) && !el.closest("details:not([open])"))
    .map(el => el.outerHTML.slice(0, 100));
})()`

func testKeyboard(t *testing.T) {
	pages := []struct{ name, rel string }{
		{"home", ""},
		{"partner", "partners/" + env.partners[0].ID + "/"},
		{"verification", "verify/" + env.creds[0].ID + "/"},
		{"lookup", "verify/"},
	}
	tb := newTab(t)
	press := func(t *testing.T, key string) focusView {
		t.Helper()
		if err := chromedp.Do(tb.ctx, chromedp.KeyEvent(key)); err != nil {
			t.Fatal(err)
		}
		return eval[focusView](t, tb, readFocus)
	}
	for _, p := range pages {
		t.Run(p.name+"/skip link", func(t *testing.T) {
			tb.open(t, p.rel)
			f := press(t, kb.Tab)
			if !f.Skip || f.SkipText != "Skip to content" {
				t.Fatalf("the first Tab focuses %s, want the \"Skip to content\" link", f.Desc)
			}
			if !f.InView || !f.Indicator {
				t.Errorf("the focused skip link is not visible (in view %v, focus indicator %v)", f.InView, f.Indicator)
			}
			f = press(t, kb.Enter)
			if !f.Main || f.Hash != "#main" {
				t.Errorf("Enter on the skip link: focus on %s, location.hash %q; want focus on <main>, #main", f.Desc, f.Hash)
			}
		})
		t.Run(p.name+"/tab order", func(t *testing.T) {
			tb.open(t, p.rel)
			if p.rel == "" {
				// The search box shows once its script has loaded the
				// index's header: Tab must find it then.
				waitFor[bool](t, tb, `!document.getElementById("search").hidden`)
			}
			var order, bad []string
			for i := 0; ; i++ {
				if i == 500 {
					t.Fatalf("Tab did not come round after 500 presses: %s", strings.Join(order[len(order)-5:], ", "))
				}
				f := press(t, kb.Tab)
				if f.Body || f.Again {
					if i == 0 {
						t.Fatal("Tab focuses nothing")
					}
					break // past the last element, or round to the first
				}
				order = append(order, f.Desc)
				if !f.FocusVisible || !f.Indicator {
					bad = append(bad, fmt.Sprintf("Tab stop %d, %s: no visible focus (:focus-visible %v, outline or shadow %v)", i+1, f.Desc, f.FocusVisible, f.Indicator))
				}
				if !f.InView {
					bad = append(bad, fmt.Sprintf("Tab stop %d, %s: focused outside the viewport or with no size", i+1, f.Desc))
				}
			}
			if len(bad) > 5 {
				bad = append(bad[:5], fmt.Sprintf("and %d more", len(bad)-5))
			}
			if len(bad) > 0 {
				t.Errorf("of %d Tab stops:\n\t%s", len(order), strings.Join(bad, "\n\t"))
			}
			for _, el := range eval[[]string](t, tb, unreached) {
				t.Errorf("never focused by Tab: %s", el)
			}
			t.Logf("%d Tab stops", len(order))
		})
	}
}

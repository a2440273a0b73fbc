package browsertest

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/accredit/accredit/cmd/internal/date"
)

// sizes are the two screens the site is judged at.
var sizes = []struct {
	name          string
	width, height int64
	opts          []chromedp.EmulateViewportOption
}{
	{"desktop", 1280, 800, nil},
	{"phone", 390, 844, []chromedp.EmulateViewportOption{chromedp.EmulateMobile}},
}

// testHome: the directory in the first screen at both sizes, one filter
// panel at a time (open beside the results on a desktop, a closed
// disclosure below them on a phone), facet values by meaning in both
// panels, and an empty search that says what to try.
func testHome(t *testing.T) {
	tb := newTab(t)
	for _, size := range sizes {
		t.Run(size.name, func(t *testing.T) {
			if err := chromedp.Do(tb.ctx, chromedp.EmulateViewport(size.width, size.height, size.opts...)); err != nil {
				t.Fatal(err)
			}
			tb.open(t, "")
			waitFor[bool](t, tb, `!document.getElementById("search").hidden`)
			got := eval[struct {
				CardTop     float64 `json:"cardTop"`
				FiltersOpen bool    `json:"filtersOpen"`
				FiltersTop  float64 `json:"filtersTop"`
				CardsBottom float64 `json:"cardsBottom"`
				FiltersLeft float64 `json:"filtersLeft"`
				CardsRight  float64 `json:"cardsRight"`
				Panels      int     `json:"panels"`
			}](t, tb, `(() => {
  const card = document.querySelector(".directory .card").getBoundingClientRect();
  const cards = document.querySelector(".directory .cards").getBoundingClientRect();
  const f = document.querySelector(".directory [data-filters]");
  const fr = f.getBoundingClientRect();
  const panels = [...document.querySelectorAll(".facets, .search-facets")].filter((p) => p.getClientRects().length > 0 && !p.closest("[hidden]")).length;
  return {cardTop: card.top + scrollY, filtersOpen: f.open, filtersTop: fr.top + scrollY, cardsBottom: cards.bottom + scrollY,
    filtersLeft: fr.left, cardsRight: cards.right, panels};
})()`)
			if got.CardTop+100 > float64(size.height) {
				t.Errorf("the first partner's card starts %.0f px down: not in the first screen of %d", got.CardTop, size.height)
			}
			if got.Panels > 1 {
				t.Errorf("%d filter panels show at once, want one", got.Panels)
			}
			if size.name == "desktop" {
				if !got.FiltersOpen || got.FiltersLeft < got.CardsRight {
					t.Errorf("desktop: the filter panel is open %v, at x %.0f beside cards ending at x %.0f: want it open beside them", got.FiltersOpen, got.FiltersLeft, got.CardsRight)
				}
			} else if got.FiltersOpen || got.FiltersTop < got.CardsBottom {
				t.Errorf("phone: the filter panel is open %v, at y %.0f, the cards end at y %.0f: want it closed below them", got.FiltersOpen, got.FiltersTop, got.CardsBottom)
			}
		})
	}
	if err := chromedp.Do(tb.ctx, chromedp.EmulateViewport(1280, 800)); err != nil {
		t.Fatal(err)
	}

	// Facets by meaning: tiers by rank, each track's levels in level
	// order (the example's ranks: foundation 1, professional 2, expert 3).
	tb.open(t, "")
	static := eval[map[string][]string](t, tb, `(() => {
  const out = {};
  for (const a of document.querySelectorAll(".directory .facets [data-facet]")) (out[a.dataset.facet] ??= []).push(a.dataset.value);
  return out;
})()`)
	if want := []string{"platinum", "gold", "silver", "registered"}; !slices.Equal(static["tier"], want) {
		t.Errorf("the tiers are listed %q, want by rank %q", static["tier"], want)
	}
	checkLevelOrder(t, "the directory's panel", static["certification"])
	countries := eval[[]string](t, tb, `[...document.querySelectorAll('.directory .facets [data-facet="country"]')].map((a) => a.textContent)`)
	if !slices.IsSorted(countries) || len(countries) < 2 {
		t.Errorf("the countries are listed %q, want by name", countries)
	}

	// A search: the directory and its panel give way to the results and
	// the search's panel, whose values come in the same order.
	if err := chromedp.Do(tb.ctx, chromedp.SendKeys(chromedp.ID("search-q"), "a")); err != nil {
		t.Fatal(err)
	}
	waitFor[bool](t, tb, `document.querySelector(".directory").hidden && document.querySelectorAll(".search-results li").length > 0`)
	searched := eval[map[string][]string](t, tb, `(() => {
  const out = {};
  for (const b of document.querySelectorAll(".search-facet input")) (out[b.name] ??= []).push(b.value);
  return out;
})()`)
	for _, f := range []string{"tier", "certification", "country"} {
		var want []string
		for _, v := range static[f] {
			if slices.Contains(searched[f], v) {
				want = append(want, v)
			}
		}
		if got := slices.DeleteFunc(slices.Clone(searched[f]), func(v string) bool { return !slices.Contains(static[f], v) }); !slices.Equal(got, want) {
			t.Errorf("the search lists %s values %q, the directory %q", f, got, want)
		}
	}
	if n := eval[int](t, tb, `[...document.querySelectorAll(".facets, .search-facets")].filter((p) => p.getClientRects().length > 0).length`); n != 1 {
		t.Errorf("%d filter panels show during a search, want one", n)
	}

	// Nothing found: the page says what to try, and one click starts over.
	tb.open(t, "?q=zzzzqqqq")
	waitFor[bool](t, tb, `document.querySelector(".search-count").textContent.startsWith("0 results")`)
	help := eval[string](t, tb, `(() => { const e = document.querySelector(".search-empty"); return e.getClientRects().length ? e.textContent : ""; })()`)
	if !strings.Contains(help, "Try") {
		t.Errorf("an empty search shows %q, want advice on what to try", help)
	}
	if err := chromedp.Do(tb.ctx, chromedp.Click("[data-clear-search]")); err != nil {
		t.Fatal(err)
	}
	waitFor[bool](t, tb, `!document.querySelector(".directory").hidden && location.search === "" && document.getElementById("search-q").value === ""`)
	if p := tb.takeProblems(); len(p) > 0 {
		t.Errorf("problems on the home page:\n%s", strings.Join(p, "\n"))
	}
}

var levelRanks = map[string]int{"foundation": 1, "professional": 2, "expert": 3}

// checkLevelOrder fails t unless each track's certifications ("track/
// level") come in level order.
func checkLevelOrder(t *testing.T, where string, certs []string) {
	t.Helper()
	last := map[string]int{}
	for _, c := range certs {
		track, level, _ := strings.Cut(c, "/")
		r, ok := levelRanks[level]
		if !ok {
			t.Fatalf("%s: unknown level in %q", where, c)
		}
		if r < last[track] {
			t.Errorf("%s lists the certifications %q: %s comes after a higher level", where, certs, c)
		}
		last[track] = r
	}
	if len(certs) < 3 {
		t.Errorf("%s lists only %q", where, certs)
	}
}

// noteView is a verification page's heading area.
type noteView struct {
	Note     string `json:"note"`
	Role     string `json:"role"`
	Title    string `json:"title"`
	LinkedIn bool   `json:"linkedIn"`
	Body     string `json:"body"`
}

const readNote = `(() => {
  const n = document.querySelector("[data-status-note]");
  const li = [...document.querySelectorAll("a")].find((a) => a.textContent.includes("LinkedIn"));
  return {note: n.textContent, role: n.getAttribute("role"), title: document.title,
    linkedIn: !!li && li.getClientRects().length > 0, body: document.body.innerText};
})()`

// testStatusNote: a credential no longer valid says so in an alert under
// its heading and in the title, with nothing to share; every status has
// its sentence, the same from the build and from the visitor's script;
// the script keeps all of it in step with the visitor's date; no
// revocation reason is ever on the page.
func testStatusNote(t *testing.T) {
	tb := newTab(t)
	reasons := revocationReasons(t)
	seen := map[string]bool{}
	for _, c := range env.creds {
		if seen[c.Status] {
			continue
		}
		seen[c.Status] = true
		t.Run(c.Status, func(t *testing.T) {
			off := openNote(t, tb, c, "")
			on := openNote(t, tb, c, asOf)
			if off.Note != on.Note || off.Title != on.Title || off.Role != on.Role {
				t.Errorf("on the build date the script changes the heading area:\nbuild  %q %q %q\nscript %q %q %q", off.Note, off.Role, off.Title, on.Note, on.Role, on.Title)
			}
			invalid := c.Status == "revoked" || c.Status == "expired" || c.Status == "lapsed"
			checkNote(t, on, c.Status, invalid)
			want := map[string]string{"revoked": "revoked on ", "expired": "expired on ", "lapsed": "renew it without starting over", "grace": "grace period", "active": "is valid", "renewed": "renewed on "}[c.Status]
			if !strings.Contains(on.Note, want) {
				t.Errorf("the %s note reads %q, want it to say %q", c.Status, on.Note, want)
			}
			for _, r := range reasons {
				if strings.Contains(on.Body, r) {
					t.Errorf("/verify/%s/ publishes a revocation reason: %q", c.ID, r)
				}
			}
		})
	}
	// The visitor's date: valid the day before the revocation, revoked
	// on the day.
	r := pick(t, "revoked", func(c credential) bool { return c.Status == "revoked" && c.Revoked != "" })
	before := openNote(t, tb, r, addDays(r.Revoked, -1))
	checkNote(t, before, statusAt(credential{Expires: r.Expires, GraceDays: r.GraceDays, StreamlinedDays: r.StreamlinedDays, RenewedOn: r.RenewedOn}, addDays(r.Revoked, -1)), false)
	a := pick(t, "active", func(c credential) bool { return c.Status == "active" && c.Revoked == "" && c.RenewedOn == "" })
	for _, tc := range []struct {
		day, status, want string
	}{
		{addDays(a.Expires, 1), "grace", "up to and including " + human(addDays(a.Expires, a.GraceDays-1))},
		{addDays(a.Expires, a.GraceDays), "lapsed", "up to and including " + human(addDays(a.Expires, a.StreamlinedDays-1))},
		{addDays(a.Expires, a.StreamlinedDays), "expired", "expired on " + human(a.Expires)},
	} {
		got := openNote(t, tb, a, tc.day)
		checkNote(t, got, tc.status, tc.status != "grace")
		if !strings.Contains(got.Note, tc.want) {
			t.Errorf("on %s the note reads %q, want %q in it", tc.day, got.Note, tc.want)
		}
	}
}

func checkNote(t *testing.T, got noteView, status string, invalid bool) {
	t.Helper()
	wantRole := map[bool]string{true: "alert", false: "status"}[invalid]
	if got.Role != wantRole {
		t.Errorf("%s: the note's role is %q, want %q", status, got.Role, wantRole)
	}
	if prefix := labels[status] + " – "; strings.HasPrefix(got.Title, prefix) != invalid {
		t.Errorf("%s: the title is %q; starts with %q: %v, want %v", status, got.Title, prefix, !invalid, invalid)
	}
	if got.LinkedIn == invalid {
		t.Errorf("%s: Add to LinkedIn shown %v", status, got.LinkedIn)
	}
}

func openNote(t *testing.T, tb *tab, c credential, day string) noteView {
	t.Helper()
	openStatus(t, tb, c, day) // sets the clock, or turns scripts off
	return eval[noteView](t, tb, readNote)
}

// human is date.Human in English, for the example program.
func human(iso string) string {
	d, err := date.Parse(iso)
	if err != nil {
		panic(err)
	}
	return date.Human(d, "en")
}

// revocationReasons reads every revoked_reason of the example program.
func revocationReasons(t *testing.T) []string {
	files, _ := filepath.Glob(filepath.Join(env.root, "partners", "*", "people", "*.toml"))
	re := regexp.MustCompile(`(?m)^revoked_reason = "(.*)"$`)
	var out []string
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range re.FindAllSubmatch(b, -1) {
			out = append(out, string(m[1]))
		}
	}
	if len(out) == 0 {
		t.Fatal("the example program has no revoked_reason: the privacy check would prove nothing")
	}
	return out
}

// testShare: a valid credential offers its link to copy and to send by
// e-mail; its standalone badge and og:image are there.
func testShare(t *testing.T) {
	tb := newTab(t)
	c := pick(t, "active", func(c credential) bool { return c.Status == "active" })
	tb.open(t, "verify/"+c.ID+"/")
	got := eval[map[string]string](t, tb, `(() => {
  const mail = document.querySelector('[data-share] a[href^="mailto:"]');
  const copy = document.querySelector("[data-copy-link]");
  return {mail: mail && mail.getClientRects().length ? mail.href : "", copy: copy && copy.getClientRects().length ? "shown" : "",
    canonical: document.querySelector('link[rel="canonical"]').href,
    og: [...document.querySelectorAll('meta[property="og:image"]')].map((m) => m.content).join(" "),
    badge: document.querySelector("[data-badge] img").src};
})()`)
	if got["copy"] != "shown" {
		t.Error("no Copy link button")
	}
	if !strings.HasPrefix(got["mail"], "mailto:?subject=") || !strings.Contains(got["mail"], strings.ReplaceAll(strings.ReplaceAll(got["canonical"], ":", "%3A"), "/", "%2F")) {
		t.Errorf("Share by e-mail links %q, want a mailto: with the page's address", got["mail"])
	}
	if !strings.Contains(got["og"], ".png") {
		t.Errorf("og:image is %q, want a PNG", got["og"])
	}
	if err := chromedp.Do(tb.ctx, chromedp.Click("[data-copy-link]")); err != nil {
		t.Fatal(err)
	}
	said := waitFor[string](t, tb, `document.querySelector("[data-share] [role=status]").textContent`)
	if said != "Link copied." && said != "Copy this link: "+got["canonical"] {
		t.Errorf("after Copy link the page says %q", said)
	}
	okBadge, err := chromedp.Run(tb.ctx, chromedp.Evaluate[bool](`fetch(document.querySelector("[data-badge] img").src).then((r) => r.ok && r.headers.get("content-type").startsWith("image/svg+xml"))`, chromedp.EvalAwaitPromise))
	if err != nil || !okBadge {
		t.Errorf("badge.svg does not load as an SVG image (%v)", err)
	}
}

// testPartner: a partner's logo shows on its card and at the top of its
// page, where "Contact this partner" is in the first screen.
func testPartner(t *testing.T) {
	tb := newTab(t)
	for _, size := range sizes {
		if err := chromedp.Do(tb.ctx, chromedp.EmulateViewport(size.width, size.height, size.opts...)); err != nil {
			t.Fatal(err)
		}
		for _, id := range []string{"kestrel-peak", "halden-crewe"} {
			tb.open(t, "partners/"+id+"/")
			got := waitFor[map[string]float64](t, tb, `(() => {
  const img = document.querySelector(".partner-head img.logo");
  if (!img || !img.complete) return null;
  const c = document.querySelector("[data-contact]");
  return {logo: img.naturalWidth, contact: c ? c.getBoundingClientRect().bottom + scrollY : 1e9,
    mailto: c && /^(mailto:|https?:)/.test(c.getAttribute("href")) ? 1 : 0};
})()`)
			if got["logo"] == 0 {
				t.Errorf("%s %s: the logo does not load", size.name, id)
			}
			if got["contact"] > float64(size.height) || got["mailto"] != 1 {
				t.Errorf("%s %s: Contact this partner ends %.0f px down (screen %d), link ok %v", size.name, id, got["contact"], size.height, got["mailto"] == 1)
			}
		}
	}
	tb.open(t, "")
	n := waitFor[int](t, tb, `(() => { const imgs = [...document.querySelectorAll(".directory .card img.logo")]; return imgs.length && imgs.every((i) => i.complete && i.naturalWidth > 0) ? imgs.length : 0; })()`)
	if n != 2 {
		t.Errorf("the home page's cards show %d logos, want 2", n)
	}
	if p := tb.takeProblems(); len(p) > 0 {
		t.Errorf("problems:\n%s", strings.Join(p, "\n"))
	}
}

// testDates: pages write dates for people ("15 March 2025"), and
// date.Human writes every locale's dates as the browser's Intl does,
// which the verification page's script uses.
func testDates(t *testing.T) {
	tb := newTab(t)
	c := pick(t, "active", func(c credential) bool { return c.Status == "active" })
	openStatus(t, tb, c, "")
	issued := eval[string](t, tb, `(() => { const t = document.querySelector(".facts time"); return t.getAttribute("datetime") + "|" + t.textContent; })()`)
	if want := c.Issued + "|" + human(c.Issued); issued != want {
		t.Errorf("the issue date reads %q, want %q", issued, want)
	}
	var days []string
	for d := date.New(2024, time.January, 1); d.Before(date.New(2026, time.January, 1)); d = d.AddDays(17) {
		days = append(days, d.String())
	}
	for _, loc := range date.Locales {
		intl := loc
		if loc == "en" {
			intl = "en-GB"
		}
		got := eval[[]string](t, tb, fmt.Sprintf(`(() => { const f = new Intl.DateTimeFormat(%s, {day: "numeric", month: "long", year: "numeric", timeZone: "UTC"});
  return %s.map((s) => f.format(new Date(s + "T00:00:00Z"))); })()`, strconv.Quote(intl), "["+quoteAll(days)+"]"))
		for i, s := range days {
			d, _ := date.Parse(s)
			if want := date.Human(d, loc); got[i] != want {
				t.Errorf("%s %s: Intl writes %q, date.Human %q", loc, s, got[i], want)
			}
		}
	}
}

func quoteAll(ss []string) string {
	q := make([]string, len(ss))
	for i, s := range ss {
		q[i] = strconv.Quote(s)
	}
	return strings.Join(q, ",")
}

package browsertest

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/accredit/accredit/cmd/internal/date"
	"github.com/accredit/accredit/cmd/internal/load"
	"github.com/accredit/accredit/cmd/internal/search"
	"github.com/accredit/accredit/cmd/internal/site"
	"github.com/accredit/accredit/cmd/internal/standing"
)

// goIndex is bleve's index of the site the browser sees: what the UI
// shows must be what bleve answers.
func goIndex(t *testing.T) *search.Index {
	t.Helper()
	d, _ := date.Parse(asOf)
	p, _, err := load.Load(env.root)
	if err != nil {
		t.Fatal(err)
	}
	st, err := site.Build(p, standing.Compute(p), d)
	if err != nil {
		t.Fatal(err)
	}
	ix, err := search.New(search.Docs(st))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	return ix
}

// uiState reads the search UI: the count line, the result names and each
// visible facet value's count.
const uiState = `(() => {
  const s = document.getElementById("search");
  const counts = {};
  for (const li of s.querySelectorAll(".search-facet li")) {
    if (li.hidden) continue;
    const box = li.querySelector("input");
    counts[box.name + "=" + box.value] = +li.querySelector(".n").textContent;
  }
  return {
    count: s.querySelector(".search-count").textContent,
    names: [...s.querySelectorAll(".search-results h3 a")].map((a) => a.textContent),
    counts,
    url: location.search,
    directoryHidden: document.querySelector(".directory").hidden,
  };
})()`

type ui struct {
	Count           string         `json:"count"`
	Names           []string       `json:"names"`
	Counts          map[string]int `json:"counts"`
	URL             string         `json:"url"`
	DirectoryHidden bool           `json:"directoryHidden"`
}

func testSearch(t *testing.T) {
	ix := goIndex(t)
	tb := newTab(t)
	tb.open(t, "")
	waitFor[bool](t, tb, `!document.getElementById("search").hidden`)

	// want checks the UI against bleve's answer to the same search.
	want := func(t *testing.T, q search.Query) {
		t.Helper()
		q.Limit = 24
		r, err := ix.Search(q)
		if err != nil {
			t.Fatal(err)
		}
		prefix := fmt.Sprintf("%d result", r.Total)
		got := waitFor[ui](t, tb, `(() => { const u = `+uiState+`; return u.count.startsWith(`+strconv.Quote(prefix)+`) ? u : null; })()`)
		var names []string
		for _, h := range r.Results {
			names = append(names, h.Name)
		}
		if strings.Join(got.Names, "|") != strings.Join(names, "|") {
			t.Errorf("the page lists\n\t%q\nbleve ranks\n\t%q", got.Names, names)
		}
		for f, vs := range r.Facets {
			for v, n := range vs {
				if got.Counts[f+"="+v] != n {
					t.Errorf("facet %s=%s: page shows %d, bleve counts %d", f, v, got.Counts[f+"="+v], n)
				}
			}
		}
		if !got.DirectoryHidden {
			t.Error("the static directory still shows under the results")
		}
	}

	// Results as one types, the last word a prefix, accents folded.
	if err := chromedp.Do(tb.ctx, chromedp.Focus(chromedp.ID("search-q")), chromedp.SendKeys(chromedp.ID("search-q"), "datenw")); err != nil {
		t.Fatal(err)
	}
	want(t, search.Query{Text: "datenw"})
	// The panel says what its numbers count (issue 18): both kinds here.
	if c := eval[string](t, tb, `document.querySelector("#search .facets-counted").textContent`); c != "Numbers count matching partners and people." {
		t.Errorf("the filter panel's note says %q", c)
	}

	// A facet, chosen with the keyboard: Tab to the first checkbox, Space.
	eval[string](t, tb, `document.getElementById("search-q").value = ""`)
	if err := chromedp.Do(tb.ctx, chromedp.SendKeys(chromedp.ID("search-q"), "a")); err != nil {
		t.Fatal(err)
	}
	want(t, search.Query{Text: "a"})
	first := eval[string](t, tb, `document.querySelector(".search-facet li:not([hidden]) input").id`)
	if err := chromedp.Do(tb.ctx, chromedp.Focus(chromedp.ID(first)), chromedp.KeyEvent(" ")); err != nil {
		t.Fatal(err)
	}
	facet := eval[[]string](t, tb, `(() => { const b = document.getElementById(`+strconv.Quote(first)+`); return [b.name, b.value, String(b.checked)]; })()`)
	if facet[2] != "true" {
		t.Fatalf("Space did not check %s", first)
	}
	want(t, search.Query{Text: "a", Filters: map[string][]string{facet[0]: {facet[1]}}})
	url := eval[string](t, tb, `location.search`)
	if !strings.Contains(url, "q=a") || !strings.Contains(url, facet[0]+"=") {
		t.Errorf("the URL %q does not hold the search", url)
	}

	// The URL is shareable: a new page opens on the same search.
	tb.open(t, "?q=data&type=partner")
	waitFor[bool](t, tb, `!document.getElementById("search").hidden`)
	want(t, search.Query{Text: "data", Filters: map[string][]string{"type": {"partner"}}})
	if c := eval[string](t, tb, `document.querySelector("#search .facets-counted").textContent`); c != "Numbers count matching partners." {
		t.Errorf("with only partners shown, the filter panel's note says %q", c)
	}
	if u := eval[string](t, tb, `[...document.querySelectorAll("#search .search-facet li:not([hidden])")].find((li) => li.querySelector("input").name !== "type").querySelector(".n + .visually-hidden").textContent`); u != " partners" {
		t.Errorf("a count's unit for screen readers is %q", u)
	}
	if v := eval[string](t, tb, `document.getElementById("search-q").value`); v != "data" {
		t.Errorf("the search box holds %q after loading ?q=data", v)
	}
	// Clearing the box and the filter brings the directory back.
	if err := chromedp.Do(tb.ctx, chromedp.Focus(chromedp.ID("search-q")), chromedp.KeyEvent(kb.End),
		chromedp.KeyEvent(kb.Backspace), chromedp.KeyEvent(kb.Backspace), chromedp.KeyEvent(kb.Backspace), chromedp.KeyEvent(kb.Backspace),
		chromedp.Click(chromedp.ID("f-type-partner"))); err != nil {
		t.Fatal(err)
	}
	waitFor[bool](t, tb, `!document.querySelector(".directory").hidden && location.search === ""`)
	if p := tb.takeProblems(); len(p) > 0 {
		t.Errorf("problems while searching:\n%s", strings.Join(p, "\n"))
	}
}

// testSearchCorpus runs the real client in the browser over the queries
// of the search package's multi-script corpus (text that is not the
// documents): every query's words and total must be bleve's.
func testSearchCorpus(t *testing.T) {
	ix := goIndex(t)
	data, err := os.ReadFile(filepath.Join(env.root, "cmd/internal/search/testdata/corpus.txt"))
	if err != nil {
		t.Fatal(err)
	}
	var qs []string
	for _, line := range strings.Split(string(data), "\n") {
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		qs = append(qs, line)
		for _, w := range strings.Fields(line) {
			qs = append(qs, w, string([]rune(w)[:1]))
		}
	}
	tb := newTab(t)
	tb.open(t, "")
	waitFor[bool](t, tb, `!document.getElementById("search").hidden`)
	in, _ := json.Marshal(qs)
	type answer struct {
		Tokens []string `json:"tokens"`
		Total  int      `json:"total"`
	}
	got := waitFor[[]answer](t, tb, `(() => {
  if (!window.__corpus) {
    window.__corpus = "pending";
    import(new URL("search/accredit-search.js", document.baseURI).href).then(async (m) => {
      const out = [];
      for (const q of `+string(in)+`) out.push({ tokens: await m.tokens(q), total: (await m.search(q)).total });
      window.__corpus = out;
    }, (e) => { window.__corpus = [{ tokens: [String(e)], total: -1 }]; });
  }
  return Array.isArray(window.__corpus) ? window.__corpus : null;
})()`)
	if len(got) != len(qs) {
		t.Fatalf("the browser answered %d of %d queries: %v", len(got), len(qs), got)
	}
	for i, q := range qs {
		want := ix.Analyze(q)
		if strings.Join(got[i].Tokens, "\x00") != strings.Join(want, "\x00") {
			t.Errorf("%q: the browser's words %q, bleve's %q", q, got[i].Tokens, want)
		}
		r, err := ix.Search(search.Query{Text: q})
		if err != nil {
			t.Fatal(err)
		}
		if got[i].Total != r.Total {
			t.Errorf("%q: the browser finds %d, bleve %d", q, got[i].Total, r.Total)
		}
	}
}

// testSearchForgives types what customers type: a typo, a country by code
// and by its own name, words that match nothing; and the placeholder's
// own example.
func testSearchForgives(t *testing.T) {
	ix := goIndex(t)
	tb := newTab(t)
	tb.open(t, "")
	waitFor[bool](t, tb, `!document.getElementById("search").hidden`)
	typeIn := func(q string) {
		t.Helper()
		eval[string](t, tb, `document.getElementById("search-q").value = ""`)
		if err := chromedp.Do(tb.ctx, chromedp.Focus(chromedp.ID("search-q")), chromedp.SendKeys(chromedp.ID("search-q"), q)); err != nil {
			t.Fatal(err)
		}
	}
	// shows waits for the page to show bleve's answer to q and returns it.
	shows := func(q string) *search.Result {
		t.Helper()
		r, err := ix.Search(search.Query{Text: q, Limit: 24})
		if err != nil {
			t.Fatal(err)
		}
		prefix := fmt.Sprintf("%d result", r.Total)
		// The address and the count change in one task, after the answer
		// to what was typed last: an earlier answer (to the previous
		// query, or to a prefix of this one while it was being typed)
		// may start with the same count.
		got := waitFor[ui](t, tb, `(() => { const u = `+uiState+`; return u.count.startsWith(`+strconv.Quote(prefix)+`) && new URLSearchParams(u.url).get("q") === `+strconv.Quote(q)+` ? u : null; })()`)
		var names []string
		for _, h := range r.Results {
			names = append(names, h.Name)
		}
		if strings.Join(got.Names, "|") != strings.Join(names, "|") {
			t.Errorf("%q: the page lists\n\t%q\nbleve ranks\n\t%q", q, got.Names, names)
		}
		return r
	}

	// The placeholder's example finds something.
	ph := eval[string](t, tb, `document.getElementById("search-q").placeholder`)
	ex, ok := strings.CutPrefix(ph, "e.g. ")
	if !ok {
		t.Fatalf("placeholder %q gives no example", ph)
	}
	typeIn(ex)
	if r := shows(ex); r.Total == 0 {
		t.Errorf("the placeholder's example %q finds nothing", ex)
	}

	// One typo.
	typeIn("Kestral")
	if r := shows("Kestral"); r.Total == 0 || len(r.Fuzzy) == 0 {
		t.Errorf("Kestral: %d results, fuzzy %v", r.Total, r.Fuzzy)
	}
	if c := eval[string](t, tb, `document.querySelector("#search .search-count").textContent`); !strings.Contains(c, "kestral") {
		t.Errorf("the count line %q does not say the spelling was forgiven", c)
	}

	// A country by code and by its own name: the partner in DE.
	for _, q := range []string{"DE", "Deutschland", "Germany"} {
		typeIn(q)
		r := shows(q)
		if !slices.ContainsFunc(r.Results[:min(3, len(r.Results))], func(h search.Hit) bool { return h.ID == "bruckner-datenwerk" }) {
			t.Errorf("%s: the partner in DE is not among the first three: %v", q, r.Results)
		}
	}

	// Nothing matches: "did you mean", and a click on it searches.
	typeIn("skarvik xqzv")
	shows("skarvik xqzv")
	sugg := waitFor[[]string](t, tb, `(() => { const e = document.querySelector("#search .search-empty"); return e && !e.hidden ? [...e.querySelectorAll("button")].map((b) => b.textContent).concat([e.textContent]) : null; })()`)
	if len(sugg) < 2 || sugg[0] != "skarvik" || !strings.Contains(sugg[len(sugg)-1], "Did you mean") {
		t.Fatalf("the empty state shows %q", sugg)
	}
	if err := chromedp.Do(tb.ctx, chromedp.Click(`#search .search-empty button`)); err != nil {
		t.Fatal(err)
	}
	shows("skarvik")
	if eval[bool](t, tb, `!document.querySelector("#search .search-empty").hidden`) {
		t.Error("the empty state stays once there are results")
	}

	// Nothing near: the empty state still says what to try.
	typeIn("qqqqqq")
	shows("qqqqqq")
	msg := waitFor[string](t, tb, `(() => { const e = document.querySelector("#search .search-empty"); return e && !e.hidden ? e.textContent : null; })()`)
	if !strings.Contains(msg, "spelling") || !strings.Contains(msg, "fewer words") {
		t.Errorf("the empty state says %q", msg)
	}
	if p := tb.takeProblems(); len(p) > 0 {
		t.Errorf("problems while searching:\n%s", strings.Join(p, "\n"))
	}
}

package browsertest

import (
	"bufio"
	"bytes"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/accredit/accredit"
	"github.com/accredit/accredit/cmd/internal/date"
	"github.com/accredit/accredit/cmd/internal/load"
	"github.com/accredit/accredit/cmd/internal/program"
	"github.com/accredit/accredit/cmd/internal/publish"
	"github.com/accredit/accredit/cmd/internal/render"
	"github.com/accredit/accredit/cmd/internal/site"
	"github.com/accredit/accredit/cmd/internal/standing"
)

// shardsSite builds the example program in shards mode ([site]
// verification = "shards") and returns its folder.
func shardsSite(t *testing.T) string {
	t.Helper()
	p, _, err := load.Load(env.root)
	if err != nil {
		t.Fatal(err)
	}
	p.Site.Verification = program.VerifyShards
	d, err := date.Parse(asOf)
	if err != nil {
		t.Fatal(err)
	}
	st, err := site.Build(p, standing.Compute(p), d)
	if err != nil {
		t.Fatal(err)
	}
	theme, err := render.Load(accredit.Layouts(), filepath.Join(env.root, "layouts"))
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "site")
	if _, err := publish.Write(st, theme, out, nil); err != nil {
		t.Fatal(err)
	}
	return out
}

// rewriteHandler serves dir as Netlify and Cloudflare Pages do with its
// _redirects: a file where there is one, else the first rule whose
// pattern (a path, or a prefix ending in *) matches, as a 200 rewrite.
func rewriteHandler(t *testing.T, dir string) http.Handler {
	b, err := os.ReadFile(filepath.Join(dir, "_redirects"))
	if err != nil {
		t.Fatal(err)
	}
	type rule struct{ from, to string }
	var rules []rule
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) == 3 && f[2] == "200" && !strings.HasPrefix(f[0], "#") {
			rules = append(rules, rule{f[0], f[1]})
		}
	}
	if len(rules) == 0 {
		t.Fatalf("_redirects has no 200 rewrite:\n%s", b)
	}
	files := siteHandler(dir)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name := filepath.Join(dir, filepath.FromSlash(r.URL.Path))
		if fi, err := os.Stat(name); err == nil && (!fi.IsDir() || exists(filepath.Join(name, "index.html"))) {
			files.ServeHTTP(w, r)
			return
		}
		for _, ru := range rules {
			prefix, wild := strings.CutSuffix(ru.from, "*")
			if r.URL.Path == ru.from || (wild && strings.HasPrefix(r.URL.Path, prefix)) {
				http.ServeFile(w, r, filepath.Join(dir, filepath.FromSlash(ru.to)))
				return
			}
		}
		files.ServeHTTP(w, r)
	})
}

func exists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

// testShards: a site in shards mode shows any credential at its usual
// address /verify/<ID>/ on each kind of host: with a 200 rewrite
// (Netlify, Cloudflare Pages: _redirects), with a 404 page that sends
// the address on (GitHub Pages, S3 with its error document), and at
// /verify/?id=<ID> (any host). The page shows the credential's facts and
// its status on the visitor's day, computed in the browser; an unknown
// id is said to be unknown.
func testShards(t *testing.T) {
	dir := shardsSite(t)
	if exists(filepath.Join(dir, "verify", env.creds[0].ID)) {
		t.Fatal("shards mode wrote a verification page's folder")
	}
	rewrite := httptest.NewServer(rewriteHandler(t, dir))
	t.Cleanup(rewrite.Close)
	allowOrigin(rewrite.URL)
	notFound := httptest.NewServer(siteHandler(dir))
	t.Cleanup(notFound.Close)
	allowOrigin(notFound.URL)

	tb := newTab(t)
	res, err := chromedp.Call(tb.ctx, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: clockScript(asOf)})
	if err != nil {
		t.Fatal(err)
	}
	defer chromedp.Call(tb.ctx, page.RemoveScriptToEvaluateOnNewDocument, page.RemoveScriptToEvaluateOnNewDocumentParams{Identifier: res.Identifier})

	// One credential of each status, and a renewed one's links.
	seen := map[string]bool{}
	var creds []credential
	for _, c := range env.creds {
		if !seen[c.Status] {
			seen[c.Status] = true
			creds = append(creds, c)
		}
	}
	hosts := []struct{ name, url, path string }{
		{"rewrite", rewrite.URL, "verify/%s/"},
		{"404 page", notFound.URL, "verify/%s/"},
		{"query", notFound.URL, "verify/?id=%s"},
	}
	for _, h := range hosts {
		for _, c := range creds {
			t.Run(h.name+"/"+c.Status, func(t *testing.T) {
				u := h.url + "/" + strings.Replace(h.path, "%s", c.ID, 1)
				if err := chromedp.Do(tb.ctx, chromedp.Navigate(u)); err != nil {
					t.Fatal(err)
				}
				got := waitFor[map[string]string](t, tb, `(() => {
  const card = document.getElementById("credential");
  if (!card || card.hidden) return null;
  const f = n => (card.querySelector('[data-field="' + n + '"]') || {}).textContent || "";
  return {id: f("id"), holder: f("holder"), expires: f("expires"), status: card.querySelector(".status").textContent.trim(),
    asOf: card.querySelector(".as-of").textContent.trim()};
})()`)
				if got["id"] != c.ID || got["expires"] != c.Expires || got["holder"] == "" {
					t.Errorf("%s shows %v, want the credential %s (expires %s) and its holder", u, got, c.ID, c.Expires)
				}
				if want := labels[statusAt(c, asOf)]; got["status"] != want {
					t.Errorf("%s shows the status %q, want %q", u, got["status"], want)
				}
				if want := "today, " + asOf; got["asOf"] != want {
					t.Errorf("%s: the as-of note reads %q, want %q", u, got["asOf"], want)
				}
			})
		}
	}
	t.Run("unknown id", func(t *testing.T) {
		// A valid id (its check symbol right) that no credential has.
		id := "0000-0000-0000"
		if err := chromedp.Do(tb.ctx, chromedp.Navigate(rewrite.URL+"/verify/"+id+"/")); err != nil {
			t.Fatal(err)
		}
		msg := waitFor[string](t, tb, `(document.getElementById("lookup-result").textContent.match(/No credential.*/) || [null])[0]`)
		if !strings.Contains(msg, id) {
			t.Errorf("an unknown id says %q", msg)
		}
	})
	if p := tb.takeProblems(); len(p) > 0 {
		t.Errorf("problems while loading the pages:\n%s", strings.Join(p, "\n"))
	}
}

package browsertest

import (
	"strings"
	"testing"
	"time"

	"github.com/accredit/accredit/cmd/internal/credid"
	"github.com/chromedp/chromedp"
)

// unknownID returns a well-formed id with a correct check symbol that no
// credential of the site has.
func unknownID(t *testing.T) string {
	t.Helper()
	have := map[string]bool{}
	for _, c := range env.creds {
		have[c.ID] = true
	}
	for seed := 0; seed < 1000; seed++ {
		vals := make([]int, 11)
		for i := range vals {
			vals[i] = (seed*7 + i*13 + 5) % len(credid.Alphabet)
		}
		var b strings.Builder
		for i, v := range vals {
			if i == 4 || i == 8 {
				b.WriteByte('-')
			}
			b.WriteByte(credid.Alphabet[v])
		}
		b.WriteByte(credid.CheckSymbol(vals))
		if id := b.String(); !have[id] && credid.Validate(id) == nil {
			return id
		}
	}
	t.Fatal("no unknown id found")
	return ""
}

// mistype changes the symbol at index i (of the 12) of id to another one.
func mistype(id string, i int) string {
	raw := []byte(strings.ReplaceAll(id, "-", ""))
	v := strings.IndexByte(credid.Alphabet, raw[i])
	raw[i] = credid.Alphabet[(v+5)%len(credid.Alphabet)]
	return string(raw)
}

// withSymbols returns the first credential whose id contains every byte of syms.
func withSymbols(t *testing.T, syms string) credential {
	t.Helper()
	return pick(t, "id containing "+syms, func(c credential) bool {
		for i := 0; i < len(syms); i++ {
			if !strings.Contains(c.ID, syms[i:i+1]) {
				return false
			}
		}
		return true
	})
}

func testLookup(t *testing.T) {
	id := env.creds[0].ID
	lower := strings.ToLower(strings.ReplaceAll(id, "-", ""))
	one, zero := withSymbols(t, "1").ID, withSymbols(t, "0").ID
	unknown := unknownID(t)
	cases := []struct {
		name  string
		input string
		query bool   // open /verify/?id=input (the form's GET) instead of typing
		land  string // the id whose page the browser must reach, or ""
		msg   string // else: the message must contain this
	}{
		{name: "lower case without hyphens", input: lower, land: id},
		{name: "canonical", input: id, land: id},
		{name: "spaces", input: " " + id[:4] + " " + id[5:9] + " " + id[10:] + " ", land: id},
		{name: "1 typed as l", input: strings.ReplaceAll(strings.ToLower(one), "1", "l"), land: one},
		{name: "1 typed as I", input: strings.ReplaceAll(one, "1", "I"), land: one},
		{name: "1 typed as L", input: strings.ReplaceAll(one, "1", "L"), land: one},
		{name: "0 typed as O", input: strings.ReplaceAll(zero, "0", "O"), land: zero},
		{name: "0 typed as o", input: strings.ReplaceAll(strings.ToLower(zero), "0", "o"), land: zero},
		{name: "query string", input: lower, query: true, land: id},
		{name: "one symbol changed", input: mistype(id, 2), msg: "typing mistake"},
		{name: "check symbol changed", input: mistype(id, 11), msg: "typing mistake"},
		{name: "two symbols swapped", input: swapped(t, id), msg: "typing mistake"},
		{name: "unknown id", input: unknown, msg: "No credential with the id " + unknown},
		{name: "unknown id in lower case", input: strings.ToLower(unknown), msg: "No credential with the id " + unknown},
		{name: "too short", input: id[:9], msg: "12 letters and digits"},
		{name: "not base32", input: strings.Replace(id, id[:1], "U", 1), msg: "cannot appear"},
	}
	tb := newTab(t)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if tc.query {
				tb.open(t, "verify/?id="+tc.input)
			} else {
				tb.open(t, "verify/")
				if err := chromedp.Do(tb.ctx, chromedp.SendKeys(chromedp.ID("credential-id"), tc.input+"\n")); err != nil {
					t.Fatal(err)
				}
			}
			if tc.land != "" {
				want := env.url + "/verify/" + tc.land + "/"
				if got := waitLocation(t, tb, want); got != want {
					msg, _ := chromedp.Run(tb.ctx, chromedp.Evaluate[string](`(document.getElementById("lookup-result") || {}).textContent || ""`))
					t.Fatalf("typed %q: the browser is at %s (message %q), want %s", tc.input, got, msg, want)
				}
				if err := chromedp.Do(tb.ctx, chromedp.WaitVisible(chromedp.CSS("#cred-title"))); err != nil {
					t.Fatal(err)
				}
				if got := eval[string](t, tb, `document.querySelector(".facts code").textContent`); got != tc.land {
					t.Errorf("the page shows the id %q, want %s", got, tc.land)
				}
				return
			}
			msg := waitFor[string](t, tb, `(() => { const r = document.getElementById("lookup-result"); return r.classList.contains("bad") && r.textContent; })()`)
			if !strings.Contains(msg, tc.msg) {
				t.Errorf("typed %q: the message is %q, want it to contain %q", tc.input, msg, tc.msg)
			}
			if got := eval[string](t, tb, `location.pathname + location.search`); got != "/verify/" && !tc.query {
				t.Errorf("typed %q: the browser moved to %s, want it to stay on /verify/", tc.input, got)
			}
			if got := eval[string](t, tb, `document.getElementById("credential-id").getAttribute("aria-invalid")`); got != "true" {
				t.Errorf(`typed %q: the field has aria-invalid=%q, want "true"`, tc.input, got)
			}
		})
	}
}

// swapped exchanges two neighbouring symbols of id (a transposition) where
// the check symbol catches it.
func swapped(t *testing.T, id string) string {
	t.Helper()
	for i := 0; i+1 < 11; i++ {
		raw := []byte(strings.ReplaceAll(id, "-", ""))
		raw[i], raw[i+1] = raw[i+1], raw[i]
		if _, err := credid.Normalize(string(raw)); err == credid.ErrCheck {
			return string(raw)
		}
	}
	t.Fatalf("no transposition of %s is caught by its check symbol", id)
	return ""
}

// waitLocation waits until the tab's URL is want, across the navigation
// the lookup starts, or until the lookup reports an error; it returns the
// last URL seen.
func waitLocation(t *testing.T, tb *tab, want string) string {
	t.Helper()
	type view struct {
		Href string `json:"href"`
		Bad  bool   `json:"bad"`
	}
	var got string
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(25 * time.Millisecond) {
		v, err := chromedp.Run(tb.ctx, chromedp.Evaluate[view](`({href: location.href, bad: !!document.querySelector("#lookup-result.bad")})`))
		if err != nil {
			continue // the old document went away mid-call
		}
		if got = v.Href; got == want || v.Bad {
			break
		}
	}
	return got
}

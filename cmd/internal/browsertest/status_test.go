package browsertest

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// labels are the status texts a visitor reads (PROGRAM-FORMAT.md section 8).
var labels = map[string]string{
	"active": "Active", "grace": "In grace period", "lapsed": "Lapsed",
	"expired": "Expired", "renewed": "Renewed", "revoked": "Revoked",
}

// statusAt is section 8's status of c on day d, first match wins. Dates are
// YYYY-MM-DD, so they compare as strings.
func statusAt(c credential, d string) string {
	switch {
	case c.Revoked != "" && c.Revoked <= d:
		return "revoked"
	case c.RenewedOn != "" && c.RenewedOn <= d:
		return "renewed"
	case d < c.Expires:
		return "active"
	case d < addDays(c.Expires, c.GraceDays):
		return "grace"
	case d < addDays(c.Expires, c.StreamlinedDays):
		return "lapsed"
	}
	return "expired"
}

func addDays(d string, n int) string {
	t, err := time.Parse(time.DateOnly, d)
	if err != nil {
		panic(fmt.Sprintf("bad date %q in the site's JSON", d))
	}
	return t.AddDate(0, 0, n).Format(time.DateOnly)
}

// pick returns the first credential (by id) that ok accepts.
func pick(t *testing.T, what string, ok func(credential) bool) credential {
	t.Helper()
	for _, c := range env.creds {
		if ok(c) {
			return c
		}
	}
	t.Fatalf("the example site has no %s credential", what)
	return credential{}
}

// clockScript replaces Date before any page script runs, so that the
// visitor's clock reads noon (local time) on day; Date.UTC, Date.parse and
// dates built from arguments are untouched.
func clockScript(day string) string {
	t, err := time.Parse(time.DateOnly, day)
	if err != nil {
		panic(err)
	}
	return fmt.Sprintf(`(function () {
  var RealDate = Date;
  var fixed = new RealDate(%d, %d, %d, 12, 0, 0).getTime();
  function FakeDate() {
    if (!new.target) return new RealDate(fixed).toString();
    if (arguments.length === 0) return new RealDate(fixed);
    return new (Function.prototype.bind.apply(RealDate, [null].concat(Array.prototype.slice.call(arguments))))();
  }
  Object.setPrototypeOf(FakeDate, RealDate);
  FakeDate.prototype = RealDate.prototype;
  FakeDate.now = function () { return fixed; };
  window.Date = FakeDate;
})();`, t.Year(), int(t.Month())-1, t.Day())
}

// statusView is what a verification page shows of its status.
type statusView struct {
	Text  string `json:"text"`
	Class string `json:"class"`
	AsOf  string `json:"asOf"`
	// Footer is the footer's as-of note, which site.js fills in from
	// api/v1/as-of.json.
	Footer string `json:"footer"`
	// The badge: greyed out (its image's opacity below 1), and the
	// status written across it; whether the share actions show.
	Greyed  bool   `json:"greyed"`
	Overlay string `json:"overlay"`
	Share   bool   `json:"share"`
}

const readStatus = `(() => {
  const el = document.querySelector("[data-status]");
  const asOf = el && el.parentNode.querySelector(".as-of");
  const img = document.querySelector("[data-badge] img");
  const over = document.querySelector("[data-badge] .badge-overlay");
  const share = document.querySelector("[data-share]");
  const foot = document.querySelector("[data-as-of]");
  return {footer: foot ? foot.textContent.trim() : "", text: el ? el.textContent.trim() : "", class: el ? el.className : "", asOf: asOf ? asOf.textContent.trim() : "",
    greyed: !!img && parseFloat(getComputedStyle(img).opacity) < 1 && getComputedStyle(img).filter.includes("grayscale"),
    overlay: over && over.getClientRects().length > 0 ? over.textContent.trim() : "",
    share: !!share && share.getClientRects().length > 0};
})()`

// checkBadge fails t unless the page's badge and share actions suit
// status: greyed out with the status across it and nothing to share when
// the credential is revoked, expired or lapsed.
func checkBadge(t *testing.T, got statusView, status string) {
	t.Helper()
	invalid := status == "revoked" || status == "expired" || status == "lapsed"
	if got.Greyed != invalid || got.Share == invalid {
		t.Errorf("%s: badge greyed out %v, share actions shown %v", status, got.Greyed, got.Share)
	}
	if want := map[bool]string{true: labels[status]}[invalid]; got.Overlay != want {
		t.Errorf("%s: the badge's overlay reads %q, want %q", status, got.Overlay, want)
	}
}

// openStatus opens c's verification page in tb with the visitor's clock
// set to day, or with scripts off when day is "", and reads its status.
func openStatus(t *testing.T, tb *tab, c credential, day string) statusView {
	t.Helper()
	if day == "" {
		if _, err := chromedp.Call(tb.ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true}); err != nil {
			t.Fatal(err)
		}
		defer chromedp.Call(tb.ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: false})
	} else {
		res, err := chromedp.Call(tb.ctx, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: clockScript(day)})
		if err != nil {
			t.Fatal(err)
		}
		defer chromedp.Call(tb.ctx, page.RemoveScriptToEvaluateOnNewDocument, page.RemoveScriptToEvaluateOnNewDocumentParams{Identifier: res.Identifier})
	}
	tb.open(t, "verify/"+c.ID+"/")
	if day != "" {
		// The fake clock must read day, and leave the rest of Date working.
		got := eval[string](t, tb, `(() => { const d = new Date(); return [d.getFullYear(), d.getMonth() + 1, d.getDate()].map(n => String(n).padStart(2, "0")).join("-") + (Date.UTC(2000, 0, 1) === 946684800000 && new Date(0).getTime() === 0 && Date.now() === new Date().getTime() ? "" : " broken Date"); })()`)
		if got != day {
			t.Fatalf("the page's clock reads %q, want %s", got, day)
		}
		// The footer's date comes from api/v1/as-of.json, fetched after
		// the page loaded.
		waitFor[bool](t, tb, `document.querySelector("[data-as-of] time") !== null`)
	}
	return eval[statusView](t, tb, readStatus)
}

func testStatus(t *testing.T) {
	active := pick(t, "active, never revoked or renewed", func(c credential) bool {
		return c.Status == "active" && c.Revoked == "" && c.RenewedOn == ""
	})
	revoked := pick(t, "revoked", func(c credential) bool { return c.Status == "revoked" && c.Revoked != "" })
	renewed := pick(t, "renewed", func(c credential) bool { return c.Status == "renewed" && c.RenewedOn != "" })

	e, g, s := active.Expires, active.GraceDays, active.StreamlinedDays
	if g <= 0 || s <= g {
		t.Fatalf("credential %s: grace_days %d, streamlined_days %d: the table below needs 0 < grace < streamlined", active.ID, g, s)
	}
	notRevoked, notRenewed := revoked, renewed
	notRevoked.Revoked, notRenewed.RenewedOn = "", ""
	cases := []struct {
		name string
		c    credential
		day  string // the visitor's date
		want string // label
	}{
		{"active/day before expiry", active, addDays(e, -1), "Active"},
		{"active/expiry day", active, e, "In grace period"},
		{"active/last day of grace", active, addDays(e, g-1), "In grace period"},
		{"active/grace over", active, addDays(e, g), "Lapsed"},
		{"active/last streamlined day", active, addDays(e, s-1), "Lapsed"},
		{"active/streamlined over", active, addDays(e, s), "Expired"},
		{"revoked/revocation day", revoked, revoked.Revoked, "Revoked"},
		{"revoked/ten years later", revoked, addDays(revoked.Revoked, 3650), "Revoked"},
		{"revoked/day before revocation", revoked, addDays(revoked.Revoked, -1), labels[statusAt(notRevoked, addDays(revoked.Revoked, -1))]},
		{"renewed/renewal day", renewed, renewed.RenewedOn, "Renewed"},
		{"renewed/after old expiry", renewed, addDays(renewed.Expires, renewed.StreamlinedDays), "Renewed"},
		{"renewed/day before renewal", renewed, addDays(renewed.RenewedOn, -1), labels[statusAt(notRenewed, addDays(renewed.RenewedOn, -1))]},
	}
	// On the build date the browser must agree with the build, for one
	// credential of each status the example has.
	seen := map[string]bool{}
	var byStatus []credential
	for _, c := range env.creds {
		if !seen[c.Status] {
			seen[c.Status] = true
			byStatus = append(byStatus, c)
			cases = append(cases, struct {
				name string
				c    credential
				day  string
				want string
			}{"build date/" + c.Status, c, asOf, labels[c.Status]})
		}
	}
	tb := newTab(t)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := openStatus(t, tb, tc.c, tc.day)
			if got.Text != tc.want {
				t.Errorf("/verify/%s/ (issued %s, expires %s, revoked %q, renewed on %q) on %s shows %q, want %q",
					tc.c.ID, tc.c.Issued, tc.c.Expires, tc.c.Revoked, tc.c.RenewedOn, tc.day, got.Text, tc.want)
			}
			if wantClass := "status-" + statusAt(tc.c, tc.day); !strings.Contains(" "+got.Class+" ", " "+wantClass+" ") {
				t.Errorf("the status element's class is %q, want %s", got.Class, wantClass)
			}
			if want := "today, " + tc.day; got.AsOf != want {
				t.Errorf("the as-of note reads %q, want %q", got.AsOf, want)
			}
			checkBadge(t, got, statusAt(tc.c, tc.day))
			if got.Footer != asOf {
				t.Errorf("the footer's as-of date reads %q, want the build's %s (api/v1/as-of.json)", got.Footer, asOf)
			}
		})
	}

	// With scripts off, the page keeps the status of the build and the
	// day it began (not the build's date, which would change the page
	// every day).
	for _, c := range byStatus {
		t.Run("no script/"+c.Status, func(t *testing.T) {
			got := openStatus(t, tb, c, "")
			if want := labels[c.Status]; got.Text != want {
				t.Errorf("/verify/%s/ without JavaScript shows %q, want the build's %q", c.ID, got.Text, want)
			}
			if want := "since " + c.since(); got.AsOf != want {
				t.Errorf("/verify/%s/ without JavaScript: the as-of note reads %q, want %q", c.ID, got.AsOf, want)
			}
			checkBadge(t, got, c.Status)
			if want := "the last update of this site"; got.Footer != want {
				t.Errorf("without JavaScript, the footer's as-of note reads %q, want %q", got.Footer, want)
			}
		})
	}
}

package site

import (
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/accredit/accredit/cmd/internal/date"
)

// TestLinkedIn checks the hand-built link against url.Values, which
// linkedIn stands in for.
func TestLinkedIn(t *testing.T) {
	for _, tc := range []struct{ name, issuer, id, canonical string }{
		{"Cloud Platform Professional", "Northwind", "NW-4K7M-2QX9", "https://partners.example.com/verify/NW-4K7M-2QX9/"},
		{"Data & AI: Associate", "Nörth/wind Inc.", "X-1", "https://e.example/a b/?q=1&r=2"},
		{"", "", "", ""},
	} {
		issued, _ := date.Parse("2025-03-07")
		expires, _ := date.Parse("2027-12-31")
		cp := &Credential{ID: tc.id, Name: tc.name, Issued: issued, Expires: expires}
		cp.Canonical = tc.canonical
		v := url.Values{}
		v.Set("startTask", "CERTIFICATION_NAME")
		v.Set("name", tc.name)
		v.Set("organizationName", tc.issuer)
		v.Set("issueYear", "2025")
		v.Set("issueMonth", "3")
		v.Set("expirationYear", "2027")
		v.Set("expirationMonth", strconv.Itoa(12))
		v.Set("certUrl", tc.canonical)
		v.Set("certId", tc.id)
		want := "https://www.linkedin.com/profile/add?" + v.Encode()
		if got := linkedIn(cp, &Info{Issuer: tc.issuer}); got != want {
			t.Errorf("linkedIn(%q)\n got %s\nwant %s", tc.name, got, want)
		}
	}
}

func TestCompareJoined(t *testing.T) {
	for _, tc := range [][2][3]string{
		{{"acme", "/#", "tier-"}, {"acme", "/#", "certified-"}},
		{{"acme", "/#", "tier-"}, {"acme-eu", "/#", "tier-"}},
		{{"a", "", "bc"}, {"ab", "c", ""}},
		{{"", "", ""}, {"", "", "x"}},
		{{"x", "/#", "tier-"}, {"x", "/#", "tier-"}},
		{{"zeta", "/#", "certified-"}, {"alpha", "/#", "tier-"}},
	} {
		a, b := tc[0], tc[1]
		want := strings.Compare(a[0]+a[1]+a[2], b[0]+b[1]+b[2])
		if got := compareJoined(a, b); got != want {
			t.Errorf("compareJoined(%q, %q) = %d, want %d", a, b, got, want)
		}
		if got := compareJoined(b, a); got != -want {
			t.Errorf("compareJoined(%q, %q) = %d, want %d", b, a, got, -want)
		}
	}
}

// TestStatusNote checks the sentence of each status: its dates in the
// locale, the last day of grace and of the streamlined window (expires
// + days - 1, the last day the status holds), and the role and title
// prefix that go with it.
func TestStatusNote(t *testing.T) {
	d := func(s string) date.Date {
		x, err := date.Parse(s)
		if err != nil {
			t.Fatal(err)
		}
		return x
	}
	exp, rev, ren := d("2025-03-15"), d("2025-01-02"), d("2025-02-01")
	for _, tc := range []struct {
		status, locale, want, prefix string
	}{
		{"active", "en", "This credential is valid. It expires on 15 March 2025.", ""},
		{"grace", "en", "This credential expired on 15 March 2025, but it is in its grace period: it still counts as valid up to and including 13 April 2025, while its holder renews it.", ""},
		{"lapsed", "en", "This credential expired on 15 March 2025 and is no longer valid. Its holder can still renew it without starting over, up to and including 12 June 2025.", "Lapsed – "},
		{"expired", "de", "This credential expired on 15. März 2025. It is no longer valid.", "Expired – "},
		{"revoked", "fr", "This credential was revoked on 2 janvier 2025. It is no longer valid.", "Revoked – "},
		{"renewed", "es", "This credential was renewed on 1 de febrero de 2025: its renewal, linked below, carries it on.", ""},
	} {
		if got := StatusNote(tc.status, exp, rev, ren, 30, 90, tc.locale); got != tc.want {
			t.Errorf("StatusNote(%s, %s)\n got %q\nwant %q", tc.status, tc.locale, got, tc.want)
		}
		if got := TitlePrefix(tc.status); got != tc.prefix {
			t.Errorf("TitlePrefix(%s) = %q, want %q", tc.status, got, tc.prefix)
		}
		if Invalid(tc.status) != (tc.prefix != "") {
			t.Errorf("Invalid(%s) = %v", tc.status, Invalid(tc.status))
		}
	}
}

// TestMailShare checks that the e-mail link decodes to the page's URL
// and title, spaces as %20.
func TestMailShare(t *testing.T) {
	cp := &Credential{Name: "Data & AI: Associate", Holder: "Zoë O'Neil"}
	cp.Canonical = "https://e.example/verify/X/?a=1&b=2"
	got := mailShare(cp, &Info{Issuer: "Nörth+wind"})
	if strings.Contains(got, "+") {
		t.Errorf("mailShare has a +, which mail programs may not read as a space: %s", got)
	}
	u, err := url.Parse(got)
	if err != nil || u.Scheme != "mailto" {
		t.Fatalf("mailShare = %q: %v", got, err)
	}
	q, err := url.ParseQuery(u.RawQuery)
	if err != nil {
		t.Fatal(err)
	}
	if s := q.Get("subject"); s != "Data & AI: Associate: Zoë O'Neil" {
		t.Errorf("subject %q", s)
	}
	if b := q.Get("body"); b != cp.Canonical {
		t.Errorf("body %q, want the page's address", b)
	}
}

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

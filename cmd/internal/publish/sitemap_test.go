package publish

import (
	"bytes"
	"testing"

	"github.com/accredit/accredit/cmd/internal/site"
)

// Past sitemapMax URLs, sitemap.xml is an index of sitemap-N.xml files.
func TestSitemapSplits(t *testing.T) {
	info := &site.Info{SiteURL: "https://x.example/"}
	page := func(u string) site.Page { return site.Page{Info: info, Canonical: u} }
	st := &site.Site{Info: info, Home: &site.Home{Page: page("https://x.example/")}, Program: &site.ProgramPage{Page: page("https://x.example/program/")},
		Lookup: &site.Simple{Page: page("https://x.example/verify/")}}
	for _, id := range []string{"a", "b", "c"} {
		st.Partners = append(st.Partners, &site.PartnerPage{Page: page("https://x.example/partners/" + id + "/")})
	}
	saved := sitemapMax
	defer func() { sitemapMax = saved }()
	if got := sitemaps(st); len(got) != 1 || !bytes.Contains(got["sitemap.xml"], []byte("<urlset")) {
		t.Fatalf("small site: %d files", len(got))
	}
	sitemapMax = 2
	got := sitemaps(st)
	if len(got) != 4 { // index + 3 parts for 6 URLs
		t.Fatalf("%d files, want 4", len(got))
	}
	if !bytes.Contains(got["sitemap.xml"], []byte("<sitemapindex")) || !bytes.Contains(got["sitemap.xml"], []byte("https://x.example/sitemap-3.xml")) {
		t.Errorf("index: %s", got["sitemap.xml"])
	}
	if !bytes.Contains(got["sitemap-2.xml"], []byte("partners/b/")) {
		t.Errorf("part 2: %s", got["sitemap-2.xml"])
	}
}

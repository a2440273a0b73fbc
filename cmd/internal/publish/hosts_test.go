package publish

import (
	"slices"
	"testing"
)

func TestHostNotices(t *testing.T) {
	for _, tc := range []struct {
		files int
		bytes int64
		want  []string
	}{
		{3339, 40 << 20, nil},
		{20_000, 999_999_999, nil},
		{20_001, 100 << 20, []string{"20,001 files: more than Cloudflare Pages takes on its Free plan (20,000 files a site); its paid plans take 100,000 (set PAGES_WRANGLER_MAJOR_VERSION=4 in the Pages project)"}},
		{70_381, 823_554_867, []string{"70,381 files: more than Cloudflare Pages takes on its Free plan (20,000 files a site); its paid plans take 100,000 (set PAGES_WRANGLER_MAJOR_VERSION=4 in the Pages project)"}},
		{415_459, 1_685_000_000, []string{
			"415,459 files: more than Cloudflare Pages takes on any plan (100,000 files a site)",
			"1.69 GB: more than GitHub Pages publishes (1 GB a site)",
		}},
		{100, 1_000_000_001, []string{"1.00 GB: more than GitHub Pages publishes (1 GB a site)"}},
	} {
		got := Stats{Files: tc.files, Bytes: tc.bytes}.HostNotices()
		if !slices.Equal(got, tc.want) {
			t.Errorf("%d files, %d bytes: %q, want %q", tc.files, tc.bytes, got, tc.want)
		}
	}
}

func TestGrouped(t *testing.T) {
	for n, want := range map[int]string{0: "0", 999: "999", 1000: "1,000", 20000: "20,000", 1006115: "1,006,115", -12345: "-12,345"} {
		if got := grouped(n); got != want {
			t.Errorf("grouped(%d) = %q, want %q", n, got, want)
		}
	}
}

package publish

import (
	"fmt"
	"strconv"
)

// Static hosts refuse a site past their documented limits, at deploy
// time, after the build has passed. The build says so first
// (HostNotices), with the figures it just measured.
const (
	// GitHub Pages: "Published GitHub Pages sites may be no larger
	// than 1 GB."
	githubPagesBytes = 1_000_000_000
	// Cloudflare Pages: 20,000 files a site on the Free plan; 100,000
	// on paid plans since January 2026 (with the project's
	// PAGES_WRANGLER_MAJOR_VERSION=4).
	cloudflareFreeFiles = 20_000
	cloudflarePaidFiles = 100_000
)

// HostNotices lists, one sentence each, the static hosts' limits that a
// whole site of these stats is past; none when it fits them all. The
// stats of one part of a site (build --shard) say nothing of the whole.
func (s Stats) HostNotices() []string {
	var out []string
	switch {
	case s.Files > cloudflarePaidFiles:
		out = append(out, fmt.Sprintf("%s files: more than Cloudflare Pages takes on any plan (%s files a site)", grouped(s.Files), grouped(cloudflarePaidFiles)))
	case s.Files > cloudflareFreeFiles:
		out = append(out, fmt.Sprintf("%s files: more than Cloudflare Pages takes on its Free plan (%s files a site); its paid plans take %s (set PAGES_WRANGLER_MAJOR_VERSION=4 in the Pages project)", grouped(s.Files), grouped(cloudflareFreeFiles), grouped(cloudflarePaidFiles)))
	}
	if s.Bytes > githubPagesBytes {
		out = append(out, fmt.Sprintf("%.2f GB: more than GitHub Pages publishes (1 GB a site)", float64(s.Bytes)/1e9))
	}
	return out
}

// grouped writes n with its thousands grouped by commas: 70,381.
func grouped(n int) string {
	if n < 0 {
		return "-" + grouped(-n)
	}
	s := strconv.Itoa(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

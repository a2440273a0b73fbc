package publish_test

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"

	"github.com/accredit/accredit/cmd/internal/publish"
)

// TestIndex: every file Write puts on disk, Index renders byte for byte
// (but the search index, which Write takes from Options.Extra), and Index
// knows no other file: accredit serve shows what build writes, but the
// marker of the folder.
func TestIndex(t *testing.T) {
	for _, tc := range []struct{ name, root, asOf string }{
		{"base", program(t, ""), "2025-06-01"},
		{"example", "../../..", "2026-11-22"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "site")
			build(t, tc.root, out, tc.asOf)
			want := files(t, out)

			st, theme := siteOf(t, tc.root, tc.asOf)
			ix := publish.NewIndex(st, theme)
			var buf bytes.Buffer
			for rel, data := range want {
				if strings.HasPrefix(rel, "search/") {
					continue // Options.Extra's files: serve keeps the search index itself
				}
				if rel == publish.Marker {
					continue // marks the folder for the next build; serve has no folder
				}
				buf.Reset()
				ok, err := ix.File(rel, &buf)
				if err != nil || !ok {
					t.Errorf("File(%q) = %v, %v; want the built file", rel, ok, err)
					continue
				}
				if !bytes.Equal(buf.Bytes(), data) {
					t.Errorf("File(%q) differs from the built file", rel)
				}
			}
			for _, rel := range []string{"", "index", "partners/nobody/index.html", "verify/AAAA-AAAA-AAAA/index.html",
				"api/v1/credentials/x.json", "sitemap-9.xml", "verify/index.html/", "assets/none.css", "partners/../index.html"} {
				if _, ok := want[rel]; ok {
					continue
				}
				buf.Reset()
				if ok, _ := ix.File(rel, &buf); ok {
					t.Errorf("File(%q) found a file the build does not write", rel)
				}
			}
		})
	}
}

package publish_test

import (
	"path/filepath"
	"testing"

	"github.com/accredit/accredit/cmd/internal/publish"
)

// BenchmarkGuard is what build's safety adds to a build at a marked
// site, once: paths resolved, the target checked, the folder beside it
// scanned for leftovers. A build does it twice (Guard, then Start), and
// writes the marker. Compare with BenchmarkWrite: the issue allows 3%.
func BenchmarkGuard(b *testing.B) {
	root := program(b, "")
	out := filepath.Join(b.TempDir(), "site")
	st, theme := siteOf(b, root, "2025-06-01")
	if _, err := publish.Write(st, theme, out, nil); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := publish.Guard(root, out); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkWrite is a whole write of the smallest program, the one where
// the checks weigh most: the example program's site is a thousand times
// larger.
func BenchmarkWrite(b *testing.B) {
	root := program(b, "")
	out := filepath.Join(b.TempDir(), "site")
	st, theme := siteOf(b, root, "2025-06-01")
	for b.Loop() {
		if _, err := publish.Write(st, theme, out, nil); err != nil {
			b.Fatal(err)
		}
	}
}

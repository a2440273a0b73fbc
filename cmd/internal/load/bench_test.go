package load

import (
	"io/fs"
	"os"
	"testing"

	"github.com/accredit/accredit/cmd/internal/program"
	"github.com/accredit/accredit/cmd/internal/safefs"
)

// benchRoot is the program the boundary benchmarks load:
// $ACCREDIT_BENCH_ROOT (e.g. /tmp/big, written by cmd/genprogram), or
// this repository's example.
//
//	ACCREDIT_BENCH_ROOT=/tmp/big go test ./cmd/internal/load -run X -bench Boundary -benchtime 1x -count 5
func benchRoot() string {
	if root := os.Getenv("ACCREDIT_BENCH_ROOT"); root != "" {
		return root
	}
	return "../../.."
}

// BenchmarkBoundary is the cost of reading through safefs (no link, no
// special file, a cap per file) against plain os.DirFS, whose ReadFile
// is os.ReadFile: issue 15 asks for at most 3% of loading.
func BenchmarkBoundary(b *testing.B) {
	root := benchRoot()
	b.Run("safefs", func(b *testing.B) {
		for b.Loop() {
			if _, _, err := Load(root); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("dirfs", func(b *testing.B) {
		for b.Loop() {
			if _, _, err := LoadFS(os.DirFS(root), root, Options{}); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkBoundaryRead isolates the reads of BenchmarkBoundary: the
// listing and reading of every file the loader reads, without decoding,
// one file after another.
func BenchmarkBoundaryRead(b *testing.B) {
	root := benchRoot()
	b.Run("safefs", func(b *testing.B) {
		for b.Loop() {
			d, err := safefs.Open(root)
			if err != nil {
				b.Fatal(err)
			}
			l := &loader{fsys: d, prog: &program.Program{Root: root}, disk: true}
			jobs, _ := l.plan()
			for _, j := range jobs {
				if _, _, err := safefs.ReadListed(d, j.rel, j.entry, limits[j.kind]); err != nil {
					b.Fatal(err)
				}
			}
			d.Close()
		}
	})
	b.Run("dirfs", func(b *testing.B) {
		for b.Loop() {
			fsys := os.DirFS(root)
			l := &loader{fsys: fsys, prog: &program.Program{Root: root}}
			jobs, _ := l.plan()
			for _, j := range jobs {
				if _, err := fs.ReadFile(fsys, j.rel); err != nil {
					b.Fatal(err)
				}
			}
		}
	})
}

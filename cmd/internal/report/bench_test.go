package report_test

import (
	"io"
	"os"
	"testing"

	"github.com/accredit/accredit/cmd/internal/date"
	"github.com/accredit/accredit/cmd/internal/load"
	"github.com/accredit/accredit/cmd/internal/report"
	"github.com/accredit/accredit/cmd/internal/standing"
)

// BenchmarkBig computes and renders the report of a large generated
// program named by $ACCREDIT_BIG (go run ./cmd/genprogram -partners 10000
// -people 10 -out /tmp/big), loaded once: what the report adds to a
// check. cmd/benchcheck -report times the whole commands.
func BenchmarkBig(b *testing.B) {
	root := os.Getenv("ACCREDIT_BIG")
	if root == "" {
		b.Skip("set ACCREDIT_BIG to a generated program")
	}
	p, _, err := load.Load(root)
	if err != nil {
		b.Fatal(err)
	}
	st := standing.Compute(p)
	d, _ := date.Parse("2026-11-22")
	for _, format := range []string{"compute", "json", "html"} {
		b.Run(format, func(b *testing.B) {
			for b.Loop() {
				r := report.Compute(p, st, report.Options{AsOf: d})
				if format != "compute" {
					if err := r.Write(io.Discard, format); err != nil {
						b.Fatal(err)
					}
				}
			}
		})
	}
}

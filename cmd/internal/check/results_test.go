package check

import (
	"math/rand/v2"
	"testing"
	"time"

	"github.com/accredit/accredit/cmd/internal/date"
)

// dated.count stands in for a scan of a person's records with
// window.any and window.result: both agree on generated dates and
// windows, renewals, boundaries and invalid dates included.
func TestDatedCount(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	base := date.New(2024, time.January, 1)
	for range 2000 {
		var raw []date.Date
		d := dated{}
		for range r.IntN(8) {
			on := base.AddDays(r.IntN(20))
			if r.IntN(10) == 0 {
				on = date.Date{} // missing
			}
			raw = append(raw, on)
			d.add("x", on)
		}
		d.sort()
		from := base.AddDays(r.IntN(20))
		w := window{from: from, to: from.AddDays(r.IntN(10)), renewal: r.IntN(2) == 0}
		for _, result := range []bool{false, true} {
			want := 0
			for _, on := range raw {
				if result && w.result(on) || !result && w.any(on) {
					want++
				}
			}
			if got := d.count("x", w, result); got != want {
				t.Fatalf("count(%v, %+v, result=%v) = %d, want %d", raw, w, result, got, want)
			}
		}
	}
}

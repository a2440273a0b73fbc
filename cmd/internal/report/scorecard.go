package report

import (
	"math"
	"slices"
	"strings"

	"github.com/accredit/accredit/cmd/internal/date"
	"github.com/accredit/accredit/cmd/internal/program"
)

// Correlation relates one scorecard figure to certified people across
// partners: one point per partner that reports the figure in a quarter
// of the period (its latest such quarter), against the people it had
// certified on that quarter's last day (or on the period's end, if that
// comes first).
type Correlation struct {
	Figure   string `json:"figure"`
	Partners int    `json:"partners"`
	// Spearman is the rank correlation (ties get their mean rank), from
	// -1 to 1; null for fewer than 3 partners or when either side has a
	// single value.
	Spearman *float64 `json:"spearman"`

	points []point
}

type point struct {
	partner, quarter string
	value            float64
	people           int
}

// scorecards fills each partner's scorecard and the correlations.
func (c *computer) scorecards() {
	r := c.r
	points := make([][]point, len(program.Figures))
	for i, pa := range c.p.Partners {
		if pa.Metrics == nil {
			continue
		}
		qs := slices.Clone(pa.Metrics.Quarters)
		slices.SortStableFunc(qs, func(a, b *program.Quarter) int { return strings.Compare(a.Quarter, b.Quarter) })
		r.Partners[i].Scorecard = qs
		for f, fig := range program.Figures {
			// The latest quarter of the period that gives the figure.
			for j := len(qs) - 1; j >= 0; j-- {
				q := qs[j]
				start, ok := program.QuarterStart(q.Quarter)
				if !ok || fig.Of(q) == nil || start.After(r.To) {
					continue
				}
				end := start.AddMonths(3).AddDays(-1)
				if end.Before(r.From) {
					break
				}
				points[f] = append(points[f], point{partner: pa.ID, quarter: q.Quarter, value: *fig.Of(q), people: c.certifiedPeople(pa, minDate(end, r.To))})
				break
			}
		}
	}
	r.Scorecards = []Correlation{}
	for f, fig := range program.Figures {
		ps := points[f]
		co := Correlation{Figure: fig.Key, Partners: len(ps), points: ps}
		xs, ys := make([]float64, len(ps)), make([]float64, len(ps))
		for i, p := range ps {
			xs[i], ys[i] = float64(p.people), p.value
		}
		if s, ok := spearman(xs, ys); ok {
			s = math.Round(s*1e4) / 1e4
			co.Spearman = &s
		}
		r.Scorecards = append(r.Scorecards, co)
	}
}

func minDate(a, b date.Date) date.Date {
	if a.Before(b) {
		return a
	}
	return b
}

// spearman is the Pearson correlation of the ranks of xs and ys, tied
// values taking the mean of their ranks. It is undefined (false) for
// fewer than 3 pairs or a side whose values are all equal.
func spearman(xs, ys []float64) (float64, bool) {
	if len(xs) < 3 {
		return 0, false
	}
	rx, ry := ranks(xs), ranks(ys)
	n := float64(len(xs))
	var mx, my float64
	for i := range rx {
		mx += rx[i]
		my += ry[i]
	}
	mx, my = mx/n, my/n
	var sxy, sxx, syy float64
	for i := range rx {
		dx, dy := rx[i]-mx, ry[i]-my
		sxy += dx * dy
		sxx += dx * dx
		syy += dy * dy
	}
	if sxx == 0 || syy == 0 {
		return 0, false
	}
	return sxy / math.Sqrt(sxx*syy), true
}

// ranks returns the 1-based rank of each value, ties sharing their mean.
func ranks(vs []float64) []float64 {
	idx := make([]int, len(vs))
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(a, b int) int {
		switch {
		case vs[a] < vs[b]:
			return -1
		case vs[a] > vs[b]:
			return 1
		}
		return 0
	})
	out := make([]float64, len(vs))
	for i := 0; i < len(idx); {
		j := i
		for j+1 < len(idx) && vs[idx[j+1]] == vs[idx[i]] {
			j++
		}
		mean := float64(i+j)/2 + 1
		for k := i; k <= j; k++ {
			out[idx[k]] = mean
		}
		i = j + 1
	}
	return out
}

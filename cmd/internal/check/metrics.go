package check

import (
	"strconv"

	"github.com/accredit/accredit/cmd/internal/program"
)

// metrics checks each partner's metrics.toml: every figure within its
// range (program.Figures), every quarter written YYYY-Qn, begun by D and
// given once.
func metrics(c *Context) {
	for _, pa := range c.partners() {
		m := pa.Metrics
		if m == nil {
			continue
		}
		seen := map[string]int{}
		for i, q := range m.Quarters {
			at := "quarters[" + strconv.Itoa(i) + "]"
			for _, f := range program.Figures {
				v := f.Of(q)
				if v != nil && !(*v >= f.Min && *v <= f.Max) { // NaN fails too
					want := "between " + strconv.FormatFloat(f.Min, 'f', -1, 64) + " and " + strconv.FormatFloat(f.Max, 'f', -1, 64)
					if f.Max >= program.Unbounded {
						want = strconv.FormatFloat(f.Min, 'f', -1, 64) + " or more"
					}
					c.report(m.Src.At(at+"."+f.Key), "metrics-range", "%s of %s is %s: it must be %s",
						f.Key, q.Quarter, strconv.FormatFloat(*v, 'g', -1, 64), want)
				}
			}
			if q.Quarter == "" {
				continue // missing-field, from the loader
			}
			start, ok := program.QuarterStart(q.Quarter)
			switch {
			case !ok:
				c.report(m.Src.At(at+".quarter"), "metrics-quarter", "quarter %q is not written YYYY-Qn (2025-Q1)", q.Quarter)
				continue
			case start.After(c.AsOf):
				c.report(m.Src.At(at+".quarter"), "metrics-quarter", "quarter %s has not begun on %s", q.Quarter, c.AsOf)
			}
			if first, dup := seen[q.Quarter]; dup {
				c.report(m.Src.At(at+".quarter"), "metrics-quarter", "quarter %s is given twice: first at line %d", q.Quarter, m.Src.At("quarters["+strconv.Itoa(first)+"]").Line)
			} else {
				seen[q.Quarter] = i
			}
		}
	}
}

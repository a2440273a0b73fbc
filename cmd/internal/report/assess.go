package report

import (
	"math"
	"slices"

	"github.com/accredit/accredit/cmd/internal/date"
	"github.com/accredit/accredit/cmd/internal/program"
)

// StatusChange is an exam's change of status on Date (issue 20: an exam
// beta-tested, then launched, then retired).
type StatusChange struct {
	Date date.Date `json:"date"`
	From string    `json:"from"`
	To   string    `json:"to"`
}

// Rubric is how results scored against one assessment kind's rubric went
// in the period: the playbook's "assessment scores". Results are those
// holding scores, dated in the period.
type Rubric struct {
	Assessment string `json:"assessment"`
	Pass       int    `json:"pass"`
	Max        int    `json:"max"`
	Results    int    `json:"results"`
	Met        int    `json:"met"`
	// MetRate is Met of Results; MeanTotal the mean of their totals.
	MetRate   *float64        `json:"met_rate"`
	MeanTotal *float64        `json:"mean_total"`
	Criteria  []CriterionStat `json:"criteria"`
}

// CriterionStat is one criterion over the period's results: the mean of
// its points, and how many results scored it under its floor (or not at
// all).
type CriterionStat struct {
	ID       string   `json:"id"`
	Max      int      `json:"max"`
	Min      int      `json:"min"`
	Mean     *float64 `json:"mean"`
	UnderMin int      `json:"under_min"`
}

// examStatus fills each exam's status at D and its changes in the period.
func (c *computer) examStatus() {
	for i := range c.r.Exams {
		x := &c.r.Exams[i]
		e := c.p.Exam(x.Exam)
		if e == nil {
			continue
		}
		x.Status = e.StatusOn(c.r.AsOf)
		hs := slices.Clone(e.History)
		slices.SortStableFunc(hs, func(a, b *program.StatusChange) int { return a.Until.Compare(b.Until) })
		for j, h := range hs {
			if !h.Until.Valid() || h.Until.Before(c.r.From) || h.Until.After(c.r.To) {
				continue
			}
			to := e.StatusOn(h.Until)
			if j+1 < len(hs) && hs[j+1].Until == h.Until {
				continue // two entries ending the same day: the later says
			}
			if to != h.Status {
				x.StatusChanges = append(x.StatusChanges, StatusChange{Date: h.Until, From: h.Status, To: to})
			}
		}
	}
}

// rubrics computes the period's results per rubric kind.
func (c *computer) rubrics() {
	c.r.Rubrics = []Rubric{}
	type acc struct {
		k          *program.Kind
		n, met     int
		total      int
		sums, unde []int
	}
	var accs []*acc
	byKind := map[string]*acc{}
	for _, k := range c.p.Assessments {
		if k.HasRubric() && byKind[k.ID] == nil {
			a := &acc{k: k, sums: make([]int, len(k.Criteria)), unde: make([]int, len(k.Criteria))}
			byKind[k.ID] = a
			accs = append(accs, a)
		}
	}
	if len(accs) == 0 {
		return
	}
	for _, pa := range c.p.Partners {
		for _, pe := range pa.People {
			for _, r := range pe.Assessments {
				a := byKind[r.Assessment]
				if a == nil || r.Scores == nil || c.month(r.Date) < 0 {
					continue
				}
				a.n++
				a.total += a.k.Total(r.Scores)
				if a.k.Shortfall(r.Scores) == "" {
					a.met++
				}
				for i, cr := range a.k.Criteria {
					s, ok := r.Scores[cr.ID]
					a.sums[i] += s
					if !ok || s < cr.Min {
						a.unde[i]++
					}
				}
			}
		}
	}
	mean := func(sum, n int) *float64 {
		if n == 0 {
			return nil
		}
		m := math.Round(float64(sum)/float64(n)*100) / 100
		return &m
	}
	for _, a := range accs {
		ru := Rubric{Assessment: a.k.ID, Pass: a.k.Pass, Max: a.k.MaxTotal(), Results: a.n, Met: a.met,
			MetRate: rate(a.met, a.n), MeanTotal: mean(a.total, a.n), Criteria: []CriterionStat{}}
		for i, cr := range a.k.Criteria {
			ru.Criteria = append(ru.Criteria, CriterionStat{ID: cr.ID, Max: cr.Max, Min: cr.Min, Mean: mean(a.sums[i], a.n), UnderMin: a.unde[i]})
		}
		c.r.Rubrics = append(c.r.Rubrics, ru)
	}
}

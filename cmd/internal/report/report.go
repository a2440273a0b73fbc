package report

import (
	"math"
	"runtime"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/accredit/accredit/cmd/internal/date"
	"github.com/accredit/accredit/cmd/internal/program"
	"github.com/accredit/accredit/cmd/internal/standing"
)

// Report is the JSON contract of "accredit report" (content/docs/reports.md
// documents every field). Rates are fractions from 0 to 1, rounded to four
// decimals; a rate or mean with nothing to divide by is null.
type Report struct {
	AsOf                date.Date     `json:"as_of"`
	From                date.Date     `json:"from"`
	To                  date.Date     `json:"to"`
	Credentials         Credentials   `json:"credentials"`
	Monthly             []Month       `json:"monthly"`
	Exams               []Exam        `json:"exams"`
	TimeToCertification []TimeToCert  `json:"time_to_certification"`
	RenewalRate         RenewalRate   `json:"renewal_rate"`
	Tiers               []TierInfo    `json:"tiers"`
	Partners            []Partner     `json:"partners"`
	AtRisk              []Risk        `json:"at_risk"`
	Scorecards          []Correlation `json:"scorecards"`
	Rubrics             []Rubric      `json:"rubrics"`
}

// Counts are credentials by status at D. Total counts those issued on or
// before D.
type Counts struct {
	Total   int `json:"total"`
	Active  int `json:"active"`
	Grace   int `json:"grace"`
	Lapsed  int `json:"lapsed"`
	Expired int `json:"expired"`
	Renewed int `json:"renewed"`
	Revoked int `json:"revoked"`
}

func (c *Counts) add(s standing.Status) {
	c.Total++
	switch s {
	case standing.Active:
		c.Active++
	case standing.Grace:
		c.Grace++
	case standing.Lapsed:
		c.Lapsed++
	case standing.Expired:
		c.Expired++
	case standing.Renewed:
		c.Renewed++
	case standing.Revoked:
		c.Revoked++
	}
}

// Credentials are the counts of all credentials and of each certification.
type Credentials struct {
	Counts
	ByCertification []CertCounts `json:"by_certification"`
}

// CertCounts are the counts of one track/level.
type CertCounts struct {
	Track string `json:"track"`
	Level string `json:"level"`
	Counts
}

// Month is one calendar month of the period. A month the period cuts
// counts only its days inside the period, and ends where the period ends.
type Month struct {
	Month string `json:"month"` // "2025-01"
	// Issued counts credentials issued in the month, renewals included;
	// Renewed the renewals among them.
	Issued  int `json:"issued"`
	Renewed int `json:"renewed"`
	// Lapsed counts credentials whose grace period ended in the month
	// without a renewal or revocation; Revoked those revoked in it.
	Lapsed  int `json:"lapsed"`
	Revoked int `json:"revoked"`
	// CertifiedPeople counts people holding a current credential (active,
	// or in grace when count_grace_toward_tier) on the month's last day.
	CertifiedPeople int `json:"certified_people"`
	// Tiers counts partners by the tier they hold on the month's last day;
	// NoTier those that hold none.
	Tiers  map[string]int `json:"tiers"`
	NoTier int            `json:"no_tier"`

	end date.Date
}

// Exam is one exam's attempts in the period.
type Exam struct {
	Exam     string `json:"exam"`
	Attempts int    `json:"attempts"`
	// Candidates counts the distinct people who attempted it.
	Candidates int `json:"candidates"`
	// FirstAttemptPassRate is, of people whose first attempt ever at the
	// exam falls in the period, the share that passed it.
	FirstAttemptPassRate *float64 `json:"first_attempt_pass_rate"`
	PassRate             *float64 `json:"pass_rate"`
	MeanScore            *float64 `json:"mean_score"`
	// Status is the exam's status at D; StatusChanges its changes of
	// status dated in the period.
	Status        string         `json:"status"`
	StatusChanges []StatusChange `json:"status_changes,omitempty"`
}

// TimeToCert is the days from a person's first requirement (a completion
// of one of the certification's courses or an attempt at its exam) to the
// grant, over credentials issued in the period that are not renewals.
type TimeToCert struct {
	Track       string   `json:"track"`
	Level       string   `json:"level"`
	Credentials int      `json:"credentials"`
	MedianDays  *float64 `json:"median_days"`
	P90Days     *int     `json:"p90_days"`
}

// RenewalRate is, of credentials whose expiry falls in the period (and
// that were not revoked before it), the share renewed before their grace
// period ended. Pending counts those still in grace at D and not renewed
// yet: they are left out of the rate.
type RenewalRate struct {
	ReachedExpiry int      `json:"reached_expiry"`
	Renewed       int      `json:"renewed"`
	Pending       int      `json:"pending"`
	Rate          *float64 `json:"rate"`
}

// TierInfo names a tier, lowest rank first, for the renderings.
type TierInfo struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	Rank int    `json:"rank"`
}

// Partner is where a partner stands at D and where it is heading.
type Partner struct {
	ID       string    `json:"id"`
	Name     string    `json:"name"`
	Tier     *string   `json:"tier"`
	NextTier *string   `json:"next_tier"`
	Missing  []Missing `json:"missing"`
	// TierIn is the tier held 30, 60 and 90 days after D if nothing is
	// renewed or granted meanwhile.
	TierIn map[string]*string `json:"tier_in"`
	// CertifiedPeople counts the partner's people holding a current
	// credential at D.
	CertifiedPeople int `json:"certified_people"`
	// Scorecard is the partner's metrics.toml, quarters in order; absent
	// without one.
	Scorecard []*program.Quarter `json:"scorecard,omitempty"`

	tier, in90 *program.Tier
}

// Missing is what a partner lacks of one requirement of its next tier:
// Count more people holding Track at Level or higher.
type Missing struct {
	Track string `json:"track"`
	Level string `json:"level"`
	Count int    `json:"count"`
}

// Risk is a partner whose tier in 90 days is lower than at D, and the
// credentials behind its current tier that stop counting by then.
type Risk struct {
	Partner     string     `json:"partner"`
	Tier        string     `json:"tier"`
	TierIn90    *string    `json:"tier_in_90"`
	Credentials []RiskCred `json:"credentials"`
}

// RiskCred is a credential that counts toward a tier at D and no longer
// 90 days after.
type RiskCred struct {
	ID      string    `json:"id"`
	Holder  string    `json:"holder"`
	Person  string    `json:"person"`
	Track   string    `json:"track"`
	Level   string    `json:"level"`
	Status  string    `json:"status"`
	Expires date.Date `json:"expires"`
}

// Options are the dates of a report.
type Options struct {
	AsOf     date.Date
	From, To date.Date // zero: To is AsOf, From the first of the month 12 months before To
}

// DefaultFrom is the period's start when --from is not given: the first
// day of the month 12 months before to, so that the period holds 13
// whole months but the last.
func DefaultFrom(to date.Date) date.Date {
	y, m, _ := to.AddMonths(-12).YMD()
	return date.New(y, m, 1)
}

// Compute computes the report. The program must be checked: a record
// dated after D is left out, never projected.
func Compute(p *program.Program, st *standing.Standing, opt Options) *Report {
	if opt.To.IsZero() {
		opt.To = opt.AsOf
	}
	if opt.From.IsZero() {
		opt.From = DefaultFrom(opt.To)
	}
	r := &Report{AsOf: opt.AsOf, From: opt.From, To: opt.To}
	c := &computer{p: p, st: st, r: r, grace: p.Policy.CountGraceTowardTier}
	c.months()
	c.credentials()
	c.exams()
	c.examStatus()
	c.rubrics()
	c.partners()
	c.scorecards()
	return r
}

type computer struct {
	p     *program.Program
	st    *standing.Standing
	r     *Report
	grace bool
	y0    int // months since year 0 of the period's first month
}

func monthIndex(d date.Date) int {
	y, m, _ := d.YMD()
	return y*12 + int(m) - 1
}

// month returns the index in Monthly of the month holding d, or -1 when d
// is outside the period.
func (c *computer) month(d date.Date) int {
	if !d.Valid() || d.Before(c.r.From) || d.After(c.r.To) {
		return -1
	}
	return monthIndex(d) - c.y0
}

func (c *computer) months() {
	r := c.r
	c.y0 = monthIndex(r.From)
	r.Monthly = []Month{}
	for i := c.y0; i <= monthIndex(r.To); i++ {
		y, m := i/12, i%12+1
		first := date.New(y, time.Month(m), 1)
		end := first.AddMonths(1).AddDays(-1)
		if end.After(r.To) {
			end = r.To
		}
		r.Monthly = append(r.Monthly, Month{Month: first.String()[:7], Tiers: map[string]int{}, end: end})
	}
}

// credentials counts statuses at D and the month of every issue, renewal,
// lapse and revocation, the renewal rate and the time to certification.
func (c *computer) credentials() {
	p, st, r := c.p, c.st, c.r
	d := r.AsOf
	grace := p.Policy.GraceDays
	// By certification pointer, not "track/level": a key string per
	// credential would be 200,000 concatenations.
	byCert := map[*program.Certification]int{}
	for _, t := range p.Tracks {
		for _, ce := range t.Certifications {
			if p.Certification(ce.Key()) != ce {
				continue // a repeated level: check reports it
			}
			byCert[ce] = len(r.Credentials.ByCertification)
			r.Credentials.ByCertification = append(r.Credentials.ByCertification, CertCounts{Track: t.ID, Level: ce.Level})
		}
	}
	days := make([][]int, len(r.Credentials.ByCertification))
	for _, cr := range p.Credentials {
		if cr.Issued.After(d) {
			continue
		}
		cs := st.Of(cr)
		s := st.Status(cr, d)
		r.Credentials.add(s)
		ci, known := byCert[cs.Cert]
		if known {
			r.Credentials.ByCertification[ci].add(s)
		}
		if i := c.month(cr.Issued); i >= 0 {
			r.Monthly[i].Issued++
			if cs.Renews != nil && st.Of(cs.Renews).RenewedBy == cr {
				r.Monthly[i].Renewed++
			} else if cr.Renews == "" && known {
				if n, ok := c.timeToCert(cr, cs.Cert); ok {
					days[ci] = append(days[ci], n)
				}
			}
		}
		if cr.Revoked.Valid() && !cr.Revoked.After(d) {
			if i := c.month(cr.Revoked); i >= 0 {
				r.Monthly[i].Revoked++
			}
		}
		end := cs.Expires.AddDays(grace) // the first day past grace
		if !end.After(d) {
			if i := c.month(end); i >= 0 {
				if s := st.Status(cr, end); s == standing.Lapsed || s == standing.Expired {
					r.Monthly[i].Lapsed++
				}
			}
		}
		// Renewal rate: expiry in the period, not revoked before it.
		if c.month(cs.Expires) >= 0 && !cs.Expires.After(d) && !(cr.Revoked.Valid() && cr.Revoked.Before(cs.Expires)) {
			r.RenewalRate.ReachedExpiry++
			switch {
			case cs.RenewedBy != nil && !cs.RenewedBy.Issued.After(d) && st.Status(cr, end.AddDays(-1)) == standing.Renewed:
				r.RenewalRate.Renewed++
			case d.Before(end):
				r.RenewalRate.Pending++
			}
		}
	}
	if n := r.RenewalRate.ReachedExpiry - r.RenewalRate.Pending; n > 0 {
		r.RenewalRate.Rate = rate(r.RenewalRate.Renewed, n)
	}
	r.TimeToCertification = []TimeToCert{}
	for i, cc := range r.Credentials.ByCertification {
		t := TimeToCert{Track: cc.Track, Level: cc.Level}
		if ds := days[i]; len(ds) > 0 {
			slices.Sort(ds)
			t.Credentials = len(ds)
			med := float64(ds[(len(ds)-1)/2]+ds[len(ds)/2]) / 2
			t.MedianDays = &med
			p90 := ds[int(math.Ceil(0.9*float64(len(ds))))-1] // nearest rank
			t.P90Days = &p90
		}
		r.TimeToCertification = append(r.TimeToCertification, t)
	}
}

// timeToCert returns the days from the person's first requirement of the
// certification to the grant of cr: the earliest completion of one of its
// courses or attempt at its exam, on or before the grant and after the
// person's previous credential of the same track and level (a second
// full path starts again).
func (c *computer) timeToCert(cr *program.Credential, ce *program.Certification) (int, bool) {
	if ce == nil {
		return 0, false
	}
	pe := cr.Person
	var after date.Date
	for _, o := range pe.Certifications {
		if o != cr && o.Track == cr.Track && o.Level == cr.Level && o.Issued.Before(cr.Issued) && o.Issued.After(after) {
			after = o.Issued
		}
	}
	var first date.Date
	take := func(d date.Date) {
		if d.Valid() && d.After(after) && !d.After(cr.Issued) && (first.IsZero() || d.Before(first)) {
			first = d
		}
	}
	for _, t := range pe.Training {
		if slices.Contains(ce.Courses, t.Course) {
			take(t.Completed)
		}
	}
	if ce.Exam != "" {
		for _, a := range pe.Exams {
			if a.Exam == ce.Exam {
				take(a.Date)
			}
		}
	}
	if first.IsZero() {
		return 0, false
	}
	return cr.Issued.Sub(first), true
}

// exams computes each exam's figures over the attempts in the period.
func (c *computer) exams() {
	p, r := c.p, c.r
	type acc struct {
		attempts, passes, sum int
		candidates            int
		firsts, firstPasses   int
	}
	accs := make([]acc, len(p.Exams))
	index := map[string]int{}
	for i, e := range p.Exams {
		if _, dup := index[e.ID]; !dup {
			index[e.ID] = i
		}
	}
	var seen []int // exams this person attempted in the period
	for _, pa := range p.Partners {
		for _, pe := range pa.People {
			seen = seen[:0]
			for _, a := range pe.Exams {
				i, ok := index[a.Exam]
				if !ok || c.month(a.Date) < 0 {
					continue
				}
				e := &accs[i]
				pass := a.Score >= p.PassingScore(p.Exams[i])
				e.attempts++
				e.sum += a.Score
				if pass {
					e.passes++
				}
				if !slices.Contains(seen, i) {
					seen = append(seen, i)
					e.candidates++
				}
				if firstAttempt(pe, a) {
					e.firsts++
					if pass {
						e.firstPasses++
					}
				}
			}
		}
	}
	r.Exams = make([]Exam, 0, len(p.Exams))
	for i, e := range p.Exams {
		if index[e.ID] != i {
			continue
		}
		a := accs[i]
		x := Exam{Exam: e.ID, Attempts: a.attempts, Candidates: a.candidates,
			FirstAttemptPassRate: rate(a.firstPasses, a.firsts), PassRate: rate(a.passes, a.attempts)}
		if a.attempts > 0 {
			m := math.Round(float64(a.sum)/float64(a.attempts)*100) / 100
			x.MeanScore = &m
		}
		r.Exams = append(r.Exams, x)
	}
}

// firstAttempt reports whether a is the person's earliest attempt at its
// exam (the first in the file among attempts on one day).
func firstAttempt(pe *program.Person, a *program.Attempt) bool {
	for _, o := range pe.Exams {
		if o == a {
			return true
		}
		if o.Exam == a.Exam && !o.Date.After(a.Date) {
			return false
		}
	}
	return true
}

// partners computes every partner's tier, next tier and outlook, and the
// monthly counts of certified people and tiers, on all cores: it asks
// the standing for tiers at 17 dates per partner.
func (c *computer) partners() {
	p, r := c.p, c.r
	r.Tiers = []TierInfo{}
	tiers := slices.Clone(p.Tiers)
	slices.SortStableFunc(tiers, func(a, b *program.Tier) int { return a.Rank - b.Rank })
	for _, t := range tiers {
		r.Tiers = append(r.Tiers, TierInfo{ID: t.ID, Name: t.Name, Rank: t.Rank})
	}
	r.Partners = make([]Partner, len(p.Partners))
	type monthly struct {
		people []int
		tiers  []*program.Tier
	}
	perMonth := make([]monthly, len(p.Partners))
	var next atomic.Int64
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= len(p.Partners) {
					return
				}
				pa := p.Partners[i]
				r.Partners[i] = c.partner(pa, tiers)
				m := monthly{people: make([]int, len(r.Monthly)), tiers: make([]*program.Tier, len(r.Monthly))}
				for j, mo := range r.Monthly {
					m.people[j] = c.certifiedPeople(pa, mo.end)
					m.tiers[j] = c.st.Tier(pa, mo.end)
				}
				perMonth[i] = m
			}
		}()
	}
	wg.Wait()
	for _, m := range perMonth {
		for j := range r.Monthly {
			r.Monthly[j].CertifiedPeople += m.people[j]
			if t := m.tiers[j]; t != nil {
				r.Monthly[j].Tiers[t.ID]++
			} else {
				r.Monthly[j].NoTier++
			}
		}
	}
	r.AtRisk = []Risk{}
	for i := range r.Partners {
		pr := &r.Partners[i]
		if rank(pr.in90) < rank(pr.tier) {
			r.AtRisk = append(r.AtRisk, Risk{Partner: pr.ID, Tier: pr.tier.ID, TierIn90: id(pr.in90),
				Credentials: c.causes(p.Partners[i], pr.tier)})
		}
	}
}

func (c *computer) certifiedPeople(pa *program.Partner, d date.Date) int {
	n := 0
	for _, pe := range pa.People {
		for _, cr := range pe.Certifications {
			if c.st.Current(cr, d, c.grace) {
				n++
				break
			}
		}
	}
	return n
}

func (c *computer) partner(pa *program.Partner, tiers []*program.Tier) Partner {
	st, d := c.st, c.r.AsOf
	t := st.Tier(pa, d)
	out := Partner{ID: pa.ID, Name: pa.Name, Tier: id(t), Missing: []Missing{}, tier: t,
		CertifiedPeople: c.certifiedPeople(pa, d)}
	// The next tier is the lowest-ranked one above the tier held.
	for _, nt := range tiers {
		if nt.Rank <= rank(t) {
			continue
		}
		out.NextTier = id(nt)
		for _, rq := range nt.Requires {
			l := c.p.Level(rq.Level)
			if l == nil {
				continue
			}
			n := 0
			for _, pe := range pa.People {
				if st.Holds(pe, rq.Track, l.Rank, d, c.grace, nil) {
					n++
				}
			}
			if n < rq.People {
				out.Missing = append(out.Missing, Missing{Track: rq.Track, Level: rq.Level, Count: rq.People - n})
			}
		}
		break
	}
	out.TierIn = map[string]*string{}
	for _, days := range []int{30, 60, 90} {
		ti := st.Tier(pa, d.AddDays(days))
		out.TierIn[strconv.Itoa(days)] = id(ti)
		if days == 90 {
			out.in90 = ti
		}
	}
	return out
}

// causes lists the partner's credentials that count toward a requirement
// of tier t at D and no longer 90 days after it.
func (c *computer) causes(pa *program.Partner, t *program.Tier) []RiskCred {
	st, d := c.st, c.r.AsOf
	later := d.AddDays(90)
	out := []RiskCred{}
	for _, pe := range pa.People {
		for _, cr := range pe.Certifications {
			l := c.p.Level(cr.Level)
			if l == nil || !st.Current(cr, d, c.grace) || st.Current(cr, later, c.grace) {
				continue
			}
			counts := false
			for _, rq := range t.Requires {
				if rl := c.p.Level(rq.Level); rl != nil && rq.Track == cr.Track && l.Rank >= rl.Rank {
					counts = true
				}
			}
			if counts {
				out = append(out, RiskCred{ID: cr.ID, Holder: pe.Name, Person: pe.ID, Track: cr.Track, Level: cr.Level,
					Status: string(st.Status(cr, d)), Expires: st.Of(cr).Expires})
			}
		}
	}
	slices.SortStableFunc(out, func(a, b RiskCred) int { return a.Expires.Compare(b.Expires) })
	return out
}

func rank(t *program.Tier) int {
	if t == nil {
		return math.MinInt
	}
	return t.Rank
}

func id(t *program.Tier) *string {
	if t == nil {
		return nil
	}
	s := t.ID
	return &s
}

// rate is n/of rounded to four decimals, or nil when of is 0.
func rate(n, of int) *float64 {
	if of == 0 {
		return nil
	}
	f := math.Round(float64(n)/float64(of)*1e4) / 1e4
	return &f
}

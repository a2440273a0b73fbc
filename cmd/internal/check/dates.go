package check

import (
	"strconv"

	"github.com/accredit/accredit/cmd/internal/date"
	"github.com/accredit/accredit/cmd/internal/program"
)

// futureDates: no date may lie after the as-of date; a record from the
// future is a typo or a grant made ahead of time.
func futureDates(c *Context) {
	// The key's path is written only for a date reported: a program of
	// 100,000 people has millions of dates, nearly all in the past.
	check := func(src *program.Source, d date.Date, table string, i int, key string) {
		if d.Valid() && d.After(c.AsOf) {
			path := key
			if table != "" {
				path = table + "[" + strconv.Itoa(i) + "]." + key
			}
			c.report(src.At(path), "future-date", "%s %s is after the as-of date %s", key, d, c.AsOf)
		}
	}
	if !c.scoped {
		for _, e := range c.P.Exams {
			check(e.Src, e.Reviewed, "", 0, "reviewed")
			if e.Bank != nil {
				for i, q := range e.Bank.Questions {
					check(e.Bank.Src, q.Reviewed, "questions", i, "reviewed")
				}
			}
		}
		for _, t := range c.P.Tracks {
			check(t.Src, t.Reviewed, "", 0, "reviewed")
			for i, co := range t.Courses {
				check(t.Src, co.Reviewed, "courses", i, "reviewed")
			}
		}
	}
	for _, pa := range c.partners() {
		check(pa.Src, pa.Joined, "", 0, "joined")
		for _, pe := range pa.People {
			for i, t := range pe.Training {
				check(pe.Src, t.Completed, "training", i, "completed")
			}
			for i, a := range pe.Exams {
				check(pe.Src, a.Date, "exams", i, "date")
			}
			for i, a := range pe.Assessments {
				check(pe.Src, a.Date, "assessments", i, "date")
			}
			for i, e := range pe.Evidence {
				check(pe.Src, e.Date, "evidence", i, "date")
				check(pe.Src, e.Approved, "evidence", i, "approved")
			}
			for _, cr := range pe.Certifications {
				check(pe.Src, cr.Issued, "certifications", cr.Index, "issued")
				check(pe.Src, cr.Revoked, "certifications", cr.Index, "revoked")
			}
		}
	}
}

// reviewStale warns about question banks not reviewed within review_days
// (the framework's quarterly review cycle): an exam's reviewed date, and
// the reviewed date of each active question that records its own (a
// question without one is covered by its exam's). Retired questions are
// never asked again, so their reviews do not go stale.
func reviewStale(c *Context) {
	if c.scoped {
		return
	}
	c.contentReviewed()
	days := c.P.Policy.ReviewDays
	for _, e := range c.P.Exams {
		switch {
		case e.Reviewed.Invalid():
		case e.Reviewed.IsZero():
			c.report(e.Src.At(""), "review-stale", "exam %q has no reviewed date: record the last review of its questions", e.ID)
		case c.AsOf.Sub(e.Reviewed) > days:
			c.report(e.Src.At("reviewed"), "review-stale", "exam %q was last reviewed %s, %d days before %s (review_days is %d)", e.ID, e.Reviewed, c.AsOf.Sub(e.Reviewed), c.AsOf, days)
		}
		if e.Bank == nil {
			continue
		}
		for i, q := range e.Bank.Questions {
			if q.Active() && q.Reviewed.Valid() && c.AsOf.Sub(q.Reviewed) > days {
				c.report(e.Bank.Src.At("questions["+strconv.Itoa(i)+"].reviewed"), "review-stale", "question %q of exam %q was last reviewed %s, %d days before %s (review_days is %d)", q.ID, e.ID, q.Reviewed, c.AsOf.Sub(q.Reviewed), c.AsOf, days)
			}
		}
	}
}

// expiring warns about active credentials within the largest notice period.
func expiring(c *Context) {
	c.credentials(func(cr *program.Credential) {
		if cr.Issued.Valid() && !cr.Issued.After(c.AsOf) && c.S.Of(cr).Cert != nil && c.S.Expiring(cr, c.AsOf) {
			exp := c.S.Of(cr).Expires
			c.report(cr.Pos, "expiring", "%s (%s) of %s expires on %s, in %d days", cr.ID, cr.Key(), cr.Person.Name, exp, exp.Sub(c.AsOf))
		}
	})
}

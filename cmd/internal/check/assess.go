package check

import (
	"fmt"
	"maps"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/accredit/accredit/cmd/internal/date"
	"github.com/accredit/accredit/cmd/internal/program"
)

// What a grant relies on must be sound, not only there: the exam attempt
// it uses sat on a live exam, proctored as its level requires; the
// assessment result scored to its rubric; the evidence reviewed and
// approved when its kind asks for it. The counts (exam-not-passed,
// assessment-missing, evidence-missing) stay as they were; relied then
// looks at the records that made a count, and when none of them is sound
// reports each unsound one at its own header: exam-not-live and
// proctoring at the attempt, rubric-not-met at the result,
// evidence-unreviewed at the item. A grant that waives the rule silences
// it for its own use.

// relied checks the records a credential's grant (or the recertify
// option its renewal meets) relies on, dated in w.
func (c *Context) relied(cr *program.Credential, ix *results, r *program.Requirements, w window) {
	if r.Exam != "" {
		if e := c.P.Exam(r.Exam); e != nil {
			c.reliedAttempts(cr, ix, e, w)
		}
	}
	for _, id := range c.distinct(r.Assessments) {
		if k := c.P.Assessment(id); k != nil && k.HasRubric() {
			c.reliedResults(cr, ix, k, w)
		}
	}
	for id, need := range r.Evidence {
		if k := c.P.EvidenceKind(id); k != nil && (k.RequiresReview || k.RequiresReference) {
			c.reliedEvidence(cr, ix, k, need, w)
		}
	}
}

// fault is one thing wrong with a record a grant relies on; msg is
// written only when the fault is reported.
type fault struct {
	at   program.Pos
	rule string
	msg  func() string
}

type faultKey struct {
	at   program.Pos
	rule string
}

// once reports a fault unless the grant waives its rule or another
// credential of the person already reported it.
func (c *Context) once(cr *program.Credential, ix *results, f fault) {
	if cr.Waives(f.rule) {
		return
	}
	k := faultKey{f.at, f.rule}
	if ix.reported[k] {
		return
	}
	if ix.reported == nil {
		ix.reported = map[faultKey]bool{}
	}
	ix.reported[k] = true
	c.report(f.at, f.rule, "%s; %s (%s) relies on it", f.msg(), cr.ID, cr.Key())
}

func (c *Context) reliedAttempts(cr *program.Credential, ix *results, e *program.Exam, w window) {
	as := ix.passAttempts(c, e)
	lo, hi := w.bounds(len(as), func(i int) date.Date { return as[i].Date }, true)
	if lo >= hi {
		return // exam-not-passed
	}
	l := c.P.Level(e.Level)
	for _, a := range as[lo:hi] {
		if attemptSound(e, l, a) {
			return // a sound pass: the grant uses that one
		}
	}
	for _, a := range as[lo:hi] {
		for _, f := range attemptFaults(e, l, a) {
			c.once(cr, ix, f)
		}
	}
}

// attemptSound reports whether attemptFaults finds nothing.
func attemptSound(e *program.Exam, l *program.Level, a *program.Attempt) bool {
	if len(e.History) > 0 || e.Status != program.ExamLive {
		if e.StatusOn(a.Date) != program.ExamLive {
			return false
		}
	}
	return l == nil || a.Proctoring != "" && (a.Proctoring != "self" || len(l.Monitoring) == 0 || a.Monitoring != "")
}

// attemptFaults lists why a passing attempt cannot be used: the exam was
// not live on its date, or it records no proctoring, or, self-proctored,
// no monitoring where its level requires one. A mode or monitoring that
// the level does not allow is reported at every attempt (attempts).
func attemptFaults(e *program.Exam, l *program.Level, a *program.Attempt) []fault {
	var fs []fault
	if st := e.StatusOn(a.Date); st != program.ExamLive {
		fs = append(fs, fault{a.Pos, "exam-not-live", func() string {
			return fmt.Sprintf("attempt of exam %q on %s: the exam was %s on that date, not live", e.ID, a.Date, st)
		}})
	}
	if l == nil {
		return fs
	}
	switch {
	case a.Proctoring == "":
		fs = append(fs, fault{a.Pos, "proctoring", func() string {
			return fmt.Sprintf("attempt of exam %q on %s records no proctoring: level %s requires %s", e.ID, a.Date, l.ID, joinOr(l.Proctoring))
		}})
	case a.Proctoring == "self" && len(l.Monitoring) > 0 && a.Monitoring == "":
		fs = append(fs, fault{a.Pos, "proctoring", func() string {
			return fmt.Sprintf("self-proctored attempt of exam %q on %s records no monitoring: level %s requires %s", e.ID, a.Date, l.ID, joinOr(l.Monitoring))
		}})
	}
	return fs
}

func (c *Context) reliedResults(cr *program.Credential, ix *results, k *program.Kind, w window) {
	rs := ix.rubric[k.ID]
	lo, hi := w.bounds(len(rs), func(i int) date.Date { return rs[i].Date }, true)
	if lo >= hi {
		return // assessment-missing
	}
	for _, r := range rs[lo:hi] {
		if k.Meets(r.Scores) {
			return
		}
	}
	for _, r := range rs[lo:hi] {
		c.once(cr, ix, fault{r.Pos, "rubric-not-met", func() string {
			why := k.Shortfall(r.Scores)
			if r.Scores == nil {
				why = "it records no scores"
			}
			return fmt.Sprintf("%q assessment of %s does not meet its rubric: %s", k.ID, r.Date, why)
		}})
	}
}

func (c *Context) reliedEvidence(cr *program.Credential, ix *results, k *program.Kind, need int, w window) {
	items := ix.review[k.ID]
	lo, hi := w.bounds(len(items), func(i int) date.Date { return items[i].Date }, false)
	// Most recent first, and no further than need sound items: a person
	// may hold thousands of items and as many credentials.
	var bad []*program.Evidence
	good := 0
	for i := hi - 1; i >= lo; i-- {
		if ev := items[i]; !c.evidenceSound(k, ev, w.to) {
			bad = append(bad, ev)
		} else if good++; good >= need {
			return
		}
	}
	for _, ev := range bad {
		c.once(cr, ix, fault{ev.Pos, "evidence-unreviewed", func() string {
			return fmt.Sprintf("%q evidence of %s %s", k.ID, ev.Date, c.evidenceFault(k, ev, w.to))
		}})
	}
}

// evidenceSound reports whether evidenceFault finds nothing.
func (c *Context) evidenceSound(k *program.Kind, ev *program.Evidence, issued date.Date) bool {
	if k.RequiresReview && (!ev.Approved.Valid() || ev.Approved.After(issued) || !c.P.MayReview(ev.Reviewer)) {
		return false
	}
	return !k.RequiresReference || strings.TrimSpace(ev.Reference) != ""
}

// evidenceFault says what an item of kind k lacks to count toward a grant
// issued on issued; "" when nothing.
func (c *Context) evidenceFault(k *program.Kind, ev *program.Evidence, issued date.Date) string {
	var why []string
	if k.RequiresReview {
		switch {
		case strings.TrimSpace(ev.Reviewer) == "":
			why = append(why, "names no reviewer")
		case !c.P.MayReview(ev.Reviewer):
			why = append(why, fmt.Sprintf("names reviewer %q, who is neither an administrator with the grants role nor in [[reviewers]]", ev.Reviewer))
		}
		switch {
		case !ev.Approved.Valid():
			why = append(why, "has no approved date")
		case ev.Approved.After(issued):
			why = append(why, fmt.Sprintf("was approved %s, after the grant's issue date %s", ev.Approved, issued))
		}
	}
	if k.RequiresReference && strings.TrimSpace(ev.Reference) == "" {
		why = append(why, "names no customer reference")
	}
	return strings.Join(why, ", ")
}

// bounds returns the indexes lo..hi of n records sorted by date (at)
// that count in w, as count does for dates.
func (w window) bounds(n int, at func(int) date.Date, result bool) (lo, hi int) {
	hi = sort.Search(n, func(i int) bool { return at(i).After(w.to) })
	switch {
	case w.renewal:
		lo = sort.Search(n, func(i int) bool { return at(i).After(w.from) })
	case result:
		lo = sort.Search(n, func(i int) bool { return !at(i).Before(w.from) })
	}
	return min(lo, hi), hi
}

// passAttempts returns a person's passing attempts of e with valid dates,
// oldest first, indexed on first use.
func (ix *results) passAttempts(c *Context, e *program.Exam) []*program.Attempt {
	for _, x := range ix.attempts {
		if x.exam == e.ID {
			return x.as
		}
	}
	pass := c.P.PassingScore(e)
	as := []*program.Attempt{}
	for _, a := range ix.person.Exams {
		if a.Exam == e.ID && a.Score >= pass && a.Date.Valid() {
			as = append(as, a)
		}
	}
	slices.SortStableFunc(as, func(x, y *program.Attempt) int { return x.Date.Compare(y.Date) })
	ix.attempts = append(ix.attempts, examAttempts{e.ID, as})
	return as
}

// indexAssess adds to a person's index what the rules above look at:
// results of rubric kinds, which count as passed when they hold scores
// (the rubric, not passed, then decides), and items of evidence kinds
// that ask for review or a reference.
func (c *Context) indexAssess(ix *results) {
	pe := ix.person
	for _, r := range pe.Assessments {
		if !r.Passed && r.Scores == nil || !r.Date.Valid() {
			continue
		}
		k := c.P.Assessment(r.Assessment)
		if k == nil || !k.HasRubric() {
			continue
		}
		if !r.Passed {
			ix.assessments.add(r.Assessment, r.Date)
		}
		if ix.rubric == nil {
			ix.rubric = map[string][]*program.Result{}
		}
		ix.rubric[k.ID] = append(ix.rubric[k.ID], r)
	}
	for _, rs := range ix.rubric {
		slices.SortStableFunc(rs, func(x, y *program.Result) int { return x.Date.Compare(y.Date) })
	}
	for _, ev := range pe.Evidence {
		if !ev.Date.Valid() {
			continue
		}
		if k := c.P.EvidenceKind(ev.Kind); k != nil && (k.RequiresReview || k.RequiresReference) {
			if ix.review == nil {
				ix.review = map[string][]*program.Evidence{}
			}
			ix.review[k.ID] = append(ix.review[k.ID], ev)
		}
	}
	for _, evs := range ix.review {
		slices.SortStableFunc(evs, func(x, y *program.Evidence) int { return x.Date.Compare(y.Date) })
	}
}

// rubricScores checks every result's scores against its kind's rubric,
// used by a grant or not: a criterion the rubric does not have is
// unknown-reference, points outside 0..max invalid-value, both at the
// result's scores key.
func rubricScores(c *Context) {
	for _, pa := range c.partners() {
		for _, pe := range pa.People {
			for i, r := range pe.Assessments {
				if len(r.Scores) == 0 {
					continue
				}
				k := c.P.Assessment(r.Assessment)
				if k == nil {
					continue // unknown-reference already
				}
				at := func() program.Pos { return pe.Src.At("assessments[" + strconv.Itoa(i) + "].scores") }
				if !k.HasRubric() {
					c.report(at(), "unknown-reference", "assessment kind %q has no rubric ([[assessments.criteria]]) to score against", k.ID)
					continue
				}
				for _, id := range slices.Sorted(maps.Keys(r.Scores)) {
					cr := k.Criterion(id)
					if cr == nil {
						c.report(at(), "unknown-reference", "the rubric of %q has no criterion %q (it has %s)", k.ID, id, criteriaList(k))
						continue
					}
					if s := r.Scores[id]; s < 0 || s > cr.Max {
						c.report(at(), "invalid-value", "criterion %q of %q scores %d: points run from 0 to %d", id, k.ID, s, cr.Max)
					}
				}
			}
		}
	}
}

func criteriaList(k *program.Kind) string {
	ids := make([]string, len(k.Criteria))
	for i, c := range k.Criteria {
		ids[i] = c.ID
	}
	return strings.Join(ids, ", ")
}

// contentReviewed extends review-stale to tracks and courses that record
// a reviewed date (the framework's "content updated regularly"). One
// that records none is not reported: reviewed is optional there.
func (c *Context) contentReviewed() {
	days := c.P.Policy.ReviewDays
	stale := func(src *program.Source, path, what string, d date.Date) {
		if d.Valid() && c.AsOf.Sub(d) > days {
			c.report(src.At(path), "review-stale", "%s was last reviewed %s, %d days before %s (review_days is %d)", what, d, c.AsOf.Sub(d), c.AsOf, days)
		}
	}
	for _, t := range c.P.Tracks {
		stale(t.Src, "reviewed", fmt.Sprintf("track %q", t.ID), t.Reviewed)
		for i, co := range t.Courses {
			stale(t.Src, "courses["+strconv.Itoa(i)+"].reviewed", fmt.Sprintf("course %q", co.ID), co.Reviewed)
		}
	}
}

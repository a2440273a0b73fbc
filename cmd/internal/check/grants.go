package check

import (
	"fmt"
	"strings"

	"github.com/accredit/accredit/cmd/internal/date"
	"github.com/accredit/accredit/cmd/internal/program"
	"github.com/accredit/accredit/cmd/internal/standing"
)

// grants checks every credential against what its certification requires:
// prerequisite, course-missing, exam-not-passed, assessment-missing and
// evidence-missing for a new credential; renewal for a renewal, which
// answers to the recertify options instead (prerequisites do not apply).
// Each is reported at the credential's [[certifications]] header.
func grants(c *Context) {
	c.eachPartner(func(c *Context) func(*program.Partner) {
		ix := &results{} // the results of the person whose credentials are checked, reused
		return func(pa *program.Partner) {
			for _, pe := range pa.People {
				for _, cr := range pe.Certifications {
					grant(c, ix, cr)
				}
			}
		}
	})
}

func grant(c *Context, ix *results, cr *program.Credential) {
	ce := c.S.Of(cr).Cert // the standing looked it up
	if ce == nil || !cr.Issued.Valid() {
		return // unknown-reference, missing-field or invalid-value already
	}
	if ix.person != cr.Person {
		c.resultsOf(ix, cr.Person)
	}
	if cr.Renews != "" {
		c.renewal(cr, ce, ix)
		return
	}
	c.prerequisites(cr, ce)
	w := grantWindow(cr.Issued, c.P.Policy.ResultValidDays)
	for _, miss := range c.missing(ix, &ce.Requirements, w) {
		c.grant(cr, miss.rule, "%s", miss.msg)
	}
	c.relied(cr, ix, &ce.Requirements, w)
}

func (c *Context) prerequisites(cr *program.Credential, ce *program.Certification) {
	for _, pre := range c.distinct(ce.Prerequisites) {
		track, level, _ := strings.Cut(pre, "/")
		l := c.P.Level(level)
		if l == nil {
			continue
		}
		if !c.S.Holds(cr.Person, track, l.Rank, cr.Issued, true, cr) {
			c.grant(cr, "prerequisite", "%s %s requires %s, which %s does not hold (active or in grace) on %s",
				cr.Key(), cr.ID, pre, cr.Person.Name, cr.Issued)
		}
	}
}

// window is when results count toward a grant. For a new credential,
// exam passes and assessments count from valid days before the issue date
// and courses and evidence from any earlier date; for a renewal, every
// result must be dated after the old credential's issue date.
type window struct {
	from, to date.Date // from is exclusive for a renewal, inclusive otherwise
	renewal  bool
}

func grantWindow(issued date.Date, validDays int) window {
	return window{from: issued.AddDays(-validDays), to: issued}
}

// result reports whether an exam pass or assessment dated d counts.
func (w window) result(d date.Date) bool {
	if !d.Valid() || d.After(w.to) {
		return false
	}
	if w.renewal {
		return d.After(w.from)
	}
	return !d.Before(w.from)
}

// any reports whether a course or evidence item dated d counts.
func (w window) any(d date.Date) bool {
	if w.renewal {
		return w.result(d)
	}
	return d.Valid() && !d.After(w.to)
}

func (w window) resultSpan() string {
	if w.renewal {
		return w.anySpan()
	}
	return fmt.Sprintf("between %s and %s", w.from, w.to)
}

func (w window) anySpan() string {
	if w.renewal {
		return fmt.Sprintf("after %s and on or before %s", w.from, w.to)
	}
	return "on or before " + w.to.String()
}

type miss struct{ rule, msg string }

// listed is how many missing items of one kind a grant's diagnostics
// name; the rest are counted in one more. A certification may list
// thousands of courses: naming each for each credential made check
// quadratic in its output.
const listed = 10

// missing lists what requirements r lack in a person's results dated in w.
func (c *Context) missing(ix *results, r *program.Requirements, w window) []miss {
	var out []miss
	n := 0
	for _, id := range c.distinct(r.Courses) {
		if ix.training.count(id, w, false) > 0 {
			continue
		}
		if n++; n <= listed {
			out = append(out, miss{"course-missing", fmt.Sprintf("course %q is not completed %s", id, w.anySpan())})
		}
	}
	if n > listed {
		out = append(out, miss{"course-missing", fmt.Sprintf("%d more courses are not completed %s", n-listed, w.anySpan())})
	}
	if r.Exam != "" {
		if e := c.P.Exam(r.Exam); e != nil {
			if ix.passes(c, e).count(e.ID, w, true) == 0 {
				out = append(out, miss{"exam-not-passed", fmt.Sprintf("no attempt of exam %q scoring %d or more dated %s", e.ID, c.P.PassingScore(e), w.resultSpan())})
			}
		}
	}
	n = 0
	for _, id := range c.distinct(r.Assessments) {
		if ix.assessments.count(id, w, true) > 0 {
			continue
		}
		if n++; n <= listed {
			out = append(out, miss{"assessment-missing", fmt.Sprintf("no passed %q assessment dated %s", id, w.resultSpan())})
		}
	}
	if n > listed {
		out = append(out, miss{"assessment-missing", fmt.Sprintf("%d more assessments are not passed %s", n-listed, w.resultSpan())})
	}
	n = 0
	for _, id := range sortedKeys(r.Evidence) {
		need, have := r.Evidence[id], ix.evidence.count(id, w, false)
		if have >= need {
			continue
		}
		if n++; n <= listed {
			out = append(out, miss{"evidence-missing", fmt.Sprintf("%d of %d %q evidence items dated %s", have, need, id, w.anySpan())})
		}
	}
	if n > listed {
		out = append(out, miss{"evidence-missing", fmt.Sprintf("%d more kinds of evidence lack items dated %s", n-listed, w.anySpan())})
	}
	return out
}

// meets reports whether a person's results dated in w meet r: missing
// without the messages, for the recertify options of a renewal.
func (c *Context) meets(ix *results, r *program.Requirements, w window) bool {
	for _, id := range c.distinct(r.Courses) {
		if ix.training.count(id, w, false) == 0 {
			return false
		}
	}
	if r.Exam != "" {
		if e := c.P.Exam(r.Exam); e != nil && ix.passes(c, e).count(e.ID, w, true) == 0 {
			return false
		}
	}
	for _, id := range c.distinct(r.Assessments) {
		if ix.assessments.count(id, w, true) == 0 {
			return false
		}
	}
	for id, need := range r.Evidence {
		if ix.evidence.count(id, w, false) < need {
			return false
		}
	}
	return true
}

// distinct returns ids without repeats, in order: a list that names an
// id twice asks for it once. Lists are the program's, asked for by every
// credential: each is deduplicated once.
func (c *Context) distinct(ids []string) []string {
	if len(ids) < 2 {
		return ids
	}
	if d, ok := c.lists[&ids[0]]; ok {
		return d
	}
	if c.lists == nil {
		c.lists = map[*string][]string{}
	}
	seen := make(map[string]bool, len(ids))
	out := ids[:0:0]
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	c.lists[&ids[0]] = out
	return out
}

// renewal checks a credential that renews another (section 8).
func (c *Context) renewal(cr *program.Credential, ce *program.Certification, ix *results) {
	st := c.S.Of(cr)
	old := st.Renews
	if old == nil {
		return // unknown-reference
	}
	switch {
	case st.Window == standing.Invalid && old == cr:
		c.grant(cr, "renewal", "credential %s renews itself", cr.ID)
		return
	case st.Window == standing.Invalid && old.Person != cr.Person:
		c.grant(cr, "renewal", "%s renews %s, a credential of another person (%s/%s)", cr.ID, old.ID, old.Person.Partner.ID, old.Person.ID)
		return
	case st.Window == standing.Invalid && old.Key() != cr.Key():
		c.grant(cr, "renewal", "%s (%s) renews %s, a credential of %s: a renewal keeps the track and level", cr.ID, cr.Key(), old.ID, old.Key())
		return
	case st.Window == standing.Invalid:
		c.grant(cr, "renewal", "%s renews %s, which is not issued before it (%s)", cr.ID, old.ID, old.Issued)
		return
	case st.SecondRenewal:
		c.grant(cr, "renewal", "%s renews %s, which %s already renews: a credential is renewed at most once", cr.ID, old.ID, c.S.Of(old).RenewedBy.ID)
		return
	case st.Window == standing.TooLate:
		oe := c.S.Of(old).Expires
		c.grant(cr, "renewal", "%s is issued %s, on or after %s (%s expired %s + %d days): too late to renew; grant it as a new credential without renews (the full path)",
			cr.ID, cr.Issued, oe.AddDays(c.P.Policy.StreamlinedDays), old.ID, oe, c.P.Policy.StreamlinedDays)
		return
	}
	if old.Revoked.Valid() && !cr.Issued.Before(old.Revoked) {
		c.grant(cr, "renewal", "%s renews %s, which was revoked on %s", cr.ID, old.ID, old.Revoked)
		return
	}
	if len(ce.Recertify) == 0 {
		c.grant(cr, "renewal", "%s cannot be renewed: the certification defines no [[certifications.recertify]] options", ce.Key())
		return
	}
	w := window{from: old.Issued, to: cr.Issued, renewal: true}
	for _, opt := range ce.Recertify {
		if c.meets(ix, opt, w) {
			c.relied(cr, ix, opt, w)
			return
		}
	}
	var why []string
	for i, opt := range ce.Recertify {
		if i == listed {
			why = append(why, fmt.Sprintf("and %d more options", len(ce.Recertify)-listed))
			break
		}
		ms := c.missing(ix, opt, w)
		var parts []string
		for _, m := range ms {
			parts = append(parts, m.msg)
		}
		why = append(why, fmt.Sprintf("option %d: %s", i+1, strings.Join(parts, "; ")))
	}
	c.grant(cr, "renewal", "%s renews %s but meets no recertify option with results dated %s (%s)", cr.ID, old.ID, w.anySpan(), strings.Join(why, " | "))
}

package load

import (
	"strconv"
	"strings"

	"github.com/accredit/accredit/cmd/internal/program"
)

// The keys of assessment and reviewed evidence (issue 20): rubrics on
// assessment kinds, review opt-ins on evidence kinds, the exam lifecycle,
// and what attempts, results and evidence items record of them. Only
// what one file says is checked here; whether a grant may rely on a
// record is package check's (exam-not-live, proctoring, rubric-not-met,
// evidence-unreviewed).

// assessmentKind is an [[assessments]] entry as decoded: a kind may score
// its results against a rubric.
type assessmentKind struct {
	ID       string               `toml:"id"`
	Name     string               `toml:"name"`
	Criteria []*program.Criterion `toml:"criteria"`
	Pass     int                  `toml:"pass"`
}

// evidenceKind is an [[evidence_kinds]] entry as decoded: a kind may ask
// that its items be reviewed, and that they name a customer reference.
type evidenceKind struct {
	ID                string `toml:"id"`
	Name              string `toml:"name"`
	RequiresReview    bool   `toml:"requires_review"`
	RequiresReference bool   `toml:"requires_reference"`
}

// maxPoints bounds a criterion's points, far above any real rubric.
const maxPoints = 1000

func (f *file) assessmentKinds(in []*assessmentKind) []*program.Kind {
	out := make([]*program.Kind, len(in))
	for i, a := range in {
		k := &program.Kind{ID: a.ID, Name: a.Name, Criteria: a.Criteria, Pass: a.Pass}
		out[i] = k
		at := at("assessments", i)
		seen := map[string]bool{}
		for j, c := range k.Criteria {
			cat := at + ".criteria[" + strconv.Itoa(j) + "]"
			c.Pos = f.at(cat)
			f.require(cat, "id", "name", "max")
			f.slug(cat+".id", c.ID)
			f.nonEmpty(cat+".name", c.Name)
			f.intRange(cat+".max", &c.Max, 1, maxPoints)
			f.intRange(cat+".min", &c.Min, 0, c.Max)
			if seen[c.ID] && c.ID != "" {
				f.errAt(cat+".id", "duplicate-id", "criterion %q is listed twice in the rubric of %q", c.ID, k.ID)
			}
			seen[c.ID] = true
		}
		switch {
		case len(k.Criteria) > 0 && !f.src.Has(at+".pass"):
			f.errAt(at, "missing-field", "the rubric of %q has criteria but no pass: the total of points a result needs", k.ID)
		case len(k.Criteria) > 0:
			f.intRange(at+".pass", &k.Pass, 0, k.MaxTotal())
		case f.src.Has(at + ".pass"):
			f.errAt(at+".pass", "invalid-value", "pass without [[assessments.criteria]]: a rubric needs its criteria")
		}
	}
	f.kinds("assessments", out)
	return out
}

func (f *file) evidenceKinds(in []*evidenceKind) []*program.Kind {
	out := make([]*program.Kind, len(in))
	for i, e := range in {
		out[i] = &program.Kind{ID: e.ID, Name: e.Name, RequiresReview: e.RequiresReview, RequiresReference: e.RequiresReference}
	}
	f.kinds("evidence_kinds", out)
	return out
}

func (f *file) reviewers(rs []*program.Reviewer) {
	for i, r := range rs {
		at := at("reviewers", i)
		r.Pos = f.at(at)
		f.require(at, "name")
		f.nonEmpty(at+".name", r.Name)
		f.email(at+".email", r.Email)
	}
}

// lifecycle checks an exam's status and history, and defaults the status
// to live: an exam written before statuses existed is sat by partners.
func (f *file) lifecycle(e *program.Exam) {
	if !f.src.Has("status") {
		e.Status = program.ExamLive
	}
	f.oneOf("status", e.Status, program.ExamStatuses)
	for i, h := range e.History {
		at := at("history", i)
		h.Pos = f.at(at)
		f.require(at, "status", "until")
		f.oneOf(at+".status", h.Status, program.ExamStatuses)
		f.date(at+".until", h.Until)
		if i > 0 {
			if prev := e.History[i-1].Until; prev.Valid() && h.Until.Valid() && !prev.Before(h.Until) {
				f.errAt(at+".until", "invalid-value", "history is written oldest first: until %s must be after the previous entry's %s", h.Until, prev)
			}
		}
	}
}

// review checks what an evidence item says of its review.
func (f *file) review(at string, e *program.Evidence) {
	f.nonEmpty(at+".reviewer", e.Reviewer)
	f.date(at+".approved", e.Approved)
	f.url(at+".artifact", e.Artifact)
	f.nonEmpty(at+".reference", e.Reference)
	if e.Approved.Valid() && strings.TrimSpace(e.Reviewer) == "" {
		f.errAt(at, "missing-field", "[[evidence]] is approved but names no reviewer")
	}
	if e.Approved.Valid() && e.Date.Valid() && e.Approved.Before(e.Date) {
		f.errAt(at+".approved", "invalid-value", "approved %s is before the item's date %s", e.Approved, e.Date)
	}
}

// slugList reports a list of ids holding one that is not a slug.
func (f *file) slugList(path string, vs []string) {
	for _, v := range vs {
		if !IsSlug(v) {
			f.errAt(path, "invalid-value", "%q is not a valid %s: use lower-case letters, digits and single hyphens", v, lastKey(path))
			return
		}
	}
}

// slugValue reports a written value that is not a slug.
func (f *file) slugValue(path, v string) {
	if f.src.Has(path) && !IsSlug(v) {
		f.errAt(path, "invalid-value", "%q is not a valid %s: use lower-case letters, digits and single hyphens (e.g. webcam)", v, lastKey(path))
	}
}

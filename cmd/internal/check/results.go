package check

import (
	"slices"
	"sort"

	"github.com/accredit/accredit/cmd/internal/date"
	"github.com/accredit/accredit/cmd/internal/program"
)

// results indexes one person's dated results by what they are for, so
// that checking a credential's requirements looks each one up instead of
// scanning the person's records: a person file holds thousands of
// records and as many credentials, and a certification may require
// thousands of courses, which made the scans cubic.
type results struct {
	person      *program.Person
	training    dated // completed courses, by course id
	assessments dated // passed assessments, by assessment kind
	evidence    dated // evidence items, by kind
	passed      dated // passing exam attempts, by exam id, filled on first use

	// What the grant rules of assess.go look at (nil when nothing).
	attempts []examAttempts                 // passing attempts by exam id, filled on first use
	rubric   map[string][]*program.Result   // results of rubric kinds that passed or hold scores
	review   map[string][]*program.Evidence // items of kinds that ask for review or a reference
	reported map[faultKey]bool              // faults reported, once per person
}

// examAttempts are a person's passing attempts of one exam.
type examAttempts struct {
	exam string
	as   []*program.Attempt
}

// dated holds sorted valid dates by id. An invalid or missing date never
// counts toward a requirement (invalid-value or missing-field already).
type dated map[string][]date.Date

// resultsOf indexes pe's results into ix, which held another person's
// or nothing: its maps are reused, since a map and its slices per person
// were a third of the grant rule's time at 100,000 people.
func (c *Context) resultsOf(ix *results, pe *program.Person) {
	ix.person = pe
	ix.training = ix.training.reset()
	ix.assessments = ix.assessments.reset()
	ix.evidence = ix.evidence.reset()
	if ix.passed == nil || len(ix.passed) > maxReused {
		ix.passed = dated{}
	} else {
		clear(ix.passed) // a key there means "computed"
	}
	ix.rubric, ix.review, ix.reported = nil, nil, nil
	// A person sits a few exams: a list, reused from person to person,
	// costs less than a map each (a fifth of the grant rule's time).
	clear(ix.attempts)
	ix.attempts = ix.attempts[:0]
	for _, t := range pe.Training {
		ix.training.add(t.Course, t.Completed)
	}
	for _, a := range pe.Assessments {
		if a.Passed {
			ix.assessments.add(a.Assessment, a.Date)
		}
	}
	for _, e := range pe.Evidence {
		ix.evidence.add(e.Kind, e.Date)
	}
	c.indexAssess(ix)
	ix.training.sort()
	ix.assessments.sort()
	ix.evidence.sort()
}

// maxReused bounds the ids a reused map keeps: reset visits every one,
// and a program may define thousands of courses.
const maxReused = 64

// reset empties d for another person, keeping its keys and their
// slices' room: an id with no dates counts none, as a missing one.
func (d dated) reset() dated {
	if d == nil || len(d) > maxReused {
		return dated{}
	}
	for id, ds := range d {
		d[id] = ds[:0]
	}
	return d
}

// passes returns the passing attempts by exam id, with e's indexed.
func (ix *results) passes(c *Context, e *program.Exam) dated {
	if _, ok := ix.passed[e.ID]; !ok {
		min := c.P.PassingScore(e)
		ds := []date.Date{}
		for _, a := range ix.person.Exams {
			if a.Exam == e.ID && a.Score >= min && a.Date.Valid() {
				ds = append(ds, a.Date)
			}
		}
		slices.SortFunc(ds, date.Date.Compare)
		ix.passed[e.ID] = ds
	}
	return ix.passed
}

func (d dated) add(id string, on date.Date) {
	if on.Valid() {
		d[id] = append(d[id], on)
	}
}

func (d dated) sort() {
	for _, ds := range d {
		slices.SortFunc(ds, date.Date.Compare)
	}
}

// count returns how many of id's dates count in w: as exam passes and
// assessments count (window.result) when result is true, as courses and
// evidence count (window.any) otherwise.
func (d dated) count(id string, w window, result bool) int {
	ds := d[id]
	hi := sort.Search(len(ds), func(i int) bool { return ds[i].After(w.to) })
	lo := 0
	switch {
	case w.renewal:
		lo = sort.Search(len(ds), func(i int) bool { return ds[i].After(w.from) })
	case result:
		lo = sort.Search(len(ds), func(i int) bool { return !ds[i].Before(w.from) })
	}
	return max(hi-lo, 0)
}

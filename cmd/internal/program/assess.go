package program

import (
	"strconv"
	"strings"

	"github.com/accredit/accredit/cmd/internal/date"
)

// Exam statuses: an exam is written (draft), tried by the vendor's own
// team (beta), sat by partners (live) and finally withdrawn (retired).
// Only an attempt on a live exam counts toward a grant.
const (
	ExamDraft   = "draft"
	ExamBeta    = "beta"
	ExamLive    = "live"
	ExamRetired = "retired"
)

// ExamStatuses lists the statuses in their usual order.
var ExamStatuses = []string{ExamDraft, ExamBeta, ExamLive, ExamRetired}

// StatusChange is a [[history]] entry of an exam: the exam had Status
// until the day before Until.
type StatusChange struct {
	Status string    `toml:"status"`
	Until  date.Date `toml:"until"`
	Pos    Pos       `toml:"-"`
}

// StatusOn returns the exam's status on day d: that of the history entry
// with the earliest until after d, else the current status. Without a
// history the status holds for every date.
func (e *Exam) StatusOn(d date.Date) string {
	st := e.Status
	var best date.Date
	for _, h := range e.History {
		if h.Until.Valid() && d.Before(h.Until) && (!best.Valid() || h.Until.Before(best)) {
			st, best = h.Status, h.Until
		}
	}
	if st == "" {
		return ExamLive
	}
	return st
}

// Criterion is one [[assessments.criteria]] entry of a rubric: at most
// Max points, and at least Min for the result to pass.
type Criterion struct {
	ID   string `toml:"id"`
	Name string `toml:"name"`
	Max  int    `toml:"max"`
	Min  int    `toml:"min"`
	Pos  Pos    `toml:"-"`
}

// HasRubric reports whether an assessment kind scores its results
// against a rubric.
func (k *Kind) HasRubric() bool { return len(k.Criteria) > 0 }

// Criterion returns the rubric's criterion id, or nil.
func (k *Kind) Criterion(id string) *Criterion {
	for _, c := range k.Criteria {
		if c.ID == id {
			return c
		}
	}
	return nil
}

// MaxTotal is the most points the rubric gives.
func (k *Kind) MaxTotal() int {
	n := 0
	for _, c := range k.Criteria {
		n += c.Max
	}
	return n
}

// Total adds up a result's points (what an unknown criterion holds is
// not counted).
func (k *Kind) Total(scores map[string]int) int {
	n := 0
	for _, c := range k.Criteria {
		n += scores[c.ID]
	}
	return n
}

// Meets reports whether scores meet the rubric: Shortfall without its
// words, for checks that ask it of many results.
func (k *Kind) Meets(scores map[string]int) bool {
	total := 0
	for _, c := range k.Criteria {
		s, ok := scores[c.ID]
		if !ok || s < c.Min {
			return false
		}
		total += s
	}
	return total >= k.Pass
}

// Shortfall says why scores do not meet the rubric: a criterion under
// its floor or not scored, or a total under pass; "" when they meet it.
func (k *Kind) Shortfall(scores map[string]int) string {
	var why []string
	for _, c := range k.Criteria {
		s, ok := scores[c.ID]
		switch {
		case !ok:
			why = append(why, c.ID+" is not scored")
		case s < c.Min:
			why = append(why, c.ID+" scores "+strconv.Itoa(s)+", under its minimum of "+strconv.Itoa(c.Min))
		}
	}
	if t := k.Total(scores); t < k.Pass {
		why = append(why, "the total is "+strconv.Itoa(t)+" of "+strconv.Itoa(k.MaxTotal())+", under the pass mark of "+strconv.Itoa(k.Pass))
	}
	return strings.Join(why, "; ")
}

// Reviewer is a [[reviewers]] entry of programs/program.toml: someone
// who is not an administrator with the grants role but may review and
// approve evidence (a delivery QA lead, a former administrator whose
// past reviews must stay valid).
type Reviewer struct {
	Name  string `toml:"name"`
	Email string `toml:"email"`
	Pos   Pos    `toml:"-"`
}

// MayReview reports whether who, a name or an e-mail address as an
// evidence item records it, may review evidence: an administrator with
// the grants role or a listed reviewer. Names and addresses match
// ignoring case.
func (p *Program) MayReview(who string) bool {
	who = strings.TrimSpace(who)
	if who == "" {
		return false
	}
	for _, a := range p.Administrators {
		if a.Has(RoleGrants) && (strings.EqualFold(a.Name, who) || strings.EqualFold(a.Email, who)) {
			return true
		}
	}
	for _, r := range p.Reviewers {
		if strings.EqualFold(r.Name, who) || (r.Email != "" && strings.EqualFold(r.Email, who)) {
			return true
		}
	}
	return false
}

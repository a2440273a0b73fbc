package program

import (
	"testing"

	"github.com/accredit/accredit/cmd/internal/date"
)

// Meets is Shortfall == "", for scores missing, under a floor, over the
// pass mark or not, and with criteria the rubric lacks.
func TestRubric(t *testing.T) {
	k := &Kind{ID: "demo", Pass: 12, Criteria: []*Criterion{{ID: "a", Max: 10, Min: 4}, {ID: "b", Max: 10}}}
	for _, c := range []struct {
		scores map[string]int
		meets  bool
		why    string
	}{
		{map[string]int{"a": 5, "b": 7}, true, ""},
		{map[string]int{"a": 4, "b": 8, "zz": 99}, true, ""},
		{map[string]int{"a": 3, "b": 10}, false, "a scores 3, under its minimum of 4"},
		{map[string]int{"a": 5, "b": 6}, false, "the total is 11 of 20, under the pass mark of 12"},
		{map[string]int{"a": 10}, false, "b is not scored; the total is 10 of 20, under the pass mark of 12"},
		{map[string]int{"a": 10, "b": 0}, false, "the total is 10 of 20, under the pass mark of 12"},
		{map[string]int{"a": 12, "b": 0}, true, ""}, // over max: invalid-value, reported apart
		{nil, false, "a is not scored; b is not scored; the total is 0 of 20, under the pass mark of 12"},
	} {
		if got := k.Meets(c.scores); got != c.meets {
			t.Errorf("Meets(%v) = %v", c.scores, got)
		}
		if got := k.Shortfall(c.scores); got != c.why {
			t.Errorf("Shortfall(%v) = %q, want %q", c.scores, got, c.why)
		}
	}
	if k.MaxTotal() != 20 || k.Criterion("b") == nil || k.Criterion("c") != nil || !k.HasRubric() {
		t.Error("MaxTotal, Criterion or HasRubric")
	}
}

// An exam's status on a day comes from the history entry whose until is
// the earliest after it, else its status; without either, live.
func TestStatusOn(t *testing.T) {
	d := func(s string) date.Date { x, _ := date.Parse(s); return x }
	e := &Exam{Status: ExamRetired, History: []*StatusChange{
		{Status: ExamLive, Until: d("2025-06-01")}, // written out of order: the loader reports it, StatusOn copes
		{Status: ExamBeta, Until: d("2025-03-01")},
	}}
	for day, want := range map[string]string{"2024-12-31": "beta", "2025-02-28": "beta", "2025-03-01": "live", "2025-05-31": "live", "2025-06-01": "retired"} {
		if got := e.StatusOn(d(day)); got != want {
			t.Errorf("StatusOn(%s) = %s, want %s", day, got, want)
		}
	}
	if got := (&Exam{}).StatusOn(d("2025-01-01")); got != ExamLive {
		t.Errorf("an exam without status is %s", got)
	}
}

// Administrators with the grants role and listed reviewers may review,
// by name or e-mail, ignoring case; others may not.
func TestMayReview(t *testing.T) {
	p := &Program{
		Administrators: []*Administrator{{Name: "Dana", Email: "dana@x.example", Roles: []string{RoleGrants}}, {Name: "Priya", Email: "priya@x.example", Roles: []string{RoleContent}}, {Name: "Old", Email: "old@x.example"}},
		Reviewers:      []*Reviewer{{Name: "Quinn"}},
	}
	for who, want := range map[string]bool{"Dana": true, "DANA@x.example": true, "Priya": false, "Old": true, "quinn": true, "": false, " ": false, "Sam": false} {
		if got := p.MayReview(who); got != want {
			t.Errorf("MayReview(%q) = %v", who, got)
		}
	}
}

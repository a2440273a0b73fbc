package report_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/accredit/accredit/cmd/internal/program"
	"github.com/accredit/accredit/cmd/internal/report"
	"github.com/accredit/accredit/cmd/internal/standing"
)

// An exam launched and then retired in the period shows both changes and
// its status at D; a rubric kind's results in the period are counted,
// met or not, with each criterion's mean and results under its floor.
func TestExamStatusAndRubrics(t *testing.T) {
	k := &program.Kind{ID: "demo", Name: "Demo", Pass: 12, Criteria: []*program.Criterion{
		{ID: "discovery", Name: "Discovery", Max: 10, Min: 4}, {ID: "story", Name: "Story", Max: 10}}}
	e := &program.Exam{ID: "sales", Title: "Sales", Status: program.ExamRetired, History: []*program.StatusChange{
		{Status: program.ExamDraft, Until: day(t, "2023-01-01")}, // before the period: not listed
		{Status: program.ExamBeta, Until: day(t, "2023-06-01")},
		{Status: program.ExamLive, Until: day(t, "2024-02-01")},
	}}
	res := func(on string, scores map[string]int) *program.Result {
		return &program.Result{Assessment: "demo", Date: day(t, on), Scores: scores}
	}
	pe := &program.Person{ID: "ann", Name: "Ann", Assessments: []*program.Result{
		res("2023-05-01", map[string]int{"discovery": 5, "story": 8}),  // 13: met
		res("2023-07-01", map[string]int{"discovery": 3, "story": 10}), // under the floor
		res("2023-08-01", map[string]int{"story": 10}),                 // discovery not scored
		res("2022-01-01", map[string]int{"discovery": 9, "story": 9}),  // before the period
		{Assessment: "demo", Date: day(t, "2023-09-01"), Passed: true}, // no scores: not a scored result
	}}
	p := &program.Program{Policy: program.DefaultPolicy(), Assessments: []*program.Kind{k}, Exams: []*program.Exam{e},
		Partners: []*program.Partner{{ID: "acme", Name: "Acme", Listed: true, People: []*program.Person{pe}}}}
	p.Link()
	r := report.Compute(p, standing.Compute(p), report.Options{AsOf: day(t, "2024-03-31")})
	x := r.Exams[0]
	if x.Status != "retired" || len(x.StatusChanges) != 2 ||
		x.StatusChanges[0] != (report.StatusChange{Date: day(t, "2023-06-01"), From: "beta", To: "live"}) ||
		x.StatusChanges[1] != (report.StatusChange{Date: day(t, "2024-02-01"), From: "live", To: "retired"}) {
		t.Errorf("exam = %+v", x)
	}
	if len(r.Rubrics) != 1 {
		t.Fatalf("rubrics = %+v", r.Rubrics)
	}
	ru := r.Rubrics[0]
	if ru.Results != 3 || ru.Met != 1 || *ru.MeanTotal != 12 || ru.Pass != 12 || ru.Max != 20 ||
		*ru.Criteria[0].Mean != 2.67 || ru.Criteria[0].UnderMin != 2 || *ru.Criteria[1].Mean != 9.33 || ru.Criteria[1].UnderMin != 0 {
		t.Errorf("rubric = %+v, criteria %+v %+v", ru, ru.Criteria[0], ru.Criteria[1])
	}
	var text bytes.Buffer
	if err := r.Text(&text); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"retired; beta -> live on 2023-06-01; live -> retired on 2024-02-01", "discovery 2.67/10 (2)"} {
		if !strings.Contains(text.String(), want) {
			t.Errorf("text lacks %q:\n%s", want, text.String())
		}
	}
}

package main

import (
	"path/filepath"
	"testing"

	"github.com/accredit/accredit/cmd/internal/check"
	"github.com/accredit/accredit/cmd/internal/date"
	"github.com/accredit/accredit/cmd/internal/diag"
	"github.com/accredit/accredit/cmd/internal/load"
	"github.com/accredit/accredit/cmd/internal/standing"
)

// Both programs check clean. Without -assess the definitions hold none
// of issue 20's keys; with it every Professional and Expert credential
// rests on rubric results and reviewed evidence that check looked at.
func TestAssess(t *testing.T) {
	asOf := date.New(2026, 11, 22)
	for _, assess := range []bool{false, true} {
		out := filepath.Join(t.TempDir(), "p")
		if err := generate(out, 20, 6, 5, 45, assess, asOf); err != nil {
			t.Fatal(err)
		}
		p, ds, err := load.Load(out)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range append(ds, check.Run(p, standing.Compute(p), asOf)...) {
			if d.Severity == diag.Error {
				t.Errorf("assess %v: %s", assess, d)
			}
		}
		rubrics, reviewed, history := 0, 0, 0
		for _, k := range p.Assessments {
			if k.HasRubric() {
				rubrics++
			}
		}
		for _, k := range p.EvidenceKinds {
			if k.RequiresReview || k.RequiresReference {
				reviewed++
			}
		}
		for _, e := range p.Exams {
			history += len(e.History)
		}
		if defs := rubrics + reviewed + history + len(p.Reviewers) + len(p.Level("foundation").Monitoring); (defs == 0) == assess {
			t.Errorf("assess %v: %d rubrics, %d reviewed kinds, %d history entries, %d reviewers", assess, rubrics, reviewed, history, len(p.Reviewers))
		}
		senior, backed := 0, 0
		for _, c := range p.Credentials {
			if c.Level == "foundation" {
				continue
			}
			senior++
			scored, approved := false, false
			for _, r := range c.Person.Assessments {
				scored = scored || r.Scores != nil
			}
			for _, e := range c.Person.Evidence {
				approved = approved || e.Approved.Valid()
			}
			if scored && approved {
				backed++
			}
		}
		if assess && (senior == 0 || backed != senior) || !assess && backed != 0 {
			t.Errorf("assess %v: %d of %d Professional and Expert credentials have scores and approved evidence", assess, backed, senior)
		}
	}
}

package plan

import (
	"github.com/accredit/accredit/cmd/internal/date"
	"github.com/accredit/accredit/cmd/internal/program"
)

// ExamChange is an exam whose status at D differs between base and head
// (issue 20: a draft going to beta, a beta going live, a live exam
// retired). From is "" for an exam that head adds, To "" for one it
// removes.
type ExamChange struct {
	Exam string `json:"exam"`
	From string `json:"from"`
	To   string `json:"to"`
}

// RubricResult is an assessment result scored against a rubric that
// head adds or whose scores it changes: the totals, never the points per
// criterion, which stay in the person's file.
type RubricResult struct {
	Partner    string    `json:"partner"`
	Person     string    `json:"person"`
	Assessment string    `json:"assessment"`
	Date       date.Date `json:"date"`
	Total      int       `json:"total"`
	Max        int       `json:"max"`
	Pass       int       `json:"pass"`
	Met        bool      `json:"met"` // every floor and the pass mark
}

// examChanges compares the exams' statuses at d.
func examChanges(base, head *program.Program, d date.Date) []ExamChange {
	var out []ExamChange
	for _, e := range head.Exams {
		from := ""
		if old := base.Exam(e.ID); old != nil {
			from = old.StatusOn(d)
		}
		if to := e.StatusOn(d); to != from {
			out = append(out, ExamChange{Exam: e.ID, From: from, To: to})
		}
	}
	for _, e := range base.Exams {
		if head.Exam(e.ID) == nil {
			out = append(out, ExamChange{Exam: e.ID, From: e.StatusOn(d)})
		}
	}
	return out
}

// rubricResults lists head's scored results of rubric kinds that base
// does not hold with the same scores (matched by partner, person, kind
// and date).
func rubricResults(base, head *program.Program) []RubricResult {
	type key struct {
		partner, person, kind string
		on                    date.Date
	}
	old := map[key][]map[string]int{}
	for _, pa := range base.Partners {
		for _, pe := range pa.People {
			for _, r := range pe.Assessments {
				if r.Scores != nil {
					k := key{pa.ID, pe.ID, r.Assessment, r.Date}
					old[k] = append(old[k], r.Scores)
				}
			}
		}
	}
	var out []RubricResult
	for _, pa := range head.Partners {
		for _, pe := range pa.People {
			for _, r := range pe.Assessments {
				k := head.Assessment(r.Assessment)
				if r.Scores == nil || k == nil || !k.HasRubric() || sameScores(old[key{pa.ID, pe.ID, r.Assessment, r.Date}], r.Scores) {
					continue
				}
				out = append(out, RubricResult{Partner: pa.ID, Person: pe.ID, Assessment: k.ID, Date: r.Date,
					Total: k.Total(r.Scores), Max: k.MaxTotal(), Pass: k.Pass, Met: k.Shortfall(r.Scores) == ""})
			}
		}
	}
	return out
}

func sameScores(olds []map[string]int, s map[string]int) bool {
	for _, o := range olds {
		if len(o) != len(s) {
			continue
		}
		same := true
		for c, v := range s {
			if w, ok := o[c]; !ok || w != v {
				same = false
				break
			}
		}
		if same {
			return true
		}
	}
	return false
}

func metWord(met bool) string {
	if met {
		return "met"
	}
	return "not met"
}

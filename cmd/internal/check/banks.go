package check

import (
	"strconv"

	"github.com/accredit/accredit/cmd/internal/program"
)

// banks checks question banks where a program keeps them: bank-size,
// bank-invalid for each question, bank-coverage per blueprint topic. The
// size rules are reported at line 1 of the bank; a bad question at its key.
// Size and coverage count active questions only: a retired question is
// kept as a record of what was asked, never drawn again. Its topic may
// have left the blueprint since (the usual reason to retire it), so only
// an active question's topic must be in the blueprint.
// It also reports an exam whose passing score is set nowhere.
func banks(c *Context) {
	if c.scoped {
		return
	}
	for _, e := range c.P.Exams {
		if l := c.P.Level(e.Level); l != nil && !e.HasPassingScore && !l.HasPassingScore {
			c.report(e.Src.At(""), "missing-field", "exam %q has no passing_score, and neither has its level %q", e.ID, l.ID)
		}
		if e.Bank != nil {
			c.bank(e, e.Bank)
		}
	}
}

func (c *Context) bank(e *program.Exam, b *program.Bank) {
	factor := c.P.Policy.BankFactor
	src := b.Src
	active := 0
	for _, q := range b.Questions {
		if q.Active() {
			active++
		}
	}
	if need := factor * e.Questions; active < need {
		c.report(src.At(""), "bank-size", "the bank of exam %q holds %d active questions; %d x %d questions = %d are required", e.ID, active, factor, e.Questions, need)
	}
	topics := map[string]int{}
	for _, t := range e.Blueprint {
		topics[t.Topic] = 0
	}
	for i, q := range b.Questions {
		at := "questions[" + strconv.Itoa(i) + "]"
		if _, ok := topics[q.Topic]; ok {
			if q.Active() {
				topics[q.Topic]++
			}
		} else if q.Active() && len(e.Blueprint) > 0 && q.Topic != "" {
			c.report(src.At(at+".topic"), "bank-invalid", "question %q: topic %q is not in the blueprint of exam %q", q.ID, q.Topic, e.ID)
		}
		if src.Has(at + ".choices") {
			if len(q.Choices) < 2 {
				c.report(src.At(at+".choices"), "bank-invalid", "question %q has %d choices: at least 2 are required", q.ID, len(q.Choices))
			}
			seen := map[string]bool{}
			for _, ch := range q.Choices {
				if seen[ch] {
					c.report(src.At(at+".choices"), "bank-invalid", "question %q repeats the choice %q", q.ID, ch)
					break
				}
				seen[ch] = true
			}
		}
		if src.Has(at+".answer") && len(q.Choices) > 0 && (q.Answer < 0 || q.Answer >= len(q.Choices)) {
			c.report(src.At(at+".answer"), "bank-invalid", "question %q: answer %d is not an index of its %d choices (0 to %d)", q.ID, q.Answer, len(q.Choices), len(q.Choices)-1)
		}
	}
	for _, t := range e.Blueprint {
		// ceil(factor x questions x weight / 100)
		need := (factor*e.Questions*t.Weight + 99) / 100
		if got := topics[t.Topic]; got < need {
			c.report(src.At(""), "bank-coverage", "topic %q of exam %q holds %d active questions; its weight of %d %% needs %d", t.Topic, e.ID, got, t.Weight, need)
		}
	}
}

package exam

import (
	"cmp"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"

	"github.com/accredit/accredit/cmd/internal/program"
)

// MaxForms bounds --forms: far above any real use, far below a folder
// nobody could import.
const MaxForms = 10000

// A Drawing is the forms drawn from one exam's bank with one seed.
type Drawing struct {
	Exam   *program.Exam
	Bank   *program.Bank
	Seed   uint64
	Topics []Share // the blueprint, with each topic's count per form
	Forms  []*Form
}

// Share is a blueprint topic and how many questions of it each form asks.
type Share struct {
	Topic   string
	Weight  int
	PerForm int
}

// A Form is one version of the exam: its questions grouped by blueprint
// topic, in blueprint order.
type Form struct {
	Number    int // from 1
	Questions []*program.Question
}

// Draw draws n forms of exam e from bank b with a PCG generator seeded
// with (seed, 0), so that the same bank and seed always give the same
// forms. Every form asks e.Questions questions, each topic's count within
// one question of weight x questions / 100; no question appears twice on
// a form; retired questions are never drawn; and across the n forms each
// active question of a topic is used as evenly as possible: the number of
// forms any two of them appear on differs by at most one.
//
// It returns an error, and no forms, when a topic holds fewer active
// questions than one form needs, or the blueprint cannot be followed.
func Draw(e *program.Exam, b *program.Bank, n int, seed uint64) (*Drawing, error) {
	if n < 1 || n > MaxForms {
		return nil, fmt.Errorf("the number of forms must be between 1 and %d, not %d", MaxForms, n)
	}
	if b == nil {
		return nil, fmt.Errorf("exam %q has no question bank (programs/exams/%s.bank.toml)", e.ID, e.ID)
	}
	shares, err := Shares(e)
	if err != nil {
		return nil, err
	}
	pools := make([]pool, len(shares))
	byTopic := map[string]int{}
	for i, s := range shares {
		byTopic[s.Topic] = i
	}
	for _, q := range b.Questions {
		if !q.Active() {
			continue
		}
		i, ok := byTopic[q.Topic]
		if len(e.Blueprint) == 0 {
			i, ok = 0, true // no blueprint: the whole bank is one topic
		}
		if ok {
			pools[i].qs = append(pools[i].qs, q)
		}
	}
	var short []error
	for i, s := range shares {
		if len(pools[i].qs) < s.PerForm {
			short = append(short, fmt.Errorf("topic %q holds %d active questions; each form of exam %q asks %d of it", s.Topic, len(pools[i].qs), e.ID, s.PerForm))
		}
		pools[i].reset()
	}
	if len(short) > 0 {
		return nil, errors.Join(short...)
	}
	r := rand.New(rand.NewPCG(seed, 0))
	d := &Drawing{Exam: e, Bank: b, Seed: seed, Topics: shares, Forms: make([]*Form, n)}
	for f := range d.Forms {
		form := &Form{Number: f + 1, Questions: make([]*program.Question, 0, e.Questions)}
		for i, s := range shares {
			form.Questions = pools[i].take(r, s.PerForm, form.Questions)
		}
		d.Forms[f] = form
	}
	return d, nil
}

// Shares returns the exam's blueprint with each topic's count per form:
// the floor of weight x questions / 100, and one more for the topics with
// the largest remainders (the first in blueprint order on a tie) until the
// counts add up to the exam's length. Each count is then within one
// question of its exact share. An exam without a blueprint is one topic,
// "", of weight 100.
func Shares(e *program.Exam) ([]Share, error) {
	if e.Questions < 1 {
		return nil, fmt.Errorf("exam %q asks %d questions", e.ID, e.Questions)
	}
	if len(e.Blueprint) == 0 {
		return []Share{{Weight: 100, PerForm: e.Questions}}, nil
	}
	shares := make([]Share, len(e.Blueprint))
	rems := make([]int, len(e.Blueprint))
	sum, left := 0, e.Questions
	for i, t := range e.Blueprint {
		if t.Weight < 1 || t.Weight > 100 {
			return nil, fmt.Errorf("exam %q: topic %q has weight %d", e.ID, t.Topic, t.Weight)
		}
		sum += t.Weight
		shares[i] = Share{Topic: t.Topic, Weight: t.Weight, PerForm: t.Weight * e.Questions / 100}
		rems[i] = t.Weight * e.Questions % 100
		left -= shares[i].PerForm
	}
	if sum != 100 {
		return nil, fmt.Errorf("the blueprint of exam %q has weights adding up to %d, not 100", e.ID, sum)
	}
	order := make([]int, len(shares))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(rems[b], rems[a]) })
	for _, i := range order[:left] {
		shares[i].PerForm++
	}
	return shares, nil
}

// pool is one topic's active questions, split by how many forms each has
// been drawn onto so far: low at some count m, high at m+1. Drawing from
// low first keeps every two questions within one use of each other.
type pool struct {
	qs        []*program.Question
	low, high []int // indexes into qs
}

func (p *pool) reset() {
	p.low = make([]int, len(p.qs))
	for i := range p.low {
		p.low[i] = i
	}
	p.high = nil
}

// take appends c distinct questions to form, c <= len(p.qs): all of low
// when c reaches past it (everyone is then at m+1, and the rest comes from
// those not yet on this form), else c of low chosen at random.
func (p *pool) take(r *rand.Rand, c int, form []*program.Question) []*program.Question {
	start := len(form)
	var first []int
	if c >= len(p.low) {
		first = p.low
		for _, i := range first {
			form = append(form, p.qs[i])
		}
		c -= len(first)
		p.low, p.high = p.high, nil
	}
	// A partial Fisher-Yates shuffle: the first c of low, chosen at random.
	for i := range c {
		j := i + r.IntN(len(p.low)-i)
		p.low[i], p.low[j] = p.low[j], p.low[i]
		form = append(form, p.qs[p.low[i]])
	}
	p.high = append(p.high, p.low[:c]...)
	p.low = append(p.low[c:], first...)
	if len(p.low) == 0 {
		p.low, p.high = p.high, nil
	}
	// Within its topic a form's questions come in random order, not in
	// the order they were drawn (which puts the least used first).
	mine := form[start:]
	r.Shuffle(len(mine), func(i, j int) { mine[i], mine[j] = mine[j], mine[i] })
	return form
}

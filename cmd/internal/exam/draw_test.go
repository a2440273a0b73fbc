package exam

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/accredit/accredit/cmd/internal/load"
	"github.com/accredit/accredit/cmd/internal/program"
)

// exampleExams loads the example program's exams that keep a bank.
func exampleExams(t testing.TB) []*program.Exam {
	t.Helper()
	p, _, err := load.LoadWith("../../..", load.Options{Only: func(string, string) bool { return false }})
	if err != nil {
		t.Fatal(err)
	}
	var exams []*program.Exam
	for _, e := range p.Exams {
		if e.Bank != nil {
			exams = append(exams, e)
		}
	}
	if len(exams) < 2 {
		t.Fatalf("the example has %d exams with a bank, want at least 2", len(exams))
	}
	return exams
}

func TestShares(t *testing.T) {
	for _, tc := range []struct {
		questions int
		weights   []int
		want      []int
	}{
		{40, []int{25, 20, 20, 20, 15}, []int{10, 8, 8, 8, 6}},
		// 12.5 and 7.5: the tie goes to the first in blueprint order.
		{50, []int{20, 20, 25, 20, 15}, []int{10, 10, 13, 10, 7}},
		{7, []int{33, 33, 34}, []int{2, 2, 3}},
		{3, []int{10, 10, 80}, []int{0, 0, 3}}, // 0.3, 0.3, 2.4: the largest remainder is 40
		{1, []int{50, 50}, []int{1, 0}},
		{10, []int{100}, []int{10}},
	} {
		e := &program.Exam{ID: "x", Questions: tc.questions}
		for i, w := range tc.weights {
			e.Blueprint = append(e.Blueprint, &program.Topic{Topic: fmt.Sprint("t", i), Weight: w})
		}
		shares, err := Shares(e)
		if err != nil {
			t.Fatal(err)
		}
		var got []int
		sum := 0
		for i, s := range shares {
			got = append(got, s.PerForm)
			sum += s.PerForm
			exact := float64(tc.weights[i]*tc.questions) / 100
			if d := float64(s.PerForm) - exact; d <= -1 || d >= 1 {
				t.Errorf("%d questions, weights %v: topic %d asks %d, exact share %.2f", tc.questions, tc.weights, i, s.PerForm, exact)
			}
		}
		if !slices.Equal(got, tc.want) || sum != tc.questions {
			t.Errorf("%d questions, weights %v: %v, want %v", tc.questions, tc.weights, got, tc.want)
		}
	}
	bad := &program.Exam{ID: "x", Questions: 10, Blueprint: []*program.Topic{{Topic: "a", Weight: 60}, {Topic: "b", Weight: 60}}}
	if _, err := Shares(bad); err == nil || !strings.Contains(err.Error(), "adding up to 120") {
		t.Errorf("weights adding up to 120: %v", err)
	}
}

// TestDrawExample draws forms from the example's banks and checks what
// the issue asks of them.
func TestDrawExample(t *testing.T) {
	for _, e := range exampleExams(t) {
		for _, n := range []int{1, 3, 7} {
			t.Run(fmt.Sprintf("%s/%d", e.ID, n), func(t *testing.T) {
				d, err := Draw(e, e.Bank, n, 20261205)
				if err != nil {
					t.Fatal(err)
				}
				checkDrawing(t, d, n)
				again, _ := Draw(e, e.Bank, n, 20261205)
				if !slices.Equal(formIDs(d), formIDs(again)) {
					t.Error("the same seed drew different forms")
				}
				other, _ := Draw(e, e.Bank, n, 20261206)
				if slices.Equal(formIDs(d), formIDs(other)) {
					t.Error("another seed drew the same forms")
				}
			})
		}
	}
}

// checkDrawing checks a drawing's n forms: length, blueprint counts
// within one of weight x length, no retired or repeated question, and
// each topic's questions used within one form of each other.
func checkDrawing(t *testing.T, d *Drawing, n int) {
	t.Helper()
	e := d.Exam
	if len(d.Forms) != n {
		t.Fatalf("%d forms, want %d", len(d.Forms), n)
	}
	uses := map[*program.Question]int{}
	for _, f := range d.Forms {
		if len(f.Questions) != e.Questions {
			t.Errorf("form %d asks %d questions, want %d", f.Number, len(f.Questions), e.Questions)
		}
		perTopic := map[string]int{}
		seen := map[*program.Question]bool{}
		for _, q := range f.Questions {
			if !q.Active() {
				t.Errorf("form %d asks retired question %s", f.Number, q.ID)
			}
			if seen[q] {
				t.Errorf("form %d asks %s twice", f.Number, q.ID)
			}
			seen[q] = true
			uses[q]++
			perTopic[q.Topic]++
		}
		for _, bt := range e.Blueprint {
			exact := float64(bt.Weight*e.Questions) / 100
			if got := float64(perTopic[bt.Topic]); got <= exact-1 || got >= exact+1 {
				t.Errorf("form %d asks %v questions of %s; weight %d x %d = %.2f", f.Number, got, bt.Topic, bt.Weight, e.Questions, exact)
			}
		}
	}
	lo, hi := map[string]int{}, map[string]int{}
	for _, q := range d.Bank.Active() {
		u := uses[q]
		if l, ok := lo[q.Topic]; !ok || u < l {
			lo[q.Topic] = u
		}
		hi[q.Topic] = max(hi[q.Topic], u)
	}
	for topic := range lo {
		if hi[topic]-lo[topic] > 1 {
			t.Errorf("topic %s: questions used on %d to %d forms, want within one", topic, lo[topic], hi[topic])
		}
	}
}

func formIDs(d *Drawing) []string {
	var ids []string
	for _, f := range d.Forms {
		for _, q := range f.Questions {
			ids = append(ids, q.ID)
		}
		ids = append(ids, "|")
	}
	return ids
}

// TestDrawRetired: the example's retired questions are never drawn, even
// across many forms that use every active question several times.
func TestDrawRetired(t *testing.T) {
	retired := 0
	for _, e := range exampleExams(t) {
		d, err := Draw(e, e.Bank, 50, 1)
		if err != nil {
			t.Fatal(err)
		}
		used := map[string]bool{}
		for _, f := range d.Forms {
			for _, q := range f.Questions {
				used[q.ID] = true
			}
		}
		for _, q := range e.Bank.Questions {
			switch {
			case !q.Active():
				retired++
				if used[q.ID] {
					t.Errorf("%s: retired question %s drawn", e.ID, q.ID)
				}
			case !used[q.ID]:
				t.Errorf("%s: active question %s never drawn in 50 forms", e.ID, q.ID)
			}
		}
	}
	if retired == 0 {
		t.Error("the example's banks retire no question")
	}
}

// TestDrawRandom draws from random banks and blueprints, including topics
// whose every question each form needs, and banks without a blueprint.
func TestDrawRandom(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 7))
	for i := range 300 {
		e, b := randomBank(r)
		n := 1 + r.IntN(12)
		d, err := Draw(e, b, n, r.Uint64())
		if err != nil {
			t.Fatalf("case %d: %v", i, err)
		}
		checkDrawing(t, d, n)
	}
}

// randomBank is an exam of 1 to 30 questions with 0 to 5 topics and a bank
// holding, per topic, between exactly what a form needs and four times it,
// with some retired questions besides.
func randomBank(r *rand.Rand) (*program.Exam, *program.Bank) {
	e := &program.Exam{ID: "random", Title: "Random", Questions: 1 + r.IntN(30), DurationMinutes: 30}
	topics := r.IntN(6)
	left := 100
	for i := range topics {
		w := left
		if i < topics-1 {
			w = 1 + r.IntN(left-(topics-1-i))
		}
		left -= w
		e.Blueprint = append(e.Blueprint, &program.Topic{Topic: fmt.Sprint("topic-", i), Weight: w})
	}
	shares, _ := Shares(e)
	b := &program.Bank{}
	for _, s := range shares {
		for range s.PerForm + r.IntN(3*s.PerForm+2) {
			q := &program.Question{ID: fmt.Sprint("q", len(b.Questions)), Topic: s.Topic, Text: "?", Choices: []string{"a", "b"}, Status: program.QuestionActive}
			if r.IntN(5) == 0 {
				b.Questions = append(b.Questions, &program.Question{ID: q.ID + "-old", Topic: s.Topic, Text: "?", Choices: []string{"a", "b"}, Status: program.QuestionRetired})
			}
			b.Questions = append(b.Questions, q)
		}
	}
	e.Bank = b
	return e, b
}

func TestDrawShort(t *testing.T) {
	e := &program.Exam{ID: "x", Questions: 4, Blueprint: []*program.Topic{{Topic: "a", Weight: 50}, {Topic: "b", Weight: 50}}}
	b := &program.Bank{Questions: []*program.Question{
		{ID: "1", Topic: "a"}, {ID: "2", Topic: "a"}, {ID: "3", Topic: "b"},
		{ID: "4", Topic: "b", Status: program.QuestionRetired},
	}}
	_, err := Draw(e, b, 2, 1)
	if err == nil || !strings.Contains(err.Error(), `topic "b" holds 1 active questions; each form of exam "x" asks 2 of it`) {
		t.Errorf("a topic short of questions: %v", err)
	}
	for _, n := range []int{0, -1, MaxForms + 1} {
		if _, err := Draw(e, b, n, 1); err == nil {
			t.Errorf("%d forms drawn", n)
		}
	}
	if _, err := Draw(e, nil, 1, 1); err == nil {
		t.Error("drawn from no bank")
	}
}

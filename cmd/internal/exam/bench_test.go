package exam

import (
	"fmt"
	"path/filepath"
	"testing"

	"github.com/accredit/accredit/cmd/internal/program"
)

// bigBank is a 100-question exam over five topics with a bank of 1,000
// questions (plus 50 retired), the size of the figure.
func bigBank() (*program.Exam, *program.Bank) {
	e := &program.Exam{ID: "big", Title: "Big exam", Questions: 100, DurationMinutes: 120}
	weights := []int{25, 20, 20, 20, 15}
	for i, w := range weights {
		e.Blueprint = append(e.Blueprint, &program.Topic{Topic: fmt.Sprint("topic-", i), Weight: w})
	}
	b := &program.Bank{}
	for i := range 1050 {
		q := &program.Question{
			ID:      fmt.Sprintf("q-%04d", i),
			Topic:   e.Blueprint[i%len(weights)].Topic,
			Text:    fmt.Sprintf("Which of these statements about feature %d of the product is accurate for a first customer conversation?", i),
			Choices: []string{"The first, rather long, plausible answer", "The second answer", "The third answer, also plausible", "None of the above"},
			Answer:  i % 4,
			Status:  program.QuestionActive,
		}
		if i%21 == 20 {
			q.Status = program.QuestionRetired
		}
		b.Questions = append(b.Questions, q)
	}
	e.Bank = b
	return e, b
}

// BenchmarkDraw: 100 forms from a 1,000-question bank, drawn and encoded
// as a QTI package in memory. The figure: at most 1 s.
func BenchmarkDraw(b *testing.B) {
	e, bank := bigBank()
	for b.Loop() {
		d, err := Draw(e, bank, 100, 1)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := d.QTI(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDrawWrite is what exam draw does after loading: draw, encode,
// write every file into a new folder and read it all back and check it.
func BenchmarkDrawWrite(b *testing.B) {
	e, bank := bigBank()
	n := 0
	for b.Loop() {
		d, err := Draw(e, bank, 100, 1)
		if err != nil {
			b.Fatal(err)
		}
		files, err := d.QTI()
		if err != nil {
			b.Fatal(err)
		}
		n++
		dir := filepath.Join(b.TempDir(), fmt.Sprint(n))
		if err := WriteDir(dir, files); err != nil {
			b.Fatal(err)
		}
		if err := d.Reread(dir, "qti", files); err != nil {
			b.Fatal(err)
		}
	}
}

// TestBigBank checks the benchmark's drawing as the example's are checked.
func TestBigBank(t *testing.T) {
	e, bank := bigBank()
	d, err := Draw(e, bank, 100, 1)
	if err != nil {
		t.Fatal(err)
	}
	checkDrawing(t, d, 100)
}

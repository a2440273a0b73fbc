package search

import (
	"strings"
	"sync"
	"unicode/utf8"
)

//go:generate go run ./internal/wbgen wordbreak_table.go

// A wbRun starts a run of code points of one word-break class: the low
// five bits are the UAX #29 Word_Break value (in wbgen's order: Other,
// Double_Quote, Single_Quote, Hebrew_Letter, CR, LF, Newline, Extend,
// Format, Katakana, ALetter, MidLetter, MidNum, MidNumLet, Numeric,
// ExtendNumLet, Regional_Indicator), then one bit each for the Hangul,
// Han and Hiragana scripts, which bleve's segmenter makes words of on
// their own.
type wbRun struct {
	first rune
	class uint8
}

// clientClasses is the word-break table as meta.bin carries it: pairs of
// (distance from the previous run's first code point, class).
func clientClasses() []int {
	out := make([]int, 0, 2*len(wbRuns))
	prev := rune(0)
	for _, r := range wbRuns {
		out = append(out, int(r.first-prev), int(r.class))
		prev = r.first
	}
	return out
}

var (
	foldsOnce sync.Once
	allFolds  map[string]string
)

// clientFolds is what bleve's ASCII folding does to every code point it
// changes, all of Unicode, so that the client folds any query as bleve
// does and not only the letters the documents hold. It is computed from
// the folder itself: every code point, each followed by a NUL (which
// folds to itself), in one pass.
func clientFolds() map[string]string {
	foldsOnce.Do(func() {
		var b strings.Builder
		b.Grow(5 << 20)
		for r := rune(0x80); r <= utf8.MaxRune; r++ {
			if utf8.ValidRune(r) {
				b.WriteRune(r)
				b.WriteByte(0)
			}
		}
		folded := strings.Split(foldString(b.String()), "\x00")
		allFolds = map[string]string{}
		i := 0
		for r := rune(0x80); r <= utf8.MaxRune; r++ {
			if !utf8.ValidRune(r) {
				continue
			}
			if s := string(r); folded[i] != s {
				allFolds[s] = folded[i]
			}
			i++
		}
	})
	return allFolds
}

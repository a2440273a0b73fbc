package search

import (
	"cmp"
	"math/rand/v2"
	"slices"
	"testing"
)

// top keeps the same documents, in the same order, as sorting them all
// (score descending, then document number) and taking the first n.
func TestTop(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, tc := range []struct{ docs, n, scores int }{
		{0, 10, 5}, {1, 10, 5}, {9, 10, 3}, {10, 10, 3}, {11, 10, 3}, {500, 10, 4}, {500, 10, 1000}, {50, 1, 2},
	} {
		var all, best []scored
		for d := range tc.docs {
			s := scored{doc: d, score: float64(r.IntN(tc.scores))}
			all = append(all, s)
		}
		r.Shuffle(len(all), func(i, j int) { all[i], all[j] = all[j], all[i] })
		for _, s := range all {
			best = top(best, s, tc.n)
		}
		slices.SortFunc(all, func(a, b scored) int { return cmp.Or(-cmp.Compare(a.score, b.score), cmp.Compare(a.doc, b.doc)) })
		want := all[:min(tc.n, len(all))]
		if !slices.Equal(best, want) {
			t.Errorf("%d docs, top %d: got %v, want %v", tc.docs, tc.n, best, want)
		}
	}
}

func TestStripComments(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"// head\nconst a = 1; // kept\n  // gone\nf();\n", "// head\nconst a = 1; // kept\nf();\n"},
		{"// head\n/**\n * doc\n */\nexport function f() {}\n", "// head\nexport function f() {}\n"},
		{"// head\n  /* one line */\nx();\n/*\n*/\ny();\n", "// head\nx();\ny();\n"},
		{"// head\nconst u = \"http://x\";\n", "// head\nconst u = \"http://x\";\n"},
		{"// head\n/* open\n still\n end */ \nz();", "// head\nz();"},
	} {
		if got := string(stripComments([]byte(tc.in))); got != tc.want {
			t.Errorf("stripComments(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func span(from, to int) []int {
	var out []int
	for d := from; d < to; d++ {
		out = append(out, d)
	}
	return out
}

// A common term pairs with the more common terms that go with it more
// than chance, not with one that holds all its documents (its own
// counts serve), and not with a rare term.
func TestPairTerms(t *testing.T) {
	defer func(old int, pairs int) { limits.inlineTuples, limits.pairs = old, pairs }(limits.inlineTuples, limits.pairs)
	limits.inlineTuples, limits.pairs = 5, 8
	mk := func(text string, docs []int) *term { return &term{text: text, docs: docs} }
	a := mk("a", span(0, 30))
	b := mk("b", span(0, 60))                           // holds all of a
	c := mk("c", span(20, 70))                          // 10 of a's: lift 0.67
	d := mk("d", append(span(0, 25), span(80, 100)...)) // 25 of a's: lift 1.85
	e := mk("e", append(span(0, 10), span(50, 90)...))  // 10 of a's
	r := mk("r", span(0, 2))                            // rare
	pairTerms([]*term{a, b, c, d, e, r}, 100)
	names := func(ts []*term) []string {
		var out []string
		for _, t := range ts {
			out = append(out, t.text)
		}
		return out
	}
	for _, tc := range []struct {
		t    *term
		want []string
	}{
		{a, []string{"d"}}, {c, []string{"b"}}, {r, nil},
	} {
		if got := names(tc.t.pairs); !slices.Equal(got, tc.want) {
			t.Errorf("%s pairs with %v, want %v", tc.t.text, got, tc.want)
		}
	}
	// The documents a shares with d, from d's bits.
	if got, want := d.within(a.union()), span(0, 25); !slices.Equal(got, want) {
		t.Errorf("a and d share %v, want %v", got, want)
	}
	limits.pairs = 0
	x := mk("x", span(0, 30))
	pairTerms([]*term{x, mk("y", append(span(0, 25), span(80, 100)...))}, 100)
	if len(x.pairs) != 0 {
		t.Errorf("with no pairs allowed, x pairs with %v", names(x.pairs))
	}
}

func TestCardGroup(t *testing.T) {
	for _, tc := range []struct{ docs, want int }{
		{0, CardGroup}, {21595, 16}, {CardFiles * 16, 16}, {CardFiles*16 + 1, 32}, {157012, 32}, {350000, 64},
	} {
		if got := cardGroup(tc.docs); got != tc.want {
			t.Errorf("cardGroup(%d) = %d, want %d", tc.docs, got, tc.want)
		}
	}
}

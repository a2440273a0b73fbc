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

package report

import (
	"math"
	"math/rand/v2"
	"testing"
)

func TestSpearman(t *testing.T) {
	for _, tc := range []struct {
		name   string
		xs, ys []float64
		want   float64
		ok     bool
	}{
		{"same order", []float64{1, 2, 3}, []float64{10, 20, 30}, 1, true},
		{"reversed", []float64{1, 2, 3, 4}, []float64{9, 7, 5, 1}, -1, true},
		// ys ranks 1, 2, 3.5, 5, 3.5: sxy 8, sxx 10, syy 9.5.
		{"ties", []float64{1, 2, 3, 4, 5}, []float64{5, 6, 7, 8, 7}, 8 / math.Sqrt(95), true},
		{"two pairs", []float64{1, 2}, []float64{1, 2}, 0, false},
		{"constant side", []float64{1, 2, 3}, []float64{4, 4, 4}, 0, false},
	} {
		got, ok := spearman(tc.xs, tc.ys)
		if ok != tc.ok || math.Abs(got-tc.want) > 1e-12 {
			t.Errorf("%s: spearman = %v, %v; want %v, %v", tc.name, got, ok, tc.want, tc.ok)
		}
	}
}

// Without ties, Spearman's rho is 1 - 6 sum(d^2) / (n (n^2 - 1)): the
// textbook formula checks the ranks and the Pearson sums.
func TestSpearmanFormula(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for range 200 {
		n := 3 + rng.IntN(30)
		xs, ys := rng.Perm(n), rng.Perm(n)
		fx, fy := make([]float64, n), make([]float64, n)
		d2 := 0.0
		for i := range n {
			fx[i], fy[i] = float64(xs[i])*1.5, float64(ys[i])-7
			d := float64(xs[i] - ys[i])
			d2 += d * d
		}
		want := 1 - 6*d2/float64(n*(n*n-1))
		got, ok := spearman(fx, fy)
		if !ok || math.Abs(got-want) > 1e-9 {
			t.Fatalf("n=%d: spearman = %v, want %v", n, got, want)
		}
	}
}

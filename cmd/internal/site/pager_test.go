package site

import (
	"slices"
	"testing"
)

// TestPagerWindow: the first and last page, two on each side of the
// current one, a gap (-1) for pages left out, never a gap of one page.
func TestPagerWindow(t *testing.T) {
	for _, tt := range []struct {
		i, n int
		want []int
	}{
		{0, 1, []int{0}},
		{0, 2, []int{0, 1}},
		{1, 2, []int{0, 1}},
		{0, 5, []int{0, 1, 2, 3, 4}}, // 3 would be a gap of one: shown
		{0, 7, []int{0, 1, 2, -1, 6}},
		{0, 8, []int{0, 1, 2, -1, 7}},
		{3, 8, []int{0, 1, 2, 3, 4, 5, 6, 7}},
		{4, 10, []int{0, 1, 2, 3, 4, 5, 6, -1, 9}},
		{500, 1021, []int{0, -1, 498, 499, 500, 501, 502, -1, 1020}},
		{1020, 1021, []int{0, -1, 1018, 1019, 1020}},
	} {
		if got := pagerWindow(tt.i, tt.n); !slices.Equal(got, tt.want) {
			t.Errorf("pagerWindow(%d, %d) = %v, want %v", tt.i, tt.n, got, tt.want)
		}
	}
}

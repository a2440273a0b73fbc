package diag

import "strings"

// Suggest returns the candidate closest to name, for a "did you mean": a
// name typed wrong by a letter or two ("chek", "globx", "technical-1O1",
// "specialities"), and "" when none is close. Close is an edit distance
// (insertions, deletions, substitutions and swaps of two neighbours) of
// at most one in three of name's characters, at least one, as the Go
// toolchain judges a mistyped command; a difference of case alone counts
// as close. Of equally close candidates the first in the list wins, so
// the answer does not depend on map order when the list is sorted.
func Suggest(name string, candidates []string) string {
	if name == "" {
		return ""
	}
	best, bestD := "", max(1, len([]rune(name))/3)+1
	for _, c := range candidates {
		if c == name || c == "" {
			continue
		}
		if strings.EqualFold(c, name) {
			return c
		}
		if d := distance(name, c, bestD); d < bestD {
			best, bestD = c, d
		}
	}
	return best
}

// DidYouMean returns `; did you mean "X"?` for Suggest's answer, or "".
func DidYouMean(name string, candidates []string) string {
	if s := Suggest(name, candidates); s != "" {
		return `; did you mean "` + s + `"?`
	}
	return ""
}

// distance is the optimal string alignment distance between a and b, by
// runes, lower-cased; any distance of limit or more is returned as limit,
// so a long candidate far from name costs little.
func distance(a, b string, limit int) int {
	ra, rb := []rune(strings.ToLower(a)), []rune(strings.ToLower(b))
	if d := len(ra) - len(rb); d >= limit || -d >= limit {
		return limit
	}
	// Three rows: the one before the previous is for swaps.
	prev2 := make([]int, len(rb)+1)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		rowMin := cur[0]
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			v := min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				v = min(v, prev2[j-2]+1)
			}
			cur[j] = v
			rowMin = min(rowMin, v)
		}
		if rowMin >= limit {
			return limit
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return min(prev[len(rb)], limit)
}

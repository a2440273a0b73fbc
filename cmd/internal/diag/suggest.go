package diag

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Suggest returns the candidate closest to name, for a "did you mean": a
// name typed wrong by a letter or two ("chek", "globx", "technical-1O1",
// "specialities"), and "" when none is close. Close is an edit distance
// (insertions, deletions, substitutions and swaps of two neighbours) of
// at most one in four of name's characters, at least one, as the Go
// toolchain judges a mistyped command; a difference of case alone counts
// as close. Of equally close candidates the first in the list wins, so
// the answer does not depend on map order when the list is sorted.
//
// It costs little per candidate (no allocation, and a comparison stops
// as soon as it cannot beat the best so far): a check of thousands of
// unknown ids against thousands of defined ones asks it often.
func Suggest(name string, candidates []string) string {
	if name == "" {
		return ""
	}
	var m matcher
	m.a = lowerRunes(m.a[:0], name)
	best, bestD := "", max(1, len(m.a)/4)+1
	for _, c := range candidates {
		if c == name || c == "" {
			continue
		}
		if n := utf8.RuneCountInString(c); n-len(m.a) >= bestD || len(m.a)-n >= bestD {
			continue
		}
		if strings.EqualFold(c, name) {
			return c
		}
		m.b = lowerRunes(m.b[:0], c)
		if d := m.distance(bestD); d < bestD {
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

func lowerRunes(dst []rune, s string) []rune {
	for _, r := range s {
		dst = append(dst, unicode.ToLower(r))
	}
	return dst
}

// matcher holds the two strings and the rows of one comparison, reused
// from candidate to candidate.
type matcher struct {
	a, b             []rune
	prev2, prev, cur []int
}

// distance is the optimal string alignment distance between m.a and
// m.b; any distance of limit or more is returned as limit.
func (m *matcher) distance(limit int) int {
	a, b := m.a, m.b
	if d := len(a) - len(b); d >= limit || -d >= limit {
		return limit
	}
	grow := func(s []int) []int {
		if cap(s) < len(b)+1 {
			return make([]int, len(b)+1)
		}
		return s[:len(b)+1]
	}
	// Three rows: the one before the previous is for swaps.
	m.prev2, m.prev, m.cur = grow(m.prev2), grow(m.prev), grow(m.cur)
	prev2, prev, cur := m.prev2, m.prev, m.cur
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		rowMin := cur[0]
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			v := min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
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
	return min(prev[len(b)], limit)
}

// distance is matcher.distance for two strings, for tests.
func distance(a, b string, limit int) int {
	var m matcher
	m.a, m.b = lowerRunes(nil, a), lowerRunes(nil, b)
	return m.distance(limit)
}

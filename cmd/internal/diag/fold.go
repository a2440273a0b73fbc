package diag

import (
	"cmp"
	"fmt"
	"slices"
)

// A Group is a diagnostic and the others that follow from its cause.
type Group struct {
	Diagnostic
	// Follow are the diagnostics of the same Cause after the first, in
	// the order they were given.
	Follow []Diagnostic
}

// Files is the number of files the group's diagnostics are in.
func (g Group) Files() int {
	files := map[string]bool{g.File: true}
	for _, d := range g.Follow {
		files[d.File] = true
	}
	return len(files)
}

// Note is the line the text format prints under a group's first
// diagnostic, "" for a diagnostic that stands alone.
func (g Group) Note() string {
	n := len(g.Follow)
	if n == 0 {
		return ""
	}
	what := plural(n, "error")
	if g.Severity == Warning {
		what = plural(n, "warning")
	}
	verb := "follow"
	if n == 1 {
		verb = "follows"
	}
	if f := g.Files(); f > 1 {
		return fmt.Sprintf("and %s that %s from it, in %s", what, verb, plural(f, "file"))
	}
	return fmt.Sprintf("and %s that %s from it", what, verb)
}

// Fold groups ds by Cause: each cause is shown once, at its first
// diagnostic in ds's order, with the count of the others, so that one
// missing definition reads as one problem and not as the hundreds of
// references to it. A diagnostic without a Cause is a group of its own.
func Fold(ds []Diagnostic) []Group {
	out := make([]Group, 0, len(ds))
	at := map[string]int{} // cause -> index in out
	for _, d := range ds {
		if d.Cause != "" {
			if i, ok := at[d.Cause]; ok {
				out[i].Follow = append(out[i].Follow, d)
				continue
			}
			at[d.Cause] = len(out)
		}
		out = append(out, Group{Diagnostic: d})
	}
	return out
}

// CausesFirst orders groups for a reader who should fix causes first: a
// file that could not be read (a syntax error, an unreadable file), then
// groups that others follow from, then the rest, each part in the order
// given. The error page of serve shows them so.
func CausesFirst(gs []Group) []Group {
	out := slices.Clone(gs)
	rank := func(g Group) int {
		switch {
		case g.Rule == "syntax" || g.Rule == "unreadable-file":
			return 0
		case len(g.Follow) > 0:
			return 1
		}
		return 2
	}
	slices.SortStableFunc(out, func(a, b Group) int { return cmp.Compare(rank(a), rank(b)) })
	return out
}

// Folded is the number of diagnostics Fold puts under another.
func Folded(ds []Diagnostic) int {
	n := 0
	seen := map[string]bool{}
	for _, d := range ds {
		if d.Cause != "" {
			if seen[d.Cause] {
				n++
			}
			seen[d.Cause] = true
		}
	}
	return n
}

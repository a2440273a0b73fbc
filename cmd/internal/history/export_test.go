package history

import "github.com/go-git/go-git/v5/plumbing"

// PackReads is how many objects the pack reader has resolved and keeps:
// tests check that packed repositories are read through it.
func PackReads(r *Repo) int {
	r.packs.mu.Lock()
	defer r.packs.mu.Unlock()
	return len(r.packs.cache)
}

// SplitWalks makes every walk use all cores, however short, and returns
// a function that restores the threshold.
func SplitWalks() func() {
	old := minRun
	minRun = 1
	return func() { minRun = old }
}

// ReadObject reads an object as the walk does: bounded and checked.
func ReadObject(r *Repo, h plumbing.Hash) (plumbing.ObjectType, []byte, error) {
	return r.object(h)
}

// ParseOnEveryCore makes every commit's files parsed on all cores, however
// few, and returns a function that restores the threshold.
func ParseOnEveryCore() func() {
	old := parallelChanges
	parallelChanges = 1
	return func() { parallelChanges = old }
}

// DiffsComputed is how many diffs the audits with a cache have computed
// so far (the rest they took from it).
func DiffsComputed() int64 { return auditStats.misses.Load() }

// DeferEveryDiff makes a full audit defer every diff (lean.go), so that
// every commit at or before the baseline is read lean, and returns a
// function that restores the threshold.
func DeferEveryDiff() func() {
	old := deferChanges
	deferChanges = 1
	return func() { deferChanges = old }
}

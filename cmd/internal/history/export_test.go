package history

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

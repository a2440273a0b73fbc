package load

import (
	"fmt"
	"sync"
	"sync/atomic"
)

// counts counts how the loads of a run found the people and partners the
// decode cache keeps, so that a fast path is never taken or left
// silently: ACCREDIT_STATS prints Stats.
type counts struct {
	unchanged, index, tree, read atomic.Int64

	mu       sync.Mutex
	indexErr error // why git's index was refused, if it was
}

var stats counts

func (c *counts) setIndexErr(err error) {
	c.mu.Lock()
	c.indexErr = err
	c.mu.Unlock()
}

// Stats says, for the loads of this run with a decode cache, how many
// people and partner files were taken from it by their unchanged size and
// time, by the blob id git's index vouched for, by their blob id in a git
// tree, and how many were read; and why git's index was refused, if it
// was. It is "" when no load used a cache.
func Stats() string {
	u, x, t, r := stats.unchanged.Load(), stats.index.Load(), stats.tree.Load(), stats.read.Load()
	if u+x+t+r == 0 {
		return ""
	}
	s := fmt.Sprintf("decode cache: %d files taken by their size and time, %d by git's index, %d by their blob in a git tree; %d read", u, x, t, r)
	stats.mu.Lock()
	defer stats.mu.Unlock()
	if stats.indexErr != nil {
		s += fmt.Sprintf("; git's index refused: %v", stats.indexErr)
	}
	return s
}

package history

import (
	"errors"
	"runtime"
	"sync"

	"github.com/go-git/go-git/v5/plumbing"
)

// Provenance says which commit made each credential what it is at a
// revision, by credential id.
type Provenance struct {
	Head    plumbing.Hash
	Granted map[string]*Commit // the commit that introduced the credential
	Revoked map[string]*Commit // the commit that set its current revoked date
	Waived  map[string]*Commit // the commit that set its current waive list
	Commits int                // commits read
}

// kinds of event.
const (
	granted = iota
	revoked
	waived
)

// event is one thing a commit did to a credential.
type event struct {
	kind  int
	id    string
	value string // the revoked date or waive list set
}

// link is one commit of a walk.
type link struct {
	hash    plumbing.Hash
	tree    plumbing.Hash
	parents []plumbing.Hash
	who     *Commit
}

// walker holds what one provenance walk shares.
type walker struct {
	r    *Repo
	main map[plumbing.Hash]bool // the first-parent chain of the head
	*worker
}

// worker is what one goroutine of a walk keeps: the trees of its last
// diffs, and the certifications of the blobs it has read.
type worker struct {
	trees  treeCache
	parsed map[plumbing.Hash][]grant
}

func newWorker() *worker { return &worker{parsed: map[plumbing.Hash][]grant{}} }

// maxMergeDepth bounds how deep provenance follows merges of merges.
const maxMergeDepth = 8

// Provenance walks the first-parent history of rev (usually "HEAD") once
// and attributes every credential, revocation and waiver in it.
func (r *Repo) Provenance(rev string) (*Provenance, error) {
	head, err := r.Resolve(rev)
	if err != nil {
		return nil, err
	}
	w := &walker{r: r, main: map[plumbing.Hash]bool{}, worker: newWorker()}
	chain, err := w.chain(head, nil)
	if err != nil {
		return nil, err
	}
	p := &Provenance{Head: head, Granted: map[string]*Commit{}, Revoked: map[string]*Commit{}, Waived: map[string]*Commit{}, Commits: len(chain)}
	for _, l := range chain {
		w.main[l.hash] = true
	}
	all, err := w.allEvents(chain)
	if err != nil {
		return nil, err
	}
	maps := [3]map[string]*Commit{p.Granted, p.Revoked, p.Waived}
	// Newest first: the first commit seen to do something to a credential
	// is the latest to have done it, the one that stands at the head.
	for i, l := range chain {
		evs := all[i]
		var todo []event
		for _, ev := range evs {
			if _, done := maps[ev.kind][ev.id]; !done {
				todo = append(todo, ev)
			}
		}
		if len(todo) == 0 {
			continue
		}
		who, err := w.attribute(l, todo, 0)
		if err != nil {
			return nil, err
		}
		for i, ev := range todo {
			maps[ev.kind][ev.id] = who[i]
		}
	}
	return p, nil
}

// chain reads the first-parent chain from h, newest first, up to the end
// of history or to a commit for which stop is true (not included).
func (w *walker) chain(h plumbing.Hash, stop func(plumbing.Hash) bool) ([]*link, error) {
	var out []*link
	for !h.IsZero() {
		if stop != nil && stop(h) {
			break
		}
		l, err := w.link(h)
		if err != nil {
			return nil, err
		}
		out = append(out, l)
		if len(l.parents) == 0 {
			break
		}
		if w.r.shallow[h] {
			return nil, &IncompleteError{Commit: h, Shallow: true, Err: ErrIncomplete}
		}
		h = l.parents[0]
	}
	return out, nil
}

// minRun is the fewest commits worth a goroutine of their own.
var minRun = 64

// allEvents diffs every commit of the chain with its first parent, on
// all cores: each goroutine takes a run of consecutive commits, so that
// the tree it read for one commit serves again as the next one's parent.
func (w *walker) allEvents(chain []*link) ([][]event, error) {
	all := make([][]event, len(chain))
	n := min(runtime.GOMAXPROCS(0), max(1, len(chain)/minRun))
	errs := make([]error, n)
	var wg sync.WaitGroup
	for k := range n {
		lo, hi := k*len(chain)/n, (k+1)*len(chain)/n
		wg.Go(func() {
			wk := newWorker()
			for i := lo; i < hi; i++ {
				parent := plumbing.ZeroHash
				if i+1 < len(chain) {
					parent = chain[i+1].tree
				}
				evs, err := w.events(wk, parent, chain[i].tree)
				if err != nil {
					errs[k] = err
					return
				}
				all[i] = evs
			}
		})
	}
	wg.Wait()
	return all, errors.Join(errs...)
}

// link reads one commit: from the packs with a light parse, or with go-git.
func (w *walker) link(h plumbing.Hash) (*link, error) {
	if b, ok, err := w.r.fromPack(plumbing.CommitObject, h); ok && err == nil {
		if tree, parents, who, err := parseCommit(h, b); err == nil {
			return &link{hash: h, tree: tree, parents: parents, who: who}, nil
		}
	}
	c, err := w.r.commitObject(h)
	if err != nil {
		return nil, err
	}
	return &link{hash: h, tree: c.TreeHash, parents: c.ParentHashes, who: info(c)}, nil
}

// events lists what the change from tree a to tree b did to credentials.
// Only the person files that differ are read, so a credential moving to
// another file (a person changing partner) is no event.
func (w *walker) events(wk *worker, a, b plumbing.Hash) ([]event, error) {
	changes, err := w.r.diffRoots(a, b, people, &wk.trees)
	if err != nil || len(changes) == 0 {
		return nil, err
	}
	before, after := map[string]grant{}, map[string]grant{}
	var order []string
	for _, c := range changes {
		gs, err := wk.parse(w.r, c.from)
		if err != nil {
			return nil, err
		}
		for _, g := range gs {
			before[g.id] = g
		}
		if gs, err = wk.parse(w.r, c.to); err != nil {
			return nil, err
		}
		for _, g := range gs {
			if _, dup := after[g.id]; !dup {
				order = append(order, g.id)
			}
			after[g.id] = g
		}
	}
	var evs []event
	for _, id := range order {
		g := after[id]
		old, had := before[id]
		if !had {
			evs = append(evs, event{kind: granted, id: id})
		}
		if g.revoked != "" && (!had || old.revoked != g.revoked) {
			evs = append(evs, event{kind: revoked, id: id, value: g.revoked})
		}
		if g.waive != "" && (!had || old.waive != g.waive) {
			evs = append(evs, event{kind: waived, id: id, value: g.waive})
		}
	}
	return evs, nil
}

// parse scans a blob's certifications, once per blob and worker.
func (wk *worker) parse(r *Repo, h plumbing.Hash) ([]grant, error) {
	if h.IsZero() {
		return nil, nil
	}
	if gs, ok := wk.parsed[h]; ok {
		return gs, nil
	}
	b, err := r.raw(plumbing.BlobObject, h)
	if err != nil {
		return nil, err
	}
	gs := scanPerson(b)
	wk.parsed[h] = gs
	return gs, nil
}

// attribute returns the commit that made each event of commit l. For an
// ordinary commit that is l itself. A merge brings in the work of its
// other parents: each event is traced along their first-parent chains
// (down to the main line) to the commit that made it, so a grant
// authored on a branch is its author's, not the merger's. What no
// branch commit did (a conflict resolution) stays the merge's.
func (w *walker) attribute(l *link, evs []event, depth int) ([]*Commit, error) {
	who := make([]*Commit, len(evs))
	if len(l.parents) > 1 && depth < maxMergeDepth {
		for _, p := range l.parents[1:] {
			side, err := w.chain(p, func(h plumbing.Hash) bool { return w.main[h] })
			if err != nil {
				return nil, err
			}
			for i, s := range side {
				parent := plumbing.ZeroHash
				if i+1 < len(side) {
					parent = side[i+1].tree
				} else if len(s.parents) > 0 {
					pl, err := w.link(s.parents[0])
					if err != nil {
						return nil, err
					}
					parent = pl.tree
				}
				sevs, err := w.events(w.worker, parent, s.tree)
				if err != nil {
					return nil, err
				}
				var idx []int
				var mine []event
				for i, ev := range evs {
					if who[i] == nil && contains(sevs, ev) {
						idx = append(idx, i)
						mine = append(mine, ev)
					}
				}
				if len(mine) == 0 {
					continue
				}
				sub, err := w.attribute(s, mine, depth+1)
				if err != nil {
					return nil, err
				}
				for k, i := range idx {
					who[i] = sub[k]
				}
			}
		}
	}
	for i := range who {
		if who[i] == nil {
			who[i] = l.who
		}
	}
	return who, nil
}

func contains(evs []event, ev event) bool {
	for _, e := range evs {
		if e == ev {
			return true
		}
	}
	return false
}

package history

import (
	"errors"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/go-git/go-git/v5/plumbing"
)

// Provenance says which commit made each credential what it is at a
// revision, by credential id.
type Provenance struct {
	Head    plumbing.Hash
	Granted map[string]*Commit // the commit that introduced the credential
	Revoked map[string]*Commit // the commit that set its current revoked date
	Waived  map[string]*Commit // the commit that set its current waive list
	// Imported holds the credentials the repository held at the audit's
	// baseline ([audit] since): recorded at import, not granted in git.
	Imported map[string]bool
	Commits  int // commits read
}

// event is one key that a commit set or removed (keys.go names keys).
type event struct {
	key  string
	val  string // the value set; "" when gone
	gone bool
	role role   // the role that may make this change
	file string // the file the key is in (or was, when gone)
	from string // the file it was in, when that was another (a move)
}

// same reports whether two events make the same change.
func (e event) same(o event) bool { return e.key == o.key && e.val == o.val && e.gone == o.gone }

// link is one commit of a walk.
type link struct {
	hash    plumbing.Hash
	tree    plumbing.Hash
	parents []plumbing.Hash
	who     *Commit
	// changes, in a full audit, are the files of a diff too large to
	// read before the baseline is known (lean.go): only
	// programs/program.toml's events were read, and the rest wait.
	changes []change
}

// walker holds what one walk shares.
type walker struct {
	r     *Repo
	main  map[plumbing.Hash]bool // the first-parent chain of the head
	cache *eventCache            // nil: every diff computed
	// deferBig makes the walk leave the keys of its large diffs for
	// later (lean.go): a full audit, which knows its baseline only once
	// every commit's programs/program.toml is read.
	deferBig bool
	*worker
}

// worker is what one goroutine of a walk keeps: the trees and the keys of
// the blobs of its last two diffs. A walk diffs each commit with its
// parent, so what one diff read as the parent's is read again by the
// next as the commit's; older generations are let go, or the keys of
// every version of every file would stay in memory.
type worker struct {
	trees        treeCache
	parsed, prev map[blobKey][]value
	// before and after are the scratch maps of a diff, cleared and
	// reused by the next: a walk diffs by the ten thousand.
	before, after map[string]value
}

type blobKey struct {
	hash    plumbing.Hash
	special bool
	file    string
}

func newWorker() *worker { return &worker{parsed: map[blobKey][]value{}} }

// turn starts a new generation of parsed blobs, forgetting the oldest.
func (wk *worker) turn() {
	wk.prev, wk.parsed = wk.parsed, reuse(wk.prev)
}

// maxReused bounds the maps a worker clears and reuses: clearing a map
// costs its capacity, and one diff of thousands of files (a program's
// first commit) must not make every later diff pay for it. A map only
// grows between two clears, so one as long as this when cleared never
// was longer.
const maxReused = 512

// reuse returns m cleared, or a new map when m is nil or large.
func reuse[K comparable, V any](m map[K]V) map[K]V {
	if m == nil || len(m) > maxReused {
		return map[K]V{}
	}
	clear(m)
	return m
}

// reuseFor is reuse for a map about to hold n entries: one past what a
// reused map holds is made at that size.
func reuseFor[K comparable, V any](m map[K]V, n int) map[K]V {
	if n > maxReused {
		return make(map[K]V, n)
	}
	return reuse(m)
}

// maxMergeDepth bounds how deep provenance follows merges of merges.
const maxMergeDepth = 8

// Provenance walks the first-parent history of rev (usually "HEAD") once
// and attributes every credential, revocation and waiver in it.
func (r *Repo) Provenance(rev string) (*Provenance, error) {
	res, err := r.Audit(AuditOptions{Head: rev})
	if err != nil {
		return nil, err
	}
	return res.Prov, nil
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

// minRun is how many consecutive commits a goroutine of a walk diffs at
// a time: the tree it read for one commit serves again as the next one's
// parent, and only the first of a run is read cold.
var minRun = 256

// job is a run of consecutive commits of the first-parent chain, newest
// first, with the parent of the last when it has one (links is then one
// longer than evs); a goroutine fills evs.
type job struct {
	links []*link
	evs   [][]event
}

// walk reads the first-parent chain from head, newest first, to the end
// of history (as chain does), and diffs every commit with its first
// parent as it goes: the chain is read on one goroutine and handed out in
// runs to the others, on all cores, a run at a time, so that reading the
// chain and diffing overlap, and a goroutine that the machine's other
// work holds back leaves more runs to the others.
func (w *walker) walk(head plumbing.Hash) ([]*link, [][]event, error) {
	return w.walkSkipping(head, nil)
}

// walkSkipping is walk that leaves the events of the commits for which
// skip is true unread (nil): the caller reads them later, in part.
func (w *walker) walkSkipping(head plumbing.Hash, skip func(*link) bool) ([]*link, [][]event, error) {
	jobs := make(chan *job, runtime.GOMAXPROCS(0))
	var (
		failed atomic.Bool
		mu     sync.Mutex
		errs   []error
		wg     sync.WaitGroup
	)
	fail := func(err error) {
		mu.Lock()
		errs = append(errs, err)
		mu.Unlock()
		failed.Store(true)
	}
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			wk := newWorker()
			for j := range jobs {
				for i := range j.evs {
					if failed.Load() {
						break
					}
					if skip != nil && skip(j.links[i]) {
						continue
					}
					parent := plumbing.ZeroHash
					if i+1 < len(j.links) {
						parent = j.links[i+1].tree
					}
					evs, err := w.walkEvents(wk, parent, j.links[i])
					if err != nil {
						fail(err)
						break
					}
					j.evs[i] = evs
				}
			}
		})
	}
	// The links sent in a job are never written again: the chain only
	// grows past them.
	var chain []*link
	var sent []*job
	lo := 0
	send := func(last bool) {
		j := &job{links: chain[lo:len(chain):len(chain)]}
		n := len(j.links)
		if !last {
			n-- // the parent only
		}
		j.evs = make([][]event, n)
		sent = append(sent, j)
		lo += n
		jobs <- j
	}
	var err error
	for h := head; !h.IsZero() && !failed.Load(); {
		var l *link
		if l, err = w.link(h); err != nil {
			break
		}
		chain = append(chain, l)
		if len(chain)-lo > minRun {
			send(false)
		}
		if len(l.parents) == 0 {
			break
		}
		if w.r.shallow[h] {
			err = &IncompleteError{Commit: h, Shallow: true, Err: ErrIncomplete}
			break
		}
		h = l.parents[0]
	}
	if err == nil && lo < len(chain) {
		send(true)
	}
	close(jobs)
	wg.Wait()
	if err != nil {
		return nil, nil, err
	}
	if len(errs) > 0 {
		return nil, nil, errors.Join(errs...)
	}
	all := make([][]event, 0, len(chain))
	for _, j := range sent {
		all = append(all, j.evs...)
	}
	return chain, all, nil
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

// events lists the keys that the change from tree a to tree b set or
// removed, in a stable order: every file of the program that differs is
// read, before and after, and compared key by key.
func (w *walker) events(wk *worker, a, b plumbing.Hash) ([]event, error) {
	if evs, ok := w.cache.get(a, b); ok {
		return evs, nil // shared: no one writes a walk's events
	}
	evs, err := w.eventsOf(wk, a, b, nil)
	if err == nil {
		w.cache.put(a, b, evs)
	}
	return evs, err
}

// eventsOf is events of the changed files for which keep is true (all
// when keep is nil).
func (w *walker) eventsOf(wk *worker, a, b plumbing.Hash, keep func(string) bool) ([]event, error) {
	changes, err := w.r.diffRoots(a, b, audited, &wk.trees)
	if err != nil || len(changes) == 0 {
		return nil, err
	}
	if keep != nil {
		kept := changes[:0:0]
		for _, c := range changes {
			if keep(c.path) {
				kept = append(kept, c)
			}
		}
		changes = kept
	}
	return w.changeEvents(wk, changes, nil)
}

// changeEvents is eventsOf for the changed files listed, keeping only
// the keys keep keeps (all when it is nil, lean.go): the events
// are then those of every key, less the others.
func (w *walker) changeEvents(wk *worker, changes []change, keep *leanKeys) ([]event, error) {
	if len(changes) == 0 {
		return nil, nil
	}
	defer wk.turn()
	// Every side's values first: the maps are then made at their size.
	// A commit that adds a whole program (an import) has millions of
	// keys, and growing the maps to them was a third of its audit.
	from, to := make([][]value, len(changes)), make([][]value, len(changes))
	switch {
	case len(changes) >= parallelChanges:
		if err := w.valuesOnEveryCore(changes, from, to, keep); err != nil {
			return nil, err
		}
	case keep != nil: // the worker's parsed blobs are whole
		for i, c := range changes {
			var err error
			if from[i], err = blobValues(w.r, c.path, c.from, c.fromSpecial, keep); err != nil {
				return nil, err
			}
			if to[i], err = blobValues(w.r, c.path, c.to, c.toSpecial, keep); err != nil {
				return nil, err
			}
		}
	default:
		for i, c := range changes {
			var err error
			if from[i], err = wk.values(w.r, c.path, c.from, c.fromSpecial); err != nil {
				return nil, err
			}
			if to[i], err = wk.values(w.r, c.path, c.to, c.toSpecial); err != nil {
				return nil, err
			}
		}
	}
	nb, na := 0, 0
	for i := range changes {
		nb, na = nb+len(from[i]), na+len(to[i])
	}
	wk.before, wk.after = reuseFor(wk.before, nb), reuseFor(wk.after, na)
	return diffValues(wk.before, wk.after, from, to, keep), nil
}

// diffValues is the events of the changed files whose keys before and
// after are from and to (each file's, in the same order), in before and
// after, empty maps: each key's value on either side. A key in two files
// (a credential written twice) has the last file's value.
func diffValues(before, after map[string]value, from, to [][]value, keep *leanKeys) []event {
	na := 0
	for _, vs := range to {
		na += len(vs)
	}
	order := make([]string, 0, na)
	var gone []string
	for i := range from {
		for _, v := range from[i] {
			if _, dup := before[v.key]; !dup {
				gone = append(gone, v.key)
			}
			before[v.key] = v
		}
		for _, v := range to[i] {
			if _, dup := after[v.key]; !dup {
				order = append(order, v.key)
			}
			after[v.key] = v
		}
	}
	if keep != nil && keep.index != nil {
		indexCredentials(keep.index, from, to, before, after)
	}
	// The walk keeps every commit's events: a small commit's grow as
	// usual, to what its few changed keys need.
	var evs []event
	if len(order) >= parallelChanges {
		evs = make([]event, 0, len(order))
	}
	for _, k := range order {
		v := after[k]
		if old, had := before[k]; !had || old.val != v.val {
			e := event{key: k, val: v.val, role: v.role, file: v.file}
			if had && old.file != v.file {
				e.from = old.file
			}
			evs = append(evs, e)
		}
	}
	for _, k := range gone {
		if _, kept := after[k]; !kept {
			v := before[k]
			evs = append(evs, event{key: k, gone: true, role: v.role, file: v.file})
		}
	}
	textRoles(evs, before, after)
	return evs
}

// indexCredentials adds to index, for each credential the changed files
// hold (before or after), each file that holds it other than those its
// "@" event names: when "@" changed, the file it is in after and the
// one it was in before (the value of "@" is its file); when it did not,
// none.
func indexCredentials(index map[string][]string, from, to [][]value, before, after map[string]value) {
	for _, side := range [][][]value{from, to} {
		for _, vs := range side {
			for _, v := range vs {
				kind, id, sub := keyParts(v.key)
				if kind != 'c' || sub != "@" {
					continue
				}
				b, hadB := before[v.key]
				a, hadA := after[v.key]
				changed := hadA != hadB || a.val != b.val
				if changed && (hadA && v.file == a.file || hadB && v.file == b.file) {
					continue
				}
				if in := index[id]; !slices.Contains(in, v.file) {
					index[id] = append(in, v.file)
				}
			}
		}
	}
}

// textRoles gives each file's text event the roles of the keys the
// change made in that file; a change that no key shows (comments,
// spacing) needs every role the file's keys need.
func textRoles(evs []event, before, after map[string]value) {
	made := map[string]role{}
	for _, e := range evs {
		if e.key[0] != 't' {
			made[e.file] |= e.role
			if e.from != "" {
				made[e.from] |= e.role
			}
		}
	}
	var all map[string]role
	for i, e := range evs {
		if e.key[0] != 't' {
			continue
		}
		if r := made[e.file]; r != 0 {
			evs[i].role = r
			continue
		}
		if all == nil {
			all = map[string]role{}
			for _, m := range []map[string]value{before, after} {
				for _, v := range m {
					all[v.file] |= v.role
				}
			}
		}
		evs[i].role |= all[e.file]
	}
}

// values reads the keys of a blob, once per blob and worker.
func (wk *worker) values(r *Repo, file string, h plumbing.Hash, special bool) ([]value, error) {
	if h.IsZero() {
		return nil, nil
	}
	k := blobKey{h, special, file}
	if vs, ok := wk.parsed[k]; ok {
		return vs, nil
	}
	if vs, ok := wk.prev[k]; ok {
		wk.parsed[k] = vs
		return vs, nil
	}
	vs, err := blobValues(r, file, h, special, nil)
	if err != nil {
		return nil, err
	}
	wk.parsed[k] = vs
	return vs, nil
}

// blobValues reads a version of a file and returns its values.
func blobValues(r *Repo, file string, h plumbing.Hash, special bool, keep *leanKeys) ([]value, error) {
	if h.IsZero() {
		return nil, nil
	}
	var b []byte
	if !special {
		var err error
		if b, err = r.raw(plumbing.BlobObject, h); err != nil {
			return nil, err
		}
	}
	return valuesOf(file, b, special, h.String(), keep), nil
}

// parallelChanges is how many changed files a commit must have for its
// files to be read and parsed on every core: a program's first commit
// (an import of every record), which one worker of the walk would
// otherwise parse alone while the others wait at the end of the walk.
var parallelChanges = 1024

// valuesOnEveryCore fills from and to with the values of each change's
// two sides, on GOMAXPROCS goroutines. The worker's cache of parsed
// blobs is left out: the next commit shares few of so many.
func (w *walker) valuesOnEveryCore(changes []change, from, to [][]value, keep *leanKeys) error {
	var (
		next atomic.Int64
		mu   sync.Mutex
		bad  error
		wg   sync.WaitGroup
	)
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			for {
				i := int(next.Add(1) - 1)
				if i >= len(changes) {
					return
				}
				c := changes[i]
				var err error
				if from[i], err = blobValues(w.r, c.path, c.from, c.fromSpecial, keep); err == nil {
					to[i], err = blobValues(w.r, c.path, c.to, c.toSpecial, keep)
				}
				if err != nil {
					mu.Lock()
					if bad == nil {
						bad = err
					}
					mu.Unlock()
					next.Store(int64(len(changes))) // the others stop at their next file
					return
				}
			}
		})
	}
	wg.Wait()
	return bad
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
		if e.same(ev) {
			return true
		}
	}
	return false
}

// trustedEvents reads the events that walkSkipping skipped (chain and all
// newest first), of only the files that the other commits' events name
// and programs/program.toml: the history a judgement of those commits
// needs. It returns those files.
func (w *walker) trustedEvents(chain []*link, all [][]event, skip func(*link) bool) (map[string]bool, error) {
	touched := map[string]bool{programFile: true}
	var todo []int
	for i, l := range chain {
		if skip(l) {
			todo = append(todo, i)
			continue
		}
		for _, e := range all[i] {
			touched[e.file] = true
			if e.from != "" {
				touched[e.from] = true
			}
		}
	}
	keep := func(path string) bool { return touched[path] }
	var (
		next atomic.Int64
		mu   sync.Mutex
		errs []error
		wg   sync.WaitGroup
	)
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			wk := newWorker()
			for {
				n := int(next.Add(1)) - 1
				if n >= len(todo) {
					return
				}
				i := todo[n]
				parent := plumbing.ZeroHash
				if i+1 < len(chain) {
					parent = chain[i+1].tree
				}
				evs, err := w.eventsOf(wk, parent, chain[i].tree, keep)
				if err != nil {
					mu.Lock()
					errs = append(errs, err)
					mu.Unlock()
					return
				}
				all[i] = evs
			}
		})
	}
	wg.Wait()
	return touched, errors.Join(errs...)
}

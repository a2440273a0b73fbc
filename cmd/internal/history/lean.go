package history

import "github.com/go-git/go-git/v5/plumbing"

// A program's history often starts with one commit of every record (an
// import), and a full audit never judges that commit: it is the
// baseline, or comes before it. Yet each of its keys used to become an
// event and a mark, held until the report: about ten million of them at
// a million credentials, where check --git took 128 s and 6.9 GB, of
// which the audit 94 s, to judge nothing.
//
// Of the keys of a commit at or before the baseline, the audit needs
// only those that something later asks about:
//
//   - every file's text key: which files the head holds (committed,
//     atHead) and which a later change added or removed whole;
//   - every credential's grant, revocation and waiver ("@", "revoked",
//     "waive"): the provenance of each credential, and whether a later
//     grant is new or a move;
//   - every key of the files a judged commit changes, and every key of
//     the credentials it changes: whether a judged change set a key or
//     changed it (mark.absent), whatever file the key was in before,
//     and which verdict stands (an authorized change supersedes one
//     that was not).
//
// The rosters are read from programs/program.toml's blobs (its text
// key), and the baseline is found before any diff is read lean.
//
// Every other key is the same in the marks whether it was read or not:
// no judged event names it, and the report reads only the marks of
// judged events and of text keys. So the walk of a full audit defers a
// diff of deferChanges files or more that its cache does not hold,
// reading only programs/program.toml's keys; once the baseline is
// known, resolveDeferred reads those at or before it lean, for the keys
// above alone. A deferred diff after it is read lean too when none of
// its changes can be refused (allAuthorized): its marks are then those
// of an unjudged commit. The rest are read in full. The keys a diff
// keeps depend on the key alone (its file, or its credential), so a
// lean diff's events are exactly the full diff's events for those keys
// (but for the roles of text events, which no lean commit's verdict
// uses: see leanDiff.with).
// valuesOf leaves the other keys out as it reads them, and makes no
// string of them.
//
// The first two kinds of keys do not depend on the later commits; the
// third does. So what is cached of a lean diff (leanDiff) is its base:
// the events of the first two, and where each credential the diff's
// files hold is. The walk defers a diff whose base is cached whatever
// its size. A later audit (the next run of check in CI)
// takes the base from the cache and reads only the files that hold the
// other keys it keeps: the files judged commits change, and those that
// hold the credentials they change. The events of those keys are the
// same as in a read of the whole diff, since every file that holds them
// is read; the base's are the same as ever.

// deferChanges is how many changed files a diff must have for a full
// audit to defer it.
var deferChanges = 1024

// walkEvents is events for the walk: in a full audit (deferBig), a
// large diff not in the cache is deferred, its programs/program.toml
// events read and the rest left in l.changes.
func (w *walker) walkEvents(wk *worker, parent plumbing.Hash, l *link) ([]event, error) {
	if !w.deferBig {
		return w.events(wk, parent, l.tree)
	}
	lean := w.cache.hasLean(parent, l.tree)
	if !lean {
		if evs, ok := w.cache.get(parent, l.tree); ok {
			return evs, nil
		}
	}
	changes, err := w.r.diffRoots(parent, l.tree, audited, &wk.trees)
	if err != nil {
		return nil, err
	}
	if len(changes) < deferChanges && !lean {
		evs, err := w.changeEvents(wk, changes, nil)
		if err == nil {
			w.cache.put(parent, l.tree, evs)
		}
		return evs, err
	}
	l.changes = changes
	var program []change
	for _, c := range changes {
		if c.path == programFile {
			program = append(program, c)
		}
	}
	return w.changeEvents(wk, program, nil)
}

// resolveDeferred reads the diffs the walk deferred, once start, the
// baseline, is known: chain and all are oldest first. A deferred diff
// after the baseline is read lean too when no change it makes can be
// refused (allAuthorized); the others are read in full first, for the
// files and credentials they touch, and then the lean ones.
func (a *auditor) resolveDeferred(chain []*link, all [][]event, start int) error {
	w := a.w
	var deferred bool
	for _, l := range chain[start+1:] {
		deferred = deferred || l.changes != nil
	}
	if deferred {
		// The rosters each commit is judged by, from programs/program.toml
		// alone, which every deferred diff has read in full.
		if err := a.pass(chain, all, start, func(e event) bool { return e.file == programFile }, false); err != nil {
			return err
		}
	}
	var lean []int
	wk := newWorker()
	for i, l := range chain {
		if l.changes == nil {
			continue
		}
		if i <= start || a.allAuthorized(l, a.rosterAt[i]) {
			lean = append(lean, i)
			continue
		}
		evs, err := w.changeEvents(wk, l.changes, nil)
		if err != nil {
			return err
		}
		w.cache.put(parentTree(chain, i), l.tree, evs)
		all[i], l.changes = evs, nil
	}
	if len(lean) == 0 {
		return nil
	}
	// A file a change touches has a text event: a key moved out of a
	// file changed it.
	files := map[string]bool{}
	creds := map[string]bool{}
	for _, evs := range all[start+1:] {
		for _, e := range evs {
			files[e.file] = true
			if kind, id, _ := keyParts(e.key); kind == 'c' {
				creds[id] = true
			}
		}
	}
	keep := &leanKeys{files: files, creds: creds}
	for _, i := range lean {
		evs, err := w.leanEvents(wk, parentTree(chain, i), chain[i], keep)
		if err != nil {
			return err
		}
		all[i], chain[i].changes = evs, nil
	}
	return nil
}

// leanDiff is what every lean read of a diff keeps, whatever the later
// commits: the events of the base keys (baseKey), and, for each
// credential of the diff's files, the files that hold it beyond those
// its "@" event names (the file and the file it came from; most
// credentials are in those alone).
type leanDiff struct {
	evs   []event
	creds map[string][]string
}

// baseKey reports whether every lean read keeps key: a file's text, a
// credential's grant, revocation and waiver (leanKeys.credential).
func baseKey(key string) bool {
	kind, _, sub := keyParts(key)
	return kind == 't' || kind == 'c' && baseSub(sub)
}

func baseSub(sub string) bool { return sub == "@" || sub == "revoked" || sub == "waive" }

// leanEvents reads the deferred diff l lean for keep: its base from the
// cache, and the other keys keep keeps from the files that hold them
// alone; or, the base not cached, the whole diff for keep, in one read
// that gives the base to keep too.
func (w *walker) leanEvents(wk *worker, parent plumbing.Hash, l *link, keep *leanKeys) ([]event, error) {
	ld, ok := w.cache.getLean(parent, l.tree)
	if !ok {
		k := *keep
		k.index = map[string][]string{}
		evs, err := w.changeEvents(wk, l.changes, &k)
		if err != nil {
			return nil, err
		}
		w.cache.putLean(parent, l.tree, leanBase(evs, k.index))
		return evs, nil
	}
	need := ld.need(keep)
	var files []change
	for _, c := range l.changes {
		if need[c.path] {
			files = append(files, c)
		}
	}
	more, err := w.changeEvents(wk, files, keep)
	if err != nil {
		return nil, err
	}
	return ld.with(more), nil
}

// leanBase is the base of a lean read's events evs, whose credential
// index is creds: its events of the base keys, evs itself (shared, as
// the walk's events are) when it has no other.
func leanBase(evs []event, creds map[string][]string) *leanDiff {
	n := 0
	for _, e := range evs {
		if baseKey(e.key) {
			n++
		}
	}
	if n == len(evs) {
		return &leanDiff{evs: evs, creds: creds}
	}
	base := make([]event, 0, n)
	for _, e := range evs {
		if baseKey(e.key) {
			base = append(base, e)
		}
	}
	return &leanDiff{evs: base, creds: creds}
}

// need is the files a lean read for keep reads in full, of those the
// diff changes: the files keep keeps whole, and every file that holds a
// credential it keeps, where the diff leaves it and where it took it
// from (its "@" event) and any other (ld.creds). It may name files the
// diff does not change.
func (ld *leanDiff) need(keep *leanKeys) map[string]bool {
	need := make(map[string]bool, len(keep.files))
	for f, ok := range keep.files {
		need[f] = ok
	}
	if len(keep.creds) > 0 {
		for _, e := range ld.evs {
			if kind, id, sub := keyParts(e.key); kind == 'c' && sub == "@" && keep.creds[id] {
				need[e.file] = true
				if e.from != "" {
					need[e.from] = true
				}
			}
		}
		for id := range keep.creds {
			for _, f := range ld.creds[id] {
				need[f] = true
			}
		}
	}
	return need
}

// with is the lean read: the base's events, and of more, the events of
// the files in need read for keep, those of the keys beyond the base.
//
// The roles of text events are the base's, those of the read that made
// it. A text event's role is that of the keys of its file that changed,
// which the keys a read keeps add to; but no
// role of a lean commit's events is ever used: one at or before the
// baseline is not judged, and one after it is read lean only when its
// author holds every role its files' keys may need (allAuthorized). A
// lean read has never given text events a full read's roles: it gives
// them those of the keys it keeps.
func (ld *leanDiff) with(more []event) []event {
	n := 0
	for _, e := range more {
		if !baseKey(e.key) {
			n++
		}
	}
	if n == 0 {
		return ld.evs // shared with the cache: no one writes a walk's events
	}
	evs := make([]event, 0, len(ld.evs)+n)
	evs = append(evs, ld.evs...)
	for _, e := range more {
		if !baseKey(e.key) {
			evs = append(evs, e)
		}
	}
	return evs
}

// allAuthorized reports whether every change of the deferred commit l
// is authorized by the roster t: l is trusted ([audit] since, --since),
// or is no merge (whose changes are judged as the branch commits that
// made them) and its author is an administrator with every role that
// any key of the files it changes may need, and its signature is good
// where signed_grants asks for one. Its marks are then those of an
// unjudged commit: no verdict.
func (a *auditor) allAuthorized(l *link, t *trust) bool {
	if a.trusted[l.hash] {
		return true
	}
	if len(l.parents) != 1 || t == nil {
		return false
	}
	var need role
	for _, c := range l.changes {
		need |= fileRoles(c.path)
	}
	rule, _ := a.judge(t, l.who, event{key: "f" + sep, role: need})
	return rule == ""
}

// parentTree is the tree of the first parent of chain[i], oldest first:
// the empty tree (zero) for the root.
func parentTree(chain []*link, i int) plumbing.Hash {
	if i == 0 {
		return plumbing.ZeroHash
	}
	return chain[i-1].tree
}

// leanKeys says which keys a lean diff keeps, by what each key names:
// its file, or its credential (keys.go). A nil *leanKeys keeps every key.
type leanKeys struct {
	files map[string]bool // the files whose every key is kept
	creds map[string]bool // the credentials whose every key is kept
	// index, when set, is filled by changeEvents with the files that
	// hold each credential beyond those its "@" event names (leanDiff).
	index map[string][]string
}

// file reports whether the keys that name a file ("f" keys: a TOML key
// path, a record without one readable id, a file's whole content) are
// kept. Text keys always are.
func (k *leanKeys) file(name string) bool { return k == nil || k.files[name] }

// credential reports whether the key sub of a credential's record is
// kept: its grant ("@"), revocation and waiver always are.
func (k *leanKeys) credential(id, sub string) bool {
	return k == nil || baseSub(sub) || k.creds[id]
}

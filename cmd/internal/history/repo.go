package history

import (
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/cache"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/plumbing/storer"
	"github.com/go-git/go-git/v5/storage/filesystem"

	"github.com/accredit/accredit/cmd/internal/date"
)

// ErrNotRepository means the root is not inside a git repository.
var ErrNotRepository = errors.New("not inside a git repository")

// ErrIncomplete means a walk met a commit whose parents are missing: a
// shallow clone, or a damaged repository.
var ErrIncomplete = errors.New("the git history is incomplete")

// IncompleteError says where the history stops.
type IncompleteError struct {
	Commit  plumbing.Hash // the commit whose parent is missing
	Shallow bool          // the repository is a shallow clone
	Err     error
}

func (e *IncompleteError) Error() string {
	why := "its parent is missing"
	if e.Shallow {
		why = "the repository is a shallow clone"
	}
	return fmt.Sprintf("the git history is incomplete: it stops at commit %s (%s); check out with full history (git fetch --unshallow, or fetch-depth: 0 with actions/checkout)", e.Commit.String()[:7], why)
}

func (e *IncompleteError) Is(target error) bool { return target == ErrIncomplete }
func (e *IncompleteError) Unwrap() error        { return e.Err }

// Repo is the git repository that holds a program.
type Repo struct {
	git *git.Repository
	st  *filesystem.Storage
	// prefix is the program root's path inside the worktree ("" at the
	// top, else "a/b/"), so that history paths match the loader's.
	prefix string

	// packs reads packed and loose objects, concurrently, bounded and
	// checked; go-git reads the rest (alternates), checked here.
	packs *packs
	// objects is go-git's object storage with every object read through
	// object: go-git's own commit walks (merge bases) see only objects
	// that match their names.
	objects storer.EncodedObjectStorer
	// mu serialises go-git's reads: its packfile readers seek a shared
	// file descriptor and are not safe for concurrent use.
	mu sync.Mutex
	// trees keeps the folders listed through FS, by the tree's hash
	// (treefs.go): two revisions of a program share all but a few of
	// their ten thousand folders. Blobs are not kept: the decode cache
	// finds a file of a second revision by its blob id, unread (see
	// fileInfo.BlobID), and keeping them all held a copy of the program's
	// text for the whole run (100,000 people files at 10,000 partners).
	treeMu sync.Mutex
	trees  map[plumbing.Hash][]dirent
	// shallow lists the commits whose parents a shallow clone cut off.
	shallow map[plumbing.Hash]bool
}

// Open opens the repository that holds root, searching root's parents
// for .git like git does (linked worktrees included).
func Open(root string) (*Repo, error) {
	abs, err := filepath.Abs(root)
	if err != nil {
		return nil, err
	}
	if e, err := filepath.EvalSymlinks(abs); err == nil {
		abs = e
	}
	g, err := git.PlainOpenWithOptions(abs, &git.PlainOpenOptions{DetectDotGit: true, EnableDotGitCommonDir: true})
	if errors.Is(err, git.ErrRepositoryNotExists) {
		return nil, fmt.Errorf("%s: %w", root, ErrNotRepository)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: cannot open the git repository: %w", root, err)
	}
	fsSt, ok := g.Storer.(*filesystem.Storage)
	if !ok {
		return nil, fmt.Errorf("%s: unexpected git storage %T", root, g.Storer)
	}
	wt, err := g.Worktree()
	if err != nil {
		return nil, fmt.Errorf("%s: %w (a bare repository has no program files)", root, err)
	}
	// Reopen the same storage keeping pack descriptors open: without it
	// go-git reopens the packfile for every object it reads.
	// Objects above LargeObjectThreshold stay on disk until read, so that
	// go-git never holds more than the budget lets object read.
	st := filesystem.NewStorageWithOptions(fsSt.Filesystem(), cache.NewObjectLRUDefault(), filesystem.Options{KeepDescriptors: true, LargeObjectThreshold: 1 << 20})
	g, err = git.Open(st, wt.Filesystem)
	if err != nil {
		return nil, fmt.Errorf("%s: cannot open the git repository: %w", root, err)
	}
	top := wt.Filesystem.Root()
	if e, err := filepath.EvalSymlinks(top); err == nil {
		top = e
	}
	rel, err := filepath.Rel(top, abs)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return nil, fmt.Errorf("%s is outside its repository's worktree %s", root, top)
	}
	ps, err := openPacks(fsSt.Filesystem())
	if err != nil {
		st.Close()
		return nil, fmt.Errorf("%s: the git repository is damaged: %w", root, err)
	}
	r := &Repo{git: g, st: st, packs: ps, trees: map[plumbing.Hash][]dirent{}, shallow: map[plumbing.Hash]bool{}}
	r.objects = verifiedStorer{st, r}
	if rel != "." {
		r.prefix = filepath.ToSlash(rel) + "/"
	}
	sh, err := st.Shallow()
	if err != nil {
		return nil, fmt.Errorf("%s: cannot read .git/shallow: %w", root, err)
	}
	for _, h := range sh {
		r.shallow[h] = true
	}
	return r, nil
}

// Close releases the pack files kept open.
func (r *Repo) Close() error {
	r.packs.close()
	return r.st.Close()
}

// SetBudget bounds what reading objects may cost from now on (see
// Budget) and starts counting the total afresh: a walk calls it when it
// starts. Open sets DefaultBudget.
func (r *Repo) SetBudget(b Budget) { r.packs.setBudget(b) }

// Spent is the bytes that reads have inflated and patched since the
// budget was set.
func (r *Repo) Spent() int64 { return r.packs.spent.Load() }

// Shallow reports whether the repository is a shallow clone.
func (r *Repo) Shallow() bool { return len(r.shallow) > 0 }

// Commit is who made a commit, and when.
type Commit struct {
	Hash   plumbing.Hash
	Author string
	Email  string
	When   time.Time
}

// Short is the abbreviated hash, as git log --oneline prints it.
func (c *Commit) Short() string { return c.Hash.String()[:7] }

// Date is the commit's author date, in UTC so that no time zone of the
// machine that builds changes a page.
func (c *Commit) Date() date.Date {
	y, m, d := c.When.UTC().Date()
	return date.New(y, m, d)
}

// Resolve returns the commit a revision names (a hash, a branch, a tag,
// HEAD, HEAD~2...).
func (r *Repo) Resolve(rev string) (plumbing.Hash, error) {
	h, err := r.resolve(rev)
	if err != nil {
		return plumbing.ZeroHash, fmt.Errorf("cannot resolve revision %q: %w", rev, err)
	}
	c, err := object.GetCommit(r.objects, h)
	if errors.Is(err, plumbing.ErrObjectNotFound) && plumbing.IsHash(rev) {
		return plumbing.ZeroHash, fmt.Errorf("cannot resolve revision %q: %w", rev, err)
	}
	if err != nil {
		return plumbing.ZeroHash, fmt.Errorf("revision %q: %w", rev, err)
	}
	return c.Hash, nil
}

// resolve names the object a revision names. HEAD and full hashes, what
// check --git and CI pass, are resolved without go-git's
// ResolveRevision: it reads the commit through go-git's own pack reader,
// which first decodes the pack's index again (half a second on a pack of
// 300,000 objects, before a walk can start). Resolve reads the commit
// through the checked reader either way.
func (r *Repo) resolve(rev string) (plumbing.Hash, error) {
	if len(rev) == 2*len(plumbing.ZeroHash) && plumbing.IsHash(rev) {
		return plumbing.NewHash(rev), nil
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if rev == "HEAD" {
		ref, err := r.git.Reference(plumbing.HEAD, true)
		if err == nil && ref.Type() == plumbing.HashReference {
			return ref.Hash(), nil
		}
	}
	h, err := r.git.ResolveRevision(plumbing.Revision(rev))
	if errors.Is(err, io.EOF) {
		// go-git's way of saying that ~N or ^N went past a root commit.
		return plumbing.ZeroHash, errors.New("no such commit: it goes back past the first commit")
	}
	if err != nil {
		return plumbing.ZeroHash, err
	}
	return *h, nil
}

// MergeBase returns the best common ancestor of two commits, the point a
// pull request's changes are measured from.
func (r *Repo) MergeBase(a, b plumbing.Hash) (plumbing.Hash, error) {
	ca, err := object.GetCommit(r.objects, a)
	if err != nil {
		return plumbing.ZeroHash, err
	}
	cb, err := object.GetCommit(r.objects, b)
	if err != nil {
		return plumbing.ZeroHash, err
	}
	bases, err := ca.MergeBase(cb)
	if err != nil {
		if errors.Is(err, plumbing.ErrObjectNotFound) {
			return plumbing.ZeroHash, &IncompleteError{Commit: a, Shallow: r.Shallow(), Err: err}
		}
		return plumbing.ZeroHash, err
	}
	if len(bases) == 0 {
		return plumbing.ZeroHash, fmt.Errorf("commits %s and %s have no common ancestor", a.String()[:7], b.String()[:7])
	}
	return bases[0].Hash, nil
}

// commitObject reads and decodes one commit.
func (r *Repo) commitObject(h plumbing.Hash) (*object.Commit, error) {
	c, err := object.GetCommit(r.objects, h)
	if errors.Is(err, plumbing.ErrObjectNotFound) {
		return nil, &IncompleteError{Commit: h, Shallow: r.Shallow(), Err: err}
	}
	return c, err
}

// raw returns an object's content, which the caller must not modify.
func (r *Repo) raw(t plumbing.ObjectType, h plumbing.Hash) ([]byte, error) {
	o, err := r.typed(t, h, nil)
	if err != nil {
		return nil, err
	}
	return o.data, nil
}

// typed returns an object of type t, checked against its name from the
// marks of ref, a checked object it probably resembles, or nil (sum.go).
func (r *Repo) typed(t plumbing.ObjectType, h plumbing.Hash, ref *packed) (*packed, error) {
	o, err := r.objectFrom(h, ref)
	if err != nil {
		return nil, err
	}
	if o.typ != t {
		return nil, fmt.Errorf("%s %s: %w (it is a %s)", t, h.String()[:7], plumbing.ErrObjectNotFound, o.typ)
	}
	return o, nil
}

// object returns an object's type and content, checked against its name
// and read within the budget: from the packs, a loose file, or go-git.
func (r *Repo) object(h plumbing.Hash) (plumbing.ObjectType, []byte, error) {
	o, err := r.objectFrom(h, nil)
	if err != nil {
		return 0, nil, err
	}
	return o.typ, o.data, nil
}

func (r *Repo) objectFrom(h plumbing.Hash, ref *packed) (*packed, error) {
	o, err := r.packs.readFrom(h, ref)
	if errors.Is(err, errNotPacked) {
		left := r.packs.objectBudget.Load()
		o, err = r.packs.loose(h, &left)
	}
	if errors.Is(err, errNotPacked) {
		typ, b, err := r.goGit(h)
		if err != nil {
			return nil, err
		}
		return &packed{typ: typ, data: b, sum: h}, nil
	}
	return o, err
}

// fromPack reads h from the pack files; ok is false when the object is
// in no pack (a loose object, or one only go-git finds). A pack entry
// that is malformed, over budget or not what its name says is an error,
// never handed to another reader.
func (r *Repo) fromPack(t plumbing.ObjectType, h plumbing.Hash) (b []byte, ok bool, err error) {
	o, err := r.packs.read(h)
	if errors.Is(err, errNotPacked) {
		return nil, false, nil
	}
	if err != nil {
		return nil, true, err
	}
	if o.typ != t {
		return nil, true, fmt.Errorf("%s %s: %w (it is a %s)", t, h.String()[:7], plumbing.ErrObjectNotFound, o.typ)
	}
	return o.data, true, nil
}

// goGit reads what neither the packs nor the loose files hold (an
// alternate object store), within the budget, and checks it.
func (r *Repo) goGit(h plumbing.Hash) (plumbing.ObjectType, []byte, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	o, err := r.st.EncodedObject(plumbing.AnyObject, h)
	if err != nil {
		return 0, nil, fmt.Errorf("object %s: %w", h.String()[:7], err)
	}
	left := r.packs.objectBudget.Load()
	if err := r.packs.charge(&left, o.Size()); err != nil {
		return 0, nil, fmt.Errorf("object %s: %w", h.String()[:7], err)
	}
	rd, err := o.Reader()
	if err != nil {
		return 0, nil, err
	}
	defer rd.Close()
	b := make([]byte, o.Size())
	if _, err := io.ReadFull(rd, b); err != nil {
		return 0, nil, fmt.Errorf("object %s: %w", h.String()[:7], err)
	}
	if err := checkHash(o.Type(), b, h); err != nil {
		return 0, nil, err
	}
	return o.Type(), b, nil
}

// verifiedStorer is go-git's object storage, reading every object
// through Repo.object.
type verifiedStorer struct {
	storer.EncodedObjectStorer
	r *Repo
}

func (v verifiedStorer) EncodedObject(t plumbing.ObjectType, h plumbing.Hash) (plumbing.EncodedObject, error) {
	typ, b, err := v.r.object(h)
	if err != nil {
		return nil, err
	}
	if t != plumbing.AnyObject && typ != t {
		return nil, plumbing.ErrObjectNotFound
	}
	o := &plumbing.MemoryObject{}
	o.SetType(typ)
	o.Write(b)
	return o, nil
}

// blob returns a blob's content.
func (r *Repo) blob(h plumbing.Hash) ([]byte, error) {
	return r.raw(plumbing.BlobObject, h)
}

// info turns a go-git commit into a Commit.
func info(c *object.Commit) *Commit {
	return &Commit{Hash: c.Hash, Author: c.Author.Name, Email: c.Author.Email, When: c.Author.When}
}

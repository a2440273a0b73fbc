package history

import (
	"crypto"
	"crypto/sha1"
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
	githash "github.com/go-git/go-git/v5/plumbing/hash"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/storage/filesystem"

	"github.com/accredit/accredit/cmd/internal/date"
)

func init() {
	// go-git hashes every delta it resolves, to key its object cache, with
	// sha1cd: SHA-1 with collision detection, several times slower than
	// the standard library's. accredit only reads objects that are already
	// in the repository (it fetches nothing), and these hashes are cache
	// keys, so the detection buys nothing here and costs most of a walk.
	githash.RegisterHash(crypto.SHA1, sha1.New)
}

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

	// packs reads packed objects, concurrently; go-git reads the rest.
	packs *packs
	// mu serialises go-git's object reads: its packfile readers seek a
	// shared file descriptor and are not safe for concurrent use.
	mu sync.Mutex
	// blobs keeps the content of blobs read through FS, by hash, so that
	// a second revision reads only the files that differ from the first.
	blobMu sync.Mutex
	blobs  map[plumbing.Hash][]byte
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
	st := filesystem.NewStorageWithOptions(fsSt.Filesystem(), cache.NewObjectLRUDefault(), filesystem.Options{KeepDescriptors: true})
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
	r := &Repo{git: g, st: st, packs: openPacks(fsSt.Filesystem()), blobs: map[plumbing.Hash][]byte{}, shallow: map[plumbing.Hash]bool{}}
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
	r.mu.Lock()
	defer r.mu.Unlock()
	h, err := r.git.ResolveRevision(plumbing.Revision(rev))
	if err != nil {
		return plumbing.ZeroHash, fmt.Errorf("cannot resolve revision %q: %w", rev, err)
	}
	c, err := object.GetCommit(r.st, *h)
	if err != nil {
		return plumbing.ZeroHash, fmt.Errorf("revision %q: %w", rev, err)
	}
	return c.Hash, nil
}

// MergeBase returns the best common ancestor of two commits, the point a
// pull request's changes are measured from.
func (r *Repo) MergeBase(a, b plumbing.Hash) (plumbing.Hash, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	ca, err := object.GetCommit(r.st, a)
	if err != nil {
		return plumbing.ZeroHash, err
	}
	cb, err := object.GetCommit(r.st, b)
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
	r.mu.Lock()
	defer r.mu.Unlock()
	c, err := object.GetCommit(r.st, h)
	if errors.Is(err, plumbing.ErrObjectNotFound) {
		return nil, &IncompleteError{Commit: h, Shallow: r.Shallow(), Err: err}
	}
	return c, err
}

// raw returns an object's content, which the caller must not modify.
func (r *Repo) raw(t plumbing.ObjectType, h plumbing.Hash) ([]byte, error) {
	if b, ok, err := r.fromPack(t, h); ok {
		return b, err
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.goGit(t, h)
}

// packed reads h from the pack files; ok is false when go-git should try
// (an object not packed, or a pack this reader cannot make sense of).
func (r *Repo) fromPack(t plumbing.ObjectType, h plumbing.Hash) (b []byte, ok bool, err error) {
	o, err := r.packs.read(h)
	if err != nil {
		return nil, false, nil
	}
	if o.typ != t {
		return nil, true, fmt.Errorf("%s %s: %w (it is a %s)", t, h.String()[:7], plumbing.ErrObjectNotFound, o.typ)
	}
	return o.data, true, nil
}

func (r *Repo) goGit(t plumbing.ObjectType, h plumbing.Hash) ([]byte, error) {
	o, err := r.st.EncodedObject(t, h)
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", t, h.String()[:7], err)
	}
	rd, err := o.Reader()
	if err != nil {
		return nil, err
	}
	defer rd.Close()
	b := make([]byte, o.Size())
	if _, err := io.ReadFull(rd, b); err != nil {
		return nil, fmt.Errorf("%s %s: %w", t, h.String()[:7], err)
	}
	return b, nil
}

// blob returns a blob's content, kept for later reads.
func (r *Repo) blob(h plumbing.Hash) ([]byte, error) {
	r.blobMu.Lock()
	b, ok := r.blobs[h]
	r.blobMu.Unlock()
	if ok {
		return b, nil
	}
	b, err := r.raw(plumbing.BlobObject, h)
	if err == nil {
		r.blobMu.Lock()
		r.blobs[h] = b
		r.blobMu.Unlock()
	}
	return b, err
}

// info turns a go-git commit into a Commit.
func info(c *object.Commit) *Commit {
	return &Commit{Hash: c.Hash, Author: c.Author.Name, Email: c.Author.Email, When: c.Author.When}
}

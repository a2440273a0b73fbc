// Package history reads a program's git history with go-git, so that git
// does the work of an audit log: who changed what, whether they were
// allowed to, and what a change between two revisions does.
//
// In: a program root inside a git repository (no git binary is needed).
// Out:
//   - Audit (govern.go): one walk over the first-parent history compares
//     each commit with its parent key by key (keys.go: certification
//     records by credential id, other TOML by key path, other files
//     whole), traces what a merge brings in to the branch commit that made
//     it, and judges every change against the roster in force at the
//     commit's first parent, along a chain of trust from the baseline:
//     roles, signatures, and the verdict of the last change to each key.
//     Its diagnostics are those of "accredit check --git"
//     (unauthorized-grant, unauthorized-change, unsigned-grant,
//     unsigned-change, history-incomplete). Trees are compared by entry
//     hash, and only changed subtrees are read. A shallow clone stops the
//     walk with ErrIncomplete: never a guess.
//     The events of each diff of two trees are kept between runs
//     (eventcache.go, AuditOptions.Cache): a later audit diffs only the
//     commits it has not seen.
//     A diff of a thousand files or more (an import) waits until the
//     baseline is known; at or before it, it is read lean (lean.go): only
//     the keys that a judged change, the provenance or the report asks
//     about.
//   - Provenance, from the same walk: for every credential id the commit
//     that introduced it (or the baseline, for credentials recorded at
//     import), and for every revocation and waiver the commit that set it
//     (hash, author name and e-mail, date).
//   - FS: any revision's tree as an fs.FS, so that package load reads a
//     program without a checkout (accredit plan). Each regular file's
//     FileInfo says its blob id (BlobID), by which load's decode cache
//     finds the file unread; trees are parsed once per Repo and shared
//     by the revisions, blobs are not kept.
//
// go-git's path-filtered Log is far too slow for this (it diffs whole
// trees per commit), hence the hand-written walk over raw tree objects:
// one goroutine reads the first-parent chain and hands out runs of
// commits to the others as it goes (walk.go).
// Objects are read from the pack files and loose object files directly
// (pack.go, loose.go): go-git opens the repository, resolves revisions,
// decodes pack indexes, verifies signatures and reads what neither holds
// (alternates).
//
// The repository is input like any other: every object read, by the
// walk, FS or go-git's commit walks, is checked against its name (SHA-1
// with collision detection, git's sha1dc as go-git's sha1cd) and fails
// with ErrCorrupt otherwise; a tree the walk diffs is checked from the
// SHA-1 state of the other side of the diff over the bytes the two share
// (sum.go: collision detection judges each block by the state before it,
// so those blocks were judged clean already); sizes are checked before allocation and
// bounded by a Budget (per object, and in total from SetBudget on, which
// a walk calls when it starts); delta chains stop at git's own depth
// limit. TestPackReaderMatchesGoGit compares the reader with go-git's on
// every layout git writes.
package history

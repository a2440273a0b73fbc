// Package history reads a program's git history with go-git, so that git
// does the work of an audit log: who granted, revoked or waived what, and
// what a change between two revisions does.
//
// In: a program root inside a git repository (no git binary is needed).
// Out:
//   - Provenance: for every credential id the commit that introduced it,
//     and for every revocation and waiver the commit that added it (hash,
//     author name and e-mail, date). One walk over first-parent history
//     finds them all; trees are compared by entry hash, and only changed
//     subtrees under partners/*/people/ are read. A change that a merge
//     brings in is traced into the merged branch, to the commit that made
//     it. A shallow clone stops the walk with ErrIncomplete: never a guess.
//   - Audit: the diagnostics of "accredit check --git" (unauthorized-grant,
//     unsigned-grant, history-incomplete) for a loaded program.
//   - FS: any revision's tree as an fs.FS, so that package load reads a
//     program without a checkout (accredit plan).
//
// go-git's path-filtered Log is far too slow for this (it diffs whole
// trees per commit), hence the hand-written walk over raw tree objects.
// Objects are read from the pack files and loose object files directly
// (pack.go, loose.go): go-git opens the repository, resolves revisions,
// decodes pack indexes, verifies signatures and reads what neither holds
// (alternates).
//
// The repository is input like any other: every object read, by the
// walk, FS or go-git's commit walks, is checked against its name (SHA-1
// with collision detection, git's sha1dc as go-git's sha1cd) and fails
// with ErrCorrupt otherwise; sizes are checked before allocation and
// bounded by a Budget (per object, and in total from SetBudget on, which
// a walk calls when it starts); delta chains stop at git's own depth
// limit. TestPackReaderMatchesGoGit compares the reader with go-git's on
// every layout git writes.
package history

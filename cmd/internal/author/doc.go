// Package author makes the edits an administrator would otherwise type by
// hand into a person's file: granting a certification, renewing a
// credential and revoking one.
//
// In: the program repository on disk and what to grant, renew or revoke.
// Out: an Edit, the person file's new content with every other byte kept
// (package record), which Write puts on disk; or a *Refusal listing the
// rules the edit would break, in the words of "accredit check", and
// nothing written.
//
// Each edit is judged by the same code as "accredit check": the changed
// file is loaded over the program's definitions with just its partner and
// person (package load's Only and Overlay), and packages standing and
// check run on that. So a grant is refused for exactly what check would
// report on it, and an edit never leaves the file with a new error. Rules
// that span partners (a credential id used twice in the program) are left
// to check: a fresh random id (55 bits) does not collide in practice.
//
// The edits are textual (package record), so each one has a
// post-condition before anything is written: record.VerifyPerson decodes
// the new bytes with the loader and refuses, naming the file, unless the
// person reads back with exactly the intended record added or changed and
// every other value as it was.
package author

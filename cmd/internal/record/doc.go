// Package record edits the TOML files that administrators write by hand
// without disturbing them: it appends a [[table]] at the end of a file,
// adds keys at the end of an existing [[table]], and writes a set of files
// all or nothing, journaled so that a killed write is finished or undone
// by the next (Write, Recover), and compare-and-swap, so that a file
// changed since it was read is never overwritten: each file is compared
// with what its writer read as its temporary file is staged, by its
// content, or by its stamp (size, inode, modification and change times)
// when it was read at least safefs.RacyWindow after its last change
// (BaseRead), as git's index trusts a file's stat.
//
// In: a file's bytes and the keys to add. Out: the same bytes with the new
// lines spliced in and every other byte as it was: comments, blank lines,
// key order, indentation, quoting and line endings (CRLF stays CRLF). The
// edits are textual, placed where the scanner (package tomlpos) says a
// table's last value ends; VerifyPerson is their post-condition: it
// decodes the result with the loader (package load) and accepts it only
// if the person changed exactly as intended, so a file is never made
// worse and no edit lands where it was not meant to.
//
// It also finds people's files without decoding them: EachPerson reads
// every partners/*/people/*.toml on all cores, TopString reads one
// top-level string key (a person's email) with a light scan, and Index
// maps e-mails and credential ids to files, kept between runs and reused
// per partner while its people/ folder is unchanged.
//
// Every person file is read, and written, as the loader reads it
// (package safefs): only a regular file inside the root, reached through
// no link, of at most PersonLimit bytes. A file that is a link (even to
// another person's file), a FIFO or a device is refused with a
// *FileError naming it, never followed, and never replaced by a write.
package record

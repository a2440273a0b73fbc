// Package load reads a program repository into package program's values.
//
// In: a root directory laid out as PROGRAM-FORMAT.md section 1 says.
// Out: a linked *program.Program and the diagnostics of every file:
// syntax errors, unknown keys, missing keys, values of the wrong type or
// out of range, and ids that do not match their file names. Files are
// decoded in parallel with BurntSushi/toml (strict: every key it does not
// decode is reported) and indexed by tomlpos for positions; a file in the
// plain part of TOML that records are written in is decoded and indexed
// by package tomlrec instead, in one pass and to the same result. Rules that
// span records (references, duplicates, requirements) are package check's.
//
// The loader reads only regular files inside the root, through package
// safefs: a symbolic link, a FIFO, device or socket, a folder in place of
// a file, an unreadable file or folder, or a file over its kind's size
// cap is one unreadable-file diagnostic at that path, never followed.
// Before the decoder sees a file, a pre-scan refuses nesting deeper than
// 32 levels (prescan.go); after it, every key must be spelled as its
// field's tag (keys.go), since the decoder matches keys ignoring case.
//
// Every file it reads is also searched for a private key (rule
// private-key, secrets.go), and so is every other file of programs/,
// partners/, content/ and layouts/ (but pictures, fonts and files over
// 1 MiB), read for that alone.
package load

// Package tomlrec decodes the plain TOML of record files fast, or says
// that it cannot.
//
// BurntSushi/toml decodes a 1 KB person file in about 50 µs: its lexer
// hands every token through a channel and its decoder goes through a map
// of any. A cold `check` of 100,000 people spent half its CPU there. Yet
// records are written in a small part of TOML: top-level keys, [table]
// and [[table]] headers, and strings, integers, booleans, local dates and
// arrays of strings as values. This package decodes exactly that part
// straight into the struct, in one pass over the text.
//
// In: a document and a pointer to a struct with toml tags. Out: either
// the struct filled as BurntSushi/toml would fill it, with every key
// used and spelled as its field's tag, or Declined with the reason (the
// first thing outside the subset: a multi-line string, an escape, a
// float, an inline table, a dotted or quoted key, a key the struct does
// not have, a value of another type, a syntax error). It never reports
// errors itself: on Declined the caller decodes the same text with
// BurntSushi/toml, which accepts what the subset lacks and reports every
// error with its own words. So the fast path never changes a result or a
// message; it only saves the time where it applies. How many files took
// which path is counted (Stats), so a program whose files all decline is
// seen, not silently slow.
//
// The result is held to BurntSushi/toml's by a differential test on
// generated documents and by a fuzz target (decode_test.go): whatever
// this package accepts, BurntSushi/toml decodes to a deeply equal value,
// with no undecoded key.
package tomlrec

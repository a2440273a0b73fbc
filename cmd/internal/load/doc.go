// Package load reads a program repository into package program's values.
//
// In: a root directory laid out as PROGRAM-FORMAT.md section 1 says.
// Out: a linked *program.Program and the diagnostics of every file:
// syntax errors, unknown keys, missing keys, values of the wrong type or
// out of range, and ids that do not match their file names. Files are
// decoded in parallel with BurntSushi/toml (strict: every key it does not
// decode is reported) and indexed by tomlpos for positions. Rules that
// span records (references, duplicates, requirements) are package check's.
package load

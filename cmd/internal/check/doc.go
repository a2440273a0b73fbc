// Package check enforces the rules of PROGRAM-FORMAT.md section 10.
//
// In: a loaded program, its standing and the as-of date D. Out:
// diagnostics, each naming its rule. Every rule is a small function with
// its id beside it in Rules, so that the command can list them, a test can
// target one, and a certification's waive can name it. The loader's own
// rules (syntax, unknown-key, missing-field, invalid-value, invalid-id,
// credential-id) are listed too, with no function: they are found while
// decoding.
package check

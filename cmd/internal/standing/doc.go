// Package standing computes where every credential and partner stands at a
// date D (PROGRAM-FORMAT.md section 8).
//
// In: a loaded, linked *program.Program. Out: each credential's expiry
// (calendar months, clamped, carried on through renewals that keep
// continuity), its renewal links, its status at any date, and each
// partner's tier at any date. Nothing here reads the clock: D is always
// passed in.
package standing

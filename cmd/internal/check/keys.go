package check

import (
	"cmp"
	"slices"

	"github.com/accredit/accredit/cmd/internal/program"
)

// signingKeyDates reports [[signing_keys]] whose dates overlap. A build
// signs with the key valid on its as-of date and names it in every
// proof; with two keys valid on one day, which one signs would depend on
// which key the build was given, and a verifier checking that a proof's
// key was in use on its date could not tell a mistake from a stolen
// key. So a day maps to at most one key: to rotate, set the old key's
// until to the new key's from (until is exclusive). Days without any key
// are allowed (a build on such a day cannot sign, and says so).
func signingKeyDates(c *Context) {
	if c.scoped {
		return
	}
	keys := slices.Clone(c.P.SigningKeys)
	keys = slices.DeleteFunc(keys, func(k *program.SigningKey) bool {
		return !k.From.Valid() || k.Until.Valid() && !k.From.Before(k.Until) // reported by the loader
	})
	slices.SortStableFunc(keys, func(a, b *program.SigningKey) int { return a.From.Compare(b.From) })
	for i := 1; i < len(keys); i++ {
		prev, k := keys[i-1], keys[i]
		if !prev.Until.Valid() || k.From.Before(prev.Until) {
			until := "no until"
			if prev.Until.Valid() {
				until = "until " + prev.Until.String()
			}
			// At the key written last: the one that made the overlap,
			// most likely.
			at := k.Pos
			if cmp.Compare(prev.Pos.Line, k.Pos.Line) > 0 {
				at = prev.Pos
			}
			c.report(at, "signing-key-dates", "signing keys %q (from %s, %s) and %q (from %s) are both valid on %s: set until = %s on %q, so that one key signs on each day",
				prev.ID, prev.From, until, k.ID, k.From, k.From, k.From, prev.ID)
		}
	}
}

package search

// SetLimits sets, for a test, the size up to which the dictionary rides
// in meta.bin (0: never), the number of documents up to which a term's
// facet values ride in its shard, up to which it carries every card, and
// how many best cards it carries, and how many pairs of common terms
// each stores the shared counts of; it returns a func that restores
// them.
// A small program then takes the client's paths of a large one.
func SetLimits(inlineDict, inlineTuples, allCards, topCards, pairs int) (restore func()) {
	old := limits
	limits.inlineDict, limits.inlineTuples, limits.allCards, limits.topCards, limits.pairs = inlineDict, inlineTuples, allCards, topCards, pairs
	return func() { limits = old }
}

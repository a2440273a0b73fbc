// Package search builds the directory's search index.
//
// In: the site's data at D (site.Site.Directory: listed partners and their
// public, currently certified people). Out: an in-memory bleve index that
// answers `accredit search`, and the static files under build/search/ that
// the dependency-free client (client/accredit-search.js) queries in a
// browser or in Node with the same ranking.
//
// The pipeline is:
//
//	Docs     site data -> documents in a dense, ranked order (tier, then name)
//	New      documents -> bleve index (one analyzer: unicode tokenizer,
//	         ASCII folding, lower case (lower.go); BM25 scoring)
//	Export   bleve's term dictionary and postings -> sharded static files
//
// bleve does all the analysis and scoring; the exporter only copies what
// bleve computed (terms, document frequencies, norms) and precomputes each
// posting's BM25 factor (times its document's static Boost), so the
// client ranks exactly as bleve does.
//
// A query (Index.Search, and the client's search): every word must match.
// A word is a term query per field (a name weighs NameBoost); the last
// word a prefix query per field plus a term query weighing ExactBoost
// more; a word that matches nothing as typed a FuzzyQuery per field
// (Fuzziness edits, FuzzyPrefix characters kept). Scores are bleve's
// times Boost(Doc.Static). When nothing matches, Result.Suggest holds
// queries to try. The client mirrors each step (TestClientParity runs
// the same queries both ways over the example program).
//
// The static files and their encodings are described at the top of
// export.go and in content/docs/search.md.
// Nothing private reaches a document: only listed partners and public
// people, and only the fields the directory already shows.
package search

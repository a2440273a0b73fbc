// Package site computes the data of every page of the published site.
//
// In: a checked program, its standing and the as-of date D. Out: plain
// values, one per page or file (directory home, browse pages, partner
// profiles, verification pages, program pages, content pages, the API's
// JSON, the sitemap and the feed), ready for package render. Templates get
// no logic: every status, count, link and label is computed here. Privacy
// (PROGRAM-FORMAT.md section 9) is enforced here too: nothing private is
// ever put into these values, except a private holder's own name on the
// verification page and JSON of their own credential, which are noindex.
package site

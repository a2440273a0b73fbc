// Package serve is accredit serve: the program's site served from memory,
// rebuilt as its files change, with pages that reload themselves.
//
// In: a program repository, an as-of date, and batches of changed paths
// from package watch. Out: HTTP responses that are byte for byte what
// accredit build would write (publish.Index renders each on request from
// the current page data), except that HTML pages carry one external
// script, /_accredit/reload.js, which listens to /_accredit/events
// (server-sent events) and reloads the page, keeping its scroll position,
// when the site changes. While the program has errors, every page shows
// them instead, each with its file, line and source line; the fix brings
// the site back.
//
// An edit rebuilds only what it affects. A change under partners/<id>/
// re-reads that one folder (load.Partner), puts the partner in place
// (program.SetPartner), recomputes its people's standing
// (standing.Update), checks its records again (check.RunPartners), and
// recomputes its data and the lists that show every partner
// (site.Refresh). Partners depend on each other only through credential
// ids, so the partners holding an id the edit added or removed are
// recomputed too. A change under content/ re-reads the pages; under
// layouts/ the theme; under programs/ (or a change too wide to be worth
// tracking) the whole program is loaded again.
package serve

package main

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/accredit/accredit/cmd/internal/base"
	"github.com/accredit/accredit/cmd/internal/diag"
	"github.com/accredit/accredit/cmd/internal/search"
	"github.com/accredit/accredit/cmd/internal/site"
)

var cmdSearch = &base.Command{
	UsageLine: "search [--root DIR] [--as-of DATE] [--filter FACET=VALUE]... [--limit N] [--format text|json] [QUERY]",
	Short:     "search the partner directory as the site's search does",
	Long: `Search answers a query from the same bleve index that build exports to
the site's search/ folder, so administrators can see what customers find.

Every word of QUERY must match a partner or a public person (names weigh
most; partners are also found by specialty, industry, city, country and
description, people by partner and certification); the last word matches
as a prefix, a whole word first. Accents and case do not matter; a
country is found by its code and its names (DE, Germany, Deutschland). A
word that matches nothing as typed matches the words within one edit (4
to 7 letters) or two (8 and more) with the same first letter. Results
rank by BM25 times a static rank (tier, certified people). Without a
query, search browses the directory in its order: tier, certified
people, then name. When nothing matches, search suggests queries to try.

--filter FACET=VALUE keeps results with that value; repeat it to accept
several values of a facet (any of them) or to combine facets (all of
them). The facets are type (partner, person), tier, certification
(track/level), country (ISO code), region, specialty and industry.

The output lists the total, the results with their scores and, per facet,
the values with their counts. A facet's counts take every filter but its
own into account. --format json prints the same object as the JavaScript
client's search(): {"total", "results", "facets", "fuzzy", "suggest"}.

Exit status: 0 results found, 1 none found (or the program has errors),
2 usage or I/O error.`,
	Flag: base.NewFlagSet("search"),
}

var (
	searchProgram = addProgramFlags(cmdSearch.Flag)
	searchFilters = multiFlag{}
	searchLimit   = cmdSearch.Flag.Int("limit", 10, "show at most `N` results")
	searchFormat  = choiceFlag{value: "text", choices: []string{"text", "json"}}
)

func init() {
	cmdSearch.Flag.Var(&searchFilters, "filter", "keep results whose `FACET=VALUE` (repeatable)")
	cmdSearch.Flag.Var(&searchFormat, "format", "output `format`: text or json")
	cmdSearch.Run = runSearch
	register(cmdSearch)
}

// multiFlag collects a repeated flag's values.
type multiFlag []string

func (m *multiFlag) String() string     { return strings.Join(*m, ",") }
func (m *multiFlag) Set(v string) error { *m = append(*m, v); return nil }

func runSearch(env *base.Env, args []string) int {
	// base.Parse has taken the flags from among the words.
	words := args
	q := search.Query{Text: strings.Join(words, " "), Limit: *searchLimit, Filters: map[string][]string{}}
	for _, f := range searchFilters {
		k, v, ok := strings.Cut(f, "=")
		if !ok || k == "" || v == "" {
			env.Errorf(cmdSearch, "--filter %q: want FACET=VALUE", f)
			cmdSearch.ShortUsage(env.Stderr)
			return base.ExitUsage
		}
		if !slices.Contains(search.Facets, k) {
			env.Errorf(cmdSearch, "--filter %q: unknown facet %q%s; the facets are %s", f, k, diag.DidYouMean(k, search.Facets), strings.Join(search.Facets, ", "))
			return base.ExitUsage
		}
		q.Filters[k] = append(q.Filters[k], v)
	}
	res, err := loadAndCheck(env, searchProgram.root, searchProgram.date())
	if err != nil {
		env.Errorf(cmdSearch, "%v", err)
		return base.ExitUsage
	}
	if errs, _ := diag.Count(res.Diags); errs > 0 {
		env.Errorf(cmdSearch, "the program has errors; run accredit check")
		return base.ExitProblems
	}
	st, err := site.Build(res.Program, res.Standing, res.AsOf)
	if err != nil {
		env.Errorf(cmdSearch, "%v", err)
		return base.ExitProblems
	}
	docs, labels := search.Docs(st)
	ix, err := search.New(docs, labels)
	if err != nil {
		env.Errorf(cmdSearch, "%v", err)
		return base.ExitUsage
	}
	defer ix.Close()
	r, err := ix.Search(q)
	if err != nil {
		env.Errorf(cmdSearch, "%v", err)
		cmdSearch.ShortUsage(env.Stderr)
		return base.ExitUsage
	}
	if searchFormat.value == "json" {
		b, _ := json.MarshalIndent(r, "", "  ")
		fmt.Fprintf(env.Stdout, "%s\n", diag.PrintableJSON(b))
	} else {
		printSearch(env, ix, r)
	}
	if r.Total == 0 {
		filterHints(env, q.Filters, docs)
		return base.ExitProblems
	}
	return base.ExitOK
}

func printSearch(env *base.Env, ix *search.Index, r *search.Result) {
	w := env.Stdout
	if r.Total == 1 {
		fmt.Fprintln(w, "1 result")
	} else {
		fmt.Fprintf(w, "%d results\n", r.Total)
	}
	if len(r.Fuzzy) > 0 && r.Total > 0 {
		printLine(w, "(typos forgiven in: %s)", strings.Join(r.Fuzzy, ", "))
	}
	if len(r.Suggest) > 0 {
		printLine(w, "did you mean: %s", strings.Join(r.Suggest, " | "))
	}
	for i, h := range r.Results {
		detail := h.Location
		if h.Type == "person" {
			detail = h.Partner
		}
		tier := h.Tier
		if tier == "" {
			tier = "no tier"
		}
		score := ""
		if h.Score > 0 {
			score = fmt.Sprintf("  score %.4f", h.Score)
		}
		printLine(w, "%3d. %-7s %s (%s; %s) %s%s", i+1, h.Type, h.Name, tier, detail, h.URL, score)
	}
	for _, f := range search.Facets {
		counts := r.Facets[f]
		if len(counts) == 0 {
			continue
		}
		var parts []string
		for _, v := range ix.FacetValues(f, counts) {
			label := ix.Label(f, v)
			if label != v {
				label += " [" + v + "]"
			}
			parts = append(parts, fmt.Sprintf("%s %d", label, counts[v]))
		}
		printLine(w, "%s: %s", f, strings.Join(parts, ", "))
	}
}

// filterHints explains an empty result by a filter value that no
// document has, with the nearest one that some document has
// ("--filter tier=gld": no result has tier "gld"; did you mean "gold"?).
func filterHints(env *base.Env, filters map[string][]string, docs []*search.Doc) {
	for i, f := range search.Facets {
		if len(filters[f]) == 0 {
			continue
		}
		var values []string
		for _, d := range docs {
			values = append(values, d.Facets[i]...)
		}
		slices.Sort(values)
		values = slices.Compact(values)
		for _, v := range filters[f] {
			if !slices.Contains(values, v) {
				printLine(env.Stderr, "no result has %s %q%s", f, v, diag.DidYouMean(v, values))
			}
		}
	}
}

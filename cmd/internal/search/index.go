package search

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/custom"
	"github.com/blevesearch/bleve/v2/analysis/char/asciifolding"
	"github.com/blevesearch/bleve/v2/analysis/tokenizer/unicode"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/search/query"
	bindex "github.com/blevesearch/bleve_index_api"
)

const analyzer = "accredit"

// Fields are the indexed fields: a document's name and the rest of its
// text. A word is looked up in both; a match in the name weighs
// NameBoost times as much.
var Fields = []string{"name", "text"}

// NameBoost is the weight of a match in a name.
const NameBoost = 3.0

// Index is the bleve index of a site's documents.
type Index struct {
	bleve    bleve.Index
	analyzer analysis.Analyzer
	Docs     []*Doc
	Labels   Labels
}

// New indexes docs with bleve, in memory.
func New(docs []*Doc, labels Labels) (*Index, error) {
	im := bleve.NewIndexMapping()
	err := im.AddCustomAnalyzer(analyzer, map[string]any{
		"type":          custom.Name,
		"char_filters":  []any{asciifolding.Name},
		"tokenizer":     unicode.Name,
		"token_filters": []any{lowerName},
	})
	if err != nil {
		return nil, err
	}
	im.DefaultAnalyzer = analyzer
	im.ScoringModel = bindex.BM25Scoring
	text := bleve.NewTextFieldMapping()
	text.Analyzer = analyzer
	text.Store = false
	text.IncludeInAll = false
	text.IncludeTermVectors = false
	text.DocValues = false
	dm := bleve.NewDocumentStaticMapping()
	for _, f := range Fields {
		dm.AddFieldMappingsAt(f, text)
	}
	// No _all field: every query names its fields, and the composite
	// field cost a fifth of the indexing time and its memory.
	dm.AddSubDocumentMapping("_all", bleve.NewDocumentDisabledMapping())
	im.DefaultMapping = dm
	im.StoreDynamic = false
	im.IndexDynamic = false
	im.DocValuesDynamic = false

	// NewUsing with no path is scorch in memory; NewMemOnly (upsidedown)
	// is several times slower to build.
	idx, err := bleve.NewUsing("", im, scorch.Name, scorch.Name, nil)
	if err != nil {
		return nil, err
	}
	b := idx.NewBatch()
	for _, d := range docs {
		if err := b.Index(docKey(d.Num), map[string]any{"name": d.Name, "text": d.Text}); err != nil {
			return nil, err
		}
	}
	if err := idx.Batch(b); err != nil {
		return nil, err
	}
	an := im.AnalyzerNamed(analyzer)
	if an == nil {
		return nil, fmt.Errorf("search: analyzer %q not registered", analyzer)
	}
	return &Index{bleve: idx, analyzer: an, Docs: docs, Labels: labels}, nil
}

// Close releases the index.
func (ix *Index) Close() error { return ix.bleve.Close() }

// docKey is a document's bleve id: its number, zero-padded so that
// sorting ids sorts numbers (the tie-break of equal scores).
func docKey(n int) string { return fmt.Sprintf("%08d", n) }

// Analyze returns the terms bleve makes of s.
func (ix *Index) Analyze(s string) []string {
	var out []string
	for _, t := range ix.analyzer.Analyze([]byte(s)) {
		out = append(out, string(t.Term))
	}
	return out
}

// Query is a search: words, and accepted values per facet (any value of
// a facet, every facet).
type Query struct {
	Text    string
	Filters map[string][]string
	Limit   int
}

// Result is a search's answer, shaped as the JavaScript client's.
type Result struct {
	Total   int                       `json:"total"`
	Results []Hit                     `json:"results"`
	Facets  map[string]map[string]int `json:"facets"`
}

// Hit is one result.
type Hit struct {
	Card
	Score float64 `json:"score,omitempty"`
	Num   int     `json:"-"`
}

// Search runs q with bleve. Every word must match; the last one matches
// as a prefix, so results come as one types. An empty text browses in
// rank order. Filters and facet counts are applied over bleve's matches:
// a facet's counts take every filter but its own into account, so that
// other values of a facet stay visible once one is chosen.
func (ix *Index) Search(q Query) (*Result, error) {
	if q.Limit <= 0 {
		q.Limit = 10
	}
	for k := range q.Filters {
		if !slices.Contains(Facets, k) {
			return nil, fmt.Errorf("unknown facet %q (facets: %v)", k, Facets)
		}
	}
	terms := ix.Analyze(q.Text)
	var matches []Hit
	if len(terms) == 0 {
		for _, d := range ix.Docs {
			matches = append(matches, Hit{Card: d.Card, Num: d.Num})
		}
	} else {
		var qs []query.Query
		for i, t := range terms {
			var either []query.Query
			for _, f := range Fields {
				boost := 1.0
				if f == "name" {
					boost = NameBoost
				}
				if i == len(terms)-1 {
					pq := bleve.NewPrefixQuery(t)
					pq.SetField(f)
					pq.SetBoost(boost)
					either = append(either, pq)
				} else {
					tq := bleve.NewTermQuery(t)
					tq.SetField(f)
					tq.SetBoost(boost)
					either = append(either, tq)
				}
			}
			qs = append(qs, bleve.NewDisjunctionQuery(either...))
		}
		var bq query.Query = qs[0]
		if len(qs) > 1 {
			bq = bleve.NewConjunctionQuery(qs...)
		}
		req := bleve.NewSearchRequestOptions(bq, len(ix.Docs), 0, false)
		req.SortBy([]string{"-_score", "_id"})
		res, err := ix.bleve.Search(req)
		if err != nil {
			return nil, err
		}
		for _, h := range res.Hits {
			n, err := strconv.Atoi(h.ID)
			if err != nil || n < 0 || n >= len(ix.Docs) {
				return nil, fmt.Errorf("search: bleve returned unknown document %q", h.ID)
			}
			matches = append(matches, Hit{Card: ix.Docs[n].Card, Score: h.Score, Num: n})
		}
	}
	out := &Result{Facets: map[string]map[string]int{}, Results: []Hit{}}
	for _, f := range Facets {
		out.Facets[f] = map[string]int{}
	}
	for _, h := range matches {
		d := ix.Docs[h.Num]
		fails := -1 // the one facet d fails, or -2 for more than one
		for fi, f := range Facets {
			want := q.Filters[f]
			if len(want) == 0 || anyIn(d.Facets[fi], want) {
				continue
			}
			if fails == -1 {
				fails = fi
			} else {
				fails = -2
				break
			}
		}
		if fails == -2 {
			continue
		}
		for fi, f := range Facets {
			if fails == -1 || fails == fi {
				for _, v := range d.Facets[fi] {
					out.Facets[f][v]++
				}
			}
		}
		if fails == -1 {
			out.Total++
			if len(out.Results) < q.Limit {
				out.Results = append(out.Results, h)
			}
		}
	}
	return out, nil
}

func anyIn(have, want []string) bool {
	for _, h := range have {
		if slices.Contains(want, h) {
			return true
		}
	}
	return false
}

// FacetValues returns a facet's counts in the order a reader expects:
// most first, then by label.
func (ix *Index) FacetValues(facet string, counts map[string]int) []string {
	var vs []string
	for v := range counts {
		vs = append(vs, v)
	}
	slices.SortFunc(vs, func(a, b string) int {
		return cmp.Or(-cmp.Compare(counts[a], counts[b]), cmp.Compare(ix.Label(facet, a), ix.Label(facet, b)))
	})
	return vs
}

// Label is a facet value's display name.
func (ix *Index) Label(facet, v string) string {
	if l := ix.Labels[facet][v]; l != "" {
		return l
	}
	return v
}

var folder = asciifolding.New()

func foldString(s string) string { return string(folder.Filter([]byte(s))) }

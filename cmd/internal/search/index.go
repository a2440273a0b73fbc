package search

import (
	"cmp"
	"context"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"unicode/utf8"

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

// BatchSize is the most documents New gives bleve in one batch.
const BatchSize = 20000

// Index is the bleve index of a site's documents.
type Index struct {
	bleve    bleve.Index
	analyzer analysis.Analyzer
	Docs     []*Doc
	Labels   Labels
	num      map[string]int // document id -> Num

	// With reexport (KeepExports), the compressed files of the last
	// Export, and those of the one running (gzMemo).
	reexport bool
	lastGz   map[[32]byte][]byte
	memo     *gzMemo
}

// KeepExports makes each Export keep its compressed files for the next
// one, which compresses only the files whose bytes changed: for an index
// exported after every edit (serve). A build exports once, and neither
// hashes its files nor keeps them.
func (ix *Index) KeepExports() { ix.reexport = true }

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
	// In batches of BatchSize: a batch holds every field of its
	// documents, analyzed, until it is indexed, and one batch of a
	// million-credential program's 550,000 documents held 900 MB at the
	// build's peak. The index is the same either way: its statistics
	// are the index's, not a segment's.
	b := idx.NewBatch()
	for _, d := range docs {
		if err := b.Index(d.ID, fields(d)); err != nil {
			return nil, err
		}
		if b.Size() >= BatchSize {
			if err := idx.Batch(b); err != nil {
				return nil, err
			}
			b = idx.NewBatch()
		}
	}
	if err := idx.Batch(b); err != nil {
		return nil, err
	}
	an := im.AnalyzerNamed(analyzer)
	if an == nil {
		return nil, fmt.Errorf("search: analyzer %q not registered", analyzer)
	}
	ix := &Index{bleve: idx, analyzer: an}
	ix.setDocs(docs, labels)
	return ix, nil
}

func fields(d *Doc) map[string]any { return map[string]any{"name": d.Name, "text": d.Text} }

func (ix *Index) setDocs(docs []*Doc, labels Labels) {
	ix.Docs, ix.Labels = docs, labels
	ix.num = make(map[string]int, len(docs))
	for _, d := range docs {
		ix.num[d.ID] = d.Num
	}
}

// Same reports whether docs and labels are the index's own, in the same
// order: an edit that changed nothing the search shows (a private
// person, a page of content, a layout) needs no new files.
func (ix *Index) Same(docs []*Doc, labels Labels) bool {
	if len(docs) != len(ix.Docs) || !reflect.DeepEqual(labels, ix.Labels) {
		return false
	}
	for i, d := range docs {
		if !d.equal(ix.Docs[i]) {
			return false
		}
	}
	return true
}

// equal is reflect.DeepEqual of two documents, field by field: Same asks
// it of every document after every edit in serve, where DeepEqual cost a
// tenth of a second at 10,000 partners. TestDocEqual holds it to
// DeepEqual for a change of each field.
func (d *Doc) equal(o *Doc) bool {
	if d.Num != o.Num || d.Type != o.Type || d.ID != o.ID || d.Name != o.Name || d.Text != o.Text ||
		d.Rank != o.Rank || d.Static != o.Static || d.key != o.key {
		return false
	}
	for i := range d.Facets {
		if !equalStrings(d.Facets[i], o.Facets[i]) {
			return false
		}
	}
	a, b := &d.Card, &o.Card
	return a.Type == b.Type && a.ID == b.ID && a.Name == b.Name && a.URL == b.URL && a.Tier == b.Tier &&
		a.TierID == b.TierID && a.Partner == b.Partner && a.Location == b.Location && a.Certified == b.Certified &&
		equalStrings(a.Specialties, b.Specialties) && equalStrings(a.Credentials, b.Credentials)
}

// equalStrings is DeepEqual of two string slices: nil and empty differ.
func equalStrings(a, b []string) bool {
	return (a == nil) == (b == nil) && slices.Equal(a, b)
}

// Update brings the index to docs with one bleve batch of the documents
// that changed: new or edited ones indexed again, removed ones deleted.
// bleve keys documents by id, not by number, so that a document that only
// moved in rank order (its partner's tier changed, a name before it was
// edited) costs nothing. It returns the number of documents in the batch.
func (ix *Index) Update(docs []*Doc, labels Labels) (int, error) {
	old := make(map[string]*Doc, len(ix.Docs))
	for _, d := range ix.Docs {
		old[d.ID] = d
	}
	b := ix.bleve.NewBatch()
	for _, d := range docs {
		if o := old[d.ID]; o == nil || o.Name != d.Name || o.Text != d.Text {
			if err := b.Index(d.ID, fields(d)); err != nil {
				return 0, err
			}
		}
		delete(old, d.ID)
	}
	for id := range old {
		b.Delete(id)
	}
	n := b.Size()
	if n > 0 {
		if err := ix.bleve.Batch(b); err != nil {
			return 0, err
		}
	}
	ix.setDocs(docs, labels)
	return n, nil
}

// Close releases the index.
func (ix *Index) Close() error { return ix.bleve.Close() }

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
	// Fuzzy are the words that matched nothing as typed and were looked
	// up with typos forgiven (Fuzziness).
	Fuzzy []string `json:"fuzzy"`
	// Suggest holds queries to try when the words match nothing: the
	// query with each unknown word replaced by the nearest word of the
	// index (or left out), else each word on its own.
	Suggest []string `json:"suggest"`
}

// Hit is one result.
type Hit struct {
	Card
	Score float64 `json:"score,omitempty"`
	Num   int     `json:"-"`
}

// ExactBoost weighs a last word that is a whole word of the index over
// the longer words it is a prefix of: "de" finds partners in DE before
// people named Derek.
const ExactBoost = 3.0

// FuzzyPrefix is the number of leading characters a forgiven typo leaves
// alone (bleve's FuzzyQuery prefix): the client looks candidates up in
// the dictionary file of the word's first character only.
const FuzzyPrefix = 1

// Fuzziness is the number of edits (insertion, deletion, substitution,
// transposition of neighbours) forgiven in a word of n characters: none
// below 4, one up to 7, two from 8.
func Fuzziness(n int) int {
	switch {
	case n < 4:
		return 0
	case n < 8:
		return 1
	}
	return 2
}

// wordKind is how a word of the query is matched.
type wordKind int

const (
	wordExact  wordKind = iota // a whole word of the index (every word but the last)
	wordPrefix                 // the last word: any word it begins, the whole word weighing ExactBoost more
	wordFuzzy                  // unknown as typed: the words within Fuzziness edits
	wordNone                   // unknown, and too short to forgive
)

// Search runs q with bleve. Every word must match; the last one matches
// as a prefix, so results come as one types, with a whole-word match
// ahead. A word that matches nothing as typed matches the words of the
// index within Fuzziness edits (bleve's FuzzyQuery). An empty text
// browses in rank order. Scores are bleve's times each document's
// Boost. Filters and facet counts are applied over bleve's matches: a
// facet's counts take every filter but its own into account, so that
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
	out := &Result{Facets: map[string]map[string]int{}, Results: []Hit{}, Fuzzy: []string{}, Suggest: []string{}}
	for _, f := range Facets {
		out.Facets[f] = map[string]int{}
	}
	terms := ix.Analyze(q.Text)
	var matches []Hit
	if len(terms) == 0 {
		for _, d := range ix.Docs {
			matches = append(matches, Hit{Card: d.Card, Num: d.Num})
		}
	} else {
		r, err := ix.reader()
		if err != nil {
			return nil, err
		}
		defer r.Close()
		kinds := make([]wordKind, len(terms))
		none := false
		var qs []query.Query
		for i, t := range terms {
			kinds[i] = ix.kind(r, t, i == len(terms)-1)
			if kinds[i] == wordFuzzy {
				out.Fuzzy = append(out.Fuzzy, t)
			}
			var either []query.Query
			for fi, f := range Fields {
				switch kinds[i] {
				case wordExact:
					tq := bleve.NewTermQuery(t)
					tq.SetField(f)
					tq.SetBoost(boost(fi))
					either = append(either, tq)
				case wordPrefix:
					pq := bleve.NewPrefixQuery(t)
					pq.SetField(f)
					pq.SetBoost(boost(fi))
					tq := bleve.NewTermQuery(t)
					tq.SetField(f)
					tq.SetBoost(boost(fi) * ExactBoost)
					either = append(either, pq, tq)
				case wordFuzzy:
					fq := bleve.NewFuzzyQuery(t)
					fq.SetFuzziness(Fuzziness(utf8.RuneCountInString(t)))
					fq.SetPrefix(FuzzyPrefix)
					fq.SetField(f)
					fq.SetBoost(boost(fi))
					either = append(either, fq)
				case wordNone:
					none = true
				}
			}
			if !none {
				qs = append(qs, bleve.NewDisjunctionQuery(either...))
			}
		}
		if !none {
			var bq query.Query = qs[0]
			if len(qs) > 1 {
				bq = bleve.NewConjunctionQuery(qs...)
			}
			req := bleve.NewSearchRequestOptions(bq, len(ix.Docs), 0, false)
			res, err := ix.bleve.Search(req)
			if err != nil {
				return nil, err
			}
			for _, h := range res.Hits {
				n, ok := ix.num[h.ID]
				if !ok {
					return nil, fmt.Errorf("search: bleve returned unknown document %q", h.ID)
				}
				matches = append(matches, Hit{Card: ix.Docs[n].Card, Score: h.Score * Boost(ix.Docs[n].Static), Num: n})
			}
			slices.SortStableFunc(matches, func(a, b Hit) int { return cmp.Or(-cmp.Compare(a.Score, b.Score), cmp.Compare(a.Num, b.Num)) })
		}
		if len(matches) == 0 {
			out.Suggest, err = ix.suggest(r, terms, kinds)
			if err != nil {
				return nil, err
			}
		}
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

func (ix *Index) reader() (bindex.IndexReader, error) {
	adv, err := ix.bleve.Advanced()
	if err != nil {
		return nil, err
	}
	return adv.Reader()
}

// kind tells how word t is matched: as typed if some field has it (the
// last word: some word it begins), else with typos forgiven if it is long
// enough.
func (ix *Index) kind(r bindex.IndexReader, t string, last bool) wordKind {
	known, exact := wordExact, false
	if last {
		known = wordPrefix
	}
	for _, f := range Fields {
		if last {
			d, err := r.FieldDictPrefix(f, []byte(t))
			if err == nil {
				e, err := d.Next()
				d.Close()
				if err == nil && e != nil {
					exact = true
				}
			}
		} else if n, err := r.TermFieldReader(context.Background(), []byte(t), f, false, false, false); err == nil {
			exact = exact || n.Count() > 0
			n.Close()
		}
	}
	switch {
	case exact:
		return known
	case Fuzziness(utf8.RuneCountInString(t)) > 0:
		return wordFuzzy
	}
	return wordNone
}

// suggest returns the queries to try when terms match nothing: each word
// that matched nothing as typed replaced by the nearest word of the index
// that begins with the same character (the fewest edits, up to
// Fuzziness+1; then the most documents; then the first in order), or left
// out when there is none. When every word is known (they just never
// occur together), each word on its own, as long as there are several.
func (ix *Index) suggest(r bindex.IndexReader, terms []string, kinds []wordKind) ([]string, error) {
	var words []string
	changed := false
	for i, t := range terms {
		if kinds[i] == wordExact || kinds[i] == wordPrefix {
			words = append(words, t)
			continue
		}
		changed = true
		best, err := ix.nearest(r, t)
		if err != nil {
			return nil, err
		}
		if best != "" {
			words = append(words, best)
		}
	}
	if changed {
		if len(words) == 0 {
			return []string{}, nil
		}
		return []string{strings.Join(words, " ")}, nil
	}
	if len(words) < 2 {
		return []string{}, nil
	}
	return slices.Compact(slices.Clone(words)), nil
}

// nearest is the word of the index nearest to t, as suggest chooses it,
// or "".
func (ix *Index) nearest(r bindex.IndexReader, t string) (string, error) {
	max := Fuzziness(utf8.RuneCountInString(t)) + 1
	first, _ := utf8.DecodeRuneInString(t)
	df := map[string]uint64{}
	for _, f := range Fields {
		d, err := r.FieldDictPrefix(f, []byte(string(first)))
		if err != nil {
			return "", err
		}
		for {
			e, err := d.Next()
			if err != nil {
				d.Close()
				return "", err
			}
			if e == nil {
				break
			}
			df[e.Term] += e.Count
		}
		d.Close()
	}
	best, bestD, bestDF := "", max+1, uint64(0)
	for w, n := range df {
		d := Distance(t, w, max)
		if d > max {
			continue
		}
		if d < bestD || d == bestD && (n > bestDF || n == bestDF && w < best) {
			best, bestD, bestDF = w, d, n
		}
	}
	return best, nil
}

// Distance is the number of edits between a and b as bleve's fuzzy
// matching counts them (vellum's Levenshtein automaton with
// transpositions: insertions, deletions, substitutions and swaps of
// neighbours, each 1, over characters), or max+1 when it exceeds max.
func Distance(a, b string, max int) int {
	x, y := []rune(a), []rune(b)
	if d := len(x) - len(y); d > max || -d > max {
		return max + 1
	}
	prev2 := make([]int, len(y)+1)
	prev := make([]int, len(y)+1)
	cur := make([]int, len(y)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(x); i++ {
		cur[0] = i
		low := cur[0]
		for j := 1; j <= len(y); j++ {
			c := 1
			if x[i-1] == y[j-1] {
				c = 0
			}
			v := min(prev[j]+1, cur[j-1]+1, prev[j-1]+c)
			if i > 1 && j > 1 && x[i-1] == y[j-2] && x[i-2] == y[j-1] {
				v = min(v, prev2[j-2]+1)
			}
			cur[j] = v
			low = min(low, v)
		}
		if low > max {
			return max + 1
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return min(prev[len(y)], max+1)
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

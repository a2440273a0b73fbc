package search

import (
	"bytes"
	"cmp"
	"compress/gzip"
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/search"
	bindex "github.com/blevesearch/bleve_index_api"
)

// The static index (build/search/), every file gzip-compressed by us so
// that its size over the wire does not depend on the host:
//
//	meta.bin     document count, fields and boosts, BM25 factors, the first
//	             term of each shard, bleve's fold table and word-break
//	             classes (all of Unicode, for the client's analysis), every
//	             facet's values and labels, and the facet counts of the
//	             whole directory
//	t/<n>.bin    a term shard: terms in order with, per field, document
//	             frequency, idf and postings (doc delta, factor varints);
//	             the facet counts of each term's documents and of each
//	             prefix the shard answers for; the cards of each term's
//	             best documents
//	f.bin        one column per facet: a varint set number per document,
//	             and the distinct value sets; fetched only by searches whose
//	             counts cannot come from the shards (several words, filters)
//	c/<n>.bin    the cards of documents n*CardGroup to (n+1)*CardGroup-1
//
// A one-word search, as typed, costs meta.bin once and one shard: its
// matches, scores, facet counts and best cards are all in the shard.
//
// A container (meta, shards, f.bin) is a little-endian uint32 header
// length, the JSON header, then the binary payload.
const (
	// ShardBytes is where a term shard is cut, in bytes before compression.
	ShardBytes = 32 << 10
	// CardGroup is the number of cards per card file.
	CardGroup = 32
	// TopCards is the number of best documents per term whose cards ride
	// along in the term's shard, so that a one-word query needs no card
	// file.
	TopCards = 10
	// Version is the index format's version, checked by the client.
	Version = 3
)

// Meta is meta.bin's header.
type Meta struct {
	Version   int               `json:"version"`
	Docs      int               `json:"docs"`
	Fields    []string          `json:"fields"`
	Boosts    []float64         `json:"boosts"`
	Sat       []float64         `json:"sat"`
	Shards    []string          `json:"shards"`
	Folds     map[string]string `json:"folds"`
	Classes   []int             `json:"classes"`
	CardGroup int               `json:"cardGroup"`
	Facets    []MetaFacet       `json:"facets"`
}

// MetaFacet is one facet: its values in the order the UI lists them, and
// how many documents hold each.
type MetaFacet struct {
	Name   string   `json:"name"`
	Values []string `json:"values"`
	Labels []string `json:"labels"`
	Counts []int    `json:"counts"`
}

// Columns is f.bin's header: per facet, the distinct value sets (set 0 is
// empty) and where its column is in the payload.
type Columns struct {
	Facets []Column `json:"facets"`
}

// Column locates one facet's column, or says how it follows from an
// earlier facet's: set number Map[n] where that facet has set number n.
type Column struct {
	Sets   [][]int `json:"sets"`
	Offset int     `json:"offset"`
	Length int     `json:"length"`
	From   int     `json:"from"`
	Map    []int   `json:"map,omitempty"`
}

// follows reports whether the set numbers in ids are a function of those
// in from, and returns that function.
func follows(ids, from []int, n int) ([]int, bool) {
	m := make([]int, n)
	for i := range m {
		m[i] = -1
	}
	for d, f := range from {
		switch m[f] {
		case -1:
			m[f] = ids[d]
		case ids[d]:
		default:
			return nil, false
		}
	}
	for i := range m {
		if m[i] < 0 {
			m[i] = 0
		}
	}
	return m, true
}

// Shard is a term shard's header. Per field (Fields order) and term: the
// document frequency (0: the term is not in that field), idf, and where
// its postings start in the payload (one more offset at the end). Counts
// locates, per term, its facet counts in the payload; Prefixes, those of
// each prefix of two or more terms whose lookup starts in this shard.
// Counts are, per facet, the number of values then (value, count) pairs.
type Shard struct {
	Terms    []string        `json:"terms"`
	DF       [][]int         `json:"df"`
	IDF      [][]float64     `json:"idf"`
	Post     [][]int         `json:"post"`
	Counts   []int           `json:"counts"`
	Prefixes map[string]int  `json:"prefixes"`
	Cards    map[string]Card `json:"cards"`
}

type posting struct {
	doc int
	sat int
}

type fieldTerm struct {
	idf  float64
	post []posting
}

type term struct {
	text   string
	fields []*fieldTerm // by Fields; nil where absent
}

// facetTable numbers every facet's values and gives each document its
// value numbers per facet.
type facetTable struct {
	meta []MetaFacet
	docs [][nFacets][]int
}

func (ix *Index) facetTable() *facetTable {
	ft := &facetTable{docs: make([][nFacets][]int, len(ix.Docs))}
	tierRank := map[string]int{}
	for _, d := range ix.Docs {
		for _, v := range d.Facets[fTier] {
			tierRank[v] = d.Rank
		}
	}
	for fi, name := range Facets {
		mf := MetaFacet{Name: name, Values: []string{}, Labels: []string{}}
		seen := map[string]bool{}
		for _, d := range ix.Docs {
			for _, v := range d.Facets[fi] {
				if !seen[v] {
					seen[v] = true
					mf.Values = append(mf.Values, v)
				}
			}
		}
		// Values in the order the UI lists them: tiers from the highest,
		// the rest by label.
		slices.SortFunc(mf.Values, func(a, b string) int {
			if name == "tier" {
				if c := -cmp.Compare(tierRank[a], tierRank[b]); c != 0 {
					return c
				}
			}
			return cmp.Or(cmp.Compare(ix.Label(name, a), ix.Label(name, b)), cmp.Compare(a, b))
		})
		num := map[string]int{}
		for i, v := range mf.Values {
			num[v] = i
			mf.Labels = append(mf.Labels, ix.Label(name, v))
		}
		mf.Counts = make([]int, len(mf.Values))
		for di, d := range ix.Docs {
			set := []int{}
			for _, v := range d.Facets[fi] {
				if !slices.Contains(set, num[v]) {
					set = append(set, num[v])
				}
			}
			slices.Sort(set)
			ft.docs[di][fi] = set
			for _, v := range set {
				mf.Counts[v]++
			}
		}
		ft.meta = append(ft.meta, mf)
	}
	return ft
}

// counter counts facet values over the documents of some terms, each
// document once, without allocating per call.
type counter struct {
	ft    *facetTable
	seen  []int32
	stamp int32
	tally [][]int
}

func (ft *facetTable) counter(docs int) *counter {
	c := &counter{ft: ft, seen: make([]int32, docs)}
	for _, m := range ft.meta {
		c.tally = append(c.tally, make([]int, len(m.Values)))
	}
	return c
}

// counts appends to b the facet counts of the documents any of ts
// matches in any field: per facet, the number of values, then (value,
// count) pairs.
func (c *counter) counts(b []byte, ts []*term) []byte {
	c.stamp++
	for _, t := range ts {
		for _, f := range t.fields {
			if f == nil {
				continue
			}
			for _, p := range f.post {
				if c.seen[p.doc] == c.stamp {
					continue
				}
				c.seen[p.doc] = c.stamp
				for fi := range Facets {
					for _, v := range c.ft.docs[p.doc][fi] {
						c.tally[fi][v]++
					}
				}
			}
		}
	}
	for fi := range Facets {
		n := 0
		for _, k := range c.tally[fi] {
			if k > 0 {
				n++
			}
		}
		b = binary.AppendUvarint(b, uint64(n))
		for v, k := range c.tally[fi] {
			if k > 0 {
				b = binary.AppendUvarint(b, uint64(v))
				b = binary.AppendUvarint(b, uint64(k))
				c.tally[fi][v] = 0
			}
		}
	}
	return b
}

// Export walks bleve's term dictionaries and postings and returns the
// static index's files, keyed by path below search/.
func (ix *Index) Export() (map[string][]byte, error) {
	terms, sat, err := ix.terms()
	if err != nil {
		return nil, err
	}
	ft := ix.facetTable()
	files := map[string][]byte{}
	meta := Meta{Version: Version, Docs: len(ix.Docs), Fields: Fields, Sat: sat, Shards: []string{}, CardGroup: CardGroup, Folds: clientFolds(), Classes: clientClasses(), Facets: ft.meta}
	for fi := range Fields {
		meta.Boosts = append(meta.Boosts, boost(fi))
	}

	// Term shards, cut by bytes.
	var cuts [][]*term
	var cur []*term
	size := 0
	for _, t := range terms {
		n := len(t.text) + 64
		for _, f := range t.fields {
			if f != nil {
				n += 3 * len(f.post)
			}
		}
		if size > 0 && size+n > ShardBytes {
			cuts = append(cuts, cur)
			cur, size = nil, 0
		}
		cur = append(cur, t)
		size += n
	}
	if len(cur) > 0 {
		cuts = append(cuts, cur)
	}
	for _, c := range cuts {
		meta.Shards = append(meta.Shards, c[0].text)
	}

	// Prefixes of two or more terms, each with the range of terms it
	// expands to (terms are sorted, so the range is contiguous), filed in
	// the shard where the client starts looking for it.
	type span struct{ lo, hi int }
	spans := map[string]*span{}
	var order []string
	for i, t := range terms {
		for j := 1; j <= len(t.text); j++ {
			if j < len(t.text) && !utf8.RuneStart(t.text[j]) {
				continue
			}
			p := t.text[:j]
			if sp := spans[p]; sp != nil {
				sp.hi = i + 1
			} else {
				spans[p] = &span{i, i + 1}
				order = append(order, p)
			}
		}
	}
	// Only the encoded counts are kept: holding every prefix's document
	// list at once cost gigabytes at 10,000 partners x 10 people.
	prefixes := make([]map[string][]byte, len(cuts))
	for i := range prefixes {
		prefixes[i] = map[string][]byte{}
	}
	c := ft.counter(len(ix.Docs))
	for _, p := range order {
		sp := spans[p]
		if sp.hi-sp.lo < 2 {
			continue
		}
		prefixes[shardOf(meta.Shards, p)][p] = c.counts(nil, terms[sp.lo:sp.hi])
	}
	for i, c := range cuts {
		data, err := ix.shard(c, sat, ft, prefixes[i])
		if err != nil {
			return nil, err
		}
		files[fmt.Sprintf("t/%d.bin", i)] = data
	}

	// Facet columns. A facet whose value set follows from an earlier
	// facet's (a region from the countries) is stored as that mapping
	// instead of a column of its own.
	var cols Columns
	var payload []byte
	ids := make([][]int, len(Facets)) // per facet, each document's set number
	for fi := range Facets {
		col := Column{Sets: [][]int{{}}, From: -1}
		setNum := map[string]int{"[]": 0}
		ids[fi] = make([]int, len(ix.Docs))
		for di := range ix.Docs {
			set := ft.docs[di][fi]
			key := fmt.Sprint(set)
			n, ok := setNum[key]
			if !ok {
				n = len(col.Sets)
				setNum[key] = n
				col.Sets = append(col.Sets, set)
			}
			ids[fi][di] = n
		}
		for from := range fi {
			if m, ok := follows(ids[fi], ids[from], len(cols.Facets[from].Sets)); ok && cols.Facets[from].From < 0 {
				col.From, col.Map = from, m
				break
			}
		}
		if col.From < 0 {
			col.Offset = len(payload)
			for _, n := range ids[fi] {
				payload = binary.AppendUvarint(payload, uint64(n))
			}
			col.Length = len(payload) - col.Offset
		}
		cols.Facets = append(cols.Facets, col)
	}
	if files["f.bin"], err = container(cols, payload); err != nil {
		return nil, err
	}
	if files["meta.bin"], err = container(meta, nil); err != nil {
		return nil, err
	}

	// Card groups.
	for start := 0; start < len(ix.Docs); start += CardGroup {
		var cards []Card
		for _, d := range ix.Docs[start:min(start+CardGroup, len(ix.Docs))] {
			cards = append(cards, d.Card)
		}
		js, err := json.Marshal(cards)
		if err != nil {
			return nil, err
		}
		files[fmt.Sprintf("c/%d.bin", start/CardGroup)] = gz(js)
	}
	return files, nil
}

// shardOf is the shard where the client starts looking for a term: the
// last one whose first term is not after it.
func shardOf(firsts []string, t string) int {
	i, found := slices.BinarySearch(firsts, t)
	if found || i == 0 {
		return i
	}
	return i - 1
}

// terms reads every term of every field with its postings and BM25
// factors, computed from bleve's own statistics the way bleve's BM25
// scorer computes them (search/scorer/scorer_term.go).
func (ix *Index) terms() ([]*term, []float64, error) {
	adv, err := ix.bleve.Advanced()
	if err != nil {
		return nil, nil, err
	}
	r, err := adv.Reader()
	if err != nil {
		return nil, nil, err
	}
	defer r.Close()
	total, err := r.DocCount()
	if err != nil {
		return nil, nil, err
	}
	num := map[string]int{} // bleve's internal id -> document number
	docNum := func(id bindex.IndexInternalID) (int, error) {
		if n, ok := num[string(id)]; ok {
			return n, nil
		}
		ext, err := r.ExternalID(id)
		if err != nil {
			return 0, err
		}
		n, err := strconv.Atoi(ext)
		if err != nil || n < 0 || n >= len(ix.Docs) {
			return 0, fmt.Errorf("search: unexpected document id %q", ext)
		}
		num[string(id)] = n
		return n, nil
	}
	type satKey struct {
		field      int
		freq, norm uint64
	}
	satNum := map[satKey]int{}
	var keys []satKey
	avgs := make([]float64, len(Fields))
	byText := map[string]*term{}
	ctx := context.Background()
	for fi, field := range Fields {
		avg := 0.0
		if br, ok := r.(bindex.BM25Reader); ok && total > 0 {
			card, err := br.FieldCardinality(field)
			if err != nil {
				return nil, nil, err
			}
			avg = math.Ceil(float64(card) / float64(total))
		}
		if avg == 0 {
			avg = 1
		}
		avgs[fi] = avg
		dict, err := r.FieldDict(field)
		if err != nil {
			return nil, nil, err
		}
		for {
			de, err := dict.Next()
			if err != nil {
				dict.Close()
				return nil, nil, err
			}
			if de == nil {
				break
			}
			tfr, err := r.TermFieldReader(ctx, []byte(de.Term), field, true, true, false)
			if err != nil {
				dict.Close()
				return nil, nil, err
			}
			df := tfr.Count()
			ft := &fieldTerm{idf: math.Log(1 + (float64(total)-float64(df)+0.5)/(float64(df)+0.5))}
			for {
				tfd, err := tfr.Next(nil)
				if err == nil && tfd == nil {
					break
				}
				var n int
				if err == nil {
					n, err = docNum(tfd.ID)
				}
				if err != nil {
					tfr.Close()
					dict.Close()
					return nil, nil, err
				}
				k := satKey{fi, tfd.Freq, math.Float64bits(tfd.Norm)}
				s, ok := satNum[k]
				if !ok {
					s = len(keys)
					satNum[k] = s
					keys = append(keys, k)
				}
				ft.post = append(ft.post, posting{n, s})
			}
			tfr.Close()
			slices.SortFunc(ft.post, func(a, b posting) int { return cmp.Compare(a.doc, b.doc) })
			t := byText[de.Term]
			if t == nil {
				t = &term{text: de.Term, fields: make([]*fieldTerm, len(Fields))}
				byText[de.Term] = t
			}
			t.fields[fi] = ft
		}
		dict.Close()
	}
	// The factors in a fixed order, whatever order bleve's segments
	// yielded them in, so that the same site gives the same bytes.
	order := make([]int, len(keys))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int {
		ka, kb := keys[a], keys[b]
		return cmp.Or(cmp.Compare(ka.field, kb.field), cmp.Compare(ka.freq, kb.freq), cmp.Compare(math.Float64frombits(ka.norm), math.Float64frombits(kb.norm)))
	})
	renum := make([]int, len(keys))
	sat := make([]float64, len(keys))
	for i, o := range order {
		renum[o] = i
		k := keys[o]
		tf := math.Sqrt(float64(k.freq))
		norm := math.Float64frombits(k.norm)
		fieldLength := 1 / (norm * norm)
		sat[i] = (tf * search.BM25_k1) / (tf + search.BM25_k1*(1-search.BM25_b+(search.BM25_b*fieldLength/avgs[k.field])))
	}
	for _, t := range byText {
		for _, ft := range t.fields {
			if ft != nil {
				for i := range ft.post {
					ft.post[i].sat = renum[ft.post[i].sat]
				}
			}
		}
	}
	terms := make([]*term, 0, len(byText))
	for _, t := range byText {
		terms = append(terms, t)
	}
	// Byte order of UTF-8 is code point order, as the client compares.
	slices.SortFunc(terms, func(a, b *term) int { return strings.Compare(a.text, b.text) })
	return terms, sat, nil
}

// boost is a field's weight.
func boost(fi int) float64 {
	if Fields[fi] == "name" {
		return NameBoost
	}
	return 1
}

func (ix *Index) shard(ts []*term, sat []float64, ft *facetTable, prefixes map[string][]byte) ([]byte, error) {
	nf := len(Fields)
	sh := Shard{Cards: map[string]Card{}, DF: make([][]int, nf), IDF: make([][]float64, nf), Post: make([][]int, nf), Prefixes: map[string]int{}}
	var payload []byte
	for _, t := range ts {
		sh.Terms = append(sh.Terms, t.text)
	}
	for fi := range Fields {
		for _, t := range ts {
			ft := t.fields[fi]
			sh.Post[fi] = append(sh.Post[fi], len(payload))
			if ft == nil {
				sh.DF[fi] = append(sh.DF[fi], 0)
				sh.IDF[fi] = append(sh.IDF[fi], 0)
				continue
			}
			sh.DF[fi] = append(sh.DF[fi], len(ft.post))
			sh.IDF[fi] = append(sh.IDF[fi], ft.idf)
			prev := 0
			for _, p := range ft.post {
				payload = binary.AppendUvarint(payload, uint64(p.doc-prev))
				payload = binary.AppendUvarint(payload, uint64(p.sat))
				prev = p.doc
			}
		}
		sh.Post[fi] = append(sh.Post[fi], len(payload))
	}
	c := ft.counter(len(ix.Docs))
	for _, t := range ts {
		sh.Counts = append(sh.Counts, len(payload))
		payload = c.counts(payload, []*term{t})
	}
	for _, p := range slices.Sorted(maps.Keys(prefixes)) {
		sh.Prefixes[p] = len(payload)
		payload = append(payload, prefixes[p]...)
	}
	// The cards of each term's best documents for the term alone, scored
	// as the client scores one word: fields summed, times the share of
	// fields that matched. Scores are kept by document number, not in a
	// map, and only the best TopCards are kept in order (a term such as
	// "consulting" matches tens of thousands of documents).
	score := make([]float64, len(ix.Docs))
	matched := make([]int, len(ix.Docs))
	var touched []int
	var best []scored
	for _, t := range ts {
		touched = touched[:0]
		for fi, ft := range t.fields {
			if ft == nil {
				continue
			}
			for _, p := range ft.post {
				if matched[p.doc] == 0 {
					touched = append(touched, p.doc)
				}
				score[p.doc] += boost(fi) * ft.idf * ft.idf * sat[p.sat]
				matched[p.doc]++
			}
		}
		best = best[:0]
		for _, d := range touched {
			best = top(best, scored{d, score[d] * (float64(matched[d]) / float64(nf))}, TopCards)
			score[d], matched[d] = 0, 0
		}
		for _, b := range best {
			sh.Cards[strconv.Itoa(b.doc)] = ix.Docs[b.doc].Card
		}
	}
	return container(sh, payload)
}

// A scored document.
type scored struct {
	doc   int
	score float64
}

// better orders documents best first: higher score, then lower number.
func (a scored) better(b scored) bool {
	return a.score > b.score || a.score == b.score && a.doc < b.doc
}

// top adds s to best, which holds at most n documents in order, best
// first.
func top(best []scored, s scored, n int) []scored {
	if len(best) == n && !s.better(best[n-1]) {
		return best
	}
	i := len(best)
	for i > 0 && s.better(best[i-1]) {
		i--
	}
	if len(best) < n {
		best = append(best, scored{})
	}
	copy(best[i+1:], best[i:])
	best[i] = s
	return best
}

func container(header any, payload []byte) ([]byte, error) {
	js, err := json.Marshal(header)
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	b.Grow(4 + len(js) + len(payload))
	b.Write(binary.LittleEndian.AppendUint32(nil, uint32(len(js))))
	b.Write(js)
	b.Write(payload)
	return gz(b.Bytes()), nil
}

// gzips keeps compressors for reuse: each holds about 800 KB of tables,
// and an index at 10,000 partners has thousands of files.
var gzips = sync.Pool{New: func() any {
	// The default level: BestCompression saves about 2% more bytes for
	// three times the time, over thousands of files.
	w, _ := gzip.NewWriterLevel(nil, gzip.DefaultCompression)
	return w
}}

func gz(data []byte) []byte {
	var b bytes.Buffer
	b.Grow(len(data)/3 + 64)
	w := gzips.Get().(*gzip.Writer)
	w.Reset(&b)
	w.Write(data)
	w.Close()
	gzips.Put(w)
	return b.Bytes()
}

package search

import (
	"bytes"
	"cmp"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"runtime"
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
//	meta.bin     document count, fields and boosts, BM25 factors (each
//	             already times a document's static Boost), the first term
//	             of each shard and of each dictionary file, bleve's fold
//	             table and word-break classes (all of Unicode, for the
//	             client's analysis), every facet's values and labels, the
//	             facet counts of the whole directory, an example query
//	             that finds something (the search box's placeholder), and,
//	             as its payload, the dictionary when it fits one file
//	             (InlineDictBytes)
//	t/<n>.bin    a term shard: terms in order with, per field, document
//	             frequency, idf and postings (every doc delta, then every
//	             factor number, varints);
//	             per term, the facet values of each document it matches
//	             (a table of distinct value tuples, then a tuple number
//	             per document, in document order), so that counts and
//	             filters of any query need no other file, or, for a
//	             common term (more than InlineTuples documents), its
//	             facet counts and those of the documents it shares with
//	             each of up to PairCounts common terms that go with it;
//	             the cards of each term's best documents, and of all its
//	             documents when it has at most AllCards
//	x/<n>/<k>/<g>.bin  the facet values of shard n's k-th common term,
//	             of the facets of group g (SideGroups)
//	d/<n>.bin    the dictionary, when meta.bin does not hold it: every
//	             term with its document frequency per field and its
//	             number of documents, front-coded, no postings; read only
//	             for a word that matches nothing as typed (typos, "did you
//	             mean")
//	v/<f>/<n>.bin  value n of facet f: the number of documents holding
//	             it, the facet counts over them and the first FirstDocs:
//	             a filter with no words starts from these
//	w/<f>/<n>.bin  every document holding value n of facet f with its facet
//	             values: read only when filters of several facets meet
//	c/<n>.bin    the cards of documents n*g to (n+1)*g-1, g the card group
//	             (CardGroup, or more for a large index: cardGroup)
//	             (cardRow), as those in the shards
//
// With the dictionary in meta.bin, a one-word search (as typed, a
// prefix or a typo) costs meta.bin once and the shards of the words it
// stands for; several words, or filters, cost every word's shard and the
// facet values of the rarest word at once (with filters, only the groups
// of the filters' facets; two common words none, since their shards may
// hold their shared counts), then card files for best results that no
// shard carries, and the other groups of facet values if needed. Without it, a word's shard says whether
// it is known, a word with a typo costs the dictionary file of its first
// character and the shards of its candidates, and the facet values wait
// for the shards.
//
// A container (meta, shards, dictionary and value files) is a
// little-endian uint32 header length, the JSON header, then the binary
// payload.
const (
	// ShardBytes is where a term shard is cut, in bytes before compression.
	ShardBytes = 16 << 10
	// DictBytes is where a dictionary file is cut.
	DictBytes = 24 << 10
	// CardGroup is the number of cards per card file: a result whose
	// card no shard carries costs its file, about 0.65 KiB compressed.
	// Past CardFiles files, the groups double instead, so that a large
	// directory does not multiply its files (a static host limits them):
	// 32 cards at 100,000 partners, as many files as before cards were
	// rows, and fewer than before at a million credentials.
	CardGroup = 16
	// CardFiles is the number of card files past which groups grow.
	CardFiles = 8192
	// TopCards is the number of best documents per term whose cards ride
	// along in the term's shard, so that a one-word query needs no card
	// file.
	TopCards = 10
	// AllCards is the document frequency up to which a term carries the
	// cards of all its documents: a query of several words whose rarest
	// word is that rare needs no card file.
	AllCards = 24
	// InlineTuples is the document frequency up to which a term's facet
	// tuples ride in its shard.
	InlineTuples = 200
	// PairCounts is the number of other common terms (more than
	// InlineTuples documents, and more than this one) with which a
	// common term stores the facet counts of the documents both match:
	// those that go with it the most, as the words of a specialty
	// ("healthcare integration") or of a name. A query of those two
	// words then needs neither side file.
	PairCounts = 8
	// InlineDictBytes is the size (before compression) up to which the
	// dictionary rides in meta.bin instead of d/ files.
	InlineDictBytes = DictBytes
	// Version is the index format's version, checked by the client.
	Version = 6
)

// SideGroups are the facets of each side file of a common term's facet
// values, x/<n>/<k>/<g>.bin, group g: a query with filters reads the
// groups of its filters' facets first and the others only when some
// document passes them. Type and tier, the usual filters, are a few
// bytes; a region follows from the countries, so they travel together.
var SideGroups = [][]int{{fType, fTier}, {fCert}, {fCountry, fRegion}, {fSpecialty, fIndustry}}

// allFacets is every facet, in order: a term's inline values and a
// value file's.
var allFacets = []int{fType, fTier, fCert, fCountry, fRegion, fSpecialty, fIndustry}

// limits are the constants above where tests change them: a small
// program then takes the paths of a large one (side files of facet
// values, card files, a dictionary in d/ files).
var limits = struct{ inlineDict, inlineTuples, allCards, topCards, pairs int }{InlineDictBytes, InlineTuples, AllCards, TopCards, PairCounts}

// Meta is meta.bin's header; its payload is the dictionary when it fits
// (DictTerms).
type Meta struct {
	Version    int       `json:"version"`
	Docs       int       `json:"docs"`
	Fields     []string  `json:"fields"`
	Boosts     []float64 `json:"boosts"`
	ExactBoost float64   `json:"exactBoost"`
	Sat        []float64 `json:"sat"`
	Shards     []string  `json:"shards"`
	Dicts      []string  `json:"dicts"`
	// DictTerms is the number of terms of the dictionary in meta.bin's
	// payload when Dicts is empty (an index of no documents has none);
	// otherwise the dictionary is in d/ files, Dicts their first terms.
	DictTerms    int `json:"dictTerms"`
	InlineTuples int `json:"inlineTuples"`
	// Groups are the facets of each side file of a term (SideGroups).
	Groups    [][]int           `json:"groups"`
	Folds     map[string]string `json:"folds"`
	Classes   []int             `json:"classes"`
	CardGroup int               `json:"cardGroup"`
	Facets    []MetaFacet       `json:"facets"`
	Example   string            `json:"example"`
	FirstDocs int               `json:"firstDocs"`
}

// MetaFacet is one facet: its values in the order the UI lists them, and
// how many documents hold each.
type MetaFacet struct {
	Name   string   `json:"name"`
	Values []string `json:"values"`
	Labels []string `json:"labels"`
	Counts []int    `json:"counts"`
}

// Shard is a term shard's header. Per field (Fields order) and term: the
// document frequency (0: the term is not in that field), idf, and where
// its postings start in the payload (one more offset at the end). Tuples
// locates each term's facet values in the payload, for every document
// the term matches in any field, in document order (appendTuples).
//
// A term with more than InlineTuples documents keeps its tuples in a
// side file of its own, x/<n>/<k>.bin (XTuples: k, -1 for a term whose
// tuples are inline) and its facet counts here
// (Counts: per facet the number of values, then (value, count) pairs;
// -1 for the others), so that a one-word query of a common word stays
// small and only a query that needs per-document values reads the side
// file.
type Shard struct {
	Terms   []string    `json:"terms"`
	DF      [][]int     `json:"df"`
	IDF     [][]float64 `json:"idf"`
	Post    [][]int     `json:"post"`
	Tuples  []int       `json:"tuples"`
	XTuples []int       `json:"xtuples"`
	Counts  []int       `json:"counts"`
	// Pairs are, per common term, the facet counts of the documents it
	// shares with each of its PairCounts terms: [term number, other
	// term, offset of the counts in the payload], a count for each
	// value of the term's own Counts, in their order (appendShared).
	Pairs [][3]any           `json:"pairs"`
	Cards map[string]cardRow `json:"cards"`
}

// ValueFile is v/<f>/<n>.bin's header: how many documents hold value n
// of facet f, the facet counts over them (per facet, value and count
// pairs), and the first FirstDocs of them in rank order. A filter on one
// value needs nothing else.
type ValueFile struct {
	Docs   int     `json:"docs"`
	Counts [][]int `json:"counts"`
	First  []int   `json:"first"`
}

// FirstDocs is the number of documents a value file lists.
const FirstDocs = 50

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
	docs   []int        // union(), once made
	// pairs are the common terms this one stores its shared facet
	// counts with (PairCounts), for a common term.
	pairs []*term
	// bits has a bit set for each document of a term others pair with:
	// a pair's shared documents are those of the rarer term whose bit is
	// set, found in time of the rarer (the other holds most of them).
	bits []uint64
}

// facetTable numbers every facet's values and gives each document its
// value numbers per facet.
type facetTable struct {
	meta []MetaFacet
	docs [][nFacets][]int
	// set numbers every distinct value set of a facet: set[d][fi] is
	// document d's, nsets[fi] how many the facet has.
	set    [][nFacets]int32
	nsets  [nFacets]int
	sets   [nFacets][][]int // by set number, its values
	locals sync.Pool        // *[nFacets][]int32, every entry -1
	zeros  sync.Pool        // *[nFacets][]int32, every entry 0
}

func (ix *Index) facetTable() *facetTable {
	ft := &facetTable{docs: make([][nFacets][]int, len(ix.Docs)), set: make([][nFacets]int32, len(ix.Docs))}
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
		setNum := map[string]int32{}
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
			key := fmt.Sprint(set)
			n, ok := setNum[key]
			if !ok {
				n = int32(len(setNum))
				setNum[key] = n
				ft.sets[fi] = append(ft.sets[fi], set)
			}
			ft.set[di][fi] = n
		}
		ft.nsets[fi] = len(setNum)
		ft.meta = append(ft.meta, mf)
	}
	ft.zeros.New = func() any {
		var buf [nFacets][]int32
		for fi := range buf {
			buf[fi] = make([]int32, ft.nsets[fi])
		}
		return &buf
	}
	ft.locals.New = func() any {
		var buf [nFacets][]int32
		for fi := range buf {
			buf[fi] = make([]int32, ft.nsets[fi])
			for i := range buf[fi] {
				buf[fi][i] = -1
			}
		}
		return &buf
	}
	return ft
}

// appendTuples appends the values of facets (facet numbers, in order)
// of docs (in order) to b, one facet after the other: the facet's distinct value sets among docs, the
// most frequent first (each as its number of values, then the value
// numbers), then, when there are several, how each document's set is
// found: 0 and a set number per document, or f+1 and, per set of an
// earlier facet f of facets, the set it implies (a region follows from the
// countries). Column by column, a facet whose values repeat (a person's
// country, a partner's tier) compresses to little.
func (ft *facetTable) appendTuples(b []byte, docs []int, facets []int) []byte {
	ids := make([][]int, len(Facets))
	nsets := make([]int, len(Facets))
	derived := make([]bool, len(Facets))
	buf := ft.locals.Get().(*[nFacets][]int32)
	defer ft.locals.Put(buf)
	for at, fi := range facets {
		// Local set numbers by the global ones, without a map per call:
		// a buffer of -1s, put back as it was found.
		local := buf[fi]
		defer func() {
			for _, d := range docs {
				local[ft.set[d][fi]] = -1
			}
		}()
		var sets [][]int
		var freq []int
		raw := make([]int, len(docs))
		for i, d := range docs {
			g := ft.set[d][fi]
			n := local[g]
			if n < 0 {
				n = int32(len(sets))
				local[g] = n
				sets = append(sets, ft.docs[d][fi])
				freq = append(freq, 0)
			}
			raw[i] = int(n)
			freq[n]++
		}
		// Most frequent first: small numbers, one byte each.
		order := make([]int, len(sets))
		for i := range order {
			order[i] = i
		}
		slices.SortStableFunc(order, func(x, y int) int { return -cmp.Compare(freq[x], freq[y]) })
		renum := make([]int, len(sets))
		for i, o := range order {
			renum[o] = i
		}
		ids[fi] = make([]int, len(docs))
		for i, n := range raw {
			ids[fi][i] = renum[n]
		}
		nsets[fi] = len(sets)
		b = binary.AppendUvarint(b, uint64(len(sets)))
		for _, o := range order {
			b = binary.AppendUvarint(b, uint64(len(sets[o])))
			for _, v := range sets[o] {
				b = binary.AppendUvarint(b, uint64(v))
			}
		}
		if len(sets) <= 1 {
			continue
		}
		from := -1
		var m []int
		for _, g := range facets[:at] {
			if derived[g] || nsets[g] <= 1 {
				continue
			}
			if mm, ok := follows(ids[fi], ids[g], nsets[g]); ok {
				from, m = g, mm
				break
			}
		}
		if from >= 0 {
			derived[fi] = true
			b = binary.AppendUvarint(b, uint64(from+1))
			for _, n := range m {
				b = binary.AppendUvarint(b, uint64(n))
			}
			continue
		}
		b = binary.AppendUvarint(b, 0)
		for _, n := range ids[fi] {
			b = binary.AppendUvarint(b, uint64(n))
		}
	}
	return b
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

// union returns the documents t matches in any field, in order. The
// slice is shared: callers must not change it.
func (t *term) union() []int {
	if t.docs == nil {
		t.docs = t.makeUnion()
	}
	return t.docs
}

func (t *term) makeUnion() []int {
	out := []int{}
	for _, f := range t.fields {
		if f == nil {
			continue
		}
		if len(out) == 0 {
			for _, p := range f.post {
				out = append(out, p.doc)
			}
			continue
		}
		merged := make([]int, 0, len(out)+len(f.post))
		i := 0
		for _, p := range f.post {
			for i < len(out) && out[i] < p.doc {
				merged = append(merged, out[i])
				i++
			}
			if i < len(out) && out[i] == p.doc {
				i++
			}
			merged = append(merged, p.doc)
		}
		out = append(merged, out[i:]...)
	}
	return out
}

// Export walks bleve's term dictionaries and postings and returns the
// static index's files, keyed by path below search/.
func (ix *Index) Export() (map[string][]byte, error) {
	if ix.reexport {
		ix.memo = &gzMemo{old: ix.lastGz}
		defer func() {
			last := map[[32]byte][]byte{}
			ix.memo.new.Range(func(k, v any) bool {
				last[k.([32]byte)] = v.([]byte)
				return true
			})
			ix.memo, ix.lastGz = nil, last
		}()
	}
	terms, sat, err := ix.terms()
	if err != nil {
		return nil, err
	}
	ft := ix.facetTable()
	// Every term's documents, made once here: the shards' goroutines
	// read those of other shards' terms (pairs).
	for _, t := range terms {
		t.union()
	}
	pairTerms(terms, len(ix.Docs))
	files := map[string][]byte{}
	meta := Meta{Version: Version, Docs: len(ix.Docs), Fields: Fields, ExactBoost: ExactBoost, Sat: sat, Shards: []string{}, Dicts: []string{},
		CardGroup: cardGroup(len(ix.Docs)), InlineTuples: limits.inlineTuples, Groups: SideGroups, Folds: clientFolds(), Classes: clientClasses(), Facets: ft.meta, FirstDocs: FirstDocs}
	for fi := range Fields {
		meta.Boosts = append(meta.Boosts, boost(fi))
	}
	if meta.Example, err = ix.example(); err != nil {
		return nil, err
	}

	// Term shards, cut by bytes.
	var cuts [][]*term
	var cur []*term
	size := 0
	for _, t := range terms {
		n := len(t.text) + 64
		for _, f := range t.fields {
			if f != nil {
				n += 4 * len(f.post)
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
	// Shards are independent: both cores encode and compress them.
	shards := make([][]byte, len(cuts))
	sides := make([][][]byte, len(cuts))
	err = parallel(len(cuts), func(i int) (err error) {
		shards[i], sides[i], err = ix.shard(cuts[i], sat, ft)
		return err
	})
	if err != nil {
		return nil, err
	}
	for i := range cuts {
		files[fmt.Sprintf("t/%d.bin", i)] = shards[i]
		for k, side := range sides[i] {
			files[fmt.Sprintf("x/%d/%d/%d.bin", i, k/len(SideGroups), k%len(SideGroups))] = side
		}
	}

	// The dictionary, front-coded: per term the bytes it shares with the
	// one before, its other bytes, its document frequency per field and
	// the number of documents it matches in any field (more than
	// InlineTuples: its facet values are in a side file). When it fits one
	// file it rides in meta.bin, so that the client knows every word, its
	// shard and its side file before it fetches anything: a typo or a
	// prefix costs only the shards of the words it stands for, and the
	// facet values a query needs load beside them.
	var dicts [][]byte
	var counts []int
	var dict []byte
	prev, count := "", 0
	for _, t := range terms {
		if len(dict) > DictBytes {
			dicts, counts = append(dicts, dict), append(counts, count)
			dict, prev, count = nil, "", 0
		}
		if count == 0 {
			meta.Dicts = append(meta.Dicts, t.text)
		}
		shared := 0
		for shared < len(prev) && shared < len(t.text) && prev[shared] == t.text[shared] {
			shared++
		}
		for shared > 0 && !utf8.RuneStart(t.text[shared]) {
			shared-- // whole characters, as the client decodes them
		}
		dict = binary.AppendUvarint(dict, uint64(shared))
		dict = binary.AppendUvarint(dict, uint64(len(t.text)-shared))
		dict = append(dict, t.text[shared:]...)
		for _, f := range t.fields {
			n := 0
			if f != nil {
				n = len(f.post)
			}
			dict = binary.AppendUvarint(dict, uint64(n))
		}
		dict = binary.AppendUvarint(dict, uint64(len(t.union())))
		prev = t.text
		count++
	}
	if count > 0 {
		dicts, counts = append(dicts, dict), append(counts, count)
	}
	var metaPayload []byte
	if len(dicts) == 1 && len(dicts[0]) <= limits.inlineDict {
		meta.Dicts = []string{}
		meta.DictTerms = counts[0]
		metaPayload = dicts[0]
	} else {
		for i, d := range dicts {
			data, err := ix.container(map[string]int{"terms": counts[i]}, d)
			if err != nil {
				return nil, err
			}
			files[fmt.Sprintf("d/%d.bin", i)] = data
		}
	}

	// Facet values' documents, for filters without words: per value, its
	// facet counts and first documents (v/), and every document with its
	// facet values (w/), read only when several filters meet.
	type value struct {
		fi, v int
		docs  []int
	}
	var values []value
	for fi, mf := range ft.meta {
		byValue := make([][]int, len(mf.Values))
		for d := range ix.Docs {
			for _, v := range ft.docs[d][fi] {
				byValue[v] = append(byValue[v], d)
			}
		}
		for v, docs := range byValue {
			values = append(values, value{fi, v, docs})
		}
	}
	vfiles := make([][2][]byte, len(values))
	err = parallel(len(values), func(i int) (err error) {
		docs := values[i].docs
		var b []byte
		prev := 0
		for _, d := range docs {
			b = binary.AppendUvarint(b, uint64(d-prev))
			prev = d
		}
		b = ft.appendTuples(b, docs, allFacets)
		if vfiles[i][1], err = ix.container(map[string]int{"docs": len(docs)}, b); err != nil {
			return err
		}
		vf := ValueFile{Docs: len(docs), First: docs[:min(len(docs), FirstDocs)]}
		tally := make([][]int, len(ft.meta))
		for g, m := range ft.meta {
			tally[g] = make([]int, len(m.Values))
		}
		ft.count(docs, tally)
		for g := range Facets {
			pairs := []int{}
			for x, k := range tally[g] {
				if k > 0 {
					pairs = append(pairs, x, k)
				}
			}
			vf.Counts = append(vf.Counts, pairs)
		}
		vfiles[i][0], err = ix.container(vf, nil)
		return err
	})
	if err != nil {
		return nil, err
	}
	for i, x := range values {
		files[fmt.Sprintf("v/%d/%d.bin", x.fi, x.v)] = vfiles[i][0]
		files[fmt.Sprintf("w/%d/%d.bin", x.fi, x.v)] = vfiles[i][1]
	}
	if files["meta.bin"], err = ix.container(meta, metaPayload); err != nil {
		return nil, err
	}

	// Card groups, on every core: thousands of small files.
	cg := meta.CardGroup
	groups := make([][]byte, (len(ix.Docs)+cg-1)/cg)
	err = parallel(len(groups), func(g int) error {
		var cards []cardRow
		for _, d := range ix.Docs[g*cg : min((g+1)*cg, len(ix.Docs))] {
			cards = append(cards, row(d.Card))
		}
		js, err := json.Marshal(cards)
		groups[g] = ix.gz(js)
		return err
	})
	if err != nil {
		return nil, err
	}
	for g, data := range groups {
		files[fmt.Sprintf("c/%d.bin", g)] = data
	}
	return files, nil
}

// values returns, per facet, the values docs hold, in order. tally is
// a zeroed scratch table, per facet and value, and is left zeroed.
func (ft *facetTable) values(docs []int, tally [][]int) [][]int {
	ft.count(docs, tally)
	out := make([][]int, len(Facets))
	for fi := range Facets {
		for v, k := range tally[fi] {
			if k > 0 {
				out[fi] = append(out[fi], v)
				tally[fi][v] = 0
			}
		}
	}
	return out
}

// appendShared appends the facet counts of docs, a subset of the
// documents that hold values (per facet, in order), to b: per facet,
// the count of each of those values, zeros included. Without the value
// numbers, two fifths fewer bytes than appendCounts for a pair of
// words. tally is a zeroed scratch table and is left zeroed.
func (ft *facetTable) appendShared(b []byte, docs []int, values [][]int, tally [][]int) []byte {
	ft.count(docs, tally)
	for fi, vs := range values {
		for _, v := range vs {
			b = binary.AppendUvarint(b, uint64(tally[fi][v]))
			tally[fi][v] = 0
		}
	}
	return b
}

// cardGroup is the number of cards per card file for n documents:
// CardGroup, doubled until there are at most CardFiles files.
func cardGroup(n int) int {
	g := CardGroup
	for (n+g-1)/g > CardFiles {
		g *= 2
	}
	return g
}

// parallel runs f(0) to f(n-1) on every core and returns the first error.
func parallel(n int, f func(i int) error) error {
	errs := make([]error, n)
	next := make(chan int)
	var wg sync.WaitGroup
	for range max(1, runtime.GOMAXPROCS(0)) {
		wg.Go(func() {
			for i := range next {
				errs[i] = f(i)
			}
		})
	}
	for i := range n {
		next <- i
	}
	close(next)
	wg.Wait()
	return errors.Join(errs...)
}

// example is a query for the search box's placeholder that finds
// something: the best partner's first specialty and city, or less.
func (ix *Index) example() (string, error) {
	for _, d := range ix.Docs {
		if d.Type != "partner" {
			continue
		}
		var tries []string
		if len(d.Facets[fSpecialty]) > 0 {
			city := strings.TrimSpace(strings.SplitN(d.Card.Location, ",", 2)[0])
			if city != "" {
				tries = append(tries, d.Facets[fSpecialty][0]+" "+city)
			}
			tries = append(tries, d.Facets[fSpecialty][0])
		}
		tries = append(tries, d.Name)
		for _, q := range tries {
			r, err := ix.Search(Query{Text: q, Limit: 1})
			if err != nil {
				return "", err
			}
			if r.Total > 0 && len(r.Fuzzy) == 0 {
				return q, nil
			}
		}
		break
	}
	return "", nil
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
	// bleve's internal id -> document number + 1 (0: not seen yet). A
	// scorch internal id is its document's number in the snapshot, eight
	// bytes big-endian: a slice by that number, not a map by the bytes,
	// since every posting of every term asks (a third of an export's
	// time at 10,000 partners).
	var num []int
	docNum := func(id bindex.IndexInternalID) (int, error) {
		if len(id) != 8 {
			return 0, fmt.Errorf("search: a bleve internal id of %d bytes, not scorch's 8", len(id))
		}
		i := binary.BigEndian.Uint64(id)
		if i < uint64(len(num)) && num[i] > 0 {
			return num[i] - 1, nil
		}
		ext, err := r.ExternalID(id)
		if err != nil {
			return 0, err
		}
		n, ok := ix.num[ext]
		if !ok {
			return 0, fmt.Errorf("search: unexpected document id %q", ext)
		}
		if i >= uint64(len(num)) {
			if i > uint64(4*len(ix.Docs)+1024) {
				return 0, fmt.Errorf("search: bleve internal id %d for %d documents", i, len(ix.Docs))
			}
			num = append(num, make([]int, int(i)+1-len(num))...)
		}
		num[i] = n + 1
		return n, nil
	}
	type satKey struct {
		field      int
		freq, norm uint64
		static     int
	}
	satNum := map[satKey]int{}
	var keys []satKey
	var uses []int // postings per factor
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
				k := satKey{fi, tfd.Freq, math.Float64bits(tfd.Norm), ix.Docs[n].Static}
				s, ok := satNum[k]
				if !ok {
					s = len(keys)
					satNum[k] = s
					keys = append(keys, k)
					uses = append(uses, 0)
				}
				uses[s]++
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
	// yielded them in, so that the same site gives the same bytes: the
	// most used first, so that most postings name theirs in one byte.
	order := make([]int, len(keys))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int {
		ka, kb := keys[a], keys[b]
		return cmp.Or(-cmp.Compare(uses[a], uses[b]), cmp.Compare(ka.field, kb.field), cmp.Compare(ka.freq, kb.freq), cmp.Compare(math.Float64frombits(ka.norm), math.Float64frombits(kb.norm)), cmp.Compare(ka.static, kb.static))
	})
	renum := make([]int, len(keys))
	sat := make([]float64, len(keys))
	for i, o := range order {
		renum[o] = i
		k := keys[o]
		tf := math.Sqrt(float64(k.freq))
		norm := math.Float64frombits(k.norm)
		fieldLength := 1 / (norm * norm)
		sat[i] = (tf * search.BM25_k1) / (tf + search.BM25_k1*(1-search.BM25_b+(search.BM25_b*fieldLength/avgs[k.field]))) * Boost(k.static)
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

func (ix *Index) shard(ts []*term, sat []float64, ft *facetTable) (shard []byte, sides [][]byte, err error) {
	nf := len(Fields)
	sh := Shard{Cards: map[string]cardRow{}, Pairs: [][3]any{}, DF: make([][]int, nf), IDF: make([][]float64, nf), Post: make([][]int, nf)}
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
			// Column by column, every document gap and then every
			// factor: runs of small gaps compress better unbroken.
			prev := 0
			for _, p := range ft.post {
				payload = binary.AppendUvarint(payload, uint64(p.doc-prev))
				prev = p.doc
			}
			for _, p := range ft.post {
				payload = binary.AppendUvarint(payload, uint64(p.sat))
			}
		}
		sh.Post[fi] = append(sh.Post[fi], len(payload))
	}
	tally := make([][]int, len(ft.meta))
	for fi, m := range ft.meta {
		tally[fi] = make([]int, len(m.Values))
	}
	for k, t := range ts {
		docs := t.union()
		if len(docs) <= limits.inlineTuples {
			sh.Tuples = append(sh.Tuples, len(payload))
			sh.XTuples = append(sh.XTuples, -1)
			sh.Counts = append(sh.Counts, -1)
			payload = ft.appendTuples(payload, docs, allFacets)
		} else {
			sh.Tuples = append(sh.Tuples, -1)
			sh.XTuples = append(sh.XTuples, len(sides)/len(SideGroups))
			for _, g := range SideGroups {
				side, err := ix.container(map[string]int{}, ft.appendTuples(nil, docs, g))
				if err != nil {
					return nil, nil, err
				}
				sides = append(sides, side)
			}
			sh.Counts = append(sh.Counts, len(payload))
			var own [][]int
			if len(t.pairs) > 0 {
				own = ft.values(docs, tally)
			}
			payload = ft.appendCounts(payload, docs, tally)
			for _, o := range t.pairs {
				sh.Pairs = append(sh.Pairs, [3]any{k, o.text, len(payload)})
				payload = ft.appendShared(payload, o.within(docs), own, tally)
			}
		}
		if len(docs) <= limits.allCards {
			for _, d := range docs {
				sh.Cards[strconv.Itoa(d)] = row(ix.Docs[d].Card)
			}
		}
	}
	// The cards of each term's best documents for the term alone, scored
	// as the client scores one word: fields summed, times the share of
	// fields that matched (the whole-word clause of a last word doubles
	// each field's share and adds ExactBoost, which orders the same).
	// Scores are kept by document number, not in a map, and only the
	// best TopCards are kept in order (a term such as "consulting"
	// matches tens of thousands of documents).
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
			best = top(best, scored{d, score[d] * (float64(matched[d]) / float64(nf))}, limits.topCards)
			score[d], matched[d] = 0, 0
		}
		for _, b := range best {
			sh.Cards[strconv.Itoa(b.doc)] = row(ix.Docs[b.doc].Card)
		}
	}
	shard, err = ix.container(sh, payload)
	return shard, sides, err
}

// count adds the facet values of docs to tally (per facet and value):
// per facet, how many documents hold each value set, then each set's
// values, since documents share a few sets (a partner's people its
// country, its specialties).
func (ft *facetTable) count(docs []int, tally [][]int) {
	buf := ft.zeros.Get().(*[nFacets][]int32)
	defer ft.zeros.Put(buf)
	for fi := range Facets {
		per := buf[fi]
		var touched []int32
		for _, d := range docs {
			n := ft.set[d][fi]
			if per[n] == 0 {
				touched = append(touched, n)
			}
			per[n]++
		}
		for _, n := range touched {
			for _, v := range ft.sets[fi][n] {
				tally[fi][v] += int(per[n])
			}
			per[n] = 0
		}
	}
}

// appendCounts appends the facet counts of docs to b: per facet, the
// number of values held, then (value, count) pairs. tally is a zeroed
// scratch table, per facet and value, and is left zeroed.
func (ft *facetTable) appendCounts(b []byte, docs []int, tally [][]int) []byte {
	ft.count(docs, tally)
	for fi := range Facets {
		n := 0
		for _, k := range tally[fi] {
			if k > 0 {
				n++
			}
		}
		b = binary.AppendUvarint(b, uint64(n))
		for v, k := range tally[fi] {
			if k > 0 {
				b = binary.AppendUvarint(b, uint64(v))
				b = binary.AppendUvarint(b, uint64(k))
				tally[fi][v] = 0
			}
		}
	}
	return b
}

// within returns those of docs that t matches, from t.bits.
func (t *term) within(docs []int) []int {
	var out []int
	for _, d := range docs {
		if t.bits[d/64]&(1<<(d%64)) != 0 {
			out = append(out, d)
		}
	}
	return out
}

// pairTerms chooses, for every common term (more than InlineTuples
// documents), up to PairCounts common terms of more documents (or as
// many and after it) that go with it more than chance would have them,
// and sets its pairs: their shared counts ride in its shard
// (Shard.Pairs). Ties go to the term of fewer documents, then first in
// order.
func pairTerms(terms []*term, ndocs int) {
	if limits.pairs <= 0 {
		return
	}
	var common []*term
	for _, t := range terms {
		if len(t.union()) > limits.inlineTuples {
			common = append(common, t)
		}
	}
	// Fewest documents first (then in term order): a term pairs only
	// with those after it.
	slices.SortStableFunc(common, func(a, b *term) int { return cmp.Compare(len(a.union()), len(b.union())) })
	// Per document, the common terms it holds, in that order; then, per
	// common term, how many documents it shares with each after it. A
	// document's terms before this one were counted already: next[d]
	// is where this one sits among them.
	// One array for all documents' lists (start[d] to start[d+1]), not
	// a slice each.
	start := make([]int, ndocs+1)
	for _, t := range common {
		for _, d := range t.union() {
			start[d+1]++
		}
	}
	for d := range ndocs {
		start[d+1] += start[d]
	}
	all := make([]int32, start[ndocs])
	next := slices.Clone(start[:ndocs])
	for i, t := range common {
		for _, d := range t.union() {
			all[next[d]] = int32(i)
			next[d]++
		}
	}
	copy(next, start[:ndocs])
	shared := make([]int, len(common))
	var touched []int
	for _, t := range common {
		touched = touched[:0]
		for _, d := range t.union() {
			next[d]++
			for _, j := range all[next[d]:start[d+1]] {
				if shared[j] == 0 {
					touched = append(touched, int(j))
				}
				shared[j]++
			}
		}
		// The words that go together more than chance, the most first
		// (lift: the documents shared over those two words of their
		// numbers would share if independent), but not one that holds
		// every document of this one: the client then has the counts,
		// stored with this word.
		n := len(t.union())
		lift := func(j int) float64 {
			return float64(shared[j]) * float64(ndocs) / (float64(n) * float64(len(common[j].union())))
		}
		chosen := slices.DeleteFunc(slices.Clone(touched), func(j int) bool { return shared[j] == n || lift(j) <= 1 })
		slices.SortFunc(chosen, func(a, b int) int { return cmp.Or(-cmp.Compare(lift(a), lift(b)), cmp.Compare(a, b)) })
		for _, j := range chosen[:min(len(chosen), limits.pairs)] {
			t.pairs = append(t.pairs, common[j])
			if o := common[j]; o.bits == nil {
				o.bits = make([]uint64, (ndocs+63)/64)
				for _, d := range o.union() {
					o.bits[d/64] |= 1 << (d % 64)
				}
			}
		}
		for _, j := range touched {
			shared[j] = 0
		}
	}
}

// cardRow is a card as the index stores it, its fields in Card's order
// without their names: [type, id, name, url, tier, tierId, partner,
// location, specialties, credentials, certified], the url 0 when it is
// the one the id makes (/partners/<id>/, a person's
// /partners/<partner>/#person-<person>). A fifth fewer bytes than the
// JSON of Card, compressed; the client makes the Card back.
type cardRow [11]any

func row(c Card) cardRow {
	var url any = c.URL
	partner, person, isPerson := strings.Cut(c.ID, "/")
	if c.Type == "partner" && c.URL == "/partners/"+c.ID+"/" || c.Type == "person" && isPerson && c.URL == "/partners/"+partner+"/#person-"+person {
		url = 0
	}
	return cardRow{c.Type, c.ID, c.Name, url, c.Tier, c.TierID, c.Partner, c.Location, nonNil(c.Specialties), nonNil(c.Credentials), c.Certified}
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
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

func (ix *Index) container(header any, payload []byte) ([]byte, error) {
	js, err := json.Marshal(header)
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	b.Grow(4 + len(js) + len(payload))
	b.Write(binary.LittleEndian.AppendUint32(nil, uint32(len(js))))
	b.Write(js)
	b.Write(payload)
	return ix.gz(b.Bytes()), nil
}

// gzMemo holds an export's compressed files by the SHA-256 of their
// bytes, for the next export of the same index: serve exports after
// every edit, most files come out the same, and compressing them all
// again was a third of an export's time. Only the files of the last
// export are kept.
type gzMemo struct {
	old map[[32]byte][]byte // the last export's, read-only
	new sync.Map            // [32]byte -> []byte: this export's
}

// gz compresses data, or returns what the last export compressed for
// the same bytes. Safe for the export's goroutines.
func (ix *Index) gz(data []byte) []byte {
	m := ix.memo
	if m == nil {
		return gz(data)
	}
	k := sha256.Sum256(data)
	b, ok := m.old[k]
	if !ok {
		b = gz(data)
	}
	m.new.Store(k, b)
	return b
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

package search

import (
	"bytes"
	"cmp"
	"compress/gzip"
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/search"
	bindex "github.com/blevesearch/bleve_index_api"
)

// The static index (build/search/), every file gzip-compressed by us so
// that its size over the wire does not depend on the host:
//
//	meta.bin     header: document count, BM25 factors, the first term of
//	             each shard, the fold table, facets (values, labels, the
//	             distinct value sets) ; payload: one column per facet, a
//	             varint set number per document
//	t/<n>.bin    a term shard: terms in order with their document
//	             frequency and idf, the cards of each term's best
//	             documents; payload: postings, (doc delta, factor) varints
//	c/<n>.bin    the cards of documents n*CardGroup to (n+1)*CardGroup-1
//
// A container (meta, shards) is a little-endian uint32 header length, the
// JSON header, then the binary payload.
const (
	// ShardBytes is where a term shard is cut, in bytes before compression.
	ShardBytes = 48 << 10
	// CardGroup is the number of cards per card file.
	CardGroup = 64
	// TopCards is the number of best documents per term whose cards ride
	// along in the term's shard, so that a one-word query needs no card
	// file.
	TopCards = 10
	// Version is the index format's version, checked by the client.
	Version = 1
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
	CardGroup int               `json:"cardGroup"`
	Facets    []MetaFacet       `json:"facets"`
}

// MetaFacet describes one facet and where its column is in the payload.
type MetaFacet struct {
	Name   string   `json:"name"`
	Values []string `json:"values"`
	Labels []string `json:"labels"`
	Sets   [][]int  `json:"sets"` // set 0 is always empty
	Offset int      `json:"offset"`
	Length int      `json:"length"`
}

// Shard is a term shard's header. Per field (Fields order) and term: the
// document frequency (0: the term is not in that field), idf, and where
// its postings start in the payload (one more offset at the end).
type Shard struct {
	Terms []string        `json:"terms"`
	DF    [][]int         `json:"df"`
	IDF   [][]float64     `json:"idf"`
	Post  [][]int         `json:"post"`
	Cards map[string]Card `json:"cards"`
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

// Export walks bleve's term dictionaries and postings and returns the
// static index's files, keyed by path below search/.
func (ix *Index) Export() (map[string][]byte, error) {
	terms, sat, err := ix.terms()
	if err != nil {
		return nil, err
	}
	files := map[string][]byte{}
	meta := Meta{Version: Version, Docs: len(ix.Docs), Fields: Fields, Sat: sat, Shards: []string{}, CardGroup: CardGroup, Folds: ix.folds()}
	for fi := range Fields {
		meta.Boosts = append(meta.Boosts, boost(fi))
	}

	// Term shards, cut by bytes.
	var cur []*term
	size := 0
	flush := func() error {
		if len(cur) == 0 {
			return nil
		}
		data, err := ix.shard(cur, sat)
		if err != nil {
			return err
		}
		files[fmt.Sprintf("t/%d.bin", len(meta.Shards))] = data
		meta.Shards = append(meta.Shards, cur[0].text)
		cur, size = nil, 0
		return nil
	}
	for _, t := range terms {
		n := len(t.text) + 16
		for _, ft := range t.fields {
			if ft != nil {
				n += 3 * len(ft.post)
			}
		}
		if size > 0 && size+n > ShardBytes {
			if err := flush(); err != nil {
				return nil, err
			}
		}
		cur = append(cur, t)
		size += n
	}
	if err := flush(); err != nil {
		return nil, err
	}

	// Facet columns.
	var payload []byte
	for fi, name := range Facets {
		mf := MetaFacet{Name: name, Values: []string{}, Labels: []string{}, Sets: [][]int{{}}}
		valueNum := map[string]int{}
		var values []string
		for _, d := range ix.Docs {
			for _, v := range d.Facets[fi] {
				if _, ok := valueNum[v]; !ok {
					valueNum[v] = len(values)
					values = append(values, v)
				}
			}
		}
		// Values in the order the UI lists them: tiers from the highest,
		// the rest by label.
		tierRank := map[string]int{}
		for _, d := range ix.Docs {
			for _, v := range d.Facets[fTier] {
				tierRank[v] = d.Rank
			}
		}
		slices.SortFunc(values, func(a, b string) int {
			if name == "tier" {
				if c := -cmp.Compare(tierRank[a], tierRank[b]); c != 0 {
					return c
				}
			}
			return cmp.Or(cmp.Compare(ix.Label(name, a), ix.Label(name, b)), cmp.Compare(a, b))
		})
		for i, v := range values {
			valueNum[v] = i
			mf.Values = append(mf.Values, v)
			mf.Labels = append(mf.Labels, ix.Label(name, v))
		}
		setNum := map[string]int{"": 0}
		mf.Offset = len(payload)
		for _, d := range ix.Docs {
			set := []int{}
			for _, v := range d.Facets[fi] {
				set = append(set, valueNum[v])
			}
			slices.Sort(set)
			key := fmt.Sprint(set)
			if len(set) == 0 {
				key = ""
			}
			n, ok := setNum[key]
			if !ok {
				n = len(mf.Sets)
				setNum[key] = n
				mf.Sets = append(mf.Sets, set)
			}
			payload = binary.AppendUvarint(payload, uint64(n))
		}
		mf.Length = len(payload) - mf.Offset
		meta.Facets = append(meta.Facets, mf)
	}
	data, err := container(meta, payload)
	if err != nil {
		return nil, err
	}
	files["meta.bin"] = data

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

func (ix *Index) shard(ts []*term, sat []float64) ([]byte, error) {
	nf := len(Fields)
	sh := Shard{Cards: map[string]Card{}, DF: make([][]int, nf), IDF: make([][]float64, nf), Post: make([][]int, nf)}
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
	// The cards of each term's best documents for the term alone, scored
	// as the client scores one word: fields summed, times the share of
	// fields that matched.
	for _, t := range ts {
		score := map[int]float64{}
		matched := map[int]int{}
		for fi, ft := range t.fields {
			if ft == nil {
				continue
			}
			for _, p := range ft.post {
				score[p.doc] += boost(fi) * ft.idf * ft.idf * sat[p.sat]
				matched[p.doc]++
			}
		}
		docs := make([]int, 0, len(score))
		for d := range score {
			score[d] *= float64(matched[d]) / float64(nf)
			docs = append(docs, d)
		}
		slices.SortFunc(docs, func(a, b int) int { return cmp.Or(-cmp.Compare(score[a], score[b]), cmp.Compare(a, b)) })
		for _, d := range docs[:min(TopCards, len(docs))] {
			sh.Cards[strconv.Itoa(d)] = ix.Docs[d].Card
		}
	}
	return container(sh, payload)
}

// folds lists what bleve's ASCII folding does to every character of the
// indexed text and of the Latin blocks people type accents from, so the
// client folds a query exactly as bleve does.
func (ix *Index) folds() map[string]string {
	seen := map[rune]bool{}
	for r := rune(0xA0); r <= 0x24F; r++ {
		seen[r] = true
	}
	for r := rune(0x2010); r <= 0x203A; r++ { // dashes, quotes
		seen[r] = true
	}
	for _, d := range ix.Docs {
		for _, r := range d.Name + d.Text {
			if r >= utf8.RuneSelf {
				seen[r] = true
			}
		}
	}
	out := map[string]string{}
	for r := range seen {
		s := string(r)
		if f := foldString(s); f != s {
			out[s] = f
		}
	}
	return out
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

func gz(data []byte) []byte {
	var b bytes.Buffer
	w, _ := gzip.NewWriterLevel(&b, gzip.BestCompression)
	w.Write(data)
	w.Close()
	return b.Bytes()
}

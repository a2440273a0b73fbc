package search_test

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/accredit/accredit/cmd/internal/check"
	"github.com/accredit/accredit/cmd/internal/date"
	"github.com/accredit/accredit/cmd/internal/diag"
	"github.com/accredit/accredit/cmd/internal/load"
	"github.com/accredit/accredit/cmd/internal/search"
	"github.com/accredit/accredit/cmd/internal/site"
	"github.com/accredit/accredit/cmd/internal/standing"
)

// exampleSite is the repository's example program at a fixed date.
func exampleSite(t testing.TB) *site.Site {
	t.Helper()
	d, _ := date.Parse("2026-11-22")
	p, ds, err := load.Load("../../..")
	if err != nil {
		t.Fatal(err)
	}
	s := standing.Compute(p)
	for _, x := range append(ds, check.Run(p, s, d)...) {
		if x.Severity == diag.Error {
			t.Fatalf("example program has errors: %s", x)
		}
	}
	st, err := site.Build(p, s, d)
	if err != nil {
		t.Fatal(err)
	}
	return st
}

func exampleIndex(t testing.TB) *search.Index {
	t.Helper()
	ix, err := search.New(search.Docs(exampleSite(t)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	return ix
}

func TestDocsArePublic(t *testing.T) {
	st := exampleSite(t)
	docs, _ := search.Docs(st)
	byID := map[string]*search.Doc{}
	for _, d := range docs {
		byID[d.ID] = d
	}
	people := 0
	for _, pa := range st.P.Partners {
		if !pa.Listed {
			if byID[pa.ID] != nil {
				t.Errorf("unlisted partner %s is indexed", pa.ID)
			}
			continue
		}
		if byID[pa.ID] == nil {
			t.Errorf("listed partner %s is not indexed", pa.ID)
		}
		for _, pe := range pa.People {
			d := byID[pa.ID+"/"+pe.ID]
			if !pe.Public && d != nil {
				t.Errorf("private person %s/%s is indexed", pa.ID, pe.ID)
			}
			if d != nil {
				people++
			}
		}
	}
	if people == 0 {
		t.Fatal("no person indexed")
	}
	for _, d := range docs {
		js, _ := json.Marshal(d)
		for _, pa := range st.P.Partners {
			for _, pe := range pa.People {
				if pe.Email != "" && bytes.Contains(js, []byte(pe.Email)) {
					t.Errorf("%s holds the e-mail %s", d.ID, pe.Email)
				}
			}
		}
	}
	for i, d := range docs {
		if d.Num != i {
			t.Fatalf("doc %d has number %d", i, d.Num)
		}
		if i > 0 && docs[i-1].Rank < d.Rank {
			t.Errorf("doc %d (%s) ranks above %d (%s)", i, d.Name, i-1, docs[i-1].Name)
		}
	}
}

func TestSearch(t *testing.T) {
	ix := exampleIndex(t)
	tests := []struct {
		name    string
		q       search.Query
		first   string // id (or id prefix) of the first result
		minimum int    // total at least
		check   func(t *testing.T, r *search.Result)
	}{
		{name: "partner name", q: search.Query{Text: "skarvik"}, first: "skarvik-data", minimum: 2},
		{name: "prefix", q: search.Query{Text: "skarv"}, first: "skarvik-data", minimum: 2},
		{name: "folded", q: search.Query{Text: "BRUCKNER"}, first: "bruckner-datenwerk", minimum: 1},
		{name: "accent typed", q: search.Query{Text: "brückner datenw"}, first: "bruckner-datenwerk", minimum: 1},
		{name: "no match", q: search.Query{Text: "zzzzqqq"}},
		{name: "typo", q: search.Query{Text: "Kestral"}, first: "kestrel-peak", minimum: 2,
			check: func(t *testing.T, r *search.Result) {
				if !slices.Equal(r.Fuzzy, []string{"kestral"}) {
					t.Errorf("fuzzy %q", r.Fuzzy)
				}
			}},
		{name: "typo in a surname", q: search.Query{Text: "rahmann"}, minimum: 1,
			check: func(t *testing.T, r *search.Result) {
				if !strings.Contains(r.Results[0].ID, "rahman") {
					t.Errorf("first %s", r.Results[0].ID)
				}
			}},
		{name: "short words keep no typo", q: search.Query{Text: "kes"}, first: "kestrel-peak", minimum: 1},
		{name: "country name", q: search.Query{Text: "Germany"}, first: "bruckner-datenwerk", minimum: 1},
		{name: "country's own name", q: search.Query{Text: "Deutschland"}, first: "bruckner-datenwerk", minimum: 1},
		{name: "country code", q: search.Query{Text: "DE"}, minimum: 1,
			check: func(t *testing.T, r *search.Result) {
				// A whole word comes before the longer words it begins:
				// the partner in DE before Derek and Delgado.
				at := func(id string) int {
					return slices.IndexFunc(r.Results, func(h search.Hit) bool { return strings.HasPrefix(h.ID, id) })
				}
				if de, derek := at("bruckner-datenwerk"), at("kestrel-peak/derek"); de < 0 || derek >= 0 && derek < de {
					t.Errorf("the partner in DE is at %d, Derek at %d: %s", de, derek, ranking(r.Results))
				}
			}},
		{name: "did you mean", q: search.Query{Text: "skarvik xqzv"},
			check: func(t *testing.T, r *search.Result) {
				if !slices.Equal(r.Suggest, []string{"skarvik"}) {
					t.Errorf("suggest %q", r.Suggest)
				}
			}},
		{name: "words that never meet", q: search.Query{Text: "kestrel skarvik"},
			check: func(t *testing.T, r *search.Result) {
				if !slices.Equal(r.Suggest, []string{"kestrel", "skarvik"}) {
					t.Errorf("suggest %q", r.Suggest)
				}
			}},
		{name: "filter type", q: search.Query{Text: "data", Filters: map[string][]string{"type": {"partner"}}}, first: "skarvik-data", minimum: 2,
			check: func(t *testing.T, r *search.Result) {
				for _, h := range r.Results {
					if h.Type != "partner" {
						t.Errorf("%s is a %s", h.ID, h.Type)
					}
				}
				if r.Facets["type"]["person"] == 0 {
					t.Error("the type facet lost its other value")
				}
			}},
		{name: "browse", q: search.Query{Filters: map[string][]string{"country": {"DE"}}, Limit: 100}, minimum: 2,
			check: func(t *testing.T, r *search.Result) {
				if r.Total != len(r.Results) {
					t.Fatalf("total %d, %d results", r.Total, len(r.Results))
				}
				if r.Facets["country"]["DE"] != r.Total {
					t.Errorf("country DE counts %d, total %d", r.Facets["country"]["DE"], r.Total)
				}
				if len(r.Facets["country"]) < 2 {
					t.Error("the country facet shows only the chosen value")
				}
			}},
		{name: "and across facets", q: search.Query{Filters: map[string][]string{"type": {"partner"}, "tier": {"platinum"}}, Limit: 100}, minimum: 1,
			check: func(t *testing.T, r *search.Result) {
				for _, h := range r.Results {
					if h.Type != "partner" || h.Tier != "Platinum" {
						t.Errorf("%s: %s %s", h.ID, h.Type, h.Tier)
					}
				}
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := ix.Search(tt.q)
			if err != nil {
				t.Fatal(err)
			}
			if r.Total < tt.minimum || (tt.minimum == 0 && r.Total != 0) {
				t.Fatalf("total %d, want at least %d", r.Total, tt.minimum)
			}
			if tt.first != "" && !strings.HasPrefix(r.Results[0].ID, tt.first) {
				t.Errorf("first result %s, want %s", r.Results[0].ID, tt.first)
			}
			if tt.check != nil {
				tt.check(t, r)
			}
		})
	}
	if _, err := ix.Search(search.Query{Filters: map[string][]string{"colour": {"red"}}}); err == nil {
		t.Error("an unknown facet is accepted")
	}
}

// The static rank lifts a stronger partner among close text scores, and
// never a text match over a name match.
func TestStaticRank(t *testing.T) {
	docs, _ := search.Docs(exampleSite(t))
	for _, d := range docs {
		if d.Static < 0 || d.Static >= search.StaticLevels {
			t.Fatalf("%s: static rank %d", d.ID, d.Static)
		}
	}
	if b := search.Boost(search.StaticLevels - 1); b > search.NameBoost/2 || b < 1.3 {
		t.Errorf("the highest boost is %v", b)
	}
	byID := map[string]*search.Doc{}
	for _, d := range docs {
		byID[d.ID] = d
	}
	if byID["kestrel-peak"].Static <= byID["skarvik-data"].Static {
		t.Errorf("Platinum kestrel-peak ranks %d, Registered skarvik-data %d", byID["kestrel-peak"].Static, byID["skarvik-data"].Static)
	}
}

func TestDistance(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		max  int
		want int
	}{
		{"kestral", "kestrel", 2, 1}, {"rahmann", "rahman", 2, 1}, {"ab", "ba", 2, 1}, {"abc", "abc", 0, 0},
		{"gómez", "gomez", 2, 1}, {"integraton", "integration", 2, 1}, {"ca", "abc", 3, 3}, {"kitten", "sitting", 1, 2},
		{"", "abc", 5, 3}, {"東京", "東", 1, 1},
	} {
		if got := search.Distance(tc.a, tc.b, tc.max); got != tc.want {
			t.Errorf("Distance(%q, %q, %d) = %d, want %d", tc.a, tc.b, tc.max, got, tc.want)
		}
	}
}

// node runs testdata/parity.mjs over the index files of ix.
func node(t *testing.T, ix *search.Index, req any) (tokens [][]string, results []search.Result) {
	t.Helper()
	ans := runNode(t, ix, req)
	return ans.Tokens, ans.Queries
}

type nodeAnswer struct {
	Tokens  [][]string      `json:"tokens"`
	Queries []search.Result `json:"queries"`
	Files   [][]string      `json:"files"` // per query, the index files it read
}

func runNode(t *testing.T, ix *search.Index, req any) nodeAnswer {
	t.Helper()
	bin, err := exec.LookPath("node")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("node is required in CI")
		}
		t.Skip("node not installed")
	}
	files, err := ix.Export()
	if err != nil {
		t.Fatal(err)
	}
	files[search.ClientFile] = search.Client()
	dir := t.TempDir()
	for name, data := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	in, _ := json.Marshal(req)
	harness, _ := filepath.Abs("testdata/parity.mjs")
	cmd := exec.Command(bin, harness, dir)
	cmd.Stdin = bytes.NewReader(in)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("node: %v\n%s", err, stderr.String())
	}
	var ans nodeAnswer
	if err := json.Unmarshal(out, &ans); err != nil {
		t.Fatal(err)
	}
	return ans
}

// tokenStrings are what people type and what partners are named.
var tokenStrings = []string{
	"Brückner Datenwerk GmbH", "Straße Weißbier", "Æsir Ærø Œuvre", "Łódź Wrocław Gdańsk",
	"O'Brien d’Arcy rock'n'roll", "state-of-the-art e-commerce", "x86 3.14 1,000,000 v2.0 route66",
	"東京 データ 株式会社", "ひらがな カタカナ", "Ñandú São Paulo Zürich", "ΟΔΥΣΣΕΥΣ Σοφία",
	"İstanbul Ağrı", "Dvořák Škoda", "e.g. U.S.A. a:b", "foo_bar __init__", "hello, world! ¿qué?",
	"naïve café résumé", "ﬁ ﬂ ligatures", "Ⅻ ½ ²", "tab\tnew\nline", "Crème Brûlée", "Þór Ðoð",
	"😀 emoji 🎉", "ا لعربية", "한국어 텍스트", "", "   ", "--", "a", "ß",
}

func TestTokenizerParity(t *testing.T) {
	var docs []*search.Doc
	for i, s := range tokenStrings {
		d := &search.Doc{Num: i, Type: "partner", ID: "p" + string(rune('a'+i)), Name: s, Text: s}
		d.Card = search.Card{Type: "partner", ID: d.ID, Name: s}
		docs = append(docs, d)
	}
	ix, err := search.New(docs, search.Labels{})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	got, _ := node(t, ix, map[string]any{"tokens": tokenStrings})
	for i, s := range tokenStrings {
		want := ix.Analyze(s)
		if !slices.Equal(got[i], want) && !(len(got[i]) == 0 && len(want) == 0) {
			t.Errorf("%q: client %q, bleve %q", s, got[i], want)
		}
	}
}

// parityQueries are names, partial words, folded words, filters and the
// empty query.
var parityQueries = []search.Query{
	{Text: "data"}, {Text: "skarvik"}, {Text: "sk"}, {Text: "d"}, {Text: "brückner"}, {Text: "BRUCKNER"},
	{Text: "sales"}, {Text: "sales prof"}, {Text: "certified technical"}, {Text: "cloud integ"},
	{Text: "consulting"}, {Text: "solutions"}, {Text: "london"}, {Text: "united"}, {Text: "anna"},
	{Text: "gómez"}, {Text: "gomez"}, {Text: "data", Filters: map[string][]string{"type": {"person"}}},
	{Text: "", Filters: map[string][]string{"tier": {"gold", "platinum"}}},
	{Text: "", Filters: map[string][]string{"country": {"US"}, "type": {"partner"}}},
	{Text: "a", Filters: map[string][]string{"certification": {"sales/foundation"}}},
	{Text: "", Limit: 25}, {Text: "zzzz"}, {Text: "the"}, {Text: "partner program"},
	// Typos (FuzzyQuery), in the last word and before it, with filters.
	{Text: "kestral"}, {Text: "rahmann"}, {Text: "sklarvik"}, {Text: "skarvik integraton"},
	{Text: "kestral peak"}, {Text: "datenwrek"}, {Text: "brucknre"}, {Text: "intergation", Filters: map[string][]string{"type": {"partner"}}},
	{Text: "migraton", Filters: map[string][]string{"country": {"DE"}, "type": {"partner"}}},
	// Countries by code, English name and own name; a two-letter word.
	{Text: "de"}, {Text: "DE"}, {Text: "germany"}, {Text: "deutschland"}, {Text: "Deutschland", Filters: map[string][]string{"type": {"partner"}}},
	{Text: "us"}, {Text: "norge"},
	// Two common words (shared counts stored, or one holding the other's
	// documents), and filters that no document passes, so that only the
	// filtered facets' values are read.
	{Text: "certified sales"}, {Text: "sales certified"}, {Text: "certified sales technical"},
	{Text: "sales", Filters: map[string][]string{"tier": {"no-such-tier"}}},
	{Text: "certified", Filters: map[string][]string{"type": {"partner"}, "country": {"DE"}}},
	// Nothing matches: "did you mean".
	{Text: "qqqq"}, {Text: "kes"}, {Text: "skarvik xqzv"}, {Text: "kestrel skarvik"}, {Text: "brx"},
	// Filters with no words: one value, one facet, several facets.
	{Text: "", Filters: map[string][]string{"country": {"DE"}}}, {Text: "", Filters: map[string][]string{"type": {"person"}}},
	{Text: "", Filters: map[string][]string{"type": {"partner"}, "tier": {"platinum"}}},
	{Text: "", Filters: map[string][]string{"tier": {"gold"}, "type": {"partner"}, "country": {"DE", "US"}}},
}

// TestClientParity runs every query in the client and in bleve: with
// the dictionary in meta.bin (the client knows every file a query needs
// at once) and in d/ files (it finds out from the shards), and with
// limits so low that the example program takes a large one's paths
// (facet values in side files, stored counts, card files).
func TestClientParity(t *testing.T) {
	ix := exampleIndex(t)
	for _, tc := range []struct {
		name   string
		limits [5]int
	}{
		{"dictionary in meta", [5]int{search.InlineDictBytes, search.InlineTuples, search.AllCards, search.TopCards, search.PairCounts}},
		{"dictionary files", [5]int{0, search.InlineTuples, search.AllCards, search.TopCards, search.PairCounts}},
		{"large paths, dictionary in meta", [5]int{search.InlineDictBytes, 2, 1, 1, search.PairCounts}},
		{"large paths, dictionary files", [5]int{0, 2, 1, 1, search.PairCounts}},
		// Every pair of common words stores its counts, or none does.
		{"large paths, every pair", [5]int{search.InlineDictBytes, 2, 1, 1, 1 << 20}},
		{"large paths, no pairs", [5]int{search.InlineDictBytes, 2, 1, 1, 0}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			defer search.SetLimits(tc.limits[0], tc.limits[1], tc.limits[2], tc.limits[3], tc.limits[4])()
			clientParity(t, ix)
		})
	}
}

// An index of no documents (a new program) answers every query with
// nothing, in the client as in bleve.
func TestClientEmptyIndex(t *testing.T) {
	ix, err := search.New(nil, search.Labels{})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	queries := []map[string]any{{"text": "data"}, {"text": ""}, {"text": "kestral peak"}, {"text": "", "filters": map[string][]string{"type": {"partner"}}}}
	_, got := node(t, ix, map[string]any{"queries": queries})
	for i, q := range queries {
		want, err := ix.Search(search.Query{Text: q["text"].(string)})
		if err != nil {
			t.Fatal(err)
		}
		if got[i].Total != 0 || want.Total != 0 || len(got[i].Results) != 0 {
			t.Errorf("%v: client total %d (%d results), bleve %d", q, got[i].Total, len(got[i].Results), want.Total)
		}
	}
}

func clientParity(t *testing.T, ix *search.Index) {
	req := map[string]any{}
	var qs []map[string]any
	for _, q := range parityQueries {
		qs = append(qs, map[string]any{"text": q.Text, "filters": q.Filters, "limit": max(q.Limit, 10)})
	}
	req["queries"] = qs
	_, got := node(t, ix, req)
	cards := map[string]search.Card{}
	for _, d := range ix.Docs {
		cards[d.ID] = d.Card
	}
	for i, q := range parityQueries {
		q.Limit = max(q.Limit, 10)
		want, err := ix.Search(q)
		if err != nil {
			t.Fatal(err)
		}
		g := got[i]
		name := q.Text
		if len(q.Filters) > 0 {
			name += " " + strings.TrimSpace(strings.ReplaceAll(jsonString(q.Filters), "\"", ""))
		}
		if g.Total != want.Total {
			t.Errorf("%s: client total %d, bleve %d", name, g.Total, want.Total)
		}
		if !sameRanking(g.Results, want.Results) {
			t.Errorf("%s: client ranks\n\t%s\nbleve ranks\n\t%s", name, ranking(g.Results), ranking(want.Results))
		}
		// Every card as the index has it, whether from a shard or a card
		// file.
		for _, h := range g.Results {
			if c, ok := cards[h.ID]; !ok || !reflect.DeepEqual(h.Card, c) {
				t.Errorf("%s: client card %+v, index %+v", name, h.Card, c)
			}
		}
		if jsonString(g.Fuzzy) != jsonString(want.Fuzzy) || jsonString(g.Suggest) != jsonString(want.Suggest) {
			t.Errorf("%s: client fuzzy %v suggest %v, bleve fuzzy %v suggest %v", name, g.Fuzzy, g.Suggest, want.Fuzzy, want.Suggest)
		}
		if jsonString(g.Facets) != jsonString(want.Facets) {
			t.Errorf("%s: client facets %s\nbleve facets %s", name, jsonString(g.Facets), jsonString(want.Facets))
		}
	}
}

// sameRanking compares two top lists by id. Scores that bleve and the
// client add up in a different order may differ in the last bits, so
// documents whose scores are within a millionth may swap places.
func sameRanking(got, want []search.Hit) bool {
	if len(got) != len(want) {
		return false
	}
	for i := range want {
		if got[i].ID == want[i].ID {
			continue
		}
		j := slices.IndexFunc(want, func(h search.Hit) bool { return h.ID == got[i].ID })
		if j < 0 || math.Abs(want[j].Score-want[i].Score) > 1e-6*math.Max(1, want[i].Score) {
			return false
		}
	}
	return true
}

func ranking(hs []search.Hit) string {
	var parts []string
	for _, h := range hs {
		parts = append(parts, h.ID)
	}
	return strings.Join(parts, " ")
}

func jsonString(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// An index brought up to date by Update answers as one built afresh from
// the same documents, and its export is one the client reads alike.
func TestUpdate(t *testing.T) {
	st := exampleSite(t)
	docs, labels := search.Docs(st)
	ix, err := search.New(docs, labels)
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	// Edit: rename a person (a move in rank order), drop a partner's
	// document, add a person.
	edited, _ := search.Docs(st)
	var next []*search.Doc
	for _, d := range edited {
		switch {
		case d.ID == "skarvik-data":
			continue
		case strings.HasPrefix(d.ID, "kestrel-peak/") && d.Name != "":
			d.Name = "Aaron Zephyrine " + d.Name
			d.Card.Name = d.Name
		}
		next = append(next, d)
	}
	extra := *next[len(next)-1]
	extra.ID, extra.Name = extra.ID+"-new", "Quintessa Vellacourt"
	extra.Card.ID, extra.Card.Name = extra.ID, extra.Name
	next = append(next, &extra)
	slices.SortStableFunc(next, func(a, b *search.Doc) int { return strings.Compare(a.Name, b.Name) })
	for i, d := range next {
		d.Num = i
	}
	if again, _ := search.Docs(st); !ix.Same(again, labels) {
		t.Error("the same site's documents are not the same")
	}
	if ix.Same(next, labels) {
		t.Error("edited documents are the same")
	}
	n, err := ix.Update(next, labels)
	if err != nil {
		t.Fatal(err)
	}
	if n == 0 || n > 40 {
		t.Errorf("the batch holds %d documents", n)
	}
	fresh, err := search.New(next, labels)
	if err != nil {
		t.Fatal(err)
	}
	defer fresh.Close()
	for _, q := range []string{"zephyrine", "quintessa", "skarvik", "kestrel", "data", "aaron z", "kestral", ""} {
		got, err := ix.Search(search.Query{Text: q})
		if err != nil {
			t.Fatal(err)
		}
		want, _ := fresh.Search(search.Query{Text: q})
		if got.Total != want.Total || !sameRanking(got.Results, want.Results) || jsonString(got.Facets) != jsonString(want.Facets) {
			t.Errorf("%q: updated index total %d %s, fresh %d %s", q, got.Total, ranking(got.Results), want.Total, ranking(want.Results))
		}
	}
}

// An index that keeps its exports (serve's) exports, after an edit, the
// same bytes as one that compresses every file again.
func TestKeepExports(t *testing.T) {
	st := exampleSite(t)
	docs, labels := search.Docs(st)
	var ixs [2]*search.Index
	for i := range ixs {
		ix, err := search.New(docs, labels)
		if err != nil {
			t.Fatal(err)
		}
		defer ix.Close()
		if i == 0 {
			ix.KeepExports()
		}
		if _, err := ix.Files(); err != nil {
			t.Fatal(err)
		}
		ixs[i] = ix
	}
	edited, _ := search.Docs(st)
	for _, d := range edited {
		if strings.HasPrefix(d.ID, "kestrel-peak/") && d.Name != "" {
			d.Text += " zephyrine"
		}
	}
	var got [2]map[string][]byte
	for i, ix := range ixs {
		if _, err := ix.Update(edited, labels); err != nil {
			t.Fatal(err)
		}
		files, err := ix.Files()
		if err != nil {
			t.Fatal(err)
		}
		got[i] = files
	}
	if len(got[0]) != len(got[1]) {
		t.Fatalf("%d files kept, %d compressed anew", len(got[0]), len(got[1]))
	}
	for name, b := range got[1] {
		if !bytes.Equal(got[0][name], b) {
			t.Errorf("%s differs between the index that keeps its exports and the one that does not", name)
		}
	}
	if r, _ := ixs[0].Search(search.Query{Text: "zephyrine"}); r.Total == 0 {
		t.Error("the edit is not in the index")
	}
}

// shards decodes the headers of an export's term shards.
func shards(t *testing.T, files map[string][]byte) []search.Shard {
	t.Helper()
	var out []search.Shard
	for i := 0; ; i++ {
		data, ok := files[fmt.Sprintf("t/%d.bin", i)]
		if !ok {
			return out
		}
		r, err := gzip.NewReader(bytes.NewReader(data))
		if err != nil {
			t.Fatal(err)
		}
		raw, err := io.ReadAll(r)
		if err != nil {
			t.Fatal(err)
		}
		n := binary.LittleEndian.Uint32(raw)
		var sh search.Shard
		if err := json.Unmarshal(raw[4:4+n], &sh); err != nil {
			t.Fatal(err)
		}
		out = append(out, sh)
	}
}

// The client reads only the files a query needs: two common words whose
// shared counts a shard stores read no side file of facet values, and a
// common word with a filter that no document passes reads only the side
// file of the filtered facet's group. The answers are bleve's.
func TestClientFetches(t *testing.T) {
	ix := exampleIndex(t)
	defer search.SetLimits(search.InlineDictBytes, 2, 1, 1, 1<<20)()
	files, err := ix.Export()
	if err != nil {
		t.Fatal(err)
	}
	var terms []string
	var pairs [][2]string
	common := ""
	for _, sh := range shards(t, files) {
		terms = append(terms, sh.Terms...)
		for _, p := range sh.Pairs {
			pairs = append(pairs, [2]string{sh.Terms[int(p[0].(float64))], p[1].(string)})
		}
		for k, x := range sh.XTuples {
			if x >= 0 && common == "" {
				common = sh.Terms[k]
			}
		}
	}
	// A last word is a prefix: it must begin no other word.
	alone := func(w string) bool {
		return !slices.ContainsFunc(terms, func(o string) bool { return o != w && strings.HasPrefix(o, w) })
	}
	pairQuery := ""
	for _, p := range pairs {
		if alone(p[1]) {
			pairQuery = p[0] + " " + p[1]
		} else if alone(p[0]) {
			pairQuery = p[1] + " " + p[0]
		} else {
			continue
		}
		break
	}
	if pairQuery == "" || common == "" {
		t.Fatalf("no pair of common words (%d pairs) or no common word (%q) in the example program", len(pairs), common)
	}
	queries := []search.Query{
		{Text: pairQuery},
		{Text: common, Filters: map[string][]string{"tier": {"no-such-tier"}}},
	}
	var req []map[string]any
	for _, q := range queries {
		req = append(req, map[string]any{"text": q.Text, "filters": q.Filters})
	}
	ans := runNode(t, ix, map[string]any{"queries": req, "fresh": true})
	for i, q := range queries {
		want, err := ix.Search(search.Query{Text: q.Text, Filters: q.Filters, Limit: 10})
		if err != nil {
			t.Fatal(err)
		}
		got := ans.Queries[i]
		if got.Total != want.Total || !sameRanking(got.Results, want.Results) || jsonString(got.Facets) != jsonString(want.Facets) {
			t.Errorf("%q: client %d %s %s, bleve %d %s %s", q.Text, got.Total, ranking(got.Results), jsonString(got.Facets), want.Total, ranking(want.Results), jsonString(want.Facets))
		}
		var sides []string
		for _, f := range ans.Files[i] {
			if strings.HasPrefix(f, "x/") {
				sides = append(sides, f)
			}
		}
		switch i {
		case 0:
			if len(sides) > 0 {
				t.Errorf("%q read side files %v", q.Text, sides)
			}
		case 1:
			if len(sides) != 1 || !strings.HasSuffix(sides[0], "/0.bin") {
				t.Errorf("%q with a filter no document passes read side files %v, want only the type and tier group", q.Text, sides)
			}
		}
	}
}

package search_test

import (
	"bufio"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/accredit/accredit/cmd/internal/search"
)

// Corpus returns the queries of testdata/corpus.txt: text in every script,
// none of it from the documents the tests index.
func corpus(t testing.TB) []string {
	t.Helper()
	f, err := os.Open("testdata/corpus.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if line := sc.Text(); line != "" && !strings.HasPrefix(line, "#") {
			out = append(out, line)
		}
	}
	return out
}

// corpusQueries are the corpus's lines, each of their words, and the first
// one to three characters of each word, as typed.
func corpusQueries(t testing.TB) []string {
	seen := map[string]bool{}
	var out []string
	add := func(s string) {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	for _, line := range corpus(t) {
		add(line)
		for _, w := range strings.Fields(line) {
			add(w)
			rs := []rune(w)
			for n := 1; n <= 3 && n < len(rs); n++ {
				add(string(rs[:n]))
			}
		}
	}
	return out
}

// foldedDocs are documents that hold, plain or folded, the words the
// corpus types with accents, ligatures, other widths and cases: a query
// the client folds otherwise than bleve finds nothing in one of them.
var foldedDocs = []string{
	"Nguyen Van Anh Consulting", "Tran Thi Huong", "Pham Duc Thang Ho Chi Minh", "Le Quy Don Ha Noi",
	"Office Finance Flow", "ABC Data 123", "Strasse Fussball", "Istanbul Igdir Sisli Caglar",
	"AEroskobing Oresund Alborg", "Lodz Zolc Swietokrzyskie", "Dvorak Nuno Tava Dabel",
	"AEgir OEdipe oeuvre coeur", "facade naive cooperate Noel", "Creme brulee a la carte",
	"Ελληνικά Αθήνα σοφία", "Москва Ёлка Україна", "北京大学 東京都", "カタカナ ソフトウェア",
	"한국어 서울특별시", "العربية مرحبا", "עברית שלום צה\"ל", "ภาษาไทย", "हिन्दी भाषा",
	"x86 3.14 v2.0", "O'Brien d'Arcy", "foo_bar __init__", "state of the art e commerce",
	"Kelvin K Angstrom", "Skoda CSOB", "Nandu Sao Joao", "smorgasbord Muller uber Ol", "1 2 3 xyz",
}

func foldedIndex(t testing.TB) *search.Index {
	t.Helper()
	var docs []*search.Doc
	for i, s := range foldedDocs {
		d := &search.Doc{Num: i, Type: "partner", ID: fmt.Sprintf("p%02d", i), Name: s, Text: s + " partner"}
		d.Facets[0] = []string{"partner"}
		d.Card = search.Card{Type: "partner", ID: d.ID, Name: s}
		docs = append(docs, d)
	}
	ix, err := search.New(docs, search.Labels{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	return ix
}

// sweep is every code point (surrogates aside) alone and between two
// letters, and those of the first two planes in contexts that exercise
// each word-break rule around them, chunked into strings of a few
// thousand words separated by spaces.
func sweep() []string {
	contexts := []string{"%s", "a%sb", "1%s2", "ב%sג", "ア%sア", "%s\u0301x", "%s_", "\r%s", "한%s"}
	var out []string
	var b strings.Builder
	n := 0
	if testing.Short() {
		contexts = contexts[:2]
	}
	for ci, c := range contexts {
		for r := rune(0); r <= utf8.MaxRune; r++ {
			if !utf8.ValidRune(r) || r == ' ' || ci >= 2 && r >= 0x20000 {
				continue
			}
			fmt.Fprintf(&b, c, string(r))
			b.WriteByte(' ')
			if n++; n == 4096 {
				out = append(out, b.String())
				b.Reset()
				n = 0
			}
		}
	}
	return append(out, b.String())
}

// randomText strings together characters of every word-break class,
// script flag and fold, so that rules meet in every order. The Hangul
// tone marks U+302E and U+302F are left out: after some characters of
// several bytes that begin no word (U+2014, not U+30FB) bleve's byte-level
// scanner makes them a word, after others not, and the client does not
// model which (see content/docs/search.md); the sweep has them after
// letters and alone.
func randomText(n int) []string {
	alphabet := []rune("aZé9٣_‿'\".:,;·،‘’“”\u00AD\u200D\u200C\u0301\u0308\u05B4בגאﬀﬁẞßİıΣσΌアｱー・ひ漢々〇한ᄀ\r\n\u2028 -—😀🇩🇪\u20E3#ⓐ①ȺȾΩK๑ภ\u0E31ߒ𝐀ɑⱭꞍ")
	r := rand.New(rand.NewPCG(16, 5))
	out := make([]string, n)
	for i := range out {
		k := 1 + r.IntN(12)
		rs := make([]rune, k)
		for j := range rs {
			rs[j] = alphabet[r.IntN(len(alphabet))]
		}
		out[i] = string(rs)
	}
	return out
}

// The client folds and splits every query as bleve does: all of Unicode
// one code point at a time in context, random strings of every class,
// and the multi-script corpus.
func TestAnalyzeDifferential(t *testing.T) {
	ix := foldedIndex(t)
	sw := sweep()
	inputs := append(append(append([]string{}, sw...), randomText(20000)...), corpus(t)...)
	inputs = append(inputs, corpusQueries(t)...)
	got, _ := node(t, ix, map[string]any{"tokens": inputs})
	bad := 0
	for i, s := range inputs {
		want := ix.Analyze(s)
		if slices.Equal(got[i], want) || len(got[i]) == 0 && len(want) == 0 {
			continue
		}
		if bad++; bad > 20 {
			t.Fatal("too many differences")
		}
		if i < len(sw) {
			t.Errorf("sweep chunk %d: %s", i, firstDiff(got[i], want))
		} else {
			t.Errorf("%q: client %q, bleve %q", s, got[i], want)
		}
	}
}

// firstDiff shows where two token lists part.
func firstDiff(got, want []string) string {
	for i := range min(len(got), len(want)) {
		if got[i] != want[i] {
			lo := max(0, i-1)
			return fmt.Sprintf("token %d: client %+q, bleve %+q", i, got[lo:min(i+2, len(got))], want[lo:min(i+2, len(want))])
		}
	}
	return fmt.Sprintf("client %d tokens, bleve %d", len(got), len(want))
}

// A query typed with letters the documents do not hold finds what bleve
// finds: the folds and word breaks come from bleve's tables, not from
// the documents.
func TestClientParityCorpus(t *testing.T) {
	ix := foldedIndex(t)
	qs := corpusQueries(t)
	var req []map[string]any
	for _, q := range qs {
		req = append(req, map[string]any{"text": q, "limit": 10})
	}
	_, got := node(t, ix, map[string]any{"queries": req})
	found := 0
	for i, q := range qs {
		want, err := ix.Search(search.Query{Text: q, Limit: 10})
		if err != nil {
			t.Fatal(err)
		}
		if want.Total > 0 && len(ix.Analyze(q)) > 0 {
			found++
		}
		if got[i].Total != want.Total {
			t.Errorf("%q: client total %d, bleve %d", q, got[i].Total, want.Total)
			continue
		}
		if !sameRanking(got[i].Results, want.Results) {
			t.Errorf("%q: client ranks\n\t%s\nbleve ranks\n\t%s", q, ranking(got[i].Results), ranking(want.Results))
		}
	}
	// The regression of issue 16: these found nothing in the browser.
	for _, q := range []string{"Nguyễn", "Trần Thị Hương", "oﬃce", "ＡＢＣ", "Straẞe"} {
		r, _ := ix.Search(search.Query{Text: q})
		if r.Total != 1 {
			t.Errorf("%q: bleve finds %d, want 1", q, r.Total)
		}
		if !slices.Contains(qs, q) {
			t.Errorf("%q is not among the corpus's queries", q)
		}
	}
	if found < len(qs)/4 {
		t.Errorf("only %d of %d corpus queries find anything: the documents no longer fit the corpus", found, len(qs))
	}
}

// The word-break table is what wbgen makes of the segment module go.mod
// names: regenerate with go generate ./cmd/internal/search after an
// upgrade.
func TestWordBreakTableCurrent(t *testing.T) {
	if testing.Short() {
		t.Skip("builds wbgen")
	}
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command")
	}
	out := filepath.Join(t.TempDir(), "table.go")
	cmd := exec.Command(goBin, "run", "./internal/wbgen", out)
	if msg, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("wbgen: %v\n%s", err, msg)
	}
	fresh, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	have, err := os.ReadFile("wordbreak_table.go")
	if err != nil {
		t.Fatal(err)
	}
	if string(fresh) != string(have) {
		t.Error("wordbreak_table.go is stale: run go generate ./cmd/internal/search")
	}
}

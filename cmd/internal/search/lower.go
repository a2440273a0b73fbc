package search

import (
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/registry"
)

// lowerName is the index's lower-case filter. bleve's own (to_lower)
// rewrites a token in place and does not move the bytes after a letter
// whose lower case is shorter in UTF-8 (Ω U+2126, Ɑ U+2C6D, Ɥ U+A78D …),
// so "aΩb" became the invalid term "aω\xa6": no query typed in a
// browser could match it. This filter does what to_lower means to do:
// Go's simple case mapping per code point, and a capital sigma that ends
// the word becomes ς. The client lower-cases the same way.
const lowerName = "accredit_lower"

type lowerFilter struct{}

func (lowerFilter) Filter(in analysis.TokenStream) analysis.TokenStream {
	for _, tok := range in {
		tok.Term = lowerTerm(tok.Term)
	}
	return in
}

func lowerTerm(s []byte) []byte {
	clean := true
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRune(s[i:])
		if unicode.ToLower(r) != r {
			clean = false
			break
		}
		i += n
	}
	if clean {
		return s
	}
	out := make([]byte, 0, len(s)+4)
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRune(s[i:])
		l := unicode.ToLower(r)
		if r == 'Σ' && i+n == len(s) {
			l = 'ς'
		}
		if r == utf8.RuneError && n == 1 {
			out = append(out, s[i]) // not UTF-8: kept as it is
		} else {
			out = utf8.AppendRune(out, l)
		}
		i += n
	}
	return out
}

func init() {
	err := registry.RegisterTokenFilter(lowerName, func(map[string]any, *registry.Cache) (analysis.TokenFilter, error) {
		return lowerFilter{}, nil
	})
	if err != nil {
		panic(err)
	}
}

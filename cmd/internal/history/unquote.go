package history

import (
	"strings"
	"unicode/utf8"

	"github.com/accredit/accredit/cmd/internal/tomlpos"
)

// unquote decodes a one-line TOML basic or literal string. It reports
// false for anything else (a multi-line string, a number): such an id is
// not a credential id either.
func unquote(s string) (string, bool) {
	if len(s) < 2 {
		return "", false
	}
	q := s[0]
	if q != s[len(s)-1] || (q != '"' && q != '\'') || strings.HasPrefix(s, `"""`) || strings.HasPrefix(s, "'''") {
		return "", false
	}
	body := s[1 : len(s)-1]
	if !utf8.ValidString(body) || strings.IndexFunc(body, func(r rune) bool { return r < 0x20 && r != '\t' || r == 0x7f }) >= 0 {
		return "", false // the decoder rejects these too
	}
	if q == '\'' || !strings.Contains(body, `\`) {
		if strings.ContainsAny(body, string(q)+"\n") {
			return "", false
		}
		return body, true
	}
	return tomlpos.Unescape(body)
}

package tomlpos

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// Unescape reads the body of a one-line TOML basic string (between its
// quotes): its escapes, TOML 1.1's \e and \xHH included (\xHH is the code
// point U+00HH, not a byte as in Go). It reports false for an invalid
// escape or code point, and for a quote or line break left unescaped.
func Unescape(s string) (string, bool) {
	if !strings.ContainsAny(s, "\\\"\n") {
		return s, true
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '"' || c == '\n' {
			return "", false
		}
		if c != '\\' {
			b.WriteByte(c)
			continue
		}
		i++
		if i >= len(s) {
			return "", false
		}
		hex := 0
		switch s[i] {
		case 'b':
			b.WriteByte('\b')
		case 't':
			b.WriteByte('\t')
		case 'n':
			b.WriteByte('\n')
		case 'f':
			b.WriteByte('\f')
		case 'r':
			b.WriteByte('\r')
		case 'e':
			b.WriteByte(0x1b)
		case '"', '\\':
			b.WriteByte(s[i])
		case 'x':
			hex = 2
		case 'u':
			hex = 4
		case 'U':
			hex = 8
		default:
			return "", false
		}
		if hex > 0 {
			if i+1+hex > len(s) {
				return "", false
			}
			n, err := strconv.ParseUint(s[i+1:i+1+hex], 16, 32)
			if err != nil || !utf8.ValidRune(rune(n)) {
				return "", false
			}
			b.WriteRune(rune(n))
			i += hex
		}
	}
	return b.String(), true
}

package diag

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// Printable returns s with every character that could change how a
// terminal, an editor or a log viewer shows the text around it replaced by
// its Go escape (as strconv.Quote writes it): C0 controls including tab and
// newline (a message stays one line), DEL, C1 controls, the Unicode line and
// paragraph separators, the bidirectional controls that reorder a line
// ("Trojan Source": U+202A–U+202E, U+2066–U+2069, U+200E, U+200F, U+061C),
// and bytes that are not UTF-8. So a file named "a\x1b[31m" prints as
// a\x1b[31m and cannot color the terminal, and "\u202e" cannot make a line
// read backwards. Every other character, accents, CJK or emoji, is kept,
// and so is the backslash: text with nothing to escape comes back as is.
func Printable(s string) string {
	i := firstUnsafe(s)
	if i < 0 {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	b.WriteString(s[:i])
	for i < len(s) {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b.WriteString(`\x`)
			b.WriteByte(hex[s[i]>>4])
			b.WriteByte(hex[s[i]&0xf])
		case unsafeRune(r):
			q := strconv.QuoteRune(r) // '\x1b', '\u202e', '\n'
			b.WriteString(q[1 : len(q)-1])
		default:
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}

const hex = "0123456789abcdef"

// firstUnsafe returns the index of the first byte Printable must escape,
// or -1. ASCII, nearly all of what is printed, is checked a byte at a time.
func firstUnsafe(s string) int {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c < 0x20 || c == 0x7f {
				return i
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if (r == utf8.RuneError && size == 1) || unsafeRune(r) {
			return i
		}
		i += size
	}
	return -1
}

// unsafeRune reports whether Printable escapes r.
func unsafeRune(r rune) bool {
	switch {
	case r < 0x20, r >= 0x7f && r <= 0x9f: // C0, DEL, C1
		return true
	case r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069: // bidi embeddings, overrides, isolates
		return true
	case r == 0x200e, r == 0x200f, r == 0x061c: // bidi marks
		return true
	case r == 0x2028, r == 0x2029: // line and paragraph separators
		return true
	}
	return false
}

// PrintableJSON rewrites JSON text so that it is as safe to print as
// Printable's output, without changing the data it encodes: every
// character Printable escapes that encoding/json leaves raw (DEL, C1
// controls, the bidi controls) becomes a \uXXXX escape, which is valid only
// inside a string and means the same character there. encoding/json
// already escapes the C0 controls and U+2028/U+2029 and replaces bytes that
// are not UTF-8, and writes nothing outside strings but ASCII, so the
// newlines and spaces of indentation are left alone. b must be the output of
// encoding/json; it is returned unchanged when there is nothing to escape.
func PrintableJSON(b []byte) []byte {
	var out []byte
	last := 0
	for i := 0; i < len(b); {
		if b[i] < utf8.RuneSelf && b[i] != 0x7f {
			i++
			continue
		}
		r, size := utf8.DecodeRune(b[i:])
		if r == 0x7f || (size > 1 && unsafeRune(r)) {
			out = append(out, b[last:i]...)
			out = append(out, `\u`...)
			out = append(out, hex[r>>12&0xf], hex[r>>8&0xf], hex[r>>4&0xf], hex[r&0xf])
			last = i + size
		}
		i += size
	}
	if out == nil {
		return b
	}
	return append(out, b[last:]...)
}

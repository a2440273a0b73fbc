package history

import (
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/accredit/accredit/cmd/internal/tomlpos"
)

// grant is what provenance needs of one [[certifications]] entry of a
// version of a person file: its id, and its revoked and waive values as
// written (normalised), so that a change to either is seen.
type grant struct {
	id      string
	revoked string // "" when not revoked
	waive   string // the waived rules, sorted and comma-joined; "" for none
}

// scanPerson reads the certifications of a person file without decoding
// it: the walk reads tens of thousands of versions, and a full TOML decode
// costs about fifty times more. Text the scanner cannot read yields fewer
// grants, never an error: such a version does not load either.
func scanPerson(src []byte) []grant {
	var gs []grant
	tomlpos.Values(src, func(path string, raw []byte) {
		// The decoder matches keys to fields ignoring case (Unicode
		// folding), so "CERTIFICATIONS" holds credentials too.
		open := strings.IndexByte(path, '[')
		if open < 0 || !strings.EqualFold(path[:open], "certifications") {
			return
		}
		rest := path[open+1:]
		end := strings.IndexByte(rest, ']')
		if end < 0 || !strings.HasPrefix(rest[end:], "].") {
			return
		}
		i, err := strconv.Atoi(rest[:end])
		if err != nil || i < 0 || i > len(gs)+1000 {
			return
		}
		for len(gs) <= i {
			gs = append(gs, grant{})
		}
		g := &gs[i]
		key := rest[end+2:]
		switch {
		case strings.EqualFold(key, "id"):
			g.id, _ = unquote(strings.TrimSpace(string(raw)))
		case strings.EqualFold(key, "revoked"):
			g.revoked = strings.TrimSpace(string(raw))
		case strings.EqualFold(key, "waive"):
			g.waive = strings.Join(stringArray(string(raw)), ",")
		}
	})
	out := gs[:0]
	for _, g := range gs {
		if g.id != "" {
			out = append(out, g)
		}
	}
	return out
}

// stringArray reads a TOML array of strings, sorted; other elements are
// kept as written so that a change to them still shows.
func stringArray(raw string) []string {
	raw = strings.TrimSpace(raw)
	if !strings.HasPrefix(raw, "[") {
		return []string{raw}
	}
	var out []string
	s := raw[1:]
	for {
		s = trimTrivia(s)
		if s == "" || s[0] == ']' {
			break
		}
		if s[0] == ',' {
			s = s[1:]
			continue
		}
		n := valueLen(s)
		v, ok := unquote(s[:n])
		if !ok {
			v = s[:n]
		}
		out = append(out, v)
		s = s[n:]
	}
	slices.Sort(out)
	return out
}

// trimTrivia drops blanks, newlines and comments.
func trimTrivia(s string) string {
	for s != "" {
		switch s[0] {
		case ' ', '\t', '\r', '\n':
			s = s[1:]
		case '#':
			if i := strings.IndexByte(s, '\n'); i >= 0 {
				s = s[i:]
			} else {
				s = ""
			}
		default:
			return s
		}
	}
	return s
}

// valueLen is the length of the array element at the start of s.
func valueLen(s string) int {
	if s[0] == '"' || s[0] == '\'' {
		q := s[0]
		for i := 1; i < len(s); i++ {
			switch {
			case q == '"' && s[i] == '\\':
				i++
			case s[i] == q:
				return i + 1
			}
		}
		return len(s)
	}
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case ',', ']', '\n', '#':
			return max(i, 1)
		}
	}
	return len(s)
}

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

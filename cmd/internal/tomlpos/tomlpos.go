// Package tomlpos finds where keys and tables stand in a TOML document.
//
// BurntSushi/toml has no public API for a key's position (upstream issue
// #462), and its error positions for arrays of tables name the last
// occurrence of a key. Diagnostics that span records need the line of
// "the third [[certifications]]" or of "its issued key", so this package
// makes one light pass over the same bytes the decoder reads.
//
// In: TOML source. Out: an Index from paths such as
// "certifications[2].issued" or "certifications[2].recertify[0]" to
// 1-based line and column. The scanner never fails: on text it does not
// understand it skips to the end of the line (the decoder reports the
// syntax error).
package tomlpos

import (
	"strconv"
	"strings"
)

// Pos is a 1-based line and column (column counted in bytes).
type Pos struct {
	Line, Col int
}

// Entry is a key or a table header at a position. Path carries array
// indices ("exams[1].date"); Header is true for [table], [[table]] and
// inline tables inside arrays.
type Entry struct {
	Path   string
	Pos    Pos
	Header bool
}

// Index maps paths to positions, in document order.
type Index struct {
	Entries []Entry
	byPath  map[string]int
}

// Lookup returns the position of the key or table at path.
func (x *Index) Lookup(path string) (Pos, bool) {
	if x == nil {
		return Pos{}, false
	}
	// Most files hold a few dozen keys: a scan costs less than a map.
	if len(x.Entries) <= 64 {
		for _, e := range x.Entries {
			if e.Path == path {
				return e.Pos, true
			}
		}
		return Pos{}, false
	}
	if x.byPath == nil {
		x.byPath = make(map[string]int, len(x.Entries))
		for i, e := range x.Entries {
			if _, dup := x.byPath[e.Path]; !dup {
				x.byPath[e.Path] = i
			}
		}
	}
	i, ok := x.byPath[path]
	if !ok {
		return Pos{}, false
	}
	return x.Entries[i].Pos, true
}

// Has reports whether path was written in the document.
func (x *Index) Has(path string) bool {
	_, ok := x.Lookup(path)
	return ok
}

// StripIndices turns "certifications[2].issued" into "certifications.issued",
// the form in which BurntSushi/toml names keys.
func StripIndices(path string) string {
	if !strings.Contains(path, "[") {
		return path
	}
	var b strings.Builder
	skip := false
	for i := 0; i < len(path); i++ {
		switch c := path[i]; {
		case c == '[':
			skip = true
		case c == ']':
			skip = false
		case !skip:
			b.WriteByte(c)
		}
	}
	return b.String()
}

const maxDepth = 64

type scanner struct {
	src       []byte
	i         int
	line      int
	lineStart int
	idx       *Index
	// arrays counts the elements of each array of tables, by indexed path.
	arrays map[string]int
	table  string // indexed path of the current table, "" at the top
	// onValue, when set, sees the raw text of every key's value.
	onValue func(path string, raw []byte)
}

// Scan indexes src.
func Scan(src []byte) *Index {
	s := &scanner{src: src, line: 1, idx: &Index{}, arrays: map[string]int{}}
	if len(src) >= 3 && string(src[:3]) == "\xef\xbb\xbf" { // a byte order mark, as the decoder allows
		s.i, s.lineStart = 3, 3
	}
	s.run()
	return s.idx
}

// Values calls fn with the indexed path and the raw source text of every
// key's value ("certifications[1].revoked", "2024-09-01"), in document
// order, including keys inside inline tables. It is for readers that need
// a few values of many documents and cannot afford a full decode (package
// history reads every version of every person file); the text is the
// value as written, quotes and all.
func Values(src []byte, fn func(path string, raw []byte)) {
	s := &scanner{src: src, line: 1, idx: &Index{}, arrays: map[string]int{}, onValue: fn}
	if len(src) >= 3 && string(src[:3]) == "\xef\xbb\xbf" {
		s.i, s.lineStart = 3, 3
	}
	s.run()
}

func (s *scanner) pos() Pos { return Pos{s.line, s.i - s.lineStart + 1} }

func (s *scanner) eof() bool { return s.i >= len(s.src) }

func (s *scanner) peek() byte {
	if s.i < len(s.src) {
		return s.src[s.i]
	}
	return 0
}

func (s *scanner) advance() {
	if s.i < len(s.src) {
		if s.src[s.i] == '\n' {
			s.line++
			s.lineStart = s.i + 1
		}
		s.i++
	}
}

// skipSpace skips blanks on the current line.
func (s *scanner) skipSpace() {
	for !s.eof() && (s.peek() == ' ' || s.peek() == '\t' || s.peek() == '\r') {
		s.i++
	}
}

// skipLine skips to the start of the next line.
func (s *scanner) skipLine() {
	for !s.eof() && s.peek() != '\n' {
		s.i++
	}
	s.advance()
}

// skipTrivia skips blanks, newlines and comments.
func (s *scanner) skipTrivia() {
	for !s.eof() {
		switch s.peek() {
		case ' ', '\t', '\r', '\n':
			s.advance()
		case '#':
			for !s.eof() && s.peek() != '\n' {
				s.i++
			}
		default:
			return
		}
	}
}

func (s *scanner) run() {
	for {
		s.skipTrivia()
		if s.eof() {
			return
		}
		if s.peek() == '[' {
			s.header()
			continue
		}
		start := s.i
		s.keyValue(s.table, 0)
		if s.i == start { // not understood: move on
			s.skipLine()
		}
	}
}

func (s *scanner) header() {
	p := s.pos()
	s.i++
	array := s.peek() == '['
	if array {
		s.i++
	}
	s.skipSpace()
	keys, ok := s.key()
	if !ok {
		s.skipLine()
		return
	}
	path := s.resolve(keys)
	if array {
		n := s.arrays[path]
		s.arrays[path] = n + 1
		path += "[" + strconv.Itoa(n) + "]"
	}
	s.table = path
	s.idx.Entries = append(s.idx.Entries, Entry{Path: path, Pos: p, Header: true})
	s.skipLine()
}

// resolve joins dotted header keys into an indexed path: a key that names
// an array of tables stands for its last element.
func (s *scanner) resolve(keys []string) string {
	path := ""
	for i, k := range keys {
		if path != "" {
			path += "."
		}
		path += k
		if i < len(keys)-1 {
			if n, ok := s.arrays[path]; ok && n > 0 {
				path += "[" + strconv.Itoa(n-1) + "]"
			}
		}
	}
	return path
}

func join(prefix string, keys []string) string {
	p := strings.Join(keys, ".")
	if prefix == "" {
		return p
	}
	return prefix + "." + p
}

// keyValue reads "key = value" and records the key under prefix.
func (s *scanner) keyValue(prefix string, depth int) {
	p := s.pos()
	keys, ok := s.key()
	if !ok {
		return
	}
	s.skipSpace()
	if s.peek() != '=' {
		s.skipLine()
		return
	}
	s.i++
	path := join(prefix, keys)
	s.idx.Entries = append(s.idx.Entries, Entry{Path: path, Pos: p})
	s.skipSpace()
	start := s.i
	s.value(path, depth+1)
	if s.onValue != nil {
		s.onValue(path, s.src[start:s.i])
	}
}

// key reads a dotted key of bare and quoted parts.
func (s *scanner) key() ([]string, bool) {
	var keys []string
	for {
		s.skipSpace()
		switch c := s.peek(); {
		case c == '"' || c == '\'':
			k, ok := s.quotedKey(c)
			if !ok {
				return nil, false
			}
			keys = append(keys, k)
		case isBare(c):
			start := s.i
			for !s.eof() && isBare(s.peek()) {
				s.i++
			}
			keys = append(keys, string(s.src[start:s.i]))
		default:
			return nil, false
		}
		s.skipSpace()
		if s.peek() != '.' {
			return keys, true
		}
		s.i++
	}
}

func (s *scanner) quotedKey(q byte) (string, bool) {
	s.i++
	start := s.i
	for !s.eof() && s.peek() != q && s.peek() != '\n' {
		if q == '"' && s.peek() == '\\' {
			s.i++
		}
		s.i++
	}
	if s.eof() || s.peek() != q {
		return "", false
	}
	raw := string(s.src[start:s.i])
	s.i++
	if q == '"' {
		if u, err := strconv.Unquote(`"` + raw + `"`); err == nil {
			return u, true
		}
	}
	return raw, true
}

func isBare(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-'
}

// value skips one value, indexing the keys of inline tables and the
// inline tables inside arrays.
func (s *scanner) value(path string, depth int) {
	if depth > maxDepth {
		s.skipLine()
		return
	}
	switch c := s.peek(); c {
	case '"', '\'':
		s.str(c)
	case '[':
		s.i++
		n := 0
		for {
			s.skipTrivia()
			if s.eof() {
				return
			}
			switch s.peek() {
			case ']':
				s.i++
				return
			case ',':
				s.i++
				continue
			}
			elem := path + "[" + strconv.Itoa(n) + "]"
			if s.peek() == '{' {
				s.idx.Entries = append(s.idx.Entries, Entry{Path: elem, Pos: s.pos(), Header: true})
			}
			start := s.i
			s.value(elem, depth+1)
			if s.i == start {
				s.skipLine()
				return
			}
			n++
		}
	case '{':
		s.i++
		for {
			s.skipTrivia() // TOML 1.1 allows newlines in inline tables
			if s.eof() {
				return
			}
			switch s.peek() {
			case '}':
				s.i++
				return
			case ',':
				s.i++
				continue
			}
			start := s.i
			s.keyValue(path, depth+1)
			if s.i == start {
				s.skipLine()
				return
			}
		}
	default:
		// A bare value: number, boolean, date, time. Stop at what ends it.
		for !s.eof() {
			switch s.peek() {
			case ',', ']', '}', '\n', '#':
				return
			}
			s.i++
		}
	}
}

// str skips a basic, literal or multi-line string.
func (s *scanner) str(q byte) {
	multi := s.i+2 < len(s.src) && s.src[s.i+1] == q && s.src[s.i+2] == q
	if !multi {
		s.i++
		for !s.eof() && s.peek() != '\n' {
			c := s.peek()
			if q == '"' && c == '\\' && s.i+1 < len(s.src) && s.src[s.i+1] != '\n' {
				s.i += 2
				continue
			}
			s.i++
			if c == q {
				return
			}
		}
		return
	}
	s.i += 3
	for !s.eof() {
		c := s.peek()
		if q == '"' && c == '\\' {
			s.advance()
			s.advance()
			continue
		}
		if c == q && s.i+2 < len(s.src) && s.src[s.i+1] == q && s.src[s.i+2] == q {
			s.i += 3
			// Up to two more quotes belong to the string's content.
			for k := 0; k < 2 && s.peek() == q; k++ {
				s.i++
			}
			return
		}
		s.advance()
	}
}

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
//
// The scanner has no depth limit and no recursion: arrays and inline
// tables nested to any depth are read with a stack on the heap, so a path
// at depth 10,000 is found as one at depth 1 (callers that must bound the
// work bound the input, as package load does before decoding). Its paths
// are the decoder's, checked by a differential test against BurntSushi/toml
// on generated documents (diff_test.go).
package tomlpos

import (
	"bytes"
	"strconv"
	"strings"
	"sync"
)

// Pos is a 1-based line and column (column counted in bytes).
type Pos struct {
	Line, Col int
}

// Entry is a key or a table header at a position. Path carries array
// indices ("exams[1].date"); Header is true for [table], [[table]] and
// inline tables inside arrays. Kind is the kind of the key's value, or
// Table, ArrayTable or InlineTable for a header.
type Entry struct {
	Path   string
	Pos    Pos
	Header bool
	Kind   Kind
}

// Kind is the kind of value a key holds, or of a table header.
type Kind uint8

// The kinds, as TOML names them. Unknown is a value the scanner could not
// read (the decoder reports the syntax error).
const (
	Unknown Kind = iota
	String
	Integer
	Float
	Bool
	Datetime
	Array
	InlineTable
	Table      // a [table] header
	ArrayTable // a [[table]] header, one entry per element
)

var kindNames = [...]string{"unknown", "string", "integer", "float", "boolean", "datetime", "array", "inline table", "table", "array of tables"}

func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "Kind(" + strconv.Itoa(int(k)) + ")"
}

// Span is an entry with the extent of its text in bytes: from the first
// byte of the key (or of the header's bracket) to just after its value
// (or the header's closing brackets), trailing blanks and comments
// excluded. A value the text leaves open ends where the text ends.
type Span struct {
	Entry
	Start, End int
}

// Index maps paths to positions, in document order. Lookup is safe for
// concurrent use: a record's checks run on every core, and an index made
// on first use (program.Source) is first asked by several at once.
type Index struct {
	Entries []Entry
	once    sync.Once // makes byPath
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
	x.once.Do(func() {
		x.byPath = make(map[string]int, len(x.Entries))
		for i, e := range x.Entries {
			if _, dup := x.byPath[e.Path]; !dup {
				x.byPath[e.Path] = i
			}
		}
	})
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

type scanner struct {
	src       []byte
	i         int
	line      int
	lineStart int
	idx       *Index
	// arrays counts the elements of each array of tables, by indexed path.
	arrays map[string]int
	table  string // indexed path of the current table
	// top is true before the first header: the empty path is the root
	// table there, and the table named by an empty key after it.
	top bool
	// onValue, when set, sees the raw text of every key's value.
	onValue func(path string, raw []byte)
	// extents, when spans is set, holds each entry's start and end offsets.
	spans   bool
	extents [][2]int

	// path holds the path being read; each open array or inline table
	// owns a prefix of it (frame.plen). One buffer instead of a string per
	// level keeps deep nesting linear.
	path  []byte
	stack []frame
	parts [][]byte // the parts of the key being read
}

// frame is an open array or inline table.
type frame struct {
	table bool // an inline table; else an array
	plen  int  // length of the container's path in scanner.path
	n     int  // elements read so far (arrays)
	entry int  // the entry whose value the container is, or -1
	start int  // offset of the opening bracket
	isKey bool // the container is a key's value (onValue sees it)
}

func newScanner(src []byte) *scanner {
	s := &scanner{src: src, line: 1, idx: &Index{}, arrays: map[string]int{}, top: true}
	if len(src) >= 3 && string(src[:3]) == "\xef\xbb\xbf" { // a byte order mark, as the decoder allows
		s.i, s.lineStart = 3, 3
	}
	return s
}

// Scan indexes src.
func Scan(src []byte) *Index {
	s := newScanner(src)
	// About an entry a line: sized once, not grown six times, for the
	// 100,000 small files of a program (bounded, so that a file of blank
	// lines does not reserve room it never fills).
	s.idx.Entries = make([]Entry, 0, min(bytes.Count(src, []byte{'\n'})+1, 1024))
	s.run()
	return s.idx
}

// Spans indexes src as Scan does, with the extent of each entry in
// bytes: what an editor needs to add text after a value without landing
// inside a multi-line string or array.
func Spans(src []byte) []Span {
	s := newScanner(src)
	s.spans = true
	s.run()
	out := make([]Span, len(s.idx.Entries))
	for i, e := range s.idx.Entries {
		out[i] = Span{Entry: e, Start: s.extents[i][0], End: s.extents[i][1]}
	}
	return out
}

// Values calls fn with the indexed path and the raw source text of every
// key's value ("certifications[1].revoked", "2024-09-01"), in document
// order, including keys inside inline tables. It is for readers that need
// a few values of many documents and cannot afford a full decode (package
// history reads every version of every person file); the text is the
// value as written, quotes and all.
func Values(src []byte, fn func(path string, raw []byte)) {
	s := newScanner(src)
	s.onValue = fn
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

// add records an entry that starts at offset start and returns its index.
func (s *scanner) add(e Entry, start int) int {
	s.idx.Entries = append(s.idx.Entries, e)
	if s.spans {
		s.extents = append(s.extents, [2]int{start, start})
	}
	return len(s.idx.Entries) - 1
}

// finish ends the value of entry e (-1: none), which spans src[start:end].
func (s *scanner) finish(e int, isKey bool, start, end int) {
	if e < 0 {
		return
	}
	if s.spans {
		t := end
		for t > start && (s.src[t-1] == ' ' || s.src[t-1] == '\t' || s.src[t-1] == '\r') {
			t--
		}
		s.extents[e][1] = t
	}
	if isKey && s.onValue != nil {
		s.onValue(s.idx.Entries[e].Path, s.src[start:end])
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
		s.path = append(s.path[:0], s.table...)
		s.keyValue(len(s.path), s.top)
		s.nested()
		if s.i == start { // not understood: move on
			s.skipLine()
		}
	}
}

func (s *scanner) header() {
	start, p := s.i, s.pos()
	s.i++
	array := s.peek() == '['
	if array {
		s.i++
	}
	s.skipSpace()
	if !s.key() {
		s.skipLine()
		return
	}
	path := s.resolve()
	kind := Table
	if array {
		n := s.arrays[path]
		s.arrays[path] = n + 1
		path += "[" + strconv.Itoa(n) + "]"
		kind = ArrayTable
	}
	s.table, s.top = path, false
	e := s.add(Entry{Path: path, Pos: p, Header: true, Kind: kind}, start)
	s.skipSpace()
	if s.peek() == ']' {
		s.i++
		if array && s.peek() == ']' {
			s.i++
		}
	}
	s.finish(e, false, start, s.i)
	s.skipLine()
}

// resolve joins the parts of a header's key into an indexed path: a key
// that names an array of tables stands for its last element.
func (s *scanner) resolve() string {
	path := ""
	for i, k := range s.parts {
		if i > 0 {
			path += "."
		}
		path += string(k)
		if i < len(s.parts)-1 {
			if n, ok := s.arrays[path]; ok && n > 0 {
				path += "[" + strconv.Itoa(n-1) + "]"
			}
		}
	}
	return path
}

// keyValue reads "key =", records the key under the path s.path[:plen]
// (the root table when root is set) and starts reading its value. It
// reports false when there is no key and value there.
func (s *scanner) keyValue(plen int, root bool) bool {
	start, p := s.i, s.pos()
	if !s.key() {
		return false
	}
	s.skipSpace()
	if s.peek() != '=' {
		s.skipLine()
		return false
	}
	s.i++
	s.path = s.path[:plen]
	for i, k := range s.parts {
		if i > 0 || !root {
			s.path = append(s.path, '.')
		}
		s.path = append(s.path, k...)
	}
	e := s.add(Entry{Path: string(s.path), Pos: p}, start)
	s.skipSpace()
	s.begin(e, true)
	return true
}

// key reads a dotted key of bare and quoted parts into s.parts.
func (s *scanner) key() bool {
	s.parts = s.parts[:0]
	for {
		s.skipSpace()
		switch c := s.peek(); {
		case c == '"' || c == '\'':
			k, ok := s.quotedKey(c)
			if !ok {
				return false
			}
			s.parts = append(s.parts, k)
		case isBare(c):
			start := s.i
			for !s.eof() && isBare(s.peek()) {
				s.i++
			}
			s.parts = append(s.parts, s.src[start:s.i])
		default:
			return false
		}
		s.skipSpace()
		if s.peek() != '.' {
			return true
		}
		s.i++
	}
}

func (s *scanner) quotedKey(q byte) ([]byte, bool) {
	s.i++
	start := s.i
	for !s.eof() && s.peek() != q && s.peek() != '\n' {
		if q == '"' && s.peek() == '\\' {
			s.i++
		}
		s.i++
	}
	if s.eof() || s.peek() != q {
		return nil, false
	}
	raw := s.src[start:s.i]
	s.i++
	if q == '"' {
		if u, ok := Unescape(string(raw)); ok {
			return []byte(u), true
		}
	}
	return raw, true
}

func isBare(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-'
}

// begin starts reading the value at s.i of entry e (-1 for an array
// element that is not an inline table), whose path is s.path: a scalar
// is read whole, an array or inline table is opened for nested to read.
func (s *scanner) begin(e int, isKey bool) {
	start := s.i
	kind := Unknown
	switch c := s.peek(); c {
	case '"', '\'':
		s.str(c)
		kind = String
	case '[', '{':
		s.i++
		s.stack = append(s.stack, frame{table: c == '{', plen: len(s.path), entry: e, start: start, isKey: isKey})
		kind = Array
		if c == '{' {
			kind = InlineTable
		}
	default:
		// A bare value: number, boolean, date, time. Stop at what ends it.
	bare:
		for !s.eof() {
			switch s.peek() {
			case ',', ']', '}', '\n', '#':
				break bare
			}
			s.i++
		}
		kind = bareKind(s.src[start:s.i])
	}
	if e >= 0 {
		s.idx.Entries[e].Kind = kind
	}
	if kind != Array && kind != InlineTable {
		s.finish(e, isKey, start, s.i)
	}
}

// nested reads the open arrays and inline tables to their ends, indexing
// the keys of inline tables and the inline tables inside arrays.
func (s *scanner) nested() {
	for len(s.stack) > 0 {
		top := len(s.stack) - 1
		f := &s.stack[top]
		s.skipTrivia() // TOML 1.1 allows newlines in inline tables
		if s.eof() {
			for len(s.stack) > 0 {
				s.pop()
			}
			return
		}
		switch c := s.peek(); {
		case c == ',':
			s.i++
			continue
		case f.table && c == '}' || !f.table && c == ']':
			s.i++
			s.pop()
			continue
		}
		start := s.i
		if f.table {
			s.keyValue(f.plen, false)
		} else {
			s.path = append(s.path[:f.plen], '[')
			s.path = strconv.AppendInt(s.path, int64(f.n), 10)
			s.path = append(s.path, ']')
			f.n++
			e := -1
			if s.peek() == '{' {
				e = s.add(Entry{Path: string(s.path), Pos: s.pos(), Header: true}, start)
			}
			s.begin(e, false)
		}
		if s.i == start { // not understood: give up on this container
			s.skipLine()
			s.stack = s.stack[:top+1]
			s.pop()
		}
	}
}

// pop closes the innermost container where the scan stands.
func (s *scanner) pop() {
	f := s.stack[len(s.stack)-1]
	s.stack = s.stack[:len(s.stack)-1]
	s.finish(f.entry, f.isKey, f.start, s.i)
}

// bareKind tells a bare value's kind from its text.
func bareKind(v []byte) Kind {
	for len(v) > 0 && (v[len(v)-1] == ' ' || v[len(v)-1] == '\t' || v[len(v)-1] == '\r') {
		v = v[:len(v)-1]
	}
	digit := func(i int) bool { return i < len(v) && v[i] >= '0' && v[i] <= '9' }
	switch {
	case len(v) == 0:
		return Unknown
	case string(v) == "true" || string(v) == "false":
		return Bool
	case digit(0) && digit(1) && digit(2) && digit(3) && len(v) > 4 && v[4] == '-',
		digit(0) && digit(1) && len(v) > 2 && v[2] == ':':
		return Datetime
	case len(v) > 1 && v[0] == '0' && (v[1] == 'x' || v[1] == 'o' || v[1] == 'b'):
		return Integer
	}
	u := v
	if u[0] == '+' || u[0] == '-' {
		u = u[1:]
	}
	switch {
	case string(u) == "inf" || string(u) == "nan":
		return Float
	case len(u) == 0 || u[0] < '0' || u[0] > '9':
		return Unknown
	case bytes.ContainsAny(u, ".eE"):
		return Float
	}
	return Integer
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

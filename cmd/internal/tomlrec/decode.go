package tomlrec

import (
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/accredit/accredit/cmd/internal/date"
	"github.com/accredit/accredit/cmd/internal/tomlpos"
)

// Declined says why a document is outside the subset, at which line.
type Declined struct {
	Line   int
	Reason string
}

func (d *Declined) Error() string {
	return fmt.Sprintf("line %d: %s: outside the fast subset of TOML", d.Line, d.Reason)
}

var fast, declined atomic.Int64

// kinds are the tomlpos kinds of the values of each field kind.
var kinds = [...]tomlpos.Kind{
	kString: tomlpos.String, kBool: tomlpos.Bool, kInt: tomlpos.Integer, kDate: tomlpos.Datetime,
	kStrings: tomlpos.Array, kInts: tomlpos.InlineTable, kTable: tomlpos.Unknown, kTables: tomlpos.Unknown,
}

// Stats returns how many documents Decode decoded and how many it
// declined since the process started.
func Stats() (decoded, declinedDocs int64) { return fast.Load(), declined.Load() }

// Decode decodes s into v, a non-nil pointer to a struct, and returns the
// positions of its keys and headers, as tomlpos.Scan would index them;
// or returns a *Declined and leaves v as it was.
func Decode(s string, v any) (*tomlpos.Index, error) {
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Pointer || rv.IsNil() || rv.Elem().Kind() != reflect.Struct {
		declined.Add(1)
		return nil, &Declined{Line: 1, Reason: "not a pointer to a struct"}
	}
	root := rv.Elem()
	sch := schemaOf(root.Type())
	if !sch.ok {
		declined.Add(1)
		return nil, &Declined{Line: 1, Reason: "a struct this package does not decode"}
	}
	// v is restored on a decline. A shallow copy is enough: the decoder
	// never writes through a pointer it did not make, and appends to a
	// slice only past the length the copy keeps. Most values come zero,
	// and need no copy.
	var saved reflect.Value
	if !root.IsZero() {
		saved = reflect.New(root.Type()).Elem()
		saved.Set(root)
	}
	d := decoder{s: s, line: 1}
	if err := d.document(root, sch); err != nil {
		if saved.IsValid() {
			root.Set(saved)
		} else {
			root.SetZero()
		}
		declined.Add(1)
		return nil, err
	}
	fast.Add(1)
	// Every path is cut from one string: one allocation a document.
	all := d.paths.String()
	for i, sp := range d.spans {
		d.entries[i].Path = all[sp.start:sp.end]
	}
	return &tomlpos.Index{Entries: d.entries}, nil
}

// span is a path's place in decoder.paths.
type span struct{ start, end int }

type decoder struct {
	s         string
	i         int
	line      int
	lineStart int // offset of the line's first byte, for columns

	entries []tomlpos.Entry
	spans   []span // each entry's path in paths
	paths   strings.Builder
	arrays  [64]int // [[tables]] read so far, by field number
}

// newline moves past a line's end of n bytes (\n or \r\n).
func (d *decoder) newline(n int) {
	d.i += n
	d.line++
	d.lineStart = d.i
}

// entry records a key or header read at offset at, whose path is
// table.key, or key[index] for an index of 0 or more, and returns the
// path's span.
func (d *decoder) entry(table span, key string, index int, at int, header bool, k tomlpos.Kind) span {
	start := d.paths.Len()
	if table.end > table.start {
		// The builder's String shares its bytes: no copy, and a growth
		// leaves the old bytes readable.
		d.paths.WriteString(d.paths.String()[table.start:table.end])
		d.paths.WriteByte('.')
	}
	d.paths.WriteString(key)
	if index >= 0 {
		d.paths.WriteByte('[')
		d.paths.WriteString(strconv.Itoa(index))
		d.paths.WriteByte(']')
	}
	sp := span{start, d.paths.Len()}
	d.spans = append(d.spans, sp)
	d.entries = append(d.entries, tomlpos.Entry{Pos: tomlpos.Pos{Line: d.line, Col: at - d.lineStart + 1}, Header: header, Kind: k})
	return sp
}

func (d *decoder) decline(format string, args ...any) error {
	return &Declined{Line: d.line, Reason: fmt.Sprintf(format, args...)}
}

// document decodes the whole text into root.
func (d *decoder) document(root reflect.Value, sch *schema) error {
	lines, err := d.plain()
	if err != nil {
		return err
	}
	d.entries = make([]tomlpos.Entry, 0, min(lines, 1024))
	d.spans = make([]span, 0, min(lines, 1024))
	d.paths.Grow(min(len(d.s), 64<<10)) // about what record files need
	var (
		cur      = root // the table keys go to
		curPath  span   // its path, as tomlpos writes it
		curSch   = sch
		rootDefs uint64 // the keys and [tables] defined at the top
		tableDef uint64 // the keys defined in the current [table]
		defs     = &rootDefs
	)
	for {
		d.spaces()
		if d.i >= len(d.s) {
			return nil
		}
		switch d.s[d.i] {
		case '\n':
			d.newline(1)
			continue
		case '\r':
			d.newline(2) // plain: always followed by \n
			continue
		case '#':
			d.comment()
			continue
		case '[':
			t, path, tsch, err := d.header(root, sch, &rootDefs)
			if err != nil {
				return err
			}
			cur, curPath, curSch, tableDef = t, path, tsch, 0
			defs = &tableDef
		default:
			if err := d.keyValue(cur, curPath, curSch, defs); err != nil {
				return err
			}
		}
		if err := d.endOfLine(); err != nil {
			return err
		}
	}
}

// plain declines text with a byte TOML forbids outside strings and that
// this package reads nowhere: a control character other than tab and
// newline (a carriage return only before a newline), DEL, or invalid
// UTF-8. After it, every line ends at a \n. It returns the number of
// lines.
func (d *decoder) plain() (int, error) {
	s := d.s
	line := 1
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '\n':
			line++
		case c == '\r' && i+1 < len(s) && s[i+1] == '\n':
		case c < 0x20 && c != '\t', c == 0x7f:
			return 0, &Declined{Line: line, Reason: fmt.Sprintf("control character %#02x", c)}
		}
	}
	if !utf8.ValidString(s) {
		return 0, &Declined{Line: 1, Reason: "invalid UTF-8"}
	}
	return line, nil
}

func (d *decoder) spaces() {
	for d.i < len(d.s) && (d.s[d.i] == ' ' || d.s[d.i] == '\t') {
		d.i++
	}
}

// comment skips a comment up to its line's end.
func (d *decoder) comment() {
	for d.i < len(d.s) && d.s[d.i] != '\n' && d.s[d.i] != '\r' {
		d.i++
	}
}

// endOfLine reads what may follow a key's value or a header: spaces, a
// comment, and the end of the line or of the text.
func (d *decoder) endOfLine() error {
	d.spaces()
	if d.i < len(d.s) && d.s[d.i] == '#' {
		d.comment()
	}
	switch {
	case d.i >= len(d.s):
		return nil
	case d.s[d.i] == '\n':
		d.newline(1)
	case d.s[d.i] == '\r':
		d.newline(2)
	default:
		return d.decline("more after a value or header")
	}
	return nil
}

// blank skips spaces, newlines and comments, inside an array.
func (d *decoder) blank() {
	for d.i < len(d.s) {
		switch d.s[d.i] {
		case ' ', '\t':
			d.i++
		case '\n':
			d.newline(1)
		case '\r':
			d.newline(2)
		case '#':
			d.comment()
		default:
			return
		}
	}
}

func isBare(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_' || c == '-'
}

// bareKey reads a bare key; quoted and dotted keys decline at their
// first character.
func (d *decoder) bareKey() (string, error) {
	j := d.i
	for j < len(d.s) && isBare(d.s[j]) {
		j++
	}
	if j == d.i {
		return "", d.decline("not a bare key")
	}
	k := d.s[d.i:j]
	d.i = j
	return k, nil
}

// keyEquals reads a bare key, the equals sign and the spaces around it;
// a dotted or quoted key declines there.
func (d *decoder) keyEquals() (string, error) {
	k, err := d.bareKey()
	if err != nil {
		return "", err
	}
	d.spaces()
	if d.i >= len(d.s) || d.s[d.i] != '=' {
		return "", d.decline("a key other than a bare one")
	}
	d.i++
	d.spaces()
	return k, nil
}

// header reads [name] or [[name]] and returns the table it opens, with
// its path.
func (d *decoder) header(root reflect.Value, sch *schema, rootDefs *uint64) (reflect.Value, span, *schema, error) {
	at := d.i
	array := len(d.s) > d.i+1 && d.s[d.i+1] == '['
	if array {
		d.i += 2
	} else {
		d.i++
	}
	d.spaces()
	name, err := d.bareKey()
	if err != nil {
		return reflect.Value{}, span{}, nil, err
	}
	d.spaces()
	closing := "]"
	if array {
		closing = "]]"
	}
	if len(d.s)-d.i < len(closing) || d.s[d.i:d.i+len(closing)] != closing {
		return reflect.Value{}, span{}, nil, d.decline("a header other than [name] or [[name]]")
	}
	d.i += len(closing)
	f, n := sch.find(name)
	if f == nil {
		return reflect.Value{}, span{}, nil, d.decline("unknown table %q", name)
	}
	fv := root.FieldByIndex(f.index)
	switch {
	case array && f.kind == kTables:
		var elem reflect.Value
		if f.ptr {
			p := reflect.New(fv.Type().Elem().Elem())
			fv.Set(reflect.Append(fv, p))
			elem = p.Elem()
		} else {
			fv.Set(reflect.Append(fv, reflect.Zero(fv.Type().Elem())))
			elem = fv.Index(fv.Len() - 1)
		}
		*rootDefs |= 1 << n
		path := d.entry(span{}, name, d.arrays[n], at, true, tomlpos.ArrayTable)
		d.arrays[n]++
		return elem, path, f.sub, nil
	case !array && f.kind == kTable:
		if *rootDefs&(1<<n) != 0 {
			return reflect.Value{}, span{}, nil, d.decline("table %q defined twice", name)
		}
		*rootDefs |= 1 << n
		path := d.entry(span{}, name, -1, at, true, tomlpos.Table)
		if f.ptr {
			p := reflect.New(fv.Type().Elem())
			fv.Set(p)
			return p.Elem(), path, f.sub, nil
		}
		return fv, path, f.sub, nil
	}
	return reflect.Value{}, span{}, nil, d.decline("header of the wrong kind for %q", name)
}

// keyValue reads key = value into table t, at path table.
func (d *decoder) keyValue(t reflect.Value, table span, sch *schema, defs *uint64) error {
	at := d.i
	key, err := d.keyEquals()
	if err != nil {
		return err
	}
	f, n := sch.find(key)
	if f == nil {
		return d.decline("unknown key %q", key)
	}
	if *defs&(1<<n) != 0 {
		return d.decline("key %q defined twice", key)
	}
	*defs |= 1 << n
	fv := t.FieldByIndex(f.index)
	path := d.entry(table, key, -1, at, false, kinds[f.kind])
	switch f.kind {
	case kString:
		s, err := d.str()
		if err != nil {
			return err
		}
		fv.SetString(s)
	case kBool:
		b, err := d.boolean()
		if err != nil {
			return err
		}
		fv.SetBool(b)
	case kInt:
		n, err := d.integer()
		if err != nil {
			return err
		}
		fv.SetInt(n)
	case kDate:
		v, err := d.date()
		if err != nil {
			return err
		}
		fv.Set(reflect.ValueOf(v))
	case kStrings:
		list, err := d.strings()
		if err != nil {
			return err
		}
		fv.Set(reflect.ValueOf(list))
	case kInts:
		m, err := d.ints(path)
		if err != nil {
			return err
		}
		fv.Set(reflect.ValueOf(m))
	default:
		return d.decline("a value of a kind this package does not decode, for %q", key)
	}
	return nil
}

// str reads a one-line basic string without escapes, or a one-line
// literal string.
func (d *decoder) str() (string, error) {
	if d.i >= len(d.s) || (d.s[d.i] != '"' && d.s[d.i] != '\'') {
		return "", d.decline("not a string")
	}
	q := d.s[d.i]
	if len(d.s)-d.i >= 3 && d.s[d.i+1] == q && d.s[d.i+2] == q {
		return "", d.decline("a multi-line string")
	}
	for j := d.i + 1; j < len(d.s); j++ {
		switch c := d.s[j]; {
		case c == q:
			s := d.s[d.i+1 : j]
			d.i = j + 1
			return s, nil
		case c == '\\' && q == '"':
			return "", d.decline("an escape in a string")
		case c == '\n' || c == '\r':
			return "", d.decline("an unterminated string")
		}
	}
	return "", d.decline("an unterminated string")
}

// word reports whether the text at i is w followed by the end of a value.
func (d *decoder) word(w string) bool {
	j := d.i + len(w)
	if j > len(d.s) || d.s[d.i:j] != w {
		return false
	}
	if j < len(d.s) && isBare(d.s[j]) {
		return false
	}
	d.i = j
	return true
}

func (d *decoder) boolean() (bool, error) {
	switch {
	case d.word("true"):
		return true, nil
	case d.word("false"):
		return false, nil
	}
	return false, d.decline("not a boolean")
}

// integer reads a decimal integer of at most 18 digits, without
// underscores; what follows it is checked by the caller, so 1.5, 1e3,
// 0x1f and 2026-01-01 all decline there.
func (d *decoder) integer() (int64, error) {
	j := d.i
	neg := false
	if j < len(d.s) && (d.s[j] == '+' || d.s[j] == '-') {
		neg = d.s[j] == '-'
		j++
	}
	start := j
	var n int64
	for j < len(d.s) && '0' <= d.s[j] && d.s[j] <= '9' {
		n = n*10 + int64(d.s[j]-'0')
		j++
	}
	digits := j - start
	switch {
	case digits == 0:
		return 0, d.decline("not an integer")
	case digits > 18:
		return 0, d.decline("an integer of more than 18 digits")
	case digits > 1 && d.s[start] == '0':
		return 0, d.decline("an integer with a leading zero")
	}
	if j < len(d.s) && (isBare(d.s[j]) || d.s[j] == '.' || d.s[j] == ':') {
		return 0, d.decline("not a decimal integer")
	}
	d.i = j
	if neg {
		n = -n
	}
	return n, nil
}

// date reads a local date, YYYY-MM-DD, that exists in the calendar.
func (d *decoder) date() (date.Date, error) {
	const n = len("2006-01-02")
	if len(d.s)-d.i < n {
		return date.Date{}, d.decline("not a local date")
	}
	t := d.s[d.i : d.i+n]
	num := func(a, b int) int {
		v := 0
		for _, c := range []byte(t[a:b]) {
			if c < '0' || c > '9' {
				return -1
			}
			v = v*10 + int(c-'0')
		}
		return v
	}
	y, m, day := num(0, 4), num(5, 7), num(8, 10)
	if t[4] != '-' || t[7] != '-' || y < 0 || m < 1 || m > 12 || day < 1 || day > date.DaysIn(y, time.Month(m)) {
		return date.Date{}, d.decline("not a local date")
	}
	j := d.i + n
	// A time after the date (T10:00, t10:00 or " 10:00") makes it a
	// date-time, which is not a date.
	if j < len(d.s) {
		c := d.s[j]
		if isBare(c) || c == '.' || c == ':' || c == ' ' && j+1 < len(d.s) && '0' <= d.s[j+1] && d.s[j+1] <= '9' {
			return date.Date{}, d.decline("a date-time, not a date")
		}
	}
	d.i = j
	return date.New(y, time.Month(m), day), nil
}

// strings reads an array of strings, over lines, with comments and a
// trailing comma.
func (d *decoder) strings() ([]string, error) {
	if d.i >= len(d.s) || d.s[d.i] != '[' {
		return nil, d.decline("not an array")
	}
	d.i++
	list := []string{}
	for {
		d.blank()
		if d.i < len(d.s) && d.s[d.i] == ']' {
			d.i++
			return list, nil
		}
		s, err := d.str()
		if err != nil {
			return nil, err
		}
		list = append(list, s)
		d.blank()
		if d.i >= len(d.s) {
			return nil, d.decline("an unterminated array")
		}
		switch d.s[d.i] {
		case ',':
			d.i++
		case ']':
			d.i++
			return list, nil
		default:
			return nil, d.decline("not an array of strings")
		}
	}
}

// ints reads a one-line inline table of integers, { a = 1, b = 2 }.
func (d *decoder) ints(path span) (map[string]int, error) {
	if d.i >= len(d.s) || d.s[d.i] != '{' {
		return nil, d.decline("not an inline table")
	}
	d.i++
	m := map[string]int{}
	d.spaces()
	if d.i < len(d.s) && d.s[d.i] == '}' {
		d.i++
		return m, nil
	}
	for {
		d.spaces()
		at := d.i
		k, err := d.keyEquals()
		if err != nil {
			return nil, err
		}
		n, err := d.integer()
		if err != nil {
			return nil, err
		}
		if _, dup := m[k]; dup {
			return nil, d.decline("key %q defined twice", k)
		}
		m[k] = int(n)
		d.entry(path, k, -1, at, false, tomlpos.Integer)
		d.spaces()
		if d.i >= len(d.s) {
			return nil, d.decline("an unterminated inline table")
		}
		switch d.s[d.i] {
		case ',':
			d.i++
		case '}':
			d.i++
			return m, nil
		default:
			return nil, d.decline("an inline table other than one line of integers")
		}
	}
}

package record

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"

	"github.com/accredit/accredit/cmd/internal/date"
	"github.com/accredit/accredit/cmd/internal/tomlpos"
)

// KV is a key and its value: a string, an int, a bool, a date.Date or a
// []string.
type KV struct {
	Key   string
	Value any
}

// Line is the TOML line "key = value", without a line ending.
func (kv KV) Line() string { return kv.Key + " = " + Format(kv.Value) }

// Format writes a value as TOML: strings as basic strings, dates as local
// dates, lists of strings as inline arrays.
func Format(v any) string {
	switch v := v.(type) {
	case string:
		return Quote(v)
	case int:
		return strconv.Itoa(v)
	case bool:
		return strconv.FormatBool(v)
	case date.Date:
		return v.String()
	case []string:
		parts := make([]string, len(v))
		for i, s := range v {
			parts[i] = Quote(s)
		}
		return "[" + strings.Join(parts, ", ") + "]"
	}
	panic(fmt.Sprintf("record: cannot write a %T as TOML", v)) // a programming error, never input
}

// Quote writes s as a TOML basic string. TOML allows every character but
// the quote, the backslash and control characters as they are; those are
// escaped, and invalid UTF-8 becomes U+FFFD (TOML files are UTF-8).
func Quote(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch r {
		case '"':
			b.WriteString(`\"`)
		case '\\':
			b.WriteString(`\\`)
		case '\n':
			b.WriteString(`\n`)
		case '\t':
			b.WriteString(`\t`)
		case '\r':
			b.WriteString(`\r`)
		default:
			if r < 0x20 || r == 0x7f {
				fmt.Fprintf(&b, `\u%04X`, r)
			} else {
				b.WriteRune(r)
			}
		}
	}
	b.WriteByte('"')
	return b.String()
}

// newline returns the file's line ending: CRLF when its first line ends so.
func newline(src []byte) string {
	if i := bytes.IndexByte(src, '\n'); i > 0 && src[i-1] == '\r' {
		return "\r\n"
	}
	return "\n"
}

// Append returns src with a [[table]] holding kvs added at the end, after
// a blank line. The bytes of src are kept as they are; a last line without
// a line ending gets one first.
func Append(src []byte, table string, kvs ...KV) []byte {
	nl := newline(src)
	out := make([]byte, 0, len(src)+64*(len(kvs)+1))
	out = append(out, src...)
	if len(src) > 0 {
		if src[len(src)-1] != '\n' {
			out = append(out, nl...)
		}
		if !endsBlank(out) {
			out = append(out, nl...)
		}
	}
	out = append(out, "[["+table+"]]"+nl...)
	for _, kv := range kvs {
		out = append(out, kv.Line()+nl...)
	}
	return out
}

// endsBlank reports whether b, which ends with a line ending, ends with
// a blank line.
func endsBlank(b []byte) bool {
	b = bytes.TrimRight(b[:len(b)-1], "\r")
	i := bytes.LastIndexByte(b, '\n')
	return len(bytes.TrimSpace(b[i+1:])) == 0
}

// Insert returns src with kvs added as the last keys of the table at path
// ("certifications[2]"), which must be written as a [[...]] or [...]
// header. The new lines go after the table's last key and before any blank
// lines and comments that lead to the next table, with the indentation of
// the table's first key. A key the table already has is an error.
func Insert(src []byte, path string, kvs ...KV) ([]byte, error) {
	idx := tomlpos.Scan(src)
	lines := splitLines(src)
	head := -1 // line index (0-based) of the table's header
	for _, e := range idx.Entries {
		if e.Path == path && e.Header && isHeaderLine(lines, e.Pos.Line-1) {
			head = e.Pos.Line - 1
			break
		}
	}
	if head < 0 {
		return nil, fmt.Errorf("no table %s written as a [[...]] header", path)
	}
	for _, kv := range kvs {
		if idx.Has(path + "." + kv.Key) {
			return nil, fmt.Errorf("%s already has a %s key", path, kv.Key)
		}
	}
	end := len(lines) // first line after the table
	for _, e := range idx.Entries {
		if e.Header && e.Pos.Line-1 > head && isHeaderLine(lines, e.Pos.Line-1) {
			end = e.Pos.Line - 1
			break
		}
	}
	indent := ""
	for _, e := range idx.Entries {
		if !e.Header && strings.HasPrefix(e.Path, path+".") {
			l := lines[e.Pos.Line-1]
			indent = string(l[:len(l)-len(bytes.TrimLeft(l, " \t"))])
			break
		}
	}
	last := end - 1 // last line of the table's keys
	for last > head && isTrivia(lines[last]) {
		last--
	}
	nl := newline(src)
	var add []byte
	for _, kv := range kvs {
		add = append(add, indent+kv.Line()+nl...)
	}
	at := 0 // byte offset after line last
	for _, l := range lines[:last+1] {
		at += len(l)
	}
	out := make([]byte, 0, len(src)+len(add)+2)
	out = append(out, src[:at]...)
	if at > 0 && src[at-1] != '\n' {
		out = append(out, nl...)
	}
	out = append(out, add...)
	return append(out, src[at:]...), nil
}

// splitLines splits src after each '\n', keeping the line endings.
func splitLines(src []byte) [][]byte {
	var lines [][]byte
	for len(src) > 0 {
		i := bytes.IndexByte(src, '\n')
		if i < 0 {
			lines = append(lines, src)
			break
		}
		lines = append(lines, src[:i+1])
		src = src[i+1:]
	}
	return lines
}

// isHeaderLine reports whether line i starts with '[': tomlpos also marks
// inline tables inside arrays as headers.
func isHeaderLine(lines [][]byte, i int) bool {
	return i >= 0 && i < len(lines) && bytes.HasPrefix(bytes.TrimLeft(lines[i], " \t\ufeff"), []byte("["))
}

// isTrivia reports a blank or comment-only line. The closing line of a
// multi-line string is neither, so walking back over trivia from the next
// header never ends inside a string.
func isTrivia(l []byte) bool {
	t := bytes.TrimSpace(l)
	return len(t) == 0 || t[0] == '#'
}

// Appendable reports whether Append can add a [[table]] to src, a document
// that decodes: it can unless the document already uses the name for
// something other than an array of tables (an inline array "exams = [...]",
// a [exams] table, a dotted key exams.x). Callers that have decoded src
// use it instead of decoding the result again.
//
// With several tables, it reports whether all of them can be appended.
func Appendable(src []byte, tables ...string) bool {
	for _, e := range tomlpos.Scan(src).Entries {
		for _, t := range tables {
			if e.Path == t || strings.HasPrefix(e.Path, t+".") {
				return false
			}
		}
	}
	return true
}

package record

import (
	"bytes"
	"fmt"
	"slices"
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
// header. The new lines go on the line after the one where the table's
// last value ends, before any blank lines and comments that lead to the
// next table, with the indentation of the table's first key. A key the
// table already has is an error.
//
// Where a value ends is the scanner's business (tomlpos.Spans), not the
// lines': a multi-line string or array may have lines that look blank,
// commented or like headers, and text added among them would become part
// of the value.
func Insert(src []byte, path string, kvs ...KV) ([]byte, error) {
	spans := tomlpos.Spans(src)
	head := slices.IndexFunc(spans, func(sp tomlpos.Span) bool {
		return sp.Path == path && isTableHeader(sp.Kind)
	})
	if head < 0 {
		return nil, fmt.Errorf("no table %s written as a [[...]] header", path)
	}
	for _, kv := range kvs {
		// The decoder matches keys to fields ignoring case: "Revoked" is
		// the revoked key too.
		key := path + "." + kv.Key
		for _, sp := range spans {
			if len(sp.Path) >= len(key) && strings.EqualFold(sp.Path[:len(key)], key) &&
				(len(sp.Path) == len(key) || sp.Path[len(key)] == '.' || sp.Path[len(key)] == '[') {
				return nil, fmt.Errorf("%s already has a %s key", path, kv.Key)
			}
		}
	}
	end := spans[head].End // where the table's last value ends
	indent := ""
	for i, sp := range spans[head+1:] {
		if isTableHeader(sp.Kind) {
			break
		}
		if i == 0 {
			ls := bytes.LastIndexByte(src[:sp.Start], '\n') + 1
			if lead := src[ls:sp.Start]; len(bytes.Trim(lead, " \t")) == 0 {
				indent = string(lead)
			}
		}
		end = max(end, sp.End)
	}
	at := len(src) // after the line on which the value ends
	if i := bytes.IndexByte(src[end:], '\n'); i >= 0 {
		at = end + i + 1
	}
	nl := newline(src)
	out := make([]byte, 0, len(src)+64*len(kvs)+2)
	out = append(out, src[:at]...)
	if at > 0 && src[at-1] != '\n' {
		out = append(out, nl...)
	}
	for _, kv := range kvs {
		out = append(out, indent+kv.Line()+nl...)
	}
	return append(out, src[at:]...), nil
}

func isTableHeader(k tomlpos.Kind) bool { return k == tomlpos.Table || k == tomlpos.ArrayTable }

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
			if len(e.Path) < len(t) || !strings.EqualFold(e.Path[:len(t)], t) {
				continue
			}
			switch {
			case len(e.Path) > len(t) && e.Path[len(t)] != '.' && e.Path[len(t)] != '[':
				// another key ("examsx")
			case len(e.Path) == len(t) || e.Path[len(t)] == '.':
				return false
			case e.Path[:len(t)] != t:
				// Keys are matched to fields ignoring case: [[Exams]]
				// and [[exams]] would both fill the exams field.
				return false
			}
		}
	}
	return true
}

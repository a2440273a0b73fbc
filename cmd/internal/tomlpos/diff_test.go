package tomlpos

// The differential test: the scanner against the decoder it stands in
// for (BurntSushi/toml), on generated documents. A short run is part of
// go test; FuzzDiff and FuzzDecodable run longer:
//
//	go test ./cmd/internal/tomlpos -run XXX -fuzz FuzzDiff -fuzztime 10m
//
// Inputs that found a bug stay in testdata/fuzz.

import (
	"bytes"
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/BurntSushi/toml"
)

// choices drives the generator: from fuzzer bytes, then from a random
// source, or zeros (the smallest choice) when there is neither.
type choices struct {
	b []byte
	r *rand.Rand
}

func (c *choices) n(k int) int {
	switch {
	case len(c.b) > 0:
		v := int(c.b[0])
		c.b = c.b[1:]
		return v % k
	case c.r != nil:
		return c.r.IntN(k)
	}
	return 0
}

// gen writes a random valid TOML document. Every key name is fresh, so no
// key is defined twice; names hold no dots or brackets, so that paths
// compare as strings.
type gen struct {
	c    *choices
	b    strings.Builder
	keys int
}

func (g *gen) name(prefix string) string {
	g.keys++
	return prefix + strconv.Itoa(g.keys)
}

// key writes a fresh key: bare, quoted, literal, escaped or dotted.
func (g *gen) key() string {
	var parts []string
	for range 1 + g.c.n(3)/2 {
		n := g.name("k")
		switch g.c.n(6) {
		case 1:
			parts = append(parts, `"`+n+` q"`)
		case 2:
			parts = append(parts, "'"+n+"'")
		case 3:
			parts = append(parts, `"\u0041`+n+`"`) // "A"+n
		case 4:
			parts = append(parts, n+"-_")
		default:
			parts = append(parts, n)
		}
	}
	sep := []string{".", " . ", "."}[g.c.n(3)]
	return strings.Join(parts, sep)
}

var strs = []string{
	`"plain"`, `""`, `"a \"quoted\" # not a comment [x]"`, `"tab\tand \\ and \u00e9 and \U0001F600"`,
	`'literal # [[x]] "'`, `''`,
	"\"\"\"\nmulti\n# looks like a comment\n[[looks.like.a.table]]\nk = 1\n\"\"\"",
	"\"\"\"\nends in a comment-like line\n# ticket CERT-123\"\"\"",
	"\"\"\"two quotes at the end\"\"\"\"\"",
	"\"\"\"\\\n   line ending backslash \\\"\"\" \"\"\"",
	"'''\n# literal\n[t]\n'''",
	"'''one quote at the end''''",
	`"\e and \x41"`,
}

var scalars = []string{
	"42", "-17", "+5", "0", "1_000", "0x1F", "0o17", "0b101",
	"3.14", "-0.5e3", "1e10", "6.02E+23", "inf", "-inf", "+nan", "1_0.5",
	"true", "false",
	"1979-05-27", "1979-05-27T07:32:00Z", "1979-05-27 07:32:00", "07:32:00", "1979-05-27T00:32:00.999-07:00", "07:32:00.5",
}

func (g *gen) comment() string {
	return []string{"", "", " # c", "   # [[x]] y = \"\"\" '''", "\t#"}[g.c.n(5)]
}

func (g *gen) nl() string {
	s := "\n"
	for range g.c.n(4) / 2 {
		s += []string{"\n", "# a comment line\n", "  # [t]\n", "#\n"}[g.c.n(4)]
	}
	return s
}

// value writes a value, nesting arrays and inline tables up to depth.
func (g *gen) value(depth int) string {
	k := g.c.n(10)
	if depth <= 0 && k >= 7 {
		k = 0
	}
	switch k {
	case 0, 1, 2:
		return scalars[g.c.n(len(scalars))]
	case 3, 4, 5, 6:
		return strs[g.c.n(len(strs))]
	case 7, 8:
		n := g.c.n(4)
		var b strings.Builder
		b.WriteString("[")
		multi := g.c.n(2) == 0
		for i := range n {
			if multi {
				b.WriteString("\n  " + []string{"", "# in an array\n  "}[g.c.n(2)])
			}
			b.WriteString(g.value(depth - 1))
			if i < n-1 || multi && g.c.n(2) == 0 {
				b.WriteString(",")
			}
		}
		if multi {
			b.WriteString("\n")
		}
		b.WriteString("]")
		return b.String()
	default:
		n := g.c.n(4)
		var b strings.Builder
		b.WriteString("{")
		multi := g.c.n(3) == 0 // TOML 1.1: newlines and a trailing comma
		for i := range n {
			if multi {
				b.WriteString("\n  ")
			} else {
				b.WriteString(" ")
			}
			b.WriteString(g.key() + " = " + g.value(depth-1))
			if i < n-1 || multi && g.c.n(2) == 0 {
				b.WriteString(",")
			}
		}
		if multi {
			b.WriteString("\n")
		} else if n > 0 {
			b.WriteString(" ")
		}
		b.WriteString("}")
		return b.String()
	}
}

func (g *gen) keyValues(indent string) {
	for range g.c.n(4) {
		g.b.WriteString(indent + g.key() + " = " + g.value(3) + g.comment() + g.nl())
	}
}

// document writes a whole document: top-level keys, then tables, arrays
// of tables and their sub-tables.
func (g *gen) document() string {
	if g.c.n(8) == 0 {
		g.b.WriteString("# leading comment\n\n")
	}
	g.keyValues("")
	for range g.c.n(5) {
		switch g.c.n(3) {
		case 0: // [t] and maybe [t.sub]
			t := g.name("t")
			if g.c.n(2) == 0 {
				t = `"` + t + ` h"`
			}
			g.b.WriteString("[" + t + "]" + g.comment() + g.nl())
			g.keyValues("  ")
			if g.c.n(2) == 0 {
				g.b.WriteString("[ " + t + " . " + g.name("s") + " ]" + g.nl())
				g.keyValues("")
			}
		case 1: // [[a]] elements with sub-tables and nested arrays of tables
			a := g.name("a")
			sub, nested := g.name("s"), g.name("b")
			for range 1 + g.c.n(3) {
				g.b.WriteString("[[" + a + "]]" + g.comment() + g.nl())
				g.keyValues("")
				switch g.c.n(3) {
				case 1:
					g.b.WriteString("[" + a + "." + sub + "]" + g.nl())
					g.keyValues("  ")
				case 2:
					for range 1 + g.c.n(2) {
						g.b.WriteString("  [[" + a + "." + nested + "]]" + g.nl())
						g.keyValues("  ")
					}
				}
			}
		default: // a sub-table whose parent is implicit
			g.b.WriteString("[" + g.name("p") + "." + g.name("q") + "]" + g.nl())
			g.keyValues("")
		}
	}
	s := g.b.String()
	switch g.c.n(4) {
	case 1:
		s = strings.ReplaceAll(s, "\n", "\r\n")
	case 2:
		s = strings.TrimRight(s, "\n")
	}
	return s
}

// decoded is what the decoder sees at a path.
type decoded struct {
	value any
	kind  string // "string" ... "array", "table", "inline element", "array-of-tables element"
}

// flatten lists every path of a decoded document, whose root table is
// v when root is set.
func flatten(prefix string, root bool, v any, out map[string]decoded) {
	switch v := v.(type) {
	case map[string]any:
		for k, x := range v {
			p := k
			if !root {
				p = prefix + "." + k
			}
			flatten(p, false, x, out)
		}
		if !root {
			out[prefix] = decoded{v, "table"}
		}
	case []map[string]any:
		for i, x := range v {
			p := prefix + "[" + strconv.Itoa(i) + "]"
			flatten(p, false, x, out)
			out[p] = decoded{x, "array-of-tables element"}
		}
		out[prefix] = decoded{v, "array of tables"}
	case []any:
		for i, x := range v {
			p := prefix + "[" + strconv.Itoa(i) + "]"
			flatten(p, false, x, out)
			if _, ok := x.(map[string]any); ok {
				out[p] = decoded{x, "inline element"}
			} else {
				out[p] = decoded{x, "element"}
			}
		}
		out[prefix] = decoded{v, "array"}
	default:
		out[prefix] = decoded{v, kindOf(v)}
	}
}

func kindOf(v any) string {
	switch v.(type) {
	case string:
		return String.String()
	case int64:
		return Integer.String()
	case float64:
		return Float.String()
	case bool:
		return Bool.String()
	case time.Time:
		return Datetime.String()
	}
	return fmt.Sprintf("%T", v)
}

// same is reflect.DeepEqual with NaN equal to itself.
func same(a, b any) bool {
	if x, ok := a.(float64); ok {
		if y, ok := b.(float64); ok && math.IsNaN(x) && math.IsNaN(y) {
			return true
		}
	}
	switch x := a.(type) {
	case []any:
		y, ok := b.([]any)
		return ok && len(x) == len(y) && eachSame(x, y)
	case map[string]any:
		y, ok := b.(map[string]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for k := range x {
			if !same(x[k], y[k]) {
				return false
			}
		}
		return true
	}
	return reflect.DeepEqual(a, b)
}

func eachSame(x, y []any) bool {
	for i := range x {
		if !same(x[i], y[i]) {
			return false
		}
	}
	return true
}

// compare reports how the scanner disagrees with the decoder on src, a
// document that decodes, or "".
func compare(src []byte) string {
	var doc map[string]any
	if _, err := toml.Decode(string(src), &doc); err != nil {
		return ""
	}
	want := map[string]decoded{}
	flatten("", true, doc, want)
	spans := Spans(src)
	got := map[string]Span{}
	lines := bytes.Split(src, []byte("\n"))
	for _, sp := range spans {
		if _, dup := got[sp.Path]; dup {
			return fmt.Sprintf("%s indexed twice", sp.Path)
		}
		got[sp.Path] = sp
		d, ok := want[sp.Path]
		if !ok {
			return fmt.Sprintf("%s (%v at %d:%d) is not a key the decoder sees", sp.Path, sp.Kind, sp.Pos.Line, sp.Pos.Col)
		}
		switch sp.Kind {
		case Table:
			ok = d.kind == "table"
		case ArrayTable:
			ok = d.kind == "array-of-tables element"
		case InlineTable:
			ok = d.kind == "table" || d.kind == "inline element"
		default:
			ok = d.kind == sp.Kind.String()
		}
		if !ok {
			return fmt.Sprintf("%s is a %v to the scanner, a %s to the decoder", sp.Path, sp.Kind, d.kind)
		}
		// The position is where the key or header starts.
		if sp.Pos.Line > len(lines) || sp.Pos.Col > len(lines[sp.Pos.Line-1]) {
			return fmt.Sprintf("%s at %v, outside the text", sp.Path, sp.Pos)
		}
		at := lines[sp.Pos.Line-1][sp.Pos.Col-1:]
		if !bytes.HasPrefix(src[sp.Start:], at[:min(len(at), 1)]) || sp.End < sp.Start || sp.End > len(src) {
			return fmt.Sprintf("%s: position %v and extent %d..%d disagree", sp.Path, sp.Pos, sp.Start, sp.End)
		}
	}
	// Every leaf and every element of an array of tables is indexed.
	for p, d := range want {
		switch d.kind {
		case "table", "element", "inline element", "array of tables":
			continue // implicit tables, scalar elements, the array of tables itself
		}
		if _, ok := got[p]; !ok {
			return fmt.Sprintf("%s (a %s) is not indexed", p, d.kind)
		}
	}
	// Each key's raw text (Values) decodes to the decoder's value, and the
	// span of the key ends where that text ends.
	var msg string
	Values(src, func(path string, raw []byte) {
		if msg != "" {
			return
		}
		var one map[string]any
		// A bare value's text runs to what ends it, blanks included.
		raw = bytes.TrimRight(raw, " \t\r")
		if _, err := toml.Decode("v = "+string(raw), &one); err != nil {
			msg = fmt.Sprintf("%s: its text %q does not decode: %v", path, raw, err)
			return
		}
		if !same(one["v"], want[path].value) {
			msg = fmt.Sprintf("%s: its text %q is %#v, the decoder says %#v", path, raw, one["v"], want[path].value)
			return
		}
		sp := got[path]
		if !bytes.HasSuffix(src[sp.Start:sp.End], raw) {
			msg = fmt.Sprintf("%s: span %q does not end with its value %q", path, src[sp.Start:sp.End], raw)
		}
	})
	return msg
}

func TestDiffGenerated(t *testing.T) {
	n := 3000
	if testing.Short() {
		n = 500
	}
	r := rand.New(rand.NewPCG(16, 15))
	for i := range n {
		g := &gen{c: &choices{r: r}}
		src := g.document()
		var doc map[string]any
		if _, err := toml.Decode(src, &doc); err != nil {
			t.Fatalf("document %d: the generator wrote invalid TOML: %v\n%s", i, err, src)
		}
		if msg := compare([]byte(src)); msg != "" {
			t.Fatalf("document %d: %s\n%s", i, msg, src)
		}
	}
}

// FuzzDiff: documents generated from the fuzzer's bytes.
func FuzzDiff(f *testing.F) {
	f.Add([]byte{})
	f.Add([]byte{3, 1, 1, 9, 9, 9, 2, 7, 1, 0, 4, 1, 2, 3, 1, 2, 0, 1})
	f.Fuzz(func(t *testing.T, b []byte) {
		src := (&gen{c: &choices{b: b}}).document()
		var doc map[string]any
		if _, err := toml.Decode(src, &doc); err != nil {
			t.Fatalf("the generator wrote invalid TOML: %v\n%s", err, src)
		}
		if msg := compare([]byte(src)); msg != "" {
			t.Fatalf("%s\n%s", msg, src)
		}
	})
}

// FuzzDecodable: any text the decoder accepts.
func FuzzDecodable(f *testing.F) {
	f.Add([]byte(person))
	f.Add([]byte("a = [{b = 1}, [{c = 2}]]\n[[x]]\n[x.y]\nz = 'w'\n"))
	f.Fuzz(func(t *testing.T, src []byte) {
		if msg := compare(src); msg != "" {
			t.Fatalf("%s\n%q", msg, src)
		}
	})
}

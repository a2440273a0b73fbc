package render

import (
	"bytes"
	"errors"
	"fmt"
	"html/template"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"
	"time"
)

// The differential test of the fast executor: random templates, built
// from every construct the executor claims and some it leaves to
// html/template, run on random hostile data by both the executor
// (Theme.Page) and html/template (Theme.Slow). Output and errors must be
// the same, byte for byte.
//
// A case is a stream of bytes: the generator reads each choice from it
// (0 once it runs out), so the fuzzer's mutations change the template and
// the data, and a stream that found a bug is a file in
// testdata/fuzz/FuzzExecutor.

// DNode is the data of every case: every dot is one, so the generator
// knows which names exist.
type DNode struct {
	S     string
	H     template.HTML
	U     template.URL
	A     template.HTMLAttr
	J     template.JS
	N     int
	B     bool
	F     float64
	P     *DNode
	Nil   *DNode
	L     []*DNode
	E     []string
	Empty []string
	M     map[string]string
	Any   any
	D     execDate
}

func (d DNode) Meth() string              { return "m:" + d.S }
func (d *DNode) PMeth() string            { return "pm:" + d.S }
func (d *DNode) Fails() (string, error)   { return "", errors.New("fails") }
func (d *DNode) Pair() (int, error)       { return d.N, nil }
func (d DNode) Twice(s string) string     { return s + s }
func (d *DNode) Deref() *DNode            { return d.P }
func (d DNode) Strs() []string            { return d.E }
func (d DNode) Boolish() bool             { return d.N%2 == 0 }
func (d DNode) Count() execLevel          { return execLevel(d.N) }
func (d DNode) Stringer() fmt.Stringer    { return d.D }
func (d DNode) HTMLOf() template.HTML     { return template.HTML("<i>" + d.S + "</i>") }
func (d DNode) Attrs() template.HTMLAttr  { return d.A }
func (d DNode) Link() template.URL        { return d.U }
func (d DNode) Script() template.JS       { return d.J }
func (d DNode) Many() map[string]int      { return map[string]int{"b": 2, "a": 1} }
func (d DNode) Nums() []int               { return []int{d.N, 0, -1} }
func (d DNode) Seq() [2]string            { return [2]string{"x", d.S} }
func (d *DNode) Self() *DNode             { return d }
func (d DNode) Empt() []string            { return nil }
func (d DNode) IfaceNil() any             { return nil }
func (d *DNode) PtrStr() *string          { return &d.S }
func (d DNode) ErrVal() error             { return errors.New("err<&>") }
func (d DNode) Rune() rune                { return 'x' }
func (d DNode) Unsigned() uint            { return uint(d.N) }
func (d DNode) Flt() float32              { return float32(d.F) }
func (d DNode) Bytes() []byte             { return []byte(d.S) }
func (d DNode) Cplx() complex128          { return complex(d.F, 1) }
func (d DNode) Chan() chan int            { return nil }
func (d DNode) Fn() func() string         { return nil }
func (d DNode) HasM() map[string]string   { return d.M }
func (d DNode) Nested() map[string]*DNode { return map[string]*DNode{"k": d.P} }

// hostile strings: markup, quotes, script URLs, unicode, controls.
var hostile = []string{
	"", "plain", `<script>alert(1)</script>`, `"'&<>+=` + "`", "javascript:alert(1)", " JaVaScRiPt:x",
	"data:text/html,<b>", "https://example.com/a b?x=1&y=ü#f", "/rel/path?q=%41%zz", "mailto:a@b.c",
	"Nguyễn Trần Thị Hương", "oﬃce ＡＢＣ", "\u2028\u2029", "a\x00b", "\xff\xfe", "\ufdd0\uffff", "tab\there\nnl",
	"{{.S}}", "&amp; &#39;", "</title><script>", "x\"y", "-->", "k",
}

// chooser reads choices from a byte stream.
type chooser struct {
	src []byte
	i   int
}

func (c *chooser) n(k int) int {
	if k <= 1 {
		return 0
	}
	if c.i >= len(c.src) {
		return 0
	}
	b := int(c.src[c.i])
	c.i++
	return b % k
}

func (c *chooser) pick(xs []string) string { return xs[c.n(len(xs))] }

// data draws a DNode of at most depth levels.
func (c *chooser) data(depth int) *DNode {
	d := &DNode{S: c.pick(hostile), N: c.n(5) - 1, B: c.n(2) == 1, F: float64(c.n(7)) / 2,
		D: execDate{2026, c.n(12) + 1, c.n(28) + 1}}
	switch c.n(4) {
	case 1:
		d.H = template.HTML(c.pick(hostile))
	case 2:
		d.H = "<b>bold</b> & more"
	}
	d.U = template.URL(c.pick(hostile))
	d.A = template.HTMLAttr(c.pick([]string{"", `data-x="1"`, `title="a&b"`, "onclick=x"}))
	d.J = template.JS(c.pick([]string{"", `{"a":1}`, "1+1", `"</script>"`}))
	if depth > 0 {
		if c.n(3) > 0 {
			d.P = c.data(depth - 1)
		}
		for range c.n(4) {
			if c.n(5) == 0 {
				d.L = append(d.L, nil)
			} else {
				d.L = append(d.L, c.data(depth-1))
			}
		}
	}
	for range c.n(4) {
		d.E = append(d.E, c.pick(hostile))
	}
	if c.n(3) > 0 {
		d.Empty = []string{}
	}
	if c.n(3) > 0 {
		d.M = map[string]string{"k": c.pick(hostile), "b": c.pick(hostile)}
	}
	switch c.n(6) {
	case 1:
		d.Any = c.pick(hostile)
	case 2:
		d.Any = c.n(3)
	case 3:
		d.Any = template.HTML(c.pick(hostile))
	case 4:
		d.Any = d.P
	case 5:
		d.Any = (*DNode)(nil)
	}
	return d
}

// gen writes a template.
type gen struct {
	*chooser
	b       strings.Builder
	scopes  [][]string // variables in scope, innermost last
	nvar    int
	inRange int
	depth   int
	inDef   bool
}

// fields are what the executor compiles; oddFields what it leaves to
// html/template or what fails (nil pointers, missing fields, methods
// that fail, values it does not print itself).
var (
	fields = []string{".S", ".H", ".U", ".A", ".N", ".B", ".P", ".P.S", ".P.P.N", ".L", ".E", ".Empty", ".M.k",
		".M.missing", ".Any", ".D", ".Meth", ".PMeth", ".Pair", ".Deref.S", ".Strs", ".Boolish", ".Count", ".Stringer",
		".HTMLOf", ".Link", ".Self.S", ".Empt", ".IfaceNil", ".Rune", ".Unsigned", ".HasM.k", ".Nested.k.S", ".P.Meth", "."}
	oddFields = []string{".J", ".F", ".Nil", ".Nil.S", ".M", ".Fails", ".Attrs", ".Script", ".Many", ".Nums", ".Seq",
		".PtrStr", ".ErrVal", ".Flt", ".Bytes", ".Cplx", ".Chan", ".Fn", ".NoSuch", ".D.y", ".Nil.Meth", ".Any.S"}
)

// field picks a field, rarely an odd one.
func (g *gen) field() string {
	if g.n(12) == 0 {
		return g.pick(oddFields)
	}
	return g.pick(fields)
}

func (g *gen) vars() []string {
	var vs []string
	for _, s := range g.scopes {
		vs = append(vs, s...)
	}
	return vs
}

// operand writes a value: a field, a variable, a constant or a call.
func (g *gen) operand(depth int) string {
	switch g.n(10) {
	case 0, 1, 2, 3:
		return g.field()
	case 4:
		if vs := g.vars(); len(vs) > 0 {
			v := g.pick(vs)
			if g.n(3) == 0 {
				v += g.pick([]string{".S", ".N", ".P", ".Meth"})
			}
			return v
		}
		return "$" + g.pick([]string{"", ".S", ".P.S", ".N"})
	case 5:
		return g.pick([]string{`"str"`, `"<&>"`, `""`, "0", "1", "-2", "1.5", "true", "false", "0x10", "'a'", "nil"})
	case 6, 7, 8:
		if depth > 0 {
			return "(" + g.call(depth-1) + ")"
		}
		return g.field()
	}
	if depth > 0 {
		return "(" + g.pipe(depth-1) + ")" + g.pick([]string{"", ".S", ".N"})
	}
	return "."
}

// call writes a function call.
func (g *gen) call(depth int) string {
	switch g.n(7) {
	case 0:
		return "len " + g.operand(depth)
	case 1:
		return "not " + g.operand(depth)
	case 2:
		return "and " + g.operand(depth) + " " + g.operand(depth)
	case 3:
		return "or " + g.operand(depth) + " " + g.operand(depth) + g.pick([]string{"", " " + g.operand(depth)})
	case 4, 5:
		return g.pick([]string{"eq ", "ne "}) + g.operand(depth) + " " + g.operand(depth)
	}
	// What html/template does alone.
	switch g.n(8) {
	case 0:
		return `printf "%v-%q" ` + g.operand(depth) + " " + g.operand(depth)
	case 1:
		return "index " + g.pick([]string{".E", ".M", ".L", ".Nums"}) + " " + g.pick([]string{"0", "1", `"k"`, "5"})
	case 2:
		return g.pick([]string{"lt ", "le ", "gt ", "ge "}) + g.operand(depth) + " " + g.operand(depth)
	case 3:
		return g.pick([]string{"html ", "urlquery ", "js ", "print ", "println "}) + g.operand(depth)
	case 4:
		return "slice " + g.pick([]string{".S", ".E"}) + " 1"
	case 5:
		return ".Twice " + g.operand(depth)
	case 6:
		return "eq " + g.operand(depth) + " " + g.operand(depth) + " " + g.operand(depth)
	}
	return "len"
}

// pipe writes a pipeline.
func (g *gen) pipe(depth int) string {
	var s string
	if g.n(3) == 0 {
		s = g.call(depth)
	} else {
		s = g.operand(depth)
	}
	for range g.n(3) - 1 {
		if g.n(6) == 0 {
			s += " | " + g.pick([]string{"print", "printf \"%v\"", "html", "urlquery"})
		} else {
			s += " | " + g.pick([]string{"len", "not", "eq 1", "ne .N", "and .B", "or .S", "eq .S"})
		}
	}
	return s
}

// action writes {{pipe}} in any context.
func (g *gen) action() string { return "{{" + g.pipe(2) + "}}" }

// body writes up to n items in HTML text.
func (g *gen) body(n int) {
	g.depth++
	defer func() { g.depth-- }()
	for range g.n(n) + 1 {
		g.item()
	}
}

func (g *gen) scoped(f func()) {
	g.scopes = append(g.scopes, nil)
	f()
	g.scopes = g.scopes[:len(g.scopes)-1]
}

func (g *gen) item() {
	deep := g.depth > 4
	switch k := g.n(22); {
	case k < 3 || deep && k < 12:
		g.b.WriteString(g.pick([]string{"text ", "<p>", "</p>", " & ", "<br>", "\n", "<b>x</b>"}))
	case k < 6 || deep:
		g.b.WriteString(g.action())
	case k == 6:
		g.b.WriteString(`<a href="` + g.action() + `">l</a>`)
	case k == 7:
		open := g.pick([]string{`<p title="`, `<p class="c-`, `<a href="/q?x=`, `<a href="http://h/`, `<img alt='`})
		g.b.WriteString(open + g.action())
		if g.n(2) == 0 {
			g.b.WriteString(g.action())
		}
		g.b.WriteString(open[len(open)-1:] + ">")
	case k == 8:
		tag := g.pick([]string{"title", "textarea"})
		g.b.WriteString("<" + tag + ">" + g.action())
		if g.n(2) == 0 {
			g.b.WriteString(" " + g.action())
		}
		g.b.WriteString("</" + tag + ">")
	case k == 9 && g.n(4) == 0:
		g.b.WriteString(g.pick([]string{`<script type="application/ld+json">`, `<script>var x = `, `<p style="color: `, `<img alt=`, `<a `, `<!-- `}))
		s := g.b.String()
		g.b.WriteString(g.action())
		switch {
		case strings.HasSuffix(s, "json\">"), strings.HasSuffix(s, "x = "):
			g.b.WriteString(";</script>")
		case strings.HasSuffix(s, "color: "):
			g.b.WriteString(`">s</p>`)
		case strings.HasSuffix(s, "alt="):
			g.b.WriteString(`>`)
		case strings.HasSuffix(s, "<a "):
			g.b.WriteString(`>a</a>`)
		default:
			g.b.WriteString(" -->")
		}
	case k == 10 || k == 11:
		g.b.WriteString("{{if " + g.pipe(2) + "}}")
		g.scoped(func() { g.body(3) })
		for range g.n(3) - 1 {
			g.b.WriteString("{{else if " + g.pipe(1) + "}}")
			g.scoped(func() { g.body(2) })
		}
		if g.n(2) == 0 {
			g.b.WriteString("{{else}}")
			g.scoped(func() { g.body(2) })
		}
		g.b.WriteString("{{end}}")
	case k == 12:
		g.scoped(func() {
			g.b.WriteString("{{with " + g.decl() + g.pipe(2) + "}}")
			g.body(3)
		})
		if g.n(2) == 0 {
			g.b.WriteString("{{else}}")
			g.scoped(func() { g.body(2) })
		}
		g.b.WriteString("{{end}}")
	case k == 13 || k == 14:
		g.scoped(func() {
			decl := ""
			switch g.n(4) {
			case 1:
				decl = g.newVar() + " := "
			case 2:
				decl = g.newVar() + ", " + g.newVar() + " := "
			case 3:
				if vs := g.vars(); len(vs) > 0 {
					decl = g.pick(vs) + " = "
				}
			}
			g.b.WriteString("{{range " + decl + g.pick([]string{".L", ".E", ".Empty", ".Nil", ".M", ".Nums", ".Seq", ".Empt", ".N", ".P.L", ".S", ".Many", ".Strs", ".Chan"}) + "}}")
			g.inRange++
			g.body(3)
			g.inRange--
		})
		if g.n(2) == 0 {
			g.b.WriteString("{{else}}")
			g.scoped(func() { g.body(2) })
		}
		g.b.WriteString("{{end}}")
	case k == 15 || k == 16:
		if g.inRange > 0 {
			g.b.WriteString("{{if " + g.pipe(1) + "}}" + g.pick([]string{"{{break}}", "{{continue}}"}) + "{{end}}")
		} else {
			g.b.WriteString(g.action())
		}
	case k == 17:
		v := g.newVar()
		g.b.WriteString("{{" + v + " := " + g.pipe(2) + "}}")
		g.scopes[len(g.scopes)-1] = append(g.scopes[len(g.scopes)-1], v)
	case k == 18:
		if vs := g.vars(); len(vs) > 0 {
			g.b.WriteString("{{" + g.pick(vs) + " = " + g.pipe(1) + "}}")
		}
	case k == 19:
		if !g.inDef {
			g.b.WriteString(`{{template "t1" ` + g.pick([]string{"", ".", ".P", ".Nil", "$"}) + `}}`)
		}
	case k == 20:
		if !g.inDef {
			g.b.WriteString(`{{block "b` + strconv.Itoa(g.n(3)) + `" ` + g.pick([]string{".", ".P", ".L"}) + `}}`)
			g.scoped(func() {
				saved := g.inRange
				g.inRange = 0
				g.body(2)
				g.inRange = saved
			})
			g.b.WriteString("{{end}}")
		}
	default:
		g.b.WriteString("{{/* c */}}" + g.pick([]string{"{{- .S -}}", "{{.S -}} x", "x {{- .N}}"}))
	}
}

func (g *gen) newVar() string {
	g.nvar++
	v := "$v" + strconv.Itoa(g.nvar)
	g.scopes[len(g.scopes)-1] = append(g.scopes[len(g.scopes)-1], v)
	return v
}

func (g *gen) decl() string {
	if g.n(3) == 0 {
		return g.newVar() + " := "
	}
	return ""
}

// diffCase is one template and its data.
type diffCase struct {
	base, main string
	data       []*DNode
}

// genCase draws a case from the stream.
func genCase(src []byte) diffCase {
	c := &chooser{src: src}
	g := &gen{chooser: c, scopes: [][]string{nil}}
	g.body(5)
	main := g.b.String()
	g.b.Reset()
	g.scopes, g.inRange, g.inDef = [][]string{nil}, 0, true
	g.body(3)
	def := g.b.String()
	base := `<!doctype html>{{template "main" .}}`
	switch c.n(4) {
	case 1:
		// The first write depends on the data.
		base = `{{with .P}}<!doctype html>{{end}}{{template "main" .}}`
	case 2:
		base = `{{if .B}}{{.S}}{{end}}{{template "main" .}}{{partialCached "t1" .P}}`
	}
	tc := diffCase{base: base, main: `{{define "main"}}` + main + `{{end}}{{define "t1"}}` + def + `{{end}}`}
	for range c.n(3) + 2 {
		tc.data = append(tc.data, c.data(2))
	}
	return tc
}

// runCase renders every data of tc both ways. It returns how many
// renders the executor did itself, or an error describing a difference.
func runCase(tc diffCase) (fast, total int, err error) {
	files := fstest.MapFS{
		"_base.html": {Data: []byte(tc.base)},
		"page.html":  {Data: []byte(tc.main)},
	}
	th, err := load(files, "", []string{"page"})
	if err != nil {
		return 0, 0, nil // html/template refuses the theme: nothing to compare
	}
	var f, s bytes.Buffer
	for _, d := range tc.data {
		f.Reset()
		s.Reset()
		_, before := th.Fast("page")
		errF := th.Page(&f, "page", d)
		errS := th.Slow(&s, "page", d)
		compiled, after := th.Fast("page")
		if compiled && after == before {
			fast++
		}
		total++
		if (errF == nil) != (errS == nil) || errF != nil && errF.Error() != errS.Error() {
			return fast, total, fmt.Errorf("errors differ:\nfast:          %v\nhtml/template: %v", errF, errS)
		}
		if f.String() != s.String() {
			return fast, total, fmt.Errorf("output differs:\nfast:          %q\nhtml/template: %q", f.String(), s.String())
		}
	}
	return fast, total, nil
}

// TestExecutorDifferential runs random cases for a few seconds (longer
// with ACCREDIT_DIFF_SECONDS; FuzzExecutor goes on for as long as asked).
func TestExecutorDifferential(t *testing.T) {
	budget := 8 * time.Second
	if testing.Short() {
		budget = 2 * time.Second
	}
	if s, err := strconv.Atoi(os.Getenv("ACCREDIT_DIFF_SECONDS")); err == nil {
		budget = time.Duration(s) * time.Second
	}
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 16))
	seed := make([]byte, 400)
	start := time.Now()
	cases, renders, fast := 0, 0, 0
	for time.Since(start) < budget {
		for i := range seed {
			seed[i] = byte(rng.Uint32())
		}
		tc := genCase(seed)
		f, n, err := runCase(tc)
		cases, renders, fast = cases+1, renders+n, fast+f
		if err != nil {
			t.Fatalf("case %x\n_base.html: %s\npage.html: %s\n%v", seed, tc.base, tc.main, err)
		}
	}
	t.Logf("%d cases, %d renders, %d on the fast executor", cases, renders, fast)
	if renders < 100 || fast*20 < renders {
		t.Errorf("only %d of %d renders ran on the fast executor: the generator tests too little of it", fast, renders)
	}
}

// FuzzExecutor is TestExecutorDifferential for the fuzzer:
// go test ./cmd/internal/render -run '^$' -fuzz FuzzExecutor -fuzztime 10m
func FuzzExecutor(f *testing.F) {
	f.Add([]byte{})
	f.Add([]byte("a differential seed: any bytes make a template"))
	f.Fuzz(func(t *testing.T, src []byte) {
		tc := genCase(src)
		if _, _, err := runCase(tc); err != nil {
			t.Fatalf("_base.html: %s\npage.html: %s\n%v", tc.base, tc.main, err)
		}
	})
}

package render

import (
	"bytes"
	"errors"
	"fmt"
	"html/template"
	"strings"
	"testing"
	"testing/fstest"
)

type execDate struct{ y, m, d int }

func (d execDate) String() string { return fmt.Sprintf("%04d-%02d-%02d", d.y, d.m, d.d) }

type execPanic struct{}

func (execPanic) String() string { panic("no") }

type execFormatter int

func (execFormatter) String() string                { return "string" }
func (execFormatter) Format(f fmt.State, verb rune) { fmt.Fprint(f, "formatted") }

type execErr struct{}

func (execErr) String() string { return "string" }
func (execErr) Error() string  { return "error" }

type execLevel uint8

type ExecInner struct {
	Name string
	N    int
}

func (in *ExecInner) PtrMethod() string { return "ptr:" + in.Name }

type execData struct {
	ExecInner
	Title   string
	Empty   string
	Items   []ExecInner
	Tags    []string
	None    []string
	M       map[string]string
	Nil     *ExecInner
	Ptr     *ExecInner
	Date    execDate
	HTML    template.HTML
	Attr    template.HTMLAttr
	JS      template.JS
	URL     string
	SafeURL template.URL
	Any     any
	Yes     bool
	F       float64
	Count   int
	Panicky execPanic
	Fmt     execFormatter
	Err     execErr
	Level   execLevel
	PtrDate *execDate
}

func (d *execData) Fails() (string, error) { return "", errors.New("method fails") }
func (d execData) Upper() string           { return strings.ToUpper(d.Title) }

func execFixture() *execData {
	return &execData{
		ExecInner: ExecInner{Name: "inner", N: 3},
		Title:     `Fish & "Chips" <b>+'`,
		Items:     []ExecInner{{"a", 1}, {"b", 0}, {"c<", 2}},
		Tags:      []string{"x", "y"},
		M:         map[string]string{"k": "v&", "b": "2"},
		Ptr:       &ExecInner{Name: "p"},
		Date:      execDate{2026, 12, 3},
		HTML:      "<em>hi</em>",
		Attr:      `data-x="1"`,
		JS:        `{"a":1}`,
		URL:       "https://example.com/a b?x=1&y=ü",
		SafeURL:   "javascript:alert(1)",
		Any:       "boxed <",
		Yes:       true,
		F:         1.5,
		Count:     2,
		Fmt:       7,
		Level:     200,
		PtrDate:   &execDate{2026, 1, 2},
	}
}

// TestExecutor: the fast executor renders each template exactly as
// html/template does, or leaves the page to it; fast says which of the
// two must happen.
func TestExecutor(t *testing.T) {
	for _, tc := range []struct {
		name, main string
		fast       bool // rendered without falling back
	}{
		{"text", `<p>{{.Title}} {{.Name}} {{.N}} {{.Date}} {{.F}} {{.Yes}} {{.Any}}</p>`, true},
		{"embedded and pointers", `{{.ExecInner.Name}} {{.Ptr.Name}} {{.Ptr.PtrMethod}} {{.PtrMethod}}`, true},
		{"methods", `{{.Upper}} {{.Date.String}}`, true},
		{"printing", `{{.Panicky}} {{.Fmt}} {{.Err}} {{.Level}} {{.PtrDate}} {{.Yes}} <a title="{{.Date}}">{{.Count}}</a>`, true},
		{"attributes", `<a title="{{.Title}}" class="c-{{.Name}}" {{.Attr}} href="{{.URL}}">x</a><img alt={{.Title}}>`, true},
		{"urls", `<a href="{{.SafeURL}}">s</a><a href="{{.Title}}">t</a><a href="/q?x={{.Title}}">q</a><a href="{{.M.k}}">m</a>`, true},
		{"unsafe url", `<a href="{{.Any}}">x</a><a href="javascript:{{.Name}}">y</a>`, true},
		{"rcdata", `<title>{{.Title}} {{.HTML}}</title><textarea>{{.Title}}</textarea>`, true},
		{"html", `<div>{{.HTML}}</div>`, true},
		{"json-ld", `<script type="application/ld+json">{{.JS}}</script>`, true},
		{"js value", `<script>var x = {{.Title}};</script>`, false},
		{"html in attribute", `<p title="{{.HTML}}">x</p>`, false},
		{"css", `<p style="color: {{.Name}}">x</p>`, false},
		{"if else", `{{if .Empty}}a{{else if .Yes}}b{{else}}c{{end}}{{if not .Yes}}n{{end}}{{if and .Yes .Empty}}A{{else}}B{{end}}{{if or .Empty .Name}}O{{end}}`, true},
		{"with", `{{with .Empty}}e{{else with .Title}}[{{.}}]{{end}}{{with .Items}}{{len .}}{{end}}{{with .Nil}}nil{{else}}none{{end}}`, true},
		{"range", `{{range $i, $it := .Items}}{{if $i}}, {{end}}{{$i}}:{{$it.Name}}/{{.N}}/{{$.Title}}{{end}}{{range .Tags}}<i>{{.}}</i>{{else}}no{{end}}`, true},
		{"range else", `{{range .Empty}}x{{else}}empty{{end}}{{range .Nil}}y{{else}}nil{{end}}`, false},
		{"break continue", `{{range .Items}}{{if eq .Name "b"}}{{continue}}{{end}}{{if eq .N 2}}{{break}}{{end}}{{.Name}};{{end}}`, true},
		{"break in a range's else", `{{range .Items}}[{{range $.None}}x{{else}}{{if .N}}{{break}}{{end}}e{{end}}{{.Name}}]{{end}}`, true},
		{"continue in a range's else", `{{range .Items}}[{{range $.None}}x{{else}}{{if .N}}{{continue}}{{end}}e{{end}}{{.Name}}]{{end}}`, true},
		{"variables", `{{$x := .Name}}{{$x}}{{$x = .Title}}{{$x}}{{with $y := .Count}}{{$y}}{{$x}}{{end}}`, true},
		{"eq ne", `{{if eq .Count 2}}two{{end}}{{if ne .Name "inner"}}not{{end}}{{if eq .Yes true}}yes{{end}}`, true},
		{"map", `{{.M.k}}|{{.M.missing}}|{{with .M.b}}{{.}}{{end}}`, true},
		{"range map", `{{range $k, $v := .M}}{{$k}}={{$v}};{{end}}`, false},
		{"range int", `{{range .Count}}{{.}}{{end}}`, false},
		{"printf", `{{printf "%s-%d" .Name .N}}`, false},
		{"nil pointer", `{{.Nil.Name}}`, false},
		{"failing method", `{{.Fails}}`, false},
		{"missing field", `{{.NoSuchField}}`, false},
		{"parenthesized", `{{(.Ptr).Name}} {{len (.Tags)}}`, true},
		{"constants", `{{"a<b"}} {{1}} {{1.5}} {{true}}`, true},
		{"comment", `a{{/* c */}}b`, true},
		{"template call", `{{range .Items}}{{template "row" .}}{{end}}{{template "row" .Ptr}}{{end}}{{define "row"}}<b>{{.Name}}</b>`, true},
		{"unexported field", `{{.Title}}{{.Date.y}}`, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			files := fstest.MapFS{"_base.html": {Data: []byte(`<!doctype html>{{template "main" .}}`)}}
			for _, k := range Kinds {
				files[k+".html"] = &fstest.MapFile{Data: []byte(`{{define "main"}}` + tc.main + `{{end}}`)}
			}
			th, err := Load(files, "")
			if err != nil {
				t.Fatal(err)
			}
			compiled, _ := th.Fast("page")
			var fast, slow bytes.Buffer
			errF := th.Page(&fast, "page", execFixture())
			errS := th.Slow(&slow, "page", execFixture())
			if (errF == nil) != (errS == nil) || errF != nil && errF.Error() != errS.Error() {
				t.Fatalf("errors differ: fast %v, html/template %v", errF, errS)
			}
			if fast.String() != slow.String() {
				t.Errorf("fast executor:\n%s\nhtml/template:\n%s", fast.String(), slow.String())
			}
			_, fb := th.Fast("page")
			if got := compiled && fb == 0; got != tc.fast {
				t.Errorf("rendered fast = %v (compiled %v, fallbacks %d), want %v", got, compiled, fb, tc.fast)
			}
		})
	}
}

// FuzzEscapers: for any string in any context the default theme uses,
// the fast executor writes what html/template writes.
func FuzzEscapers(f *testing.F) {
	for _, s := range []string{"", "a", `<&>"'+`, "javascript:x", "ü\x00\xff", "%zz%41 /?#", "\ufdd0\uffff", "a\tb\nc"} {
		f.Add(s)
	}
	main := `<p>{{.Title}}</p><title>{{.Title}}</title><a href="{{.Title}}" title="{{.Title}}">x</a>` +
		`<a href="/x?q={{.Title}}">q</a><img alt={{.Title}}><p>{{.Any}}</p><a href="{{.Any}}">y</a>`
	files := fstest.MapFS{"_base.html": {Data: []byte(`{{template "main" .}}`)}}
	for _, k := range Kinds {
		files[k+".html"] = &fstest.MapFile{Data: []byte(`{{define "main"}}` + main + `{{end}}`)}
	}
	th, err := Load(files, "")
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d := &execData{Title: s, Any: template.URL(s)}
		var fast, slow bytes.Buffer
		errF := th.Page(&fast, "page", d)
		errS := th.Slow(&slow, "page", d)
		if (errF == nil) != (errS == nil) {
			t.Fatalf("errors differ: %v / %v", errF, errS)
		}
		if fast.String() != slow.String() {
			t.Errorf("%q:\nfast %s\nslow %s", s, fast.String(), slow.String())
		}
	})
}

// TestFallbacks: the theme says which templates rendered on html/template
// and why, with the position of the construct; a _base.html whose first
// write depends on the data compiles.
func TestFallbacks(t *testing.T) {
	for _, tc := range []struct {
		name, base, main string
		compiled         bool
		want             []Fallback
	}{
		{"fast", `<!doctype html>{{template "main" .}}`, `{{.Title}}`, true, nil},
		{"first write depends on data", `{{with .Ptr}}<!doctype html>{{end}}{{if .Yes}}<title>{{.Title}}</title>{{end}}{{template "main" .}}`, `{{.Name}}`, true, nil},
		{"printf", `<!doctype html>{{template "main" .}}`, `<p>{{.Name}}</p>{{printf "%d" .N}}`, false,
			[]Fallback{{Template: "page.html", Reason: `page.html:1:35: function "printf"`, Pages: 2, Always: true}}},
		{"css in base", `<p style="color: {{.Name}}">{{template "main" .}}</p>`, `x`, false,
			[]Fallback{{Template: "page.html", Reason: `_base.html:1:19: a value in CSS (<style>, a style attribute)`, Pages: 2, Always: true}}},
		{"nil pointer", `<!doctype html>{{template "main" .}}`, `{{if .Yes}}{{.Nil.Name}}{{end}}`, true,
			[]Fallback{{Template: "page.html", Reason: `page.html:1:30: .Name of a nil pointer`, Pages: 2}}},
		{"range over a map", `<!doctype html>{{template "main" .}}`, `<ul>{{range .M}}<li>{{.}}{{end}}</ul>`, true,
			[]Fallback{{Template: "page.html", Reason: `page.html:1:29: range over a map`, Pages: 2}}},
		{"html in an attribute", `<!doctype html>{{template "main" .}}`, `<p title="{{.HTML}}">`, true,
			[]Fallback{{Template: "page.html", Reason: `page.html:1:29: a template.HTML value in an attribute`, Pages: 2}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			files := fstest.MapFS{"_base.html": {Data: []byte(tc.base)}, "page.html": {Data: []byte(`{{define "main"}}` + tc.main + `{{end}}`)}}
			th, err := load(files, "", []string{"page"})
			if err != nil {
				t.Fatal(err)
			}
			if ok, _ := th.Fast("page"); ok != tc.compiled {
				t.Errorf("compiled = %v, want %v", ok, tc.compiled)
			}
			for range 2 {
				var fast, slow bytes.Buffer
				errF := th.Page(&fast, "page", execFixture())
				errS := th.Slow(&slow, "page", execFixture())
				if fmt.Sprint(errF) != fmt.Sprint(errS) || fast.String() != slow.String() {
					t.Fatalf("fast %q, %v\nhtml/template %q, %v", fast.String(), errF, slow.String(), errS)
				}
			}
			got := th.Fallbacks()
			if fmt.Sprint(got) != fmt.Sprint(tc.want) {
				t.Errorf("fallbacks:\n got %+v\nwant %+v", got, tc.want)
			}
		})
	}
}

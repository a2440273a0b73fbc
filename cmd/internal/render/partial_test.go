package render

import (
	"bytes"
	"html/template"
	"strings"
	"testing"
	"testing/fstest"
	"time"
	"unsafe"
)

// partialTheme is a theme whose _base.html defines the partials defs and
// whose page is main.
func partialTheme(t *testing.T, defs, main string) *Theme {
	t.Helper()
	files := fstest.MapFS{
		"_base.html": {Data: []byte(`<!doctype html>{{template "main" .}}` + defs)},
		"page.html":  {Data: []byte(`{{define "main"}}` + main + `{{end}}`)},
	}
	th, err := load(files, "", []string{"page"})
	if err != nil {
		t.Fatal(err)
	}
	return th
}

type crumb struct{ Label, URL string }

type partialData struct {
	Crumbs []crumb
	M      map[string][]string
	F      func()
	Tree   *tree
	QR     template.HTML
}

type tree struct {
	Name     string
	Children []*tree
}

// render renders the page both ways, within a time limit (a deadlock
// fails the test instead of hanging it), and returns html/template's
// output and error after checking that the executor agrees.
func renderBoth(t *testing.T, th *Theme, data any) (string, error) {
	t.Helper()
	type result struct {
		fast, slow string
		errF, errS error
	}
	done := make(chan result, 1)
	go func() {
		var f, s bytes.Buffer
		errF := th.Page(&f, "page", data)
		errS := th.Slow(&s, "page", data)
		done <- result{f.String(), s.String(), errF, errS}
	}()
	select {
	case r := <-done:
		if (r.errF == nil) != (r.errS == nil) || r.errF != nil && r.errF.Error() != r.errS.Error() {
			t.Fatalf("errors differ: fast %v, html/template %v", r.errF, r.errS)
		}
		if r.fast != r.slow {
			t.Fatalf("fast executor:\n%s\nhtml/template:\n%s", r.fast, r.slow)
		}
		return r.slow, r.errS
	case <-time.After(10 * time.Second):
		t.Fatal("render did not finish: deadlock")
	}
	return "", nil
}

// TestPartialCachedUnhashable: a slice or a map as partialCached's data
// (content/docs/site.md's {{partialCached "crumbs" .Page.Crumbs}}) used
// to panic inside the mutex: a crash on the fast executor, and every
// later render deadlocked on html/template. Now equal contents share one
// rendering and different ones do not.
func TestPartialCachedUnhashable(t *testing.T) {
	defs := `{{define "crumbs"}}<ol>{{range .}}<li><a href="{{.URL}}">{{.Label}}</a></li>{{end}}</ol>{{end}}` +
		`{{define "tags"}}{{range $k, $v := .}}{{$k}}={{range $v}}{{.}},{{end}};{{end}}{{end}}` +
		`{{define "outer"}}[{{partialCached "tags" .M}}]{{end}}`
	th := partialTheme(t, defs, `{{partialCached "crumbs" .Crumbs}}{{partialCached "outer" .}}`)
	for _, tc := range []struct {
		data partialData
		want string
	}{
		{partialData{Crumbs: []crumb{{"Verify", "/verify/"}}, M: map[string][]string{"a": {"1", "<2>"}}},
			`<!doctype html><ol><li><a href="/verify/">Verify</a></li></ol>[a=1,&lt;2&gt;,;]`},
		{partialData{Crumbs: []crumb{{"Partners", "/p/"}, {"x&y", "/q?a=1&b=2"}}, M: map[string][]string{"b": nil, "a": {}}},
			`<!doctype html><ol><li><a href="/p/">Partners</a></li><li><a href="/q?a=1&amp;b=2">x&amp;y</a></li></ol>[a=;b=;]`},
		{partialData{Crumbs: []crumb{{"Verify", "/verify/"}}, M: map[string][]string{"a": {"1", "<2>"}}},
			`<!doctype html><ol><li><a href="/verify/">Verify</a></li></ol>[a=1,&lt;2&gt;,;]`},
	} {
		got, err := renderBoth(t, th, &tc.data)
		if err != nil {
			t.Fatal(err)
		}
		if got != tc.want {
			t.Errorf("got  %s\nwant %s", got, tc.want)
		}
	}
}

// TestPartialCachedError: data that cannot be a key is a template error
// that names the template and line, and later renders still run.
func TestPartialCachedError(t *testing.T) {
	th := partialTheme(t, `{{define "f"}}x{{end}}{{define "outer"}}{{partialCached "f" .F}}{{end}}`,
		`{{if .F}}{{partialCached "outer" .}}{{end}}{{partialCached "f" .Crumbs}}`)
	_, err := renderBoth(t, th, &partialData{F: func() {}})
	if err == nil || !strings.Contains(err.Error(), `_base.html:1:`) || !strings.Contains(err.Error(), `partialCached "f": its data holds a func()`) {
		t.Fatalf("error %v, want one naming _base.html's line and the func", err)
	}
	got, err := renderBoth(t, th, &partialData{Crumbs: []crumb{{"a", "b"}}})
	if err != nil || got != "<!doctype html>x" {
		t.Fatalf("the next render: %q, %v", got, err)
	}
}

// TestPartialCachedRecursion: a partial that calls itself on the same
// data used to overflow the stack; now it is an error that says so and
// where, and a partial that recurses on smaller data still works.
func TestPartialCachedRecursion(t *testing.T) {
	defs := `{{define "loop"}}<i>{{partialCached "loop" .}}</i>{{end}}` +
		`{{define "tree"}}<li>{{.Name}}{{with .Children}}<ul>{{range .}}{{partialCached "tree" .}}{{end}}</ul>{{end}}</li>{{end}}`
	th := partialTheme(t, defs, `{{if .Tree}}{{partialCached "tree" .Tree}}{{else}}{{partialCached "loop" .}}{{end}}`)
	_, err := renderBoth(t, th, &partialData{})
	if err == nil {
		t.Fatal("no error for a partial that calls itself")
	}
	for _, want := range []string{`page.html:1:`, `partialCached "loop": partials nest more than 32 deep`, `innermost: template: _base.html:1:`} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not say %q", err, want)
		}
	}
	if n := strings.Count(err.Error(), "error calling partialCached"); n > 2 {
		t.Errorf("the error is wrapped %d times:\n%v", n, err)
	}
	deep := &tree{Name: "0"}
	for n, i := deep, 1; i < 10; i++ {
		n.Children = []*tree{{Name: strings.Repeat("<", i)}}
		n = n.Children[0]
	}
	got, err := renderBoth(t, th, &partialData{Tree: deep})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Count(got, "<li>") != 10 || !strings.Contains(got, "&lt;&lt;&lt;") {
		t.Errorf("tree: %s", got)
	}
}

// TestPartialCachedAliasedKey: data that is a view of memory its owner
// writes again (package site's QR codes) is keyed by a copy: the next
// page's different content renders anew, and a map key never changes
// under the map.
func TestPartialCachedAliasedKey(t *testing.T) {
	th := partialTheme(t, `{{define "qr"}}<div>{{.}}</div>{{end}}`, `{{partialCached "qr" .QR}}`)
	scratch := make([]byte, 0, 64)
	for i, content := range []string{"<svg>AAAA</svg>", "<svg>BBBB</svg>", "<svg>AAAA</svg>", "<svg>CCCC</svg>"} {
		scratch = append(scratch[:0], content...)
		qr := template.HTML(unsafe.String(unsafe.SliceData(scratch), len(scratch)))
		got, err := renderBoth(t, th, &partialData{QR: qr})
		if err != nil {
			t.Fatal(err)
		}
		if want := "<!doctype html><div>" + content + "</div>"; got != want {
			t.Errorf("page %d: got %s, want %s", i, got, want)
		}
	}
}

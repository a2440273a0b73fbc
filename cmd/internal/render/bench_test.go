package render

import (
	"bytes"
	"testing"
	"testing/fstest"
)

type benchInfo struct{ Base, Name string }

// BenchmarkPartialPage: a page with three partialCached calls on the
// same pointer, as the default theme's header, head and footer.
func BenchmarkPartialPage(b *testing.B) {
	files := fstest.MapFS{"_base.html": {Data: []byte(`<!doctype html>{{partialCached "h" .Info}}{{template "main" .}}{{partialCached "f" .Info}}{{partialCached "h" .Info}}{{define "h"}}<a href="{{.Base}}">{{.Name}}</a>{{end}}{{define "f"}}<p>{{.Name}}</p>{{end}}`)}}
	for _, k := range Kinds {
		files[k+".html"] = &fstest.MapFile{Data: []byte(`{{define "main"}}<h1>{{.Title}}</h1>{{end}}`)}
	}
	th, err := Load(files, "")
	if err != nil {
		b.Fatal(err)
	}
	data := &struct {
		Info  *benchInfo
		Title string
	}{&benchInfo{"/", "Prog"}, "T"}
	var buf bytes.Buffer
	b.ReportAllocs()
	for b.Loop() {
		buf.Reset()
		if err := th.Page(&buf, "page", data); err != nil {
			b.Fatal(err)
		}
	}
}

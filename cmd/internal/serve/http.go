package serve

import (
	"bytes"
	_ "embed"
	"fmt"
	"html/template"
	"mime"
	"net/http"
	"path"
	"strconv"
	"strings"
	"sync"

	"github.com/accredit/accredit/cmd/internal/diag"
	"github.com/accredit/accredit/cmd/internal/safefs"
	"github.com/accredit/accredit/cmd/internal/search"
)

//go:embed reload.js
var reloadJS []byte

//go:embed errors.html
var errorsHTML string

var errorsPage = sync.OnceValue(func() *template.Template {
	return template.Must(template.New("errors").Parse(errorsHTML))
})

// maxShown is the most diagnostics the error page lists.
const maxShown = 100

// ServeHTTP serves the site, the reload script and the event stream.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch r.URL.Path {
	case "/_accredit/events":
		s.hub.ServeHTTP(w, r)
		return
	case "/_accredit/reload.js":
		w.Header().Set("Content-Type", "text/javascript; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		w.Write(reloadJS)
		return
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	s.mu.RLock()
	if cur := s.cur; cur != nil && cur.st != nil && cur.st.Stale() && needsLists(strings.TrimPrefix(r.URL.Path, cur.st.Info.Base)) {
		// The last update left the lists for the first page that shows
		// them.
		s.mu.RUnlock()
		s.mu.Lock()
		s.cur.freshLists()
		s.mu.Unlock()
		s.mu.RLock()
	}
	defer s.mu.RUnlock()
	w.Header().Set("Cache-Control", "no-store")
	cur, gen := s.cur, s.gen
	switch {
	case cur == nil:
		s.problem(w, http.StatusServiceUnavailable, gen, "Building the site…", "accredit serve is loading the program; this page reloads when it is done.", nil, nil)
		return
	case cur.fatal != nil:
		s.problem(w, http.StatusInternalServerError, gen, "The site cannot be built", "Fix the problem below; this page reloads when the files change.", cur.fatal, nil)
		return
	case cur.errors > 0:
		s.problem(w, http.StatusInternalServerError, gen, "The program has "+plural(cur.errors, "error"), "accredit build would refuse to publish this program. Fix the errors below; the site comes back when they are gone.", nil, cur.diagnostics())
		return
	}
	base := cur.st.Info.Base
	rel, ok := strings.CutPrefix(r.URL.Path, base)
	if !ok {
		if r.URL.Path == "/" || r.URL.Path+"/" == base {
			http.Redirect(w, r, base, http.StatusFound)
			return
		}
		s.file(w, gen, cur, "404.html", http.StatusNotFound)
		return
	}
	if rel != "" && path.Clean("/"+rel) != "/"+strings.TrimSuffix(rel, "/") {
		s.file(w, gen, cur, "404.html", http.StatusNotFound) // "..", "//" and the like
		return
	}
	if rel == "" || strings.HasSuffix(rel, "/") {
		rel += "index.html"
	}
	if strings.HasPrefix(rel, search.Dir) {
		if data, ok := s.searchFile(rel); ok {
			s.send(w, gen, rel, data, http.StatusOK)
			return
		}
		if s.search == nil {
			// The first index is still being built.
			w.Header().Set("Retry-After", "1")
			http.Error(w, "the search index is being built", http.StatusServiceUnavailable)
			return
		}
	}
	var buf bytes.Buffer
	found, err := cur.ix.File(rel, &buf)
	if !found && !strings.HasSuffix(rel, "index.html") {
		// A folder asked for without its slash, as static hosts do.
		if found, _ = cur.ix.File(rel+"/index.html", new(bytes.Buffer)); found {
			http.Redirect(w, r, r.URL.Path+"/", http.StatusMovedPermanently)
			return
		}
	}
	if !found && cur.st.Info.Shards != nil && isCredentialPage(rel) {
		// Shards mode: no credential has a page of its own, and the
		// host's rule (_redirects, or 404.html) serves /verify/<ID>/ the
		// one verification page, which reads the id from the address.
		// serve does as _redirects says, so links and QR codes work here.
		rel = "verify/index.html"
		buf.Reset()
		found, err = cur.ix.File(rel, &buf)
	}
	if !found {
		s.file(w, gen, cur, "404.html", http.StatusNotFound)
		return
	}
	if err != nil {
		s.problem(w, http.StatusInternalServerError, gen, "This page cannot be rendered", "The theme fails on this page's data.", err, nil)
		return
	}
	s.send(w, gen, rel, buf.Bytes(), http.StatusOK)
}

// isCredentialPage reports whether rel is a credential's verification
// page, verify/<ID>/index.html, as _redirects's verify/* matches it.
func isCredentialPage(rel string) bool {
	id, ok := strings.CutPrefix(rel, "verify/")
	if !ok {
		return false
	}
	id, ok = strings.CutSuffix(id, "/index.html")
	return ok && id != "" && !strings.Contains(id, "/")
}

// file serves a file of the site with a status (the not-found page).
func (s *Server) file(w http.ResponseWriter, gen int64, cur *state, rel string, status int) {
	var buf bytes.Buffer
	if found, err := cur.ix.File(rel, &buf); !found || err != nil {
		http.Error(w, http.StatusText(status), status)
		return
	}
	s.send(w, gen, rel, buf.Bytes(), status)
}

// send writes a file, with the reload script in HTML pages.
func (s *Server) send(w http.ResponseWriter, gen int64, rel string, data []byte, status int) {
	ctype := mime.TypeByExtension(path.Ext(rel))
	if ctype == "" {
		ctype = "application/octet-stream"
	}
	w.Header().Set("Content-Type", ctype)
	if strings.HasSuffix(rel, ".html") {
		data = inject(data, gen)
	}
	w.Header().Set("Content-Length", strconv.Itoa(len(data)))
	w.WriteHeader(status)
	w.Write(data)
}

// inject adds the reload script to the head of an HTML page: an external
// script, so that the theme's Content-Security-Policy (script-src 'self')
// allows it.
func inject(page []byte, gen int64) []byte {
	tag := `<script src="/_accredit/reload.js" data-gen="` + strconv.FormatInt(gen, 10) + `" defer></script>`
	i := bytes.Index(page, []byte("</head>"))
	if i < 0 {
		return append(page, tag...)
	}
	out := make([]byte, 0, len(page)+len(tag))
	out = append(out, page[:i]...)
	out = append(out, tag...)
	return append(out, page[i:]...)
}

// item is one diagnostic on the error page.
type item struct {
	Where, Severity, Msg, Rule string
	Source                     *source
	Note                       string // "and 42 errors that follow from it"
}

type source struct{ Line, Caret string }

// problem serves the error page: errors only (warnings are counted), the
// errors that follow from one cause folded under it, and causes first: a
// file that cannot be read, then a missing definition, then the rest
// (diag.CausesFirst).
func (s *Server) problem(w http.ResponseWriter, status int, gen int64, title, intro string, fatal error, ds []diag.Diagnostic) {
	data := struct {
		Title, Intro string
		Fatal        string
		Items        []item
		More         int
		Warnings     int
		Gen          int64
	}{Title: title, Intro: intro, Gen: gen}
	if fatal != nil {
		data.Fatal = fatal.Error()
	}
	lines := map[string][]string{}
	var errs []diag.Diagnostic
	for _, d := range ds {
		if d.Severity != diag.Error {
			data.Warnings++ // counted, not shown: they do not stop the site
			continue
		}
		errs = append(errs, d)
	}
	for _, g := range diag.CausesFirst(diag.Fold(errs)) {
		if len(data.Items) == maxShown {
			data.More += 1 + len(g.Follow)
			continue
		}
		d := g.Diagnostic
		it := item{Where: fmt.Sprintf("%s:%d:%d", d.File, d.Line, d.Col), Severity: d.Severity.String(), Msg: d.Msg, Rule: d.Rule, Note: g.Note()}
		text, ok := lines[d.File]
		if !ok {
			// Through safefs: a person file linked to /etc/passwd
			// must not show its first line here.
			b, _ := safefs.ReadFileAt(s.opts.Root, d.File, safefs.DefaultLimit)
			text = strings.Split(string(b), "\n")
			lines[d.File] = text
		}
		if d.Line <= len(text) && strings.TrimSpace(text[d.Line-1]) != "" {
			line := strings.TrimRight(text[d.Line-1], "\r")
			it.Source = &source{Line: line, Caret: caret(line, d.Col)}
		}
		data.Items = append(data.Items, it)
	}
	var buf bytes.Buffer
	if err := errorsPage().Execute(&buf, data); err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return strconv.Itoa(n) + " " + word + "s"
}

// caret points at column col (1-based, in bytes) of line: one space per
// character before it, tabs kept, so that it lines up under the source.
func caret(line string, col int) string {
	var b strings.Builder
	for _, r := range line[:min(max(col-1, 0), len(line))] {
		if r == '\t' {
			b.WriteByte('\t')
		} else {
			b.WriteByte(' ')
		}
	}
	b.WriteByte('^')
	return b.String()
}

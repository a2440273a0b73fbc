// Package render turns page data into bytes: HTML through html/template,
// and the XML and JSON files of the site.
//
// In: the theme (the default theme embedded in the binary, with a
// program's own layouts/ overriding it file by file) and package site's
// page data. Out: the bytes of each file. Templates hold no logic: they
// only place the data that package site computed. html/template parses
// and escapes them; exec.go runs the escaped templates, byte for byte as
// html/template would, several times faster.
package render

import (
	"bytes"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/accredit/accredit/cmd/internal/safefs"
)

// Kinds of HTML page, each a template file in layouts/ beside _base.html.
var Kinds = []string{"home", "list", "partner", "verify", "lookup", "program", "track", "page", "404"}

// Theme is the set of parsed templates and the static assets.
type Theme struct {
	pages  map[string]*template.Template
	fast   map[string]*compiledTemplate // the same, compiled (exec.go)
	Assets map[string][]byte            // "assets/site.css" -> content

	fallbacks atomic.Int64 // pages the fast executor left to html/template
	slow      map[string]*slowKind
	slowMu    sync.Mutex
	slowWhy   map[fallbackKey]int64

	partials partials // partialCached's (partial.go)
}

// slowKind is a kind of page that never compiled for the fast executor,
// why, and how many of its pages rendered on html/template.
type slowKind struct {
	why   string
	pages atomic.Int64
}

type fallbackKey struct{ kind, reason string }

// A Fallback is a reason why pages of a kind rendered on html/template.
type Fallback struct {
	Template string // the page's template file: verify.html
	Reason   string // the construct, and where: _base.html:3:5: function "printf"
	Pages    int64  // how many pages of the build it sent to html/template
	Always   bool   // the template never compiled: every page of the kind
}

// Caps of a theme's files, documented in content/docs/format.md.
const (
	maxTemplate = 1 << 20
	maxAsset    = 16 << 20
)

// Load reads the theme: each file from override (a program's layouts/
// folder, which may not exist) when it has it, else from def. The
// override is read through safefs: a symbolic link, a FIFO or device, or
// a file over its cap in it is an error naming the file, never followed
// or published (an asset linked to /etc/shadow once was).
func Load(def fs.FS, override string) (*Theme, error) {
	return load(def, override, Kinds)
}

// load is Load for the given kinds of page (tests load one).
func load(def fs.FS, override string, kinds []string) (*Theme, error) {
	var dir *safefs.Dir
	if override != "" {
		fi, err := os.Lstat(override)
		switch {
		case err == nil && fi.Mode()&fs.ModeSymlink != 0:
			return nil, fmt.Errorf("theme: %s %w", override, safefs.ErrSymlink)
		case err == nil && !fi.IsDir():
			return nil, fmt.Errorf("theme: %s %w", override, safefs.ErrNotDir)
		case err == nil:
			if dir, err = safefs.Open(override); err != nil {
				return nil, fmt.Errorf("theme: %w", err)
			}
			defer dir.Close()
		case !errors.Is(err, fs.ErrNotExist):
			return nil, fmt.Errorf("theme: %w", err)
		}
	}
	read := func(name string) ([]byte, error) {
		limit := int64(maxTemplate)
		if strings.HasPrefix(name, "assets/") {
			limit = maxAsset
		}
		if dir != nil {
			b, err := dir.ReadFileLimit(name, limit)
			if err == nil {
				return b, nil
			}
			if !errors.Is(err, fs.ErrNotExist) {
				return nil, fmt.Errorf("%s: %w", filepath.Join(override, filepath.FromSlash(name)), unwrap(err))
			}
		}
		return fs.ReadFile(def, name)
	}
	base, err := read("_base.html")
	if err != nil {
		return nil, fmt.Errorf("theme: %w", err)
	}
	t := &Theme{pages: map[string]*template.Template{}, fast: map[string]*compiledTemplate{}, Assets: map[string][]byte{},
		slow: map[string]*slowKind{}, slowWhy: map[fallbackKey]int64{}}
	t.partials.base = string(base)
	root, err := t.partials.parse(t, 0) // pages' partials render at depth 1
	if err != nil {
		return nil, fmt.Errorf("theme: %w", err)
	}
	for _, k := range kinds {
		src, err := read(k + ".html")
		if err != nil {
			return nil, fmt.Errorf("theme: %w", err)
		}
		clone := template.Must(root.Clone())
		if _, err := clone.New(k + ".html").Parse(string(src)); err != nil {
			return nil, fmt.Errorf("theme: %w", err)
		}
		t.pages[k] = clone
		if c, err := t.compile(clone); err != nil {
			t.slow[k] = &slowKind{why: err.Error()}
		} else {
			t.fast[k] = c
		}
	}
	// Assets: the default's, replaced or extended by the program's.
	names := map[string]bool{}
	fs.WalkDir(def, "assets", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			names[p] = true
		}
		return nil
	})
	if dir != nil {
		// Every entry but folders is read, and refused if it is not a
		// regular file: a link is an error, not a file left out.
		err := fs.WalkDir(dir, "assets", func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				if p == "assets" && errors.Is(err, fs.ErrNotExist) {
					return nil
				}
				return fmt.Errorf("%s: %w", filepath.Join(override, filepath.FromSlash(p)), unwrap(err))
			}
			if t := d.Type(); !t.IsDir() && !t.IsRegular() {
				return fmt.Errorf("%s: %w", filepath.Join(override, filepath.FromSlash(p)), safefs.CheckMode(t))
			}
			if !d.IsDir() {
				names[p] = true
			}
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("theme: %w", err)
		}
	}
	for n := range names {
		b, err := read(n)
		if err != nil {
			return nil, fmt.Errorf("theme: %w", err)
		}
		t.Assets[n] = b
	}
	return t, nil
}

func unwrap(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// errStop stops a template at its first write.
var errStop = errors.New("stop")

type stopWriter struct{}

func (stopWriter) Write([]byte) (int, error) { return 0, errStop }

// escapeName is a template compile adds to each page's set: it writes
// before it calls _base.html, which lets compile stop it at once.
const escapeName = "accredit-escape _base.html"

// compile escapes a page's templates and compiles them for the fast
// executor. html/template escapes a template on its first execution:
// compile runs one that writes a byte and then calls _base.html, stopped
// at that byte, so nothing of _base.html runs and no data is needed,
// whatever _base.html writes first. It returns why it cannot compile a
// theme that the executor does not know or that html/template refuses:
// the page then always renders on html/template, which reports its own
// errors.
func (t *Theme) compile(tpl *template.Template) (*compiledTemplate, error) {
	if _, err := tpl.New(escapeName).Parse(`.{{template "_base.html" .}}`); err != nil {
		return nil, err
	}
	if err := tpl.ExecuteTemplate(stopWriter{}, escapeName, nil); !errors.Is(err, errStop) {
		return nil, err
	}
	return compile(t, tpl, "_base.html")
}

// Page renders one page of the given kind into buf.
func (t *Theme) Page(buf *bytes.Buffer, kind string, data any) error {
	tpl, ok := t.pages[kind]
	if !ok {
		return fmt.Errorf("theme has no %s.html", kind)
	}
	if c := t.fast[kind]; c != nil {
		mark := buf.Len()
		dot := reflect.ValueOf(data)
		s := state{w: buf, vars: []variable{{"$", dot}}, theme: t}
		err := c.walk(&s, dot)
		if err == nil {
			return nil
		}
		// Something the executor does not do exactly as html/template:
		// this page on html/template.
		buf.Truncate(mark)
		t.fallbacks.Add(1)
		t.noteFallback(kind, err)
	} else if sk := t.slow[kind]; sk != nil {
		sk.pages.Add(1)
	}
	return tpl.ExecuteTemplate(buf, "_base.html", data)
}

// noteFallback counts a page that fell back, under its reason.
func (t *Theme) noteFallback(kind string, err error) {
	reason := err.Error()
	if fe, ok := err.(*fallbackError); ok {
		reason = fe.reason
		if fe.at != "" {
			reason = fe.at + ": " + fe.reason
		}
	}
	t.slowMu.Lock()
	t.slowWhy[fallbackKey{kind, reason}]++
	t.slowMu.Unlock()
}

// Fast reports whether pages of kind render on the fast executor, and
// how many pages of any kind it left to html/template so far.
func (t *Theme) Fast(kind string) (compiled bool, fallbacks int64) {
	return t.fast[kind] != nil, t.fallbacks.Load()
}

// Fallbacks lists why pages rendered on html/template so far, by
// template and reason: the templates the executor does not compile (for
// the pages of them rendered) and the pages it left to html/template
// one by one.
func (t *Theme) Fallbacks() []Fallback {
	var out []Fallback
	for k, sk := range t.slow {
		if n := sk.pages.Load(); n > 0 {
			out = append(out, Fallback{Template: k + ".html", Reason: sk.why, Pages: n, Always: true})
		}
	}
	t.slowMu.Lock()
	for key, n := range t.slowWhy {
		out = append(out, Fallback{Template: key.kind + ".html", Reason: key.reason, Pages: n})
	}
	t.slowMu.Unlock()
	sort.Slice(out, func(i, j int) bool {
		if out[i].Template != out[j].Template {
			return out[i].Template < out[j].Template
		}
		return out[i].Reason < out[j].Reason
	})
	return out
}

// Slow renders a page on html/template alone, for tests that compare it
// with Page.
func (t *Theme) Slow(buf *bytes.Buffer, kind string, data any) error {
	tpl, ok := t.pages[kind]
	if !ok {
		return fmt.Errorf("theme has no %s.html", kind)
	}
	return tpl.ExecuteTemplate(buf, "_base.html", data)
}

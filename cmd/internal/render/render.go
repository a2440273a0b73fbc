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

	root   *template.Template // _base.html alone, for partialCached
	mu     sync.Mutex
	cached map[partialKey]template.HTML
}

type partialKey struct {
	name string
	data any
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
	t := &Theme{pages: map[string]*template.Template{}, fast: map[string]*compiledTemplate{}, Assets: map[string][]byte{}}
	root, err := template.New("_base.html").Funcs(template.FuncMap{"partialCached": t.partialCached}).Parse(string(base))
	if err != nil {
		return nil, fmt.Errorf("theme: %w", err)
	}
	t.root = root
	for _, k := range Kinds {
		src, err := read(k + ".html")
		if err != nil {
			return nil, fmt.Errorf("theme: %w", err)
		}
		clone := template.Must(root.Clone())
		if _, err := clone.New(k + ".html").Parse(string(src)); err != nil {
			return nil, fmt.Errorf("theme: %w", err)
		}
		t.pages[k] = clone
		if c := t.compile(clone); c != nil {
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

// compile escapes a page's templates (html/template does that on the
// first execution, which stops here at the first byte) and compiles them
// for the fast executor. It returns nil for a theme that the executor
// does not know or that html/template refuses: the page then always
// renders on html/template, which reports its own errors.
func (t *Theme) compile(tpl *template.Template) *compiledTemplate {
	if err := tpl.ExecuteTemplate(stopWriter{}, "_base.html", nil); !errors.Is(err, errStop) {
		return nil
	}
	c, err := compile(t, tpl, "_base.html")
	if err != nil {
		return nil
	}
	return c
}

// partialCached renders the template name with data once per build and
// returns the same HTML afterwards, for data that is the same pointer
// (like Hugo's partialCached): the header, navigation and footer are the
// same on 200,000 pages, and html/template's escaping makes each action
// cost.
func (t *Theme) partialCached(name string, data any) (template.HTML, error) {
	k := partialKey{name, data}
	t.mu.Lock()
	h, ok := t.cached[k]
	t.mu.Unlock()
	if ok {
		return h, nil
	}
	var b bytes.Buffer
	if err := t.root.ExecuteTemplate(&b, name, data); err != nil {
		return "", err
	}
	h = template.HTML(b.String())
	t.mu.Lock()
	if t.cached == nil {
		t.cached = map[partialKey]template.HTML{}
	}
	t.cached[k] = h
	t.mu.Unlock()
	return h, nil
}

// Forget drops the parts partialCached keeps, for a site whose data
// changed in place (accredit serve after an edit to content/, which
// changes the navigation of every page).
func (t *Theme) Forget() {
	t.mu.Lock()
	t.cached = nil
	t.mu.Unlock()
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
	}
	return tpl.ExecuteTemplate(buf, "_base.html", data)
}

// Fast reports whether pages of kind render on the fast executor, and
// how many pages of any kind it left to html/template so far.
func (t *Theme) Fast(kind string) (compiled bool, fallbacks int64) {
	return t.fast[kind] != nil, t.fallbacks.Load()
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

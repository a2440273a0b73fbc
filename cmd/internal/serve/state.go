package serve

import (
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/accredit/accredit"
	"github.com/accredit/accredit/cmd/internal/check"
	"github.com/accredit/accredit/cmd/internal/date"
	"github.com/accredit/accredit/cmd/internal/diag"
	"github.com/accredit/accredit/cmd/internal/load"
	"github.com/accredit/accredit/cmd/internal/program"
	"github.com/accredit/accredit/cmd/internal/publish"
	"github.com/accredit/accredit/cmd/internal/render"
	"github.com/accredit/accredit/cmd/internal/site"
	"github.com/accredit/accredit/cmd/internal/standing"
)

// state is one version of the program and its site. The fields a
// partial update changes are changed in place, under the server's lock.
type state struct {
	p     *program.Program
	s     *standing.Standing
	st    *site.Site
	theme *render.Theme
	ix    *publish.Index

	// fatal is a problem that leaves no site at all: an unreadable
	// program, a theme that does not parse, Markdown that cannot render.
	fatal error

	// Diagnostics, kept by where they come from so that an update
	// replaces only those it recomputes: loading and checking the
	// program's definitions, loading content/, and loading and checking
	// each partner folder (by folder id).
	defs    []diag.Diagnostic
	content []diag.Diagnostic
	loaded  map[string][]diag.Diagnostic
	checked map[string][]diag.Diagnostic
	errors  int // errors among all of them

	// names lists, for each credential id, the credentials that have it
	// as their id or their renews: those an edit adding or removing the
	// id affects, found without walking every credential.
	names map[string][]*program.Credential

	// grants is who granted each credential, read from the git history
	// at the last full load.
	grants map[string]site.Grant
}

func (s *state) name(c *program.Credential, add bool) {
	ids := []string{c.ID}
	if c.Renews != c.ID {
		ids = append(ids, c.Renews)
	}
	for _, id := range ids {
		if id == "" {
			continue
		}
		if add {
			s.names[id] = append(s.names[id], c)
		} else if l := slices.DeleteFunc(s.names[id], func(x *program.Credential) bool { return x == c }); len(l) > 0 {
			s.names[id] = l
		} else {
			delete(s.names, id)
		}
	}
}

// freshLists recomputes the lists, the home page and the feed when an
// update left them stale (site.Refresh).
func (s *state) freshLists() {
	if s.st != nil && s.st.Stale() {
		s.st.RefreshLists()
		s.ix = publish.NewIndex(s.st, s.theme)
	}
}

// needsLists reports whether the file at rel (below the site's base)
// shows the lists, the home page or the feed.
func needsLists(rel string) bool {
	rel = strings.TrimSuffix(strings.TrimSuffix(rel, "index.html"), "/")
	switch {
	case rel == "", rel == "partners", rel == "feed.xml", strings.HasPrefix(rel, "browse/"),
		strings.HasPrefix(rel, "sitemap") && strings.HasSuffix(rel, ".xml"):
		return true
	}
	if page, ok := strings.CutPrefix(rel, "partners/"); ok {
		_, err := strconv.Atoi(page) // partners/2/: a page of the list
		return err == nil
	}
	return false
}

// folder returns the partner folder a path is in ("partners/acme/people/
// ann.toml" -> "acme"), or "" for a path outside every partner folder.
func folder(rel string) string {
	rest, ok := strings.CutPrefix(rel, "partners/")
	if !ok {
		return ""
	}
	id, _, _ := strings.Cut(rest, "/")
	return id
}

// diagnostics returns every diagnostic, sorted.
func (s *state) diagnostics() []diag.Diagnostic {
	var l diag.List
	l.Append(s.defs)
	l.Append(s.content)
	for _, m := range []map[string][]diag.Diagnostic{s.loaded, s.checked} {
		for _, ds := range m {
			l.Append(ds)
		}
	}
	return l.Sorted()
}

func (s *state) count() {
	s.errors = 0
	count := func(ds []diag.Diagnostic) {
		errs, _ := diag.Count(ds)
		s.errors += errs
	}
	count(s.defs)
	count(s.content)
	for _, m := range []map[string][]diag.Diagnostic{s.loaded, s.checked} {
		for _, ds := range m {
			count(ds)
		}
	}
}

// sort files diagnostics by where they come from; byFolder is s.loaded
// or s.checked.
func (s *state) sort(ds []diag.Diagnostic, byFolder map[string][]diag.Diagnostic) {
	for _, d := range ds {
		switch id := folder(d.File); {
		case id != "":
			byFolder[id] = append(byFolder[id], d)
		case strings.HasPrefix(d.File, "content/"):
			s.content = append(s.content, d)
		default:
			s.defs = append(s.defs, d)
		}
	}
}

// full loads, checks and indexes the whole program.
func full(root string, asOf date.Date, cache *load.Cache, grants func() map[string]site.Grant) *state {
	s := &state{loaded: map[string][]diag.Diagnostic{}, checked: map[string][]diag.Diagnostic{}, names: map[string][]*program.Credential{}}
	p, ds, err := load.LoadWith(root, load.Options{Cache: cache})
	if err != nil {
		s.fatal = err
		return s
	}
	if cache != nil {
		cache.Save() // best effort: the cache only saves time
	}
	s.p = p
	for _, c := range p.Credentials {
		s.name(c, true)
	}
	s.s = standing.Compute(p)
	s.sort(ds, s.loaded)
	s.sort(check.Run(p, s.s, asOf), s.checked)
	s.count()
	if s.theme, err = loadTheme(root); err != nil {
		s.fatal = err
		return s
	}
	if grants != nil {
		s.grants = grants()
	}
	if s.errors > 0 {
		return s // no site to build: the pages show the errors
	}
	if s.st, err = site.Build(p, s.s, asOf); err != nil {
		s.fatal = err
		return s
	}
	s.st.Grants = s.grants
	s.ix = publish.NewIndex(s.st, s.theme)
	return s
}

func loadTheme(root string) (*render.Theme, error) {
	return render.Load(accredit.Layouts(), filepath.Join(root, "layouts"))
}

// change is what a batch of changed paths asks for.
type change struct {
	full     bool
	layouts  bool
	content  bool
	partners []string // folder ids, sorted
}

// maxPartners is the most partner folders one batch updates one by one;
// more (a git checkout, a generator run) load the whole program again.
const maxPartners = 200

func classify(paths []string) change {
	var c change
	for _, rel := range paths {
		top, rest, _ := strings.Cut(rel, "/")
		switch {
		case top == "programs":
			c.full = true
		case top == "layouts":
			c.layouts = true
		case top == "content":
			c.content = true
		case top == "partners" && rest != "":
			c.partners = append(c.partners, folder(rel))
		case top == "partners":
			c.full = true // the partners folder itself came or went
		}
	}
	slices.Sort(c.partners)
	c.partners = slices.Compact(c.partners)
	if len(c.partners) > maxPartners {
		c.full = true
	}
	return c
}

// update takes in the partner folders, pages and theme a change names.
// It needs a state that holds a program whose site could be built; the
// caller loads everything again otherwise.
func (s *state) update(root string, asOf date.Date, c change) error {
	if c.layouts {
		theme, err := loadTheme(root)
		if err != nil {
			s.fatal = err
			return nil
		}
		s.theme = theme
	}
	if c.content {
		pages, ds, err := load.Pages(root)
		if err != nil {
			return err
		}
		s.p.Pages, s.content = pages, ds
	}
	affected := s.updatePartners(root, asOf, c.partners)
	s.count()
	if s.errors > 0 {
		s.st, s.ix = nil, nil
		return nil
	}
	if s.st == nil {
		// The program had errors before this change: there is no site
		// data to refresh.
		var err error
		if s.st, err = site.Build(s.p, s.s, asOf); err != nil {
			s.fatal = err
			return nil
		}
		s.st.Grants = s.grants
	} else {
		if len(affected) > 0 {
			if err := s.st.Refresh(affected); err != nil {
				s.fatal = err
				return nil
			}
		}
		if c.content {
			if err := s.st.RefreshPages(); err != nil {
				s.fatal = err
				return nil
			}
		}
	}
	if c.content || c.layouts {
		s.theme.Forget()
	}
	s.ix = publish.NewIndex(s.st, s.theme)
	return nil
}

// updatePartners re-reads the partner folders ids and returns the folders
// whose data changed: those, and those holding a credential whose id or
// renews names an id the change added or removed.
func (s *state) updatePartners(root string, asOf date.Date, ids []string) map[string]bool {
	if len(ids) == 0 {
		return nil
	}
	p := s.p
	affected := map[string]bool{}
	touched := map[string]bool{} // credential ids added or removed
	for _, id := range ids {
		pa, ds, _ := load.Partner(root, id)
		sp := p.SetPartner(id, pa)
		s.s.Update(sp, nil)
		for _, c := range sp.Removed {
			s.name(c, false)
		}
		for _, c := range p.Credentials[sp.At : sp.At+sp.Added] {
			s.name(c, true)
		}
		for cid := range sp.IDs(p) {
			touched[cid] = true
		}
		affected[id] = true
		delete(s.loaded, id)
		s.sort(ds, s.loaded)
	}
	// Everyone whose records name a touched id: their standing and
	// diagnostics may change with the credential it resolves to.
	var people []*program.Person
	for id := range affected {
		if pa := p.Partner(id); pa != nil {
			people = append(people, pa.People...)
		}
	}
	for id := range touched {
		for _, c := range s.names[id] {
			people = append(people, c.Person)
			affected[c.Person.Partner.ID] = true
		}
	}
	s.s.Update(program.Splice{}, people)
	var partners []*program.Partner
	for id := range affected {
		if pa := p.Partner(id); pa != nil {
			partners = append(partners, pa)
		}
		delete(s.checked, id)
	}
	s.sort(check.RunPartners(p, s.s, asOf, partners), s.checked)
	return affected
}

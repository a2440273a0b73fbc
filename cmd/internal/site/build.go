package site

import (
	"cmp"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/accredit/accredit/cmd/internal/badge"
	"github.com/accredit/accredit/cmd/internal/date"
	"github.com/accredit/accredit/cmd/internal/load"
	"github.com/accredit/accredit/cmd/internal/program"
	"github.com/accredit/accredit/cmd/internal/standing"
)

// PerPage is the number of partner cards on a list page.
const PerPage = 48

// Site is the data of the whole site at D. Verification pages are made
// on demand by Credential, so that a build never holds 200,000 of them.
type Site struct {
	Info     *Info
	P        *program.Program
	S        *standing.Standing
	Home     *Home
	Lists    []*List // /partners/ and the browse pages, every page of each
	Partners []*PartnerPage
	Program  *ProgramPage
	Tracks   []*TrackPage
	Pages    []*ContentPage
	Lookup   *Simple
	NotFound *Simple
	Feed     []FeedEntry
	// PartnersJSON is /api/v1/partners.json.
	PartnersJSON []PartnerJSON
	// Badges are the PNGs of every certification, by "track/level".
	Badges map[string]*BadgeImage

	// Grants is the provenance of credentials by id, from the git
	// history; nil outside git, and verification pages then omit it.
	Grants map[string]Grant

	// verifying is the link path of the content page that tells how to
	// verify a signed credential: content/docs/verifying.md here,
	// content/verifying.md in a program accredit init made (any page
	// whose URL ends in /verifying/); "" when the program has none.
	verifying string

	listed map[*program.Partner]*partnerState
	// stale is set when Refresh left the lists, the home page and the
	// feed to RefreshLists.
	stale bool
}

// Grant is who granted a credential: the commit that introduced it.
// Only the author's name is published, never the e-mail.
type Grant struct {
	On     date.Date
	By     string // the commit author's name
	Commit string // the full commit hash
	// Imported says the credential predates the audit's baseline
	// ([audit] since): recorded at import, not granted in git.
	Imported bool
}

type partnerState struct {
	tier    *program.Tier
	since   date.Date
	card    Card
	current map[*program.Person][]*program.Credential
	changes []tierChange
	feed    []feedItem      // the partner's entries of the feed
	held    map[string]bool // "track/level" of every current credential
	lower   string          // the name in lower case, for sorting
}

type tierChange struct {
	on       date.Date
	from, to *program.Tier
}

// Build computes the site's data. It fails only on Markdown that goldmark
// cannot render.
func Build(p *program.Program, s *standing.Standing, asOf date.Date) (*Site, error) {
	info := newInfo(p, asOf)
	if mode, _ := p.Verification(); mode == program.VerifyShards {
		info.Shards = &Shards{Bits: ShardBits(len(p.Credentials)), Dir: info.Base + ShardDir}
	}
	st := &Site{Info: info, P: p, S: s, listed: map[*program.Partner]*partnerState{}}
	for _, pa := range p.Partners {
		if pa.Listed {
			st.listed[pa] = st.partnerState(pa)
		}
	}
	if err := st.contentPages(); err != nil {
		return nil, err
	}
	st.lists()
	if err := st.partnerPages(); err != nil {
		return nil, err
	}
	if err := st.programPages(); err != nil {
		return nil, err
	}
	st.Lookup = &Simple{*st.page("lookup", "verify/", "Verify a credential", "Check that a "+p.Info.Issuer+" credential is genuine and current by its id.")}
	st.NotFound = &Simple{*st.page("404", "404.html", "Page not found", "")}
	st.NotFound.NoIndex = true
	st.feed()
	st.badges()
	return st, nil
}

func badgeAlt(name, level, issuer string) string {
	return "Badge: " + name + ", " + level + " level, issued by " + issuer
}

// badges lists the PNGs of every certification the program defines, at
// badges/<track>/<level>.png and <level>.square.png (ids are slugs: no
// dot, so no two paths meet).
func (st *Site) badges() {
	st.Badges = map[string]*BadgeImage{}
	host := st.Info.SiteURL
	if u, err := url.Parse(host); err == nil && u.Host != "" {
		host = strings.TrimSuffix(u.Host+u.Path, "/")
	}
	for _, t := range st.P.Tracks {
		for _, ce := range t.Certifications {
			level := ce.Level
			if l := st.P.Level(ce.Level); l != nil {
				level = l.Name
			}
			dir := "badges/" + t.ID + "/" + ce.Level
			bi := &BadgeImage{
				PNGDesign: badge.PNGDesign{Design: badge.Design{Issuer: st.Info.Issuer, Name: ce.Name, Level: level}, Track: t.Name, Site: host},
				OG:        dir + ".png", Square: dir + ".square.png",
				Alt: badgeAlt(ce.Name, level, st.Info.Issuer),
			}
			bi.OGURL, bi.SquareURL, bi.OGLink = st.Info.SiteURL+bi.OG, st.Info.SiteURL+bi.Square, st.Info.Base+bi.OG
			st.Badges[ce.Key()] = bi
		}
	}
}

func newInfo(p *program.Program, asOf date.Date) *Info {
	site := p.Info.SiteURL
	if !strings.HasSuffix(site, "/") {
		site += "/"
	}
	base := "/"
	if u, err := url.Parse(site); err == nil && u.Path != "" {
		base = u.Path
	}
	return &Info{
		Name: p.Info.Name, Issuer: p.Info.Issuer, IssuerURL: p.Info.IssuerURL,
		SiteURL: site, Base: base, ContactEmail: p.Info.ContactEmail,
		Promise: fmt.Sprintf("Find %s partners whose people hold current, verifiable %s certifications.", p.Info.Issuer, p.Info.Issuer),
		AsOf:    asOf, Today: asOf.String(), GraceDays: p.Policy.GraceDays, Streamlined: p.Policy.StreamlinedDays,
		Locale: cmp.Or(p.Info.Locale, "en"),
	}
}

// day is d as pages write it, in the program's locale.
func (st *Site) day(d date.Date) Day {
	if !d.Valid() {
		return Day{}
	}
	return Day{ISO: d.String(), Text: date.Human(d, st.Info.Locale)}
}

// page returns a page's common data; rel is the path below the site root
// ("partners/x/"), "" for the home page.
func (st *Site) page(kind, rel, title, desc string) *Page {
	path := rel + "index.html"
	if strings.HasSuffix(rel, ".html") {
		path = rel
	}
	return &Page{Info: st.Info, Kind: kind, Path: path, URL: st.Info.Base + rel, Canonical: st.Info.SiteURL + rel, Title: title, Description: desc}
}

// Refresh recomputes, after program.SetPartner and standing.Update
// replaced the partners of the folders ids, the data of those partners
// and partners.json. Every other partner's data is kept: a partner's
// standing depends on its own people alone. The lists, the home page and
// the feed, which show every partner, are left to RefreshLists: at 10,000
// partners they cost more than everything else, and most edits are looked
// at on the partner's own pages. It is accredit serve's way to take in an
// edit; it must not run while another goroutine reads the site.
func (st *Site) Refresh(ids map[string]bool) error {
	listed := make(map[*program.Partner]*partnerState, len(st.listed))
	for _, pa := range st.P.Partners {
		if !pa.Listed {
			continue
		}
		if ps, ok := st.listed[pa]; ok && !ids[pa.ID] {
			listed[pa] = ps
		} else {
			listed[pa] = st.partnerState(pa)
		}
	}
	st.listed = listed
	pages := make(map[string]*PartnerPage, len(st.Partners))
	for _, pp := range st.Partners {
		pages[pp.ID] = pp
	}
	jsons := make(map[string]PartnerJSON, len(st.PartnersJSON))
	for _, j := range st.PartnersJSON {
		jsons[j.ID] = j
	}
	// Both in id order (the program's partners are): partners.json is
	// sorted so, and RefreshLists puts the pages in directory order.
	st.Partners, st.PartnersJSON = nil, nil
	for _, pa := range st.P.Partners {
		if !pa.Listed {
			continue
		}
		pp, ok := pages[pa.ID]
		j := jsons[pa.ID]
		if !ok || ids[pa.ID] {
			var err error
			if pp, err = st.partnerPage(pa); err != nil {
				return err
			}
			j = st.partnerJSON(pa, st.listed[pa])
		}
		st.Partners = append(st.Partners, pp)
		st.PartnersJSON = append(st.PartnersJSON, j)
	}
	st.stale = true
	return nil
}

// Stale reports whether the lists, the home page and the feed wait for
// RefreshLists.
func (st *Site) Stale() bool { return st.stale }

// RefreshLists recomputes the lists, the home page and the feed after
// Refresh.
func (st *Site) RefreshLists() {
	st.Lists = nil
	st.lists()
	st.feed()
	order := map[string]int{}
	for i, pa := range st.listedPartners() {
		order[pa.ID] = i
	}
	slices.SortFunc(st.Partners, func(a, b *PartnerPage) int { return cmp.Compare(order[a.ID], order[b.ID]) })
	st.stale = false
}

// RefreshPages recomputes the content pages and the navigation after an
// edit under content/. The theme's cached parts (render.Theme.Forget)
// must be dropped too: the navigation is in every page's header.
func (st *Site) RefreshPages() error {
	st.Pages, st.verifying = nil, ""
	return st.contentPages()
}

// current lists each person's credentials that count at D (active or grace).
func (st *Site) partnerState(pa *program.Partner) *partnerState {
	ps := &partnerState{current: map[*program.Person][]*program.Credential{}}
	d := st.Info.AsOf
	for _, pe := range pa.People {
		for _, c := range pe.Certifications {
			if st.S.Current(c, d, true) {
				ps.current[pe] = append(ps.current[pe], c)
			}
		}
	}
	ps.tier = st.S.Tier(pa, d)
	ps.changes, ps.since = st.tierHistory(pa)
	ps.card = st.card(pa, ps)
	ps.feed = st.partnerFeed(pa, ps)
	ps.held = map[string]bool{}
	for _, creds := range ps.current {
		for _, c := range creds {
			ps.held[c.Key()] = true
		}
	}
	ps.lower = strings.ToLower(pa.Name)
	return ps
}

// tierHistory walks the dates on which a partner's tier can change (an
// issue, an expiry, the end of grace, a revocation) up to D and returns
// every change and the date since which the partner holds its tier at D.
func (st *Site) tierHistory(pa *program.Partner) ([]tierChange, date.Date) {
	d := st.Info.AsOf
	pol := st.P.Policy
	var days []date.Date
	add := func(x date.Date) {
		if x.Valid() && !x.After(d) {
			days = append(days, x)
		}
	}
	for _, pe := range pa.People {
		for _, c := range pe.Certifications {
			e := st.S.Of(c).Expires
			add(c.Issued)
			add(e)
			add(e.AddDays(pol.GraceDays))
			add(c.Revoked)
		}
	}
	slices.SortFunc(days, date.Date.Compare)
	days = slices.Compact(days)
	if len(days) == 0 {
		since := pa.Joined
		if !since.Valid() {
			since = d
		}
		return nil, since
	}
	// The tier before any event is the one of a partner with nobody
	// certified; each event day may change it.
	var changes []tierChange
	prev := st.S.Tier(pa, days[0].AddDays(-1))
	since := pa.Joined
	for _, day := range days {
		if t := st.S.Tier(pa, day); t != prev {
			changes = append(changes, tierChange{day, prev, t})
			prev, since = t, day
		}
	}
	if !since.Valid() || since.After(d) {
		since = days[0]
	}
	return changes, since
}

func tierBadge(t *program.Tier) *TierBadge {
	if t == nil {
		return nil
	}
	return &TierBadge{ID: t.ID, Name: t.Name, Rank: t.Rank}
}

func (st *Site) partnerURL(pa *program.Partner) string {
	return st.Info.Base + "partners/" + pa.ID + "/"
}

func (st *Site) card(pa *program.Partner, ps *partnerState) Card {
	c := Card{ID: pa.ID, Name: pa.Name, URL: st.partnerURL(pa), Tier: tierBadge(ps.tier), Specialties: pa.Specialties}
	if pa.Logo != nil {
		c.Logo = c.URL + pa.Logo.File
	}
	var locs []string
	for _, l := range pa.Locations {
		locs = append(locs, l.City+", "+countryName(l.Country))
	}
	c.Locations = strings.Join(locs, " · ")
	for _, t := range st.P.Tracks {
		n := 0
		for _, creds := range ps.current {
			for _, cr := range creds {
				if cr.Track == t.ID {
					n++
					break
				}
			}
		}
		if n > 0 {
			c.Certified = append(c.Certified, Count{t.Name, n})
		}
	}
	c.CertifiedAll = len(ps.current)
	return c
}

func countryName(code string) string {
	if n := load.CountryName(code); n != "" {
		return n
	}
	return code
}

// listedPartners returns the listed partners in directory order: tier rank
// (highest first), then people certified, then name.
func (st *Site) listedPartners() []*program.Partner {
	var ps []*program.Partner
	for _, pa := range st.P.Partners {
		if pa.Listed {
			ps = append(ps, pa)
		}
	}
	slices.SortStableFunc(ps, func(a, b *program.Partner) int {
		sa, sb := st.listed[a], st.listed[b]
		return cmp.Or(
			-cmp.Compare(rank(sa.tier), rank(sb.tier)),
			-cmp.Compare(sa.card.CertifiedAll, sb.card.CertifiedAll),
			cmp.Compare(sa.lower, sb.lower),
			cmp.Compare(a.ID, b.ID),
		)
	})
	return ps
}

func rank(t *program.Tier) int {
	if t == nil {
		return -1 << 30
	}
	return t.Rank
}

// lists makes /partners/, the browse pages, and the home page.
func (st *Site) lists() {
	all := st.listedPartners()
	type group struct {
		key, label, value string
		ps                []*program.Partner
	}
	dims := []struct {
		name, slug string
		groups     []*group
	}{{name: "Tier", slug: "tier"}, {name: "Certification", slug: "certification"}, {name: "Country", slug: "country"}, {name: "Specialty", slug: "specialty"}}
	byKey := make([]map[string]*group, len(dims))
	for i := range dims {
		byKey[i] = map[string]*group{}
	}
	addTo := func(i int, key, label, value string, pa *program.Partner) {
		g := byKey[i][key]
		if g == nil {
			g = &group{key: key, label: label, value: value}
			byKey[i][key] = g
			dims[i].groups = append(dims[i].groups, g)
		}
		if n := len(g.ps); n == 0 || g.ps[n-1] != pa {
			g.ps = append(g.ps, pa)
		}
	}
	for _, pa := range all {
		ps := st.listed[pa]
		if ps.tier != nil {
			addTo(0, ps.tier.ID, ps.tier.Name, ps.tier.ID, pa)
		}
		for _, t := range st.P.Tracks {
			for _, ce := range t.Certifications {
				if ps.held[ce.Key()] {
					addTo(1, t.ID+"-"+ce.Level, ce.Name, ce.Key(), pa)
				}
			}
		}
		for _, l := range pa.Locations {
			addTo(2, strings.ToLower(l.Country), countryName(l.Country), l.Country, pa)
		}
		for _, sp := range pa.Specialties {
			if k := slugify(sp); k != "" {
				addTo(3, k, sp, sp, pa)
			}
		}
	}
	// Order the values by what they mean: tiers by rank, certifications
	// by track (as the program lists them), then level rank, countries
	// and specialties by name.
	tierRank := map[string]int{}
	for _, t := range st.P.Tiers {
		tierRank[t.ID] = t.Rank
	}
	slices.SortFunc(dims[0].groups, func(a, b *group) int { return -cmp.Compare(tierRank[a.key], tierRank[b.key]) })
	certOrder := map[string]int{}
	for ti, t := range st.P.Tracks {
		for _, ce := range t.Certifications {
			certOrder[t.ID+"-"+ce.Level] = ti<<16 + levelRank(st.P, ce.Level)
		}
	}
	slices.SortFunc(dims[1].groups, func(a, b *group) int { return cmp.Compare(certOrder[a.key], certOrder[b.key]) })
	for _, i := range []int{2, 3} {
		slices.SortFunc(dims[i].groups, func(a, b *group) int { return cmp.Compare(a.label, b.label) })
	}
	var facets []Facet
	for _, dim := range dims {
		f := Facet{Name: dim.name, Open: dim.slug == "tier" || dim.slug == "certification"}
		for _, g := range dim.groups {
			f.Values = append(f.Values, FacetValue{Label: g.label, URL: st.Info.Base + "browse/" + dim.slug + "/" + g.key + "/",
				Facet: dim.slug, Value: g.value, N: len(g.ps)})
		}
		facets = append(facets, f)
	}
	st.Lists = append(st.Lists, st.paged("partners/", "All partners", "Every listed partner, highest tier first.", all, facets)...)
	for _, dim := range dims {
		for _, g := range dim.groups {
			heading := g.label
			intro := fmt.Sprintf("%d partners", len(g.ps))
			switch dim.slug {
			case "tier":
				heading = g.label + " partners"
			case "certification":
				intro = fmt.Sprintf("%d partners with people holding %s now.", len(g.ps), g.label)
			case "country":
				heading = "Partners in " + g.label
			case "specialty":
				heading = "Partners specialised in " + g.label
			}
			st.Lists = append(st.Lists, st.paged("browse/"+dim.slug+"/"+g.key+"/", heading, intro, g.ps, facets)...)
		}
	}
	home := &Home{Page: *st.page("home", "", st.P.Info.Name, st.Info.Promise), Total: len(all), Facets: facets, AllURL: st.Info.Base + "partners/"}
	for _, pa := range all[:min(len(all), 12)] {
		home.Featured = append(home.Featured, st.listed[pa].card)
	}
	st.Home = home
}

// paged splits a list of partners into pages of PerPage cards.
func (st *Site) paged(rel, heading, intro string, ps []*program.Partner, facets []Facet) []*List {
	n := max(1, (len(ps)+PerPage-1)/PerPage)
	url := func(i int) string {
		if i == 0 {
			return rel
		}
		return rel + strconv.Itoa(i+1) + "/"
	}
	var out []*List
	for i := range n {
		title := heading
		if i > 0 {
			title = fmt.Sprintf("%s (page %d of %d)", heading, i+1, n)
		}
		l := &List{Page: *st.page("list", url(i), title, intro), Heading: heading, Intro: intro, Total: len(ps), Facets: facets}
		for _, pa := range ps[i*PerPage : min(len(ps), (i+1)*PerPage)] {
			l.Cards = append(l.Cards, st.listed[pa].card)
		}
		if n > 1 {
			if i > 0 {
				l.Pager.Prev = st.Info.Base + url(i-1)
			}
			if i < n-1 {
				l.Pager.Next = st.Info.Base + url(i+1)
			}
			l.Pager.Number, l.Pager.Count = i+1, n
			for _, j := range pagerWindow(i, n) {
				if j < 0 {
					l.Pager.Pages = append(l.Pager.Pages, Link{Label: "…", Gap: true})
				} else {
					l.Pager.Pages = append(l.Pager.Pages, Link{Label: strconv.Itoa(j + 1), URL: st.Info.Base + url(j), Current: j == i})
				}
			}
		}
		l.Crumbs = []Link{{Label: "Directory", URL: st.Info.Base}}
		out = append(out, l)
	}
	return out
}

// pagerWindow returns the pages (from 0) a Pager of n pages shows on page
// i: the first, the last, and those within PagerWindow of i, with -1
// where pages are left out. A gap of one page shows that page instead:
// "…" would take its place for nothing.
func pagerWindow(i, n int) []int {
	var out []int
	last := -1
	for j := range n {
		if j != 0 && j != n-1 && (j < i-PagerWindow || j > i+PagerWindow) {
			continue
		}
		switch {
		case j == last+2:
			out = append(out, last+1)
		case j > last+2:
			out = append(out, -1)
		}
		out, last = append(out, j), j
	}
	return out
}

// slugify turns a label into a path segment: "Data migration" -> "data-migration".
func slugify(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(s) {
		switch {
		case r >= 'a' && r <= 'z' || r >= '0' && r <= '9':
			b.WriteRune(r)
			dash = false
		case r > 127 && (r >= 'à' && r <= 'ÿ'):
			b.WriteString(fold(r))
			dash = false
		case !dash && b.Len() > 0:
			b.WriteByte('-')
			dash = true
		}
	}
	return strings.TrimSuffix(b.String(), "-")
}

func fold(r rune) string {
	const from, to = "àáâãäåçèéêëìíîïñòóôõöùúûüýÿ", "aaaaaaceeeeiiiinooooouuuuyy"
	for i, f := range []rune(from) {
		if f == r {
			return string(to[i])
		}
	}
	return ""
}

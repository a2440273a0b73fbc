package site

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/accredit/accredit/cmd/internal/date"
	"github.com/accredit/accredit/cmd/internal/markdown"
	"github.com/accredit/accredit/cmd/internal/program"
	"github.com/accredit/accredit/cmd/internal/standing"
)

var statusLabels = map[standing.Status]string{
	standing.Active: "Active", standing.Grace: "In grace period", standing.Lapsed: "Lapsed",
	standing.Expired: "Expired", standing.Renewed: "Renewed", standing.Revoked: "Revoked",
}

// StatusLabel is the words for a status.
func StatusLabel(s standing.Status) string { return statusLabels[s] }

func (st *Site) credURL(c *program.Credential) string {
	return st.Info.Base + "verify/" + c.ID + "/"
}

// public reports whether a person may be shown: public, at a listed partner.
func public(pe *program.Person) bool { return pe.Public && pe.Partner.Listed }

func (st *Site) partnerPages() error {
	for _, pa := range st.listedPartners() {
		pp, err := st.partnerPage(pa)
		if err != nil {
			return err
		}
		st.Partners = append(st.Partners, pp)
		st.PartnersJSON = append(st.PartnersJSON, st.partnerJSON(pa, st.listed[pa]))
	}
	slices.SortFunc(st.PartnersJSON, func(a, b PartnerJSON) int { return cmp.Compare(a.ID, b.ID) })
	return nil
}

// partnerPage is the profile of a listed partner.
func (st *Site) partnerPage(pa *program.Partner) (*PartnerPage, error) {
	ps := st.listed[pa]
	desc, err := markdown.ToHTML(pa.Description)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", pa.Src.File, err)
	}
	summary := fmt.Sprintf("%s is a %s partner", pa.Name, st.P.Info.Issuer)
	if ps.tier != nil {
		summary = fmt.Sprintf("%s is a %s %s partner", pa.Name, ps.tier.Name, st.P.Info.Issuer)
	}
	if len(pa.Locations) > 0 {
		summary += " in " + pa.Locations[0].City
	}
	summary += fmt.Sprintf(" with %d certified people.", ps.card.CertifiedAll)
	pp := &PartnerPage{
		Page:        *st.page("partner", "partners/"+pa.ID+"/", pa.Name, summary),
		Card:        ps.card,
		Website:     pa.Website,
		Joined:      pa.Joined,
		TierSince:   ps.since,
		Industries:  pa.Industries,
		Contact:     Contact{Email: pa.Contact.Email, Phone: pa.Contact.Phone},
		Description: desc,
		JoinedOn:    st.day(pa.Joined),
		SinceOn:     st.day(ps.since),
	}
	switch {
	case pa.Contact.Email != "":
		pp.ContactURL = "mailto:" + pa.Contact.Email
	case pa.Website != "":
		pp.ContactURL = pa.Website
	}
	pp.Crumbs = []Link{{Label: "Directory", URL: st.Info.Base}, {Label: "All partners", URL: st.Info.Base + "partners/"}}
	if ps.tier != nil {
		pp.Benefits = ps.tier.Benefits
	}
	for _, l := range pa.Locations {
		pp.Locations = append(pp.Locations, Location{City: l.City, Country: l.Country, CountryName: countryName(l.Country), Region: l.Region})
	}
	// Certified people per track and level: each person counted at
	// their highest current level of the track.
	for _, t := range st.P.Tracks {
		tc := TrackCounts{Track: t.Name}
		counts := map[string]int{}
		for _, creds := range ps.current {
			best := ""
			bestRank := -1
			for _, c := range creds {
				if l := st.P.Level(c.Level); c.Track == t.ID && l != nil && l.Rank > bestRank {
					best, bestRank = c.Level, l.Rank
				}
			}
			if best != "" {
				counts[best]++
			}
		}
		for _, ce := range t.Certifications {
			if n := counts[ce.Level]; n > 0 {
				tc.Levels = append(tc.Levels, Count{Label: ce.Name, N: n})
			}
		}
		if len(tc.Levels) > 0 {
			pp.ByLevel = append(pp.ByLevel, tc)
		}
	}
	for _, pe := range pa.People {
		creds := ps.current[pe]
		if !public(pe) || len(creds) == 0 {
			continue
		}
		row := PersonRow{Name: pe.Name, Anchor: personAnchor(pe)}
		for _, c := range creds {
			row.Credentials = append(row.Credentials, st.credLink(c))
		}
		pp.People = append(pp.People, row)
	}
	slices.SortFunc(pp.People, func(a, b PersonRow) int { return cmp.Compare(a.Name, b.Name) })
	return pp, nil
}

func (st *Site) credLink(c *program.Credential) CredLink {
	ce := st.P.CertificationOf(c)
	status := st.S.Status(c, st.Info.AsOf)
	cs := st.S.Of(c)
	l := CredLink{ID: c.ID, URL: st.credURL(c), Status: string(status), StatusLabel: StatusLabel(status), Issued: c.Issued, Expires: cs.Expires}
	if status == standing.Revoked {
		l.Revoked = c.Revoked
	}
	if cs.RenewedBy != nil {
		l.RenewedOn = cs.RenewedBy.Issued
	}
	l.StatusAttrs = StatusAttrs(l.Issued, l.Expires, l.Revoked, l.RenewedOn, st.Info.GraceDays, st.Info.Streamlined)
	if ce != nil {
		l.Name = ce.Name
	}
	if lv := st.P.Level(c.Level); lv != nil {
		l.Level = lv.Name
	}
	return l
}

func (st *Site) programPages() error {
	p := st.P
	pp := &ProgramPage{Page: *st.page("program", "program/", "The certification program",
		fmt.Sprintf("Tracks, levels, exams and partner tiers of the %s.", p.Info.Name))}
	pp.Policy = PolicyView{GraceDays: p.Policy.GraceDays, StreamlinedDays: p.Policy.StreamlinedDays, NoticeDays: p.Policy.NoticeDays, ResultValidDays: p.Policy.ResultValidDays}
	for _, t := range p.Tracks {
		ts := TrackSummary{Name: t.Name, URL: st.Info.Base + "program/" + t.ID + "/", Audience: t.Audience, Optional: t.Optional}
		tp := &TrackPage{Page: *st.page("track", "program/"+t.ID+"/", t.Name+" track", firstLine(t.Audience)), Name: t.Name, Audience: t.Audience, Optional: t.Optional}
		tp.Crumbs = []Link{{Label: "Program", URL: st.Info.Base + "program/"}}
		desc, err := markdown.ToHTML([]byte(t.Description))
		if err != nil {
			return fmt.Errorf("%s: %w", t.Src.File, err)
		}
		tp.Description = desc
		certs := slices.Clone(t.Certifications)
		slices.SortStableFunc(certs, func(a, b *program.Certification) int {
			return cmp.Compare(levelRank(p, a.Level), levelRank(p, b.Level))
		})
		for _, ce := range certs {
			ts.Levels = append(ts.Levels, ce.Name)
			tp.Certs = append(tp.Certs, st.certView(ce))
		}
		pp.Tracks = append(pp.Tracks, ts)
		st.Tracks = append(st.Tracks, tp)
	}
	tiers := slices.Clone(p.Tiers)
	slices.SortStableFunc(tiers, func(a, b *program.Tier) int { return cmp.Compare(a.Rank, b.Rank) })
	for _, t := range tiers {
		row := TierRow{Name: t.Name, Benefits: t.Benefits}
		for _, r := range t.Requires {
			row.Requires = append(row.Requires, fmt.Sprintf("%d %s", r.People, st.certName(r.Track, r.Level, true)))
		}
		if len(row.Requires) == 0 {
			row.Requires = []string{"No certification required"}
		}
		pp.Tiers = append(pp.Tiers, row)
	}
	st.Program = pp
	return nil
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(strings.TrimSpace(s), "\n")
	return s
}

func levelRank(p *program.Program, id string) int {
	if l := p.Level(id); l != nil {
		return l.Rank
	}
	return 0
}

// certName names a certification: "Certified Sales Associate", with "or
// higher" for tier requirements.
func (st *Site) certName(track, level string, orHigher bool) string {
	name := track + "/" + level
	if ce := st.P.Certification(track + "/" + level); ce != nil {
		name = ce.Name
	}
	if orHigher {
		name += " (or higher)"
	}
	return name
}

func (st *Site) certView(ce *program.Certification) CertView {
	p := st.P
	v := CertView{Name: ce.Name, Level: ce.Level}
	if l := p.Level(ce.Level); l != nil {
		v.Level = l.Name
	}
	v.Validity = plural(ce.ValidityMonths, "month")
	if ce.ValidityMonths%12 == 0 {
		v.Validity = plural(ce.ValidityMonths/12, "year")
	}
	for _, pre := range ce.Prerequisites {
		tr, lv, _ := strings.Cut(pre, "/")
		v.Prerequisites = append(v.Prerequisites, st.certName(tr, lv, false))
	}
	v.Courses = st.courseTitles(ce.Courses)
	if e := p.Exam(ce.Exam); e != nil {
		v.Exam = st.examView(e)
	}
	v.Assessments = st.kindNames(ce.Assessments, p.Assessment)
	v.Rubrics = st.rubrics(ce)
	v.Evidence = st.evidence(ce.Evidence)
	for _, r := range ce.Recertify {
		var parts []string
		if len(r.Courses) > 0 {
			parts = append(parts, "complete "+strings.Join(st.courseTitles(r.Courses), " and "))
		}
		if e := p.Exam(r.Exam); e != nil {
			parts = append(parts, "pass the "+e.Title)
		}
		if a := st.kindNames(r.Assessments, p.Assessment); len(a) > 0 {
			parts = append(parts, "pass the "+strings.Join(a, " and "))
		}
		if ev := st.evidence(r.Evidence); len(ev) > 0 {
			parts = append(parts, "submit "+strings.Join(ev, " and "))
		}
		v.Recertify = append(v.Recertify, capitalize(strings.Join(parts, ", and ")))
	}
	return v
}

func (st *Site) examView(e *program.Exam) *ExamView {
	v := &ExamView{Title: e.Title, Format: e.Format, Questions: e.Questions, Minutes: e.DurationMinutes, Passing: st.P.PassingScore(e)}
	if l := st.P.Level(e.Level); l != nil {
		v.Attempts = "unlimited attempts"
		if l.AttemptsIncluded > 0 {
			v.Attempts = plural(l.AttemptsIncluded, "attempt") + " included until a pass"
		}
		v.Wait = l.RetakeWaitDays
		v.Proctoring = strings.Join(l.Proctoring, ", ")
	}
	return v
}

func (st *Site) courseTitles(ids []string) []string {
	var out []string
	for _, id := range ids {
		if c := st.P.Course(id); c != nil {
			out = append(out, c.Title)
		} else {
			out = append(out, id)
		}
	}
	return out
}

func (st *Site) kindNames(ids []string, look func(string) *program.Kind) []string {
	var out []string
	for _, id := range ids {
		if k := look(id); k != nil {
			out = append(out, k.Name)
		} else {
			out = append(out, id)
		}
	}
	return out
}

func (st *Site) evidence(m map[string]int) []string {
	var out []string
	for _, id := range sortedKeys(m) {
		name, how := id, ""
		if k := st.P.EvidenceKind(id); k != nil {
			name = k.Name
			switch {
			case k.RequiresReview && k.RequiresReference:
				how = ", reviewed, with a customer reference"
			case k.RequiresReview:
				how = ", reviewed"
			case k.RequiresReference:
				how = ", with a customer reference"
			}
		}
		out = append(out, fmt.Sprintf("%d × %s%s", m[id], strings.ToLower(name), how))
	}
	return out
}

// rubrics lists the rubrics of the assessment kinds a certification or
// its recertify options ask for, each once, in the order asked.
func (st *Site) rubrics(ce *program.Certification) []RubricView {
	var out []RubricView
	seen := map[string]bool{}
	add := func(ids []string) {
		for _, id := range ids {
			k := st.P.Assessment(id)
			if k == nil || !k.HasRubric() || seen[id] {
				continue
			}
			seen[id] = true
			r := RubricView{Name: k.Name, Pass: k.Pass, Max: k.MaxTotal()}
			for _, c := range k.Criteria {
				r.Criteria = append(r.Criteria, CriterionView{Name: c.Name, Max: c.Max, Min: c.Min})
			}
			out = append(out, r)
		}
	}
	add(ce.Assessments)
	for _, r := range ce.Recertify {
		add(r.Assessments)
	}
	return out
}

func sortedKeys(m map[string]int) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

func (st *Site) contentPages() error {
	pages := slices.Clone(st.P.Pages)
	slices.SortStableFunc(pages, func(a, b *program.Page) int {
		return cmp.Or(cmp.Compare(a.Weight, b.Weight), cmp.Compare(a.URL, b.URL))
	})
	st.Info.Nav = []Link{{Label: "Directory", URL: st.Info.Base}, {Label: "Program", URL: st.Info.Base + "program/"}, {Label: "Verify", URL: st.Info.Base + "verify/"}}
	for _, pg := range pages {
		if pg.Draft {
			continue
		}
		body, err := markdown.ToHTML(pg.Body)
		if err != nil {
			return fmt.Errorf("%s: %w", pg.Src.File, err)
		}
		rel := strings.TrimPrefix(pg.URL, "/")
		cp := &ContentPage{Page: *st.page("page", rel, pg.Title, pg.Description), Body: body}
		if strings.HasSuffix("/"+rel, "/verifying/") && (st.verifying == "" || rel == "docs/verifying/") {
			st.verifying = cp.URL
		}
		st.Pages = append(st.Pages, cp)
		if pg.Menu {
			st.Info.Nav = append(st.Info.Nav, Link{Label: pg.Title, URL: st.Info.Base + rel})
		}
	}
	return nil
}

// FeedEntry is one item of the Atom feed: a tier change or new
// certifications at a listed partner.
type FeedEntry struct {
	ID, Title, URL, Summary string
	Updated                 date.Date
}

// feedMax is the number of entries of the feed.
const feedMax = 50

// feedItem is an entry of a listed partner's feed, kept small: there are
// up to feedMax for each of 10,000 partners, so that serve can refresh
// one partner alone, and feed writes out the text of the feedMax it
// keeps.
type feedItem struct {
	pa     *program.Partner
	on     date.Date
	change int32 // the tier change partnerState.changes[change], or -1: the day's new certifications
}

// kind is the part of the entry's id after "#", before the day.
func (it feedItem) kind() string {
	if it.change >= 0 {
		return "tier-"
	}
	return "certified-"
}

// feedBefore orders the feed: latest first, then by id, SiteURL +
// "partners/" + partner + "/#" + kind + day, compared where two ids of
// one day can differ without writing them out.
func feedBefore(a, b feedItem) int {
	if c := -a.on.Compare(b.on); c != 0 {
		return c
	}
	return compareJoined([3]string{a.pa.ID, "/#", a.kind()}, [3]string{b.pa.ID, "/#", b.kind()})
}

// compareJoined compares the strings a and b join into.
func compareJoined(a, b [3]string) int {
	i, j := 0, 0 // the part of a, of b
	x, y := a[0], b[0]
	for {
		for x == "" && i < len(a)-1 {
			i++
			x = a[i]
		}
		for y == "" && j < len(b)-1 {
			j++
			y = b[j]
		}
		switch {
		case x == "" && y == "":
			return 0
		case x == "":
			return -1
		case y == "":
			return 1
		}
		n := min(len(x), len(y))
		if c := strings.Compare(x[:n], y[:n]); c != 0 {
			return c
		}
		x, y = x[n:], y[n:]
	}
}

// partnerFeed lists a listed partner's feed items, in feed order, at
// most feedMax: the feed's entries are the first of all partners', so a
// refresh of one partner recomputes only its own.
func (st *Site) partnerFeed(pa *program.Partner, ps *partnerState) []feedItem {
	var its []feedItem
	for i, ch := range ps.changes {
		its = append(its, feedItem{pa, ch.on, int32(i)})
	}
	// New certifications, one entry per partner and issue date.
	days := map[date.Date]bool{}
	for _, pe := range pa.People {
		for _, c := range pe.Certifications {
			if st.newCertification(c) && !days[c.Issued] {
				days[c.Issued] = true
				its = append(its, feedItem{pa, c.Issued, -1})
			}
		}
	}
	slices.SortFunc(its, feedBefore)
	return slices.Clone(its[:min(len(its), feedMax)])
}

// newCertification reports whether c is news of the feed: issued by D,
// not a renewal, of a certification the program has.
func (st *Site) newCertification(c *program.Credential) bool {
	return !c.Issued.After(st.Info.AsOf) && c.Renews == "" && st.P.CertificationOf(c) != nil
}

// feed keeps the latest feedMax entries of every listed partner's.
func (st *Site) feed() {
	var top []feedItem
	for _, pa := range st.P.Partners {
		ps, ok := st.listed[pa]
		if !ok {
			continue
		}
		for _, e := range ps.feed {
			if len(top) == feedMax && feedBefore(e, top[feedMax-1]) >= 0 {
				break // the partner's later entries come after it too
			}
			i, _ := slices.BinarySearchFunc(top, e, feedBefore)
			top = slices.Insert(top, i, e)
			if len(top) > feedMax {
				top = top[:feedMax]
			}
		}
	}
	st.Feed = make([]FeedEntry, len(top))
	for i, it := range top {
		st.Feed[i] = st.feedEntry(it)
	}
}

// feedEntry writes out a feed item.
func (st *Site) feedEntry(it feedItem) FeedEntry {
	pa := it.pa
	url := st.Info.SiteURL + "partners/" + pa.ID + "/"
	e := FeedEntry{ID: url + "#" + it.kind() + it.on.String(), URL: url, Updated: it.on}
	if it.change >= 0 {
		ch := st.listed[pa].changes[it.change]
		from, to := "no tier", "no tier"
		if ch.from != nil {
			from = ch.from.Name
		}
		if ch.to != nil {
			to = ch.to.Name
		}
		e.Title = pa.Name + " is now " + to
		e.Summary = fmt.Sprintf("%s moved from %s to %s on %s.", pa.Name, from, to, ch.on)
		return e
	}
	var names []string
	for _, pe := range pa.People {
		for _, c := range pe.Certifications {
			if c.Issued == it.on && st.newCertification(c) {
				names = append(names, st.P.CertificationOf(c).Name)
			}
		}
	}
	slices.Sort(names)
	e.Title = pa.Name + ": " + plural(len(names), "new certification")
	e.Summary = fmt.Sprintf("%s certified on %s: %s.", pa.Name, it.on, strings.Join(names, ", "))
	return e
}

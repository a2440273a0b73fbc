package main

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"

	"github.com/accredit/accredit/cmd/internal/credid"
	"github.com/accredit/accredit/cmd/internal/date"
	"github.com/accredit/accredit/cmd/internal/program"
)

type gen struct {
	p    *program.Program
	r    *rand.Rand
	asOf date.Date
	ids  map[string]bool
	// extra is the percentage of people who also hold the foundation
	// credential of a second track (see -extra).
	extra int
	// assess writes what issue 20 asks of records (see -assess): scores
	// on rubric results, review on evidence, webcam monitoring.
	assess bool
}

func newGen(p *program.Program, seed int64, asOf date.Date) *gen {
	return &gen{p: p, r: rand.New(rand.NewPCG(uint64(seed), 0x5eed)), asOf: asOf, ids: map[string]bool{}}
}

func (g *gen) pick(xs []string) string { return xs[g.r.IntN(len(xs))] }

// days returns a random number of days in [lo, hi].
func (g *gen) days(lo, hi int) int { return lo + g.r.IntN(hi-lo+1) }

// id returns a fresh credential id from the seeded source.
func (g *gen) id() string {
	for {
		vals := make([]int, 11)
		var b strings.Builder
		for i := range vals {
			vals[i] = g.r.IntN(32)
			if i == 4 || i == 8 {
				b.WriteByte('-')
			}
			b.WriteByte(credid.Alphabet[vals[i]])
		}
		b.WriteByte(credid.CheckSymbol(vals))
		if s := b.String(); !g.ids[s] {
			g.ids[s] = true
			return s
		}
	}
}

var (
	adjectives = []string{"Blue", "Northern", "Granite", "Silver", "Harbor", "Summit", "Copper", "Evergreen", "Lakeside", "Bright", "Iron", "Maple", "Coastal", "Prairie", "Cedar", "Atlas", "Pioneer", "Meridian", "Beacon", "Falcon"}
	nouns      = []string{"Bridge", "Stream", "Logic", "Works", "Point", "Path", "Signal", "Forge", "Harbor", "Field", "Circuit", "Ledger", "Vector", "Orbit", "Anchor", "Canopy", "Relay", "Keystone", "Lattice", "Quarry"}
	suffixes   = []string{"Consulting", "Integration", "Systems", "Partners", "Digital", "Solutions", "Group", "Labs"}
	firsts     = []string{"Anna", "Ben", "Chloe", "Daniel", "Elena", "Farid", "Grace", "Hiro", "Ingrid", "Jonas", "Kavya", "Liam", "Maria", "Nils", "Olivia", "Pedro", "Qin", "Rosa", "Sanjay", "Tara", "Uwe", "Valeria", "Wei", "Yara", "Zoe"}
	lasts      = []string{"Alvarez", "Becker", "Chen", "Dubois", "Eriksen", "Fischer", "Garcia", "Hughes", "Ito", "Jensen", "Kowalski", "Larsen", "Mehta", "Novak", "Okafor", "Patel", "Rossi", "Santos", "Tanaka", "Umar", "Vogel", "Walsh", "Xu", "Yilmaz", "Zimmer"}
	cities     = []struct{ city, country, region string }{
		{"Berlin", "DE", "EMEA"}, {"Munich", "DE", "EMEA"}, {"London", "GB", "EMEA"}, {"Paris", "FR", "EMEA"}, {"Madrid", "ES", "EMEA"},
		{"Stockholm", "SE", "EMEA"}, {"Amsterdam", "NL", "EMEA"}, {"New York", "US", "Americas"}, {"Chicago", "US", "Americas"},
		{"Toronto", "CA", "Americas"}, {"São Paulo", "BR", "Americas"}, {"Mexico City", "MX", "Americas"}, {"Tokyo", "JP", "APAC"},
		{"Singapore", "SG", "APAC"}, {"Sydney", "AU", "APAC"}, {"Bengaluru", "IN", "APAC"}, {"Auckland", "NZ", "APAC"},
	}
	specialties = []string{"Data migration", "ERP integration", "CRM integration", "API management", "Event-driven architecture", "Managed services", "Healthcare integration", "Retail and e-commerce", "Financial services", "Manufacturing"}
	industries  = []string{"Healthcare", "Retail", "Financial services", "Manufacturing", "Public sector", "Logistics", "Energy", "Education"}
	stories     = []string{"ERP to CRM order sync", "Warehouse event pipeline", "Patient record integration", "Supplier onboarding portal", "Invoice automation", "Customer 360 data hub"}
)

func (g *gen) partner(i, people int) []file {
	name := fmt.Sprintf("%s %s %s", g.pick(adjectives), g.pick(nouns), g.pick(suffixes))
	id := fmt.Sprintf("%s-%d", slug(name), i+1)
	domain := id + ".example"
	loc := cities[g.r.IntN(len(cities))]
	spec := pickN(g, specialties, 1+g.r.IntN(3))
	ind := pickN(g, industries, 1+g.r.IntN(2))
	var b strings.Builder
	b.WriteString("+++\n")
	fmt.Fprintf(&b, "name = %s\nwebsite = %s\njoined = %s\n", q(name), q("https://"+domain), g.asOf.AddDays(-g.days(400, 3000)))
	if g.r.IntN(50) == 0 {
		b.WriteString("listed = false\n")
	}
	fmt.Fprintf(&b, "specialties = [%s]\nindustries = [%s]\n", qlist(spec), qlist(ind))
	fmt.Fprintf(&b, "\n[contact]\nemail = %s\nphone = \"+1 555 %04d\"\n", q("alliances@"+domain), g.r.IntN(10000))
	fmt.Fprintf(&b, "\n[[locations]]\ncity = %s\ncountry = %q\nregion = %q\n", q(loc.city), loc.country, loc.region)
	b.WriteString("+++\n")
	fmt.Fprintf(&b, "%s helps customers in %s connect their systems with Northwind Flow, with a focus on %s.\n",
		name, loc.city, strings.ToLower(spec[0]))
	files := []file{{"partners/" + id + "/partner.md", b.String()}}
	seen := map[string]bool{}
	for j := range people {
		first, last := g.pick(firsts), g.pick(lasts)
		pid := slug(first + " " + last)
		if seen[pid] {
			pid = fmt.Sprintf("%s-%d", pid, j+1)
		}
		seen[pid] = true
		files = append(files, file{"partners/" + id + "/people/" + pid + ".toml", g.person(first+" "+last, pid+"@"+domain)})
	}
	return files
}

func pickN(g *gen, xs []string, n int) []string {
	idx := g.r.Perm(len(xs))[:n]
	slices.Sort(idx)
	out := make([]string, n)
	for i, k := range idx {
		out[i] = xs[k]
	}
	return out
}

func qlist(xs []string) string {
	var parts []string
	for _, x := range xs {
		parts = append(parts, q(x))
	}
	return strings.Join(parts, ", ")
}

func slug(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(s) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			b.WriteRune(r)
			dash = false
		} else if !dash && b.Len() > 0 {
			b.WriteByte('-')
			dash = true
		}
	}
	return strings.TrimSuffix(b.String(), "-")
}

// record is one person's history as it is being generated.
type record struct {
	training    []string
	exams       []string
	assessments []string
	evidence    []string
	certs       []string
	held        []held
}

type held struct {
	track  string
	rank   int
	issued date.Date
	id     string
}

func (g *gen) person(name, email string) string {
	r := &record{}
	top := g.asOf.AddDays(-g.days(0, 300))
	switch n := g.r.IntN(100); {
	case n < 35:
		g.grant(r, "sales/foundation", top)
	case n < 55:
		g.grant(r, "technical/foundation", top)
	case n < 70:
		g.grant(r, "sales/professional", top)
	case n < 80:
		g.grant(r, "technical/professional", top)
	case n < 88:
		g.grant(r, "delivery/foundation", top)
	case n < 92:
		g.grant(r, "marketing/foundation", top)
	case n < 95:
		g.grant(r, "sales/expert", top)
	default:
		g.renewed(r, "sales/foundation")
	}
	// A draw of its own, after the first credential's, so that -extra 0
	// writes the same program as before the flag existed.
	if g.extra > 0 && g.r.IntN(100) < g.extra {
		var free []string
		for _, key := range []string{"sales/foundation", "technical/foundation", "delivery/foundation", "marketing/foundation"} {
			track, _, _ := strings.Cut(key, "/")
			if !r.holds(track, 0, top) {
				free = append(free, key)
			}
		}
		if len(free) > 0 {
			g.grant(r, g.pick(free), top.AddDays(-g.days(0, 60)))
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "name = %s\nemail = %s\npublic = %v\n", q(name), q(email), g.r.IntN(10) < 6)
	for _, part := range [][]string{r.training, r.exams, r.assessments, r.evidence, r.certs} {
		for _, s := range part {
			b.WriteString("\n")
			b.WriteString(s)
		}
	}
	return b.String()
}

// grant adds a credential of key issued on day, with everything it needs:
// prerequisites first (issued earlier and still active), then courses, an
// exam pass, assessments and evidence dated within their windows.
func (g *gen) grant(r *record, key string, day date.Date) string {
	ce := g.p.Certification(key)
	level := g.p.Level(ce.Level)
	for _, pre := range ce.Prerequisites {
		track, lv, _ := strings.Cut(pre, "/")
		rank := g.p.Level(lv).Rank
		if !r.holds(track, rank, day) {
			g.grant(r, pre, day.AddDays(-g.days(30, 120)))
		}
	}
	g.satisfy(r, &ce.Requirements, day, day.AddDays(-200))
	id := g.id()
	r.certs = append(r.certs, fmt.Sprintf("[[certifications]]\nid = %q\ntrack = %q\nlevel = %q\nissued = %s\n", id, ce.Track.ID, ce.Level, day))
	r.held = append(r.held, held{ce.Track.ID, level.Rank, day, id})
	return id
}

// satisfy adds results meeting req, dated after from and on or before day.
func (g *gen) satisfy(r *record, req *program.Requirements, day, from date.Date) {
	span := day.Sub(from) - 1
	within := func(max int) date.Date { return day.AddDays(-g.days(0, min(max, span))) }
	for _, c := range req.Courses {
		r.training = append(r.training, fmt.Sprintf("[[training]]\ncourse = %q\ncompleted = %s\n", c, within(60)))
	}
	if req.Exam != "" {
		e := g.p.Exam(req.Exam)
		lv := g.p.Level(e.Level)
		pass := g.p.PassingScore(e)
		proc := "self"
		if len(lv.Proctoring) > 0 {
			proc = lv.Proctoring[0]
		}
		at := fmt.Sprintf("[[exams]]\nexam = %q\ndate = %s\nscore = %d\nproctoring = %q\n", e.ID, within(20), pass+g.r.IntN(101-pass), proc)
		if g.assess && proc == "self" && len(lv.Monitoring) > 0 {
			at += fmt.Sprintf("monitoring = %q\n", lv.Monitoring[0])
		}
		r.exams = append(r.exams, at)
	}
	for _, a := range req.Assessments {
		res := fmt.Sprintf("[[assessments]]\nassessment = %q\ndate = %s\npassed = true\nreviewer = \"Certification team\"\n", a, within(30))
		if k := g.p.Assessment(a); g.assess && k != nil && k.HasRubric() {
			res += "scores = " + g.scores(k) + "\n"
		}
		r.assessments = append(r.assessments, res)
	}
	kinds := make([]string, 0, len(req.Evidence))
	for k := range req.Evidence {
		kinds = append(kinds, k)
	}
	slices.Sort(kinds)
	for _, k := range kinds {
		for range req.Evidence[k] {
			on := within(180)
			ev := fmt.Sprintf("[[evidence]]\nkind = %q\ndate = %s\ntitle = %q\n", k, on, g.pick(stories))
			if ek := g.p.EvidenceKind(k); g.assess && ek != nil && (ek.RequiresReview || ek.RequiresReference) {
				ev += g.review(ek, on, day)
			}
			r.evidence = append(r.evidence, ev)
		}
	}
}

// scores returns points for every criterion of k's rubric that meet it:
// each criterion at least its floor, the total at least the pass mark.
func (g *gen) scores(k *program.Kind) string {
	pts := make([]int, len(k.Criteria))
	total := 0
	for i, c := range k.Criteria {
		pts[i] = c.Min + g.r.IntN(c.Max-c.Min+1)
		total += pts[i]
	}
	for i, c := range k.Criteria { // raise to the pass mark, criterion by criterion
		if total >= k.Pass {
			break
		}
		add := min(c.Max-pts[i], k.Pass-total)
		pts[i] += add
		total += add
	}
	var parts []string
	for i, c := range k.Criteria {
		parts = append(parts, fmt.Sprintf("%s = %d", c.ID, pts[i]))
	}
	return "{ " + strings.Join(parts, ", ") + " }"
}

// reviewers are who approves generated evidence: administrators with the
// grants role in the example program.
var reviewers = []string{"Dana Whitfield", "Marcus Oyelaran"}

// review returns an evidence item's review, approved between its date
// and the grant's issue date.
func (g *gen) review(k *program.Kind, on, issued date.Date) string {
	approved := on.AddDays(g.r.IntN(min(5, issued.Sub(on)) + 1))
	s := fmt.Sprintf("reviewer = %q\napproved = %s\nartifact = \"https://portal.northwind.example/evidence/%d\"\n", g.pick(reviewers), approved, g.r.IntN(1_000_000))
	if k.RequiresReference {
		s += fmt.Sprintf("reference = %q\n", g.pick(firsts)+" "+g.pick(lasts)+", CIO")
	}
	return s
}

func (r *record) holds(track string, rank int, day date.Date) bool {
	for _, h := range r.held {
		if h.track == track && h.rank >= rank && !h.issued.After(day) && day.Sub(h.issued) < 300 {
			return true
		}
	}
	return false
}

// renewed adds a credential issued about a year ago and its renewal with
// continuity, met by one of the recertify options.
func (g *gen) renewed(r *record, key string) {
	ce := g.p.Certification(key)
	first := g.asOf.AddDays(-g.days(340, 380))
	old := g.grant(r, key, first)
	renew := first.AddMonths(ce.ValidityMonths).AddDays(-g.days(1, 20))
	if renew.After(g.asOf) {
		renew = g.asOf
	}
	opt := ce.Recertify[g.r.IntN(len(ce.Recertify))]
	g.satisfy(r, opt, renew, first)
	r.certs = append(r.certs, fmt.Sprintf("[[certifications]]\nid = %q\ntrack = %q\nlevel = %q\nissued = %s\nrenews = %q\n", g.id(), ce.Track.ID, ce.Level, renew, old))
}

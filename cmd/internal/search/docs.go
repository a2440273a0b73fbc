package search

import (
	"cmp"
	"math"
	"slices"
	"strings"

	"github.com/accredit/accredit/cmd/internal/load"
	"github.com/accredit/accredit/cmd/internal/markdown"
	"github.com/accredit/accredit/cmd/internal/program"
	"github.com/accredit/accredit/cmd/internal/site"
)

//go:generate go run ./internal/countrygen country_table.go

// Facets are the facet names, in the order the UI shows them.
var Facets = []string{"type", "tier", "certification", "country", "region", "specialty", "industry"}

// facet indexes into Doc.Facets.
const (
	fType = iota
	fTier
	fCert
	fCountry
	fRegion
	fSpecialty
	fIndustry
	nFacets
)

// Doc is one search document: a listed partner or a public person.
type Doc struct {
	Num  int    // dense number: position in rank order
	Type string // "partner" or "person"
	ID   string // partner id, or "partner/person"
	// Name is indexed on its own and weighs most (NameBoost); Text is
	// the rest of what the document is found by.
	Name   string
	Text   string
	Facets [nFacets][]string
	Rank   int // tier rank; higher is better; -1 << 30 without a tier
	Card   Card
	// Static is the document's static rank, 0 to StaticLevels-1: its
	// tier's place among the program's tiers and how many certified
	// people (a partner) or credentials (a person) it has. A document's
	// text score is multiplied by Boost(Static), so that among equal or
	// close text scores the stronger partner comes first.
	Static int

	key string // Name folded, for sorting
}

// Card is what a result shows. It holds only what the directory's pages
// already publish.
type Card struct {
	Type        string   `json:"type"`
	ID          string   `json:"id"`
	Name        string   `json:"name"`
	URL         string   `json:"url"`
	Tier        string   `json:"tier,omitempty"`
	TierID      string   `json:"tierId,omitempty"`
	Partner     string   `json:"partner,omitempty"`
	Location    string   `json:"location,omitempty"`
	Specialties []string `json:"specialties,omitempty"`
	Credentials []string `json:"credentials,omitempty"`
	Certified   int      `json:"certified,omitempty"`
}

// Labels maps a facet value to its display name where the two differ
// (country codes, "track/level" ids, tier ids).
type Labels map[string]map[string]string

// Docs returns the documents of the site in rank order: tier rank
// (highest first), then name, then type and id; Num is the position. An
// empty query browses in this order.
func Docs(st *site.Site) ([]*Doc, Labels) {
	labels := Labels{"type": {"partner": "Partners", "person": "People"}, "tier": {}, "certification": {}, "country": {}, "region": {}, "specialty": {}, "industry": {}}
	var docs []*Doc
	order := programOrder(st.P)
	for _, e := range st.Directory() {
		pa := e.Partner
		rank := -1 << 30
		var tier []string
		tierName, tierID := "", ""
		if e.Tier != nil {
			rank, tier, tierName, tierID = e.Tier.Rank, []string{e.Tier.ID}, e.Tier.Name, e.Tier.ID
			labels["tier"][e.Tier.ID] = e.Tier.Name
		}
		var countries, regions, cities []string
		for _, l := range pa.Locations {
			countries = appendNew(countries, l.Country)
			labels["country"][l.Country] = countryName(l.Country)
			if l.Region != "" {
				regions = appendNew(regions, l.Region)
				labels["region"][l.Region] = l.Region
			}
			// A country is found by its code, its English name and its own
			// name: DE, Germany, Deutschland.
			cities = append(cities, l.City, countryName(l.Country), l.Country)
			if n := nativeNames[l.Country]; n != "" {
				cities = append(cities, n)
			}
		}
		for _, id := range e.Certifications {
			track, level, _ := strings.Cut(id, "/")
			labels["certification"][id] = st.CertName(track, level)
		}
		for _, s := range pa.Specialties {
			labels["specialty"][s] = s
		}
		for _, s := range pa.Industries {
			labels["industry"][s] = s
		}
		text := []string{strings.Join(pa.Specialties, ". "), strings.Join(pa.Industries, ". "), strings.Join(cities, ". "), markdown.PlainText(pa.Description)}
		d := &Doc{
			Type: "partner", ID: pa.ID, Name: pa.Name, Rank: rank,
			Text: strings.Join(text, "\n"),
			Card: Card{Type: "partner", ID: pa.ID, Name: pa.Name, URL: e.Card.URL, Tier: tierName, TierID: tierID,
				Location: e.Card.Locations, Specialties: pa.Specialties, Certified: e.Card.CertifiedAll},
		}
		d.Facets[fType] = []string{"partner"}
		d.Facets[fTier] = tier
		d.Facets[fCert] = e.Certifications
		d.Facets[fCountry] = countries
		d.Facets[fRegion] = regions
		d.Facets[fSpecialty] = pa.Specialties
		d.Facets[fIndustry] = pa.Industries
		docs = append(docs, d)
		for _, p := range e.People {
			var certs, names []string
			for _, c := range p.Current {
				certs = appendNew(certs, c.Track+"/"+c.Level)
			}
			slices.SortFunc(certs, order)
			for _, id := range certs {
				track, level, _ := strings.Cut(id, "/")
				names = append(names, st.CertName(track, level))
			}
			pd := &Doc{
				Type: "person", ID: pa.ID + "/" + p.Person.ID, Name: p.Person.Name, Rank: rank,
				Text: pa.Name + "\n" + strings.Join(names, ". "),
				Card: Card{Type: "person", ID: pa.ID + "/" + p.Person.ID, Name: p.Person.Name,
					URL: e.Card.URL + "#" + p.Anchor, Tier: tierName, TierID: tierID, Partner: pa.Name, Location: e.Card.Locations, Credentials: names},
			}
			pd.Facets[fType] = []string{"person"}
			pd.Facets[fTier] = tier
			pd.Facets[fCert] = certs
			pd.Facets[fCountry] = countries
			pd.Facets[fRegion] = regions
			docs = append(docs, pd)
		}
	}
	// Names compare as a reader expects, case and accents aside: the
	// folded keys are made once, not at each comparison.
	for _, d := range docs {
		d.key = foldName(d.Name)
	}
	staticRanks(docs)
	slices.SortFunc(docs, func(a, b *Doc) int {
		return cmp.Or(-cmp.Compare(a.Rank, b.Rank), -cmp.Compare(certified(a), certified(b)), cmp.Compare(a.key, b.key), cmp.Compare(a.Name, b.Name), cmp.Compare(a.Type, b.Type), cmp.Compare(a.ID, b.ID))
	})
	for i, d := range docs {
		d.Num = i
	}
	return docs, labels
}

// StaticLevels is the number of static ranks; StaticStep is what one
// level adds to a document's score factor (Boost).
const (
	StaticLevels = 16
	StaticStep   = 1.0 / 30
)

// Boost is the factor a document's text score is multiplied by: 1 for
// the lowest static rank, 1.5 for the highest. Half a text score's
// spread from document length alone, it lifts a Platinum partner with
// many certified people over a Registered one with one person for the
// same words, and never a text match over a name match (NameBoost).
func Boost(static int) float64 { return 1 + float64(static)*StaticStep }

// certified is what a document's static rank counts besides its tier: a
// partner's certified people, a person's credentials.
func certified(d *Doc) int {
	if d.Type == "partner" {
		return d.Card.Certified
	}
	return len(d.Card.Credentials)
}

// staticRanks sets every document's Static: half from its tier's place
// among the tiers present (none: 0), half from certified(d) on a log
// scale that is full at 31 people (a person: at 4 credentials).
func staticRanks(docs []*Doc) {
	var ranks []int
	for _, d := range docs {
		if d.Rank != -1<<30 && !slices.Contains(ranks, d.Rank) {
			ranks = append(ranks, d.Rank)
		}
	}
	slices.Sort(ranks)
	for _, d := range docs {
		tier := 0.0
		if i := slices.Index(ranks, d.Rank); i >= 0 {
			tier = float64(i+1) / float64(len(ranks))
		}
		c := float64(certified(d))
		full := 32.0
		if d.Type == "person" {
			full = 5
		}
		share := min(1, math.Log2(1+c)/math.Log2(full))
		d.Static = int(math.Round(tier*float64(StaticLevels/2) + share*float64(StaticLevels/2-1)))
	}
}

func foldName(s string) string { return strings.ToLower(foldString(s)) }

func countryName(code string) string {
	if n := load.CountryName(code); n != "" {
		return n
	}
	return code
}

func appendNew(xs []string, x string) []string {
	if slices.Contains(xs, x) {
		return xs
	}
	return append(xs, x)
}

// programOrder compares "track/level" ids as the program lists them.
func programOrder(p *program.Program) func(a, b string) int {
	pos := map[string]int{}
	for _, t := range p.Tracks {
		for _, ce := range t.Certifications {
			pos[t.ID+"/"+ce.Level] = len(pos)
		}
	}
	return func(a, b string) int { return cmp.Compare(pos[a], pos[b]) }
}

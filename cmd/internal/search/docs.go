package search

import (
	"cmp"
	"slices"
	"strings"

	"github.com/accredit/accredit/cmd/internal/load"
	"github.com/accredit/accredit/cmd/internal/markdown"
	"github.com/accredit/accredit/cmd/internal/program"
	"github.com/accredit/accredit/cmd/internal/site"
)

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
			cities = append(cities, l.City, countryName(l.Country))
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
	slices.SortFunc(docs, func(a, b *Doc) int {
		return cmp.Or(-cmp.Compare(a.Rank, b.Rank), cmp.Compare(a.key, b.key), cmp.Compare(a.Name, b.Name), cmp.Compare(a.Type, b.Type), cmp.Compare(a.ID, b.ID))
	})
	for i, d := range docs {
		d.Num = i
	}
	return docs, labels
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

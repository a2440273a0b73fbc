package site

import (
	"cmp"
	"slices"

	"github.com/accredit/accredit/cmd/internal/program"
)

// Entry is a listed partner as the directory shows it at D: what the
// search index is built from, so that search and pages never disagree.
type Entry struct {
	Partner *program.Partner
	Tier    *program.Tier // nil: no tier at D
	Card    Card
	// Certifications are the "track/level" ids held by a current
	// credential of anyone at the partner, public or not (the partner's
	// page counts them too), in program order.
	Certifications []string
	// People are the public people holding a current credential, by name.
	People []Person
}

// Person is a public person with their current credentials.
type Person struct {
	Person  *program.Person
	Anchor  string // the fragment of their row on the partner's page
	Current []*program.Credential
}

// Directory returns the listed partners in directory order (tier, people
// certified, name).
func (st *Site) Directory() []Entry {
	var out []Entry
	for _, pa := range st.listedPartners() {
		ps := st.listed[pa]
		e := Entry{Partner: pa, Tier: ps.tier, Card: ps.card}
		held := map[string]bool{}
		for pe, creds := range ps.current {
			for _, c := range creds {
				held[c.Track+"/"+c.Level] = true
			}
			if public(pe) && len(creds) > 0 {
				e.People = append(e.People, Person{Person: pe, Anchor: personAnchor(pe), Current: creds})
			}
		}
		for _, t := range st.P.Tracks {
			for _, ce := range t.Certifications {
				if id := t.ID + "/" + ce.Level; held[id] {
					e.Certifications = append(e.Certifications, id)
				}
			}
		}
		slices.SortFunc(e.People, func(a, b Person) int {
			return cmp.Or(cmp.Compare(a.Person.Name, b.Person.Name), cmp.Compare(a.Person.ID, b.Person.ID))
		})
		out = append(out, e)
	}
	return out
}

// CertName is a certification's display name ("Sales Professional").
func (st *Site) CertName(track, level string) string { return st.certName(track, level, false) }

func personAnchor(pe *program.Person) string { return "person-" + pe.ID }

package program

import (
	"slices"
	"strings"
)

// Splice says how SetPartner changed Credentials: the old partner's
// credentials (Removed) were at At, and the new partner's Added
// credentials are now at Credentials[At:At+Added].
type Splice struct {
	Old     *Partner // the partner replaced or removed, nil when new
	New     *Partner // the partner put in place, nil when removed
	At      int
	Removed []*Credential
	Added   int
}

// IDs returns the credential ids the splice removed or added: the ids
// whose lookups, duplicates and renewals may have changed.
func (sp Splice) IDs(p *Program) map[string]bool {
	ids := map[string]bool{}
	for _, c := range sp.Removed {
		ids[c.ID] = true
	}
	for _, c := range p.Credentials[sp.At : sp.At+sp.Added] {
		ids[c.ID] = true
	}
	return ids
}

// SetPartner puts pa, freshly loaded from the folder partners/<id> with
// its people, in place of the partner of that folder, adds it in folder
// order when there was none, or removes the partner when pa is nil. It
// links pa as Link would and keeps Credentials in file order with Seq its
// index, so that the program is the one Load would return after the same
// edit: accredit serve takes in an edit to one folder this way, without
// loading and linking 100,000 files again. Like Link, it must not run
// while another goroutine reads the program.
func (p *Program) SetPartner(id string, pa *Partner) Splice {
	i, found := slices.BinarySearchFunc(p.Partners, id, func(x *Partner, id string) int { return strings.Compare(x.ID, id) })
	sp := Splice{New: pa}
	if found {
		sp.Old = p.Partners[i]
	}
	// Where the partner's credentials start: after those of every
	// partner before it.
	sp.At = 0
	for j := i - 1; j >= 0; j-- {
		if c := lastCredential(p.Partners[j]); c != nil {
			sp.At = c.Seq + 1
			break
		}
	}
	if sp.Old != nil {
		for _, pe := range sp.Old.People {
			sp.Removed = append(sp.Removed, pe.Certifications...)
		}
	}
	switch {
	case found && pa != nil:
		p.Partners[i] = pa
	case found:
		p.Partners = slices.Delete(p.Partners, i, i+1)
	case pa != nil:
		p.Partners = slices.Insert(p.Partners, i, pa)
	}
	var added []*Credential
	if pa != nil {
		for _, pe := range pa.People {
			pe.Partner = pa
			for k, a := range pe.Exams {
				a.Index = k
			}
			for k, c := range pe.Certifications {
				c.Person, c.Index = pe, k
				added = append(added, c)
			}
		}
		p.partners[id] = pa
	} else {
		delete(p.partners, id)
	}
	sp.Added = len(added)
	p.Credentials = slices.Replace(p.Credentials, sp.At, sp.At+len(sp.Removed), added...)
	end := len(p.Credentials)
	if len(added) == len(sp.Removed) {
		end = sp.At + len(added)
	}
	for k := sp.At; k < end; k++ {
		p.Credentials[k].Seq = k
	}
	p.relinkIDs(sp, added)
	return sp
}

func lastCredential(pa *Partner) *Credential {
	for j := len(pa.People) - 1; j >= 0; j-- {
		if cs := pa.People[j].Certifications; len(cs) > 0 {
			return cs[len(cs)-1]
		}
	}
	return nil
}

// relinkIDs points the credential lookup of every id the splice touched at
// its first credential in file order, as Link does.
func (p *Program) relinkIDs(sp Splice, added []*Credential) {
	removed := map[*Credential]bool{}
	for _, c := range sp.Removed {
		removed[c] = true
	}
	firstAdded := map[string]*Credential{}
	for _, c := range added {
		if _, ok := firstAdded[c.ID]; !ok {
			firstAdded[c.ID] = c
		}
	}
	end := sp.At + sp.Added
	for id := range sp.IDs(p) {
		cur, ok := p.creds[id]
		switch {
		case ok && !removed[cur] && cur.Seq < sp.At:
			// An earlier partner's credential stays first.
		case firstAdded[id] != nil:
			p.creds[id] = firstAdded[id]
		case ok && !removed[cur]:
			// A later partner's credential that was first stays first.
		default:
			// The first was removed: the next one is after the splice.
			delete(p.creds, id)
			for _, c := range p.Credentials[end:] {
				if c.ID == id {
					p.creds[id] = c
					break
				}
			}
		}
	}
}

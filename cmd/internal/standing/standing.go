package standing

import (
	"slices"

	"github.com/accredit/accredit/cmd/internal/date"
	"github.com/accredit/accredit/cmd/internal/program"
)

// Status of a credential at a date.
type Status string

const (
	Revoked Status = "revoked"
	Renewed Status = "renewed"
	Active  Status = "active"
	Grace   Status = "grace"
	Lapsed  Status = "lapsed"
	Expired Status = "expired"
)

// Window says how a renewal relates to the credential it renews.
type Window int

const (
	NotRenewal  Window = iota // no renews key, or it does not resolve to a renewable credential
	Continuity                // issued before old expires + grace_days
	Streamlined               // issued before old expires + streamlined_days
	TooLate                   // issued later: not a renewal
	Invalid                   // renews a credential of another person, track or level, or one issued later
)

// Cred is what standing knows of one credential.
type Cred struct {
	*program.Credential
	Cert    *program.Certification // nil when the track/level does not exist
	Expires date.Date
	// Renews is the credential named by renews (nil when unknown), and
	// Window how this credential relates to it.
	Renews *program.Credential
	Window Window
	// RenewedBy is the renewal that carries this credential on, the earliest
	// valid one; a later second renewal is a rule error and links nothing.
	RenewedBy *program.Credential
	// SecondRenewal is set on a renewal of a credential that an earlier
	// renewal already carries on.
	SecondRenewal bool
}

// Standing holds the computed state of every credential of a program.
type Standing struct {
	Program *program.Program
	creds   []Cred // by Credential.Seq
}

// Compute links renewals and computes every credential's expiry.
func Compute(p *program.Program) *Standing {
	s := &Standing{Program: p, creds: make([]Cred, len(p.Credentials))}
	s.compute(p.Credentials)
	return s
}

// Update follows a program.SetPartner: it moves the standing of the
// credentials after the splice and computes that of the new partner's
// people, and of others (people whose renews name an id the splice
// touched: renewals link only within one person, so a person's standing
// depends on no one else's). Like SetPartner, it must not run while
// another goroutine reads the standing.
func (s *Standing) Update(sp program.Splice, others []*program.Person) {
	s.creds = slices.Replace(s.creds, sp.At, sp.At+len(sp.Removed), make([]Cred, sp.Added)...)
	list := slices.Clone(s.Program.Credentials[sp.At : sp.At+sp.Added])
	seen := map[*program.Person]bool{}
	for _, pe := range others {
		if pe.Partner != sp.New && !seen[pe] {
			seen[pe] = true
			list = append(list, pe.Certifications...)
		}
	}
	s.compute(list)
}

// compute computes the standing of a list of credentials that holds every
// credential of each person it holds any of.
func (s *Standing) compute(list []*program.Credential) {
	p := s.Program
	for _, c := range list {
		s.creds[c.Seq] = Cred{Credential: c, Cert: p.CertificationOf(c)}
	}
	// Link renewals in issue order, so the earliest renewal of a credential
	// wins. Only renewals are sorted (most credentials renew nothing): the
	// order among them is the one a stable sort of the whole list gives.
	var order []*program.Credential
	for _, c := range list {
		if c.Renews != "" {
			order = append(order, c)
		}
	}
	slices.SortStableFunc(order, func(a, b *program.Credential) int { return a.Issued.Compare(b.Issued) })
	for _, c := range order {
		cs := &s.creds[c.Seq]
		old := p.Credential(c.Renews)
		cs.Renews = old
		if old == nil || old == c || old.Person != c.Person || old.Track != c.Track || old.Level != c.Level || !old.Issued.Before(c.Issued) {
			cs.Window = Invalid
			continue
		}
		os := &s.creds[old.Seq]
		if os.RenewedBy != nil {
			cs.SecondRenewal = true
			continue
		}
		cs.Window = Streamlined // provisional: the window is fixed once expiries are known
		os.RenewedBy = c
	}
	state := make([]uint8, len(s.creds)) // 0 new, 1 computing, 2 done
	for _, c := range list {
		s.expire(c.Seq, state)
	}
}

// expire computes the expiry of credential i, first that of the credential
// it renews. A cycle of renews (an error reported by check) is cut.
func (s *Standing) expire(i int, state []uint8) {
	if state[i] != 0 {
		return
	}
	state[i] = 1
	cs := &s.creds[i]
	months := 0
	if cs.Cert != nil {
		months = cs.Cert.ValidityMonths
	}
	cs.Expires = cs.Issued.AddMonths(months)
	if cs.Window == Streamlined && !cs.SecondRenewal {
		old := &s.creds[cs.Renews.Seq]
		if state[old.Seq] == 1 { // cycle
			cs.Window = Invalid
			old.RenewedBy = nil
		} else {
			s.expire(old.Seq, state)
			pol := s.Program.Policy
			switch {
			case cs.Issued.Before(old.Expires.AddDays(pol.GraceDays)):
				cs.Window = Continuity
				cs.Expires = old.Expires.AddMonths(months)
			case cs.Issued.Before(old.Expires.AddDays(pol.StreamlinedDays)):
				cs.Window = Streamlined
			default:
				cs.Window = TooLate
				old.RenewedBy = nil
			}
		}
	}
	state[i] = 2
}

// Of returns the standing of a credential.
func (s *Standing) Of(c *program.Credential) *Cred { return &s.creds[c.Seq] }

// Status returns the status of c at d, first match wins: revoked, renewed,
// active, grace, lapsed, expired.
func (s *Standing) Status(c *program.Credential, d date.Date) Status {
	cs := &s.creds[c.Seq]
	pol := s.Program.Policy
	switch {
	case c.Revoked.Valid() && !d.Before(c.Revoked):
		return Revoked
	case cs.RenewedBy != nil && !d.Before(cs.RenewedBy.Issued):
		return Renewed
	case d.Before(cs.Expires):
		return Active
	case d.Before(cs.Expires.AddDays(pol.GraceDays)):
		return Grace
	case d.Before(cs.Expires.AddDays(pol.StreamlinedDays)):
		return Lapsed
	}
	return Expired
}

// Current reports whether c counts as held at d: issued on or before d and
// active, or in grace when grace counts.
func (s *Standing) Current(c *program.Credential, d date.Date, grace bool) bool {
	if d.Before(c.Issued) {
		return false
	}
	switch s.Status(c, d) {
	case Active:
		return true
	case Grace:
		return grace
	}
	return false
}

// Holds reports whether a person holds track at level rank minRank or
// higher at d (active, or grace when grace counts), not counting except
// (the credential whose prerequisites are being checked).
func (s *Standing) Holds(p *program.Person, track string, minRank int, d date.Date, grace bool, except *program.Credential) bool {
	for _, c := range p.Certifications {
		if c.Track != track || c == except {
			continue
		}
		l := s.Program.Level(c.Level)
		if l == nil || l.Rank < minRank {
			continue
		}
		if s.Current(c, d, grace) {
			return true
		}
	}
	return false
}

// Tier returns the highest-rank tier whose requirements the partner meets
// at d, or nil when it meets none.
func (s *Standing) Tier(pa *program.Partner, d date.Date) *program.Tier {
	var best *program.Tier
	for _, t := range s.Program.Tiers {
		if best != nil && t.Rank <= best.Rank {
			continue
		}
		if s.Meets(pa, t, d) {
			best = t
		}
	}
	return best
}

// Meets reports whether the partner meets every requirement of a tier at d.
func (s *Standing) Meets(pa *program.Partner, t *program.Tier, d date.Date) bool {
	grace := s.Program.Policy.CountGraceTowardTier
	for _, r := range t.Requires {
		l := s.Program.Level(r.Level)
		if l == nil {
			return false
		}
		n := 0
		for _, pe := range pa.People {
			if s.Holds(pe, r.Track, l.Rank, d, grace, nil) {
				n++
			}
		}
		if n < r.People {
			return false
		}
	}
	return true
}

// Expiring reports whether c is active at d and expires within the
// largest notice period.
func (s *Standing) Expiring(c *program.Credential, d date.Date) bool {
	return s.Status(c, d) == Active && s.creds[c.Seq].Expires.Sub(d) <= s.Program.Policy.MaxNotice()
}

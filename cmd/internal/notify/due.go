package notify

import (
	"slices"
	"strconv"

	"github.com/accredit/accredit/cmd/internal/date"
	"github.com/accredit/accredit/cmd/internal/program"
	"github.com/accredit/accredit/cmd/internal/standing"
)

// The notices besides the expiry ones of notice_days.
const (
	Grace  = "grace"  // the day the credential expires: renew within grace_days
	Lapsed = "lapsed" // the day grace ends: renewal still allowed, without continuity
)

// Notice is one notice due to a credential's holder.
type Notice struct {
	Notice  string // "60", "30", "7" (days before expiry), Grace or Lapsed
	Due     date.Date
	Cred    *program.Credential
	Expires date.Date
	Status  standing.Status // at D
}

// Key names the notice in the ledger: one per credential and stage.
func (n Notice) Key() string { return n.Cred.ID + "/" + n.Notice }

// stage is one notice of a credential, with the status it is for.
type stage struct {
	notice string
	due    date.Date
	status standing.Status
}

// stages lists a credential's notices in date order.
func stages(pol program.Policy, expires date.Date) []stage {
	days := slices.Clone(pol.NoticeDays)
	slices.Sort(days)
	slices.Reverse(days) // 60, 30, 7: earliest first
	var out []stage
	for _, n := range days {
		if n > 0 {
			out = append(out, stage{strconv.Itoa(n), expires.AddDays(-n), standing.Active})
		}
	}
	if pol.GraceDays > 0 {
		out = append(out, stage{Grace, expires, standing.Grace})
	}
	if pol.StreamlinedDays > pol.GraceDays {
		out = append(out, stage{Lapsed, expires.AddDays(pol.GraceDays), standing.Lapsed})
	}
	return out
}

// Due returns, for each credential issued on or before d, the latest of
// its notices due on or before d, if the credential's status at d is the
// one that notice is for (a renewed, revoked or expired credential gets
// none), in the program's file order. Sent reports the notices already
// sent: a sent latest notice means nothing is due.
func Due(p *program.Program, st *standing.Standing, d date.Date) []Notice {
	var out []Notice
	for _, c := range p.Credentials {
		if c.Issued.After(d) || st.Of(c).Cert == nil {
			continue
		}
		exp := st.Of(c).Expires
		var last *stage
		ss := stages(p.Policy, exp)
		for i := range ss {
			if !ss[i].due.After(d) && !ss[i].due.Before(c.Issued) {
				last = &ss[i]
			}
		}
		if last == nil {
			continue
		}
		if s := st.Status(c, d); s == last.status {
			out = append(out, Notice{Notice: last.notice, Due: last.due, Cred: c, Expires: exp, Status: s})
		}
	}
	return out
}

// The messages of events: a credential granted, renewed or revoked.
const (
	Issued      = "issued"
	RenewedBy   = "renewed" // the credential is a renewal of another
	RevokedNote = "revoked"
)

// EventDays is how long after a grant, renewal or revocation its message
// may still go out: a run that misses a few nights catches up, and a
// program's first run does not write to everyone ever certified.
const EventDays = 14

// Events returns the messages of grants, renewals and revocations dated
// in the EventDays up to d: a credential revoked by d gets its revocation
// (and no grant message); one issued in the window and still active at d
// gets its grant, or its renewal when it carries on another. Backdated
// records (an import) older than the window get none.
func Events(p *program.Program, st *standing.Standing, d date.Date) []Notice {
	var out []Notice
	recent := func(x date.Date) bool { return x.Valid() && !x.After(d) && d.Sub(x) < EventDays }
	for _, c := range p.Credentials {
		cs := st.Of(c)
		if c.Issued.After(d) || cs.Cert == nil {
			continue
		}
		if c.Revoked.Valid() && !c.Revoked.After(d) {
			if recent(c.Revoked) {
				out = append(out, Notice{Notice: RevokedNote, Due: c.Revoked, Cred: c, Expires: cs.Expires, Status: standing.Revoked})
			}
			continue
		}
		if !recent(c.Issued) || st.Status(c, d) != standing.Active {
			continue
		}
		kind := Issued
		if cs.Renews != nil && st.Of(cs.Renews).RenewedBy == c {
			kind = RenewedBy
		}
		out = append(out, Notice{Notice: kind, Due: c.Issued, Cred: c, Expires: cs.Expires, Status: standing.Active})
	}
	return out
}

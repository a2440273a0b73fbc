package plan

import (
	"slices"
	"strings"

	"github.com/accredit/accredit/cmd/internal/date"
	"github.com/accredit/accredit/cmd/internal/diag"
	"github.com/accredit/accredit/cmd/internal/program"
	"github.com/accredit/accredit/cmd/internal/standing"
)

// Side is one revision of the program, loaded and checked.
type Side struct {
	P     *program.Program
	S     *standing.Standing
	Diags []diag.Diagnostic // sorted
}

// Entry is one credential in a plan.
type Entry struct {
	ID      string `json:"id"`
	Holder  string `json:"holder"`
	Partner string `json:"partner"`
	Track   string `json:"track"`
	Level   string `json:"level"`
}

// TierChange is a partner whose tier at D differs; nil is no tier (or no
// such partner on that side).
type TierChange struct {
	Partner string  `json:"partner"`
	From    *string `json:"from"`
	To      *string `json:"to"`
}

// Plan is what the change from base to head does at D.
type Plan struct {
	Granted     []Entry           `json:"granted"`
	Renewed     []Entry           `json:"renewed"`
	Revoked     []Entry           `json:"revoked"`
	Removed     []Entry           `json:"removed"`
	Tiers       []TierChange      `json:"tiers"`
	Diagnostics []diag.Diagnostic `json:"diagnostics"` // new at head

	// Base and Head name the revisions in text and Markdown (short hashes).
	Base, Head string    `json:"-"`
	AsOf       date.Date `json:"-"`
	// HeadErrors and HeadWarnings count all of head's diagnostics, new or not.
	HeadErrors, HeadWarnings int `json:"-"`
}

// Compute compares base with head at asOf.
func Compute(base, head Side, asOf date.Date) *Plan {
	p := &Plan{AsOf: asOf, Granted: []Entry{}, Renewed: []Entry{}, Revoked: []Entry{}, Removed: []Entry{}, Tiers: []TierChange{}, Diagnostics: []diag.Diagnostic{}}
	for _, c := range head.P.Credentials {
		old := base.P.Credential(c.ID)
		switch {
		case head.P.Credential(c.ID) != c:
			// A duplicate id: check reports it; the first one stands.
		case old == nil && c.Renews != "":
			p.Renewed = append(p.Renewed, entry(c))
		case old == nil:
			p.Granted = append(p.Granted, entry(c))
		case c.Revoked.Valid() && c.Revoked != old.Revoked:
			p.Revoked = append(p.Revoked, entry(c))
		}
	}
	for _, c := range base.P.Credentials {
		if head.P.Credential(c.ID) == nil && base.P.Credential(c.ID) == c {
			p.Removed = append(p.Removed, entry(c))
		}
	}
	p.Tiers = tiers(base, head, asOf)
	p.Diagnostics = newDiags(base.Diags, head.Diags)
	p.HeadErrors, p.HeadWarnings = diag.Count(head.Diags)
	return p
}

func entry(c *program.Credential) Entry {
	return Entry{ID: c.ID, Holder: c.Person.Name, Partner: c.Person.Partner.ID, Track: c.Track, Level: c.Level}
}

// tiers lists the partners, by id, whose tier at D differs between the sides.
func tiers(base, head Side, d date.Date) []TierChange {
	out := []TierChange{}
	tierAt := func(s Side, id string) *string {
		pa := s.P.Partner(id)
		if pa == nil {
			return nil
		}
		if t := s.S.Tier(pa, d); t != nil {
			return &t.ID
		}
		return nil
	}
	ids := map[string]bool{}
	for _, s := range []Side{base, head} {
		for _, pa := range s.P.Partners {
			ids[pa.ID] = true
		}
	}
	sorted := make([]string, 0, len(ids))
	for id := range ids {
		sorted = append(sorted, id)
	}
	slices.Sort(sorted)
	for _, id := range sorted {
		from, to := tierAt(base, id), tierAt(head, id)
		if (from == nil) != (to == nil) || from != nil && *from != *to {
			out = append(out, TierChange{Partner: id, From: from, To: to})
		}
	}
	return out
}

// newDiags returns head's diagnostics that base does not have. Lines are
// not compared: an edit above a problem moves it without making it new.
func newDiags(base, head []diag.Diagnostic) []diag.Diagnostic {
	key := func(d diag.Diagnostic) string {
		return strings.Join([]string{d.File, d.Severity.String(), d.Rule, d.Msg}, "\x00")
	}
	seen := map[string]int{}
	for _, d := range base {
		seen[key(d)]++
	}
	out := []diag.Diagnostic{}
	for _, d := range head {
		if k := key(d); seen[k] > 0 {
			seen[k]--
			continue
		}
		out = append(out, d)
	}
	return out
}

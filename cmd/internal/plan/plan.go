package plan

import (
	"slices"
	"strings"

	"github.com/accredit/accredit/cmd/internal/date"
	"github.com/accredit/accredit/cmd/internal/diag"
	"github.com/accredit/accredit/cmd/internal/program"
	"github.com/accredit/accredit/cmd/internal/standing"
	"github.com/accredit/accredit/cmd/internal/tomlpos"
)

// Side is one revision of the program, loaded and checked.
type Side struct {
	P     *program.Program
	S     *standing.Standing
	Diags []diag.Diagnostic // sorted
	// ProgramTOML is the text of programs/program.toml, whose changed
	// keys the plan lists.
	ProgramTOML []byte
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

// Edit is a credential whose record changed otherwise than by a grant,
// a renewal or a revocation: Keys names what changed ("issued", "level",
// "file" for a record moved to another person's file).
type Edit struct {
	Entry
	Keys []string `json:"keys"`
	From string   `json:"from,omitempty"` // the file it was in, when moved
}

// RosterChange is an administrator added, removed or changed (roles,
// name, keys), by e-mail.
type RosterChange struct {
	Email  string   `json:"email"`
	Name   string   `json:"name"`
	Change string   `json:"change"` // added, removed, changed
	Roles  []string `json:"roles"`  // at head (none: every role)
}

// FileChange is a file of the program that the change adds, removes or
// edits (programs/program.toml is listed by key instead).
type FileChange struct {
	File   string `json:"file"`
	Change string `json:"change"` // added, removed, changed
}

// Plan is what the change from base to head does at D.
type Plan struct {
	Granted   []Entry `json:"granted"`
	Renewed   []Entry `json:"renewed"`
	Revoked   []Entry `json:"revoked"`
	Removed   []Entry `json:"removed"`
	Unrevoked []Entry `json:"unrevoked"` // revocations lifted
	Edited    []Edit  `json:"edited"`
	// Administrators and Program are the changes of the roster and of
	// programs/program.toml's keys (policy, levels, tiers...).
	Administrators []RosterChange    `json:"administrators"`
	Program        []string          `json:"program"`
	Files          []FileChange      `json:"files"`
	Tiers          []TierChange      `json:"tiers"`
	Diagnostics    []diag.Diagnostic `json:"diagnostics"` // new at head, and the audit's
	// Exams and Rubrics are exams whose status at D changes and results
	// scored against a rubric that the change adds or rescores.
	Exams   []ExamChange   `json:"exams,omitempty"`
	Rubrics []RubricResult `json:"rubrics,omitempty"`

	// Base and Head name the revisions in text and Markdown (short hashes).
	Base, Head string    `json:"-"`
	AsOf       date.Date `json:"-"`
	// HeadErrors and HeadWarnings count all of head's diagnostics, new or not.
	HeadErrors, HeadWarnings int `json:"-"`
}

// Compute compares base with head at asOf.
func Compute(base, head Side, asOf date.Date) *Plan {
	p := &Plan{AsOf: asOf, Granted: []Entry{}, Renewed: []Entry{}, Revoked: []Entry{}, Removed: []Entry{}, Unrevoked: []Entry{}, Edited: []Edit{},
		Administrators: []RosterChange{}, Program: []string{}, Files: []FileChange{}, Tiers: []TierChange{}, Diagnostics: []diag.Diagnostic{}}
	for _, c := range head.P.Credentials {
		old := base.P.Credential(c.ID)
		if head.P.Credential(c.ID) != c {
			continue // a duplicate id: check reports it; the first one stands
		}
		switch {
		case old == nil && c.Renews != "":
			p.Renewed = append(p.Renewed, entry(c))
		case old == nil:
			p.Granted = append(p.Granted, entry(c))
		}
		// Granted and revoked in one change is both.
		if c.Revoked.Valid() && (old == nil || c.Revoked != old.Revoked) {
			p.Revoked = append(p.Revoked, entry(c))
		}
		if old != nil && old.Revoked.Valid() && !c.Revoked.Valid() {
			p.Unrevoked = append(p.Unrevoked, entry(c))
		}
		if old != nil {
			if keys := edited(old, c); len(keys) > 0 {
				e := Edit{Entry: entry(c), Keys: keys}
				if old.Pos.File != c.Pos.File {
					e.From = old.Pos.File
				}
				p.Edited = append(p.Edited, e)
			}
		}
	}
	p.Administrators = roster(base.P, head.P)
	p.Program = changedKeys(base.ProgramTOML, head.ProgramTOML)
	for _, c := range base.P.Credentials {
		if head.P.Credential(c.ID) == nil && base.P.Credential(c.ID) == c {
			p.Removed = append(p.Removed, entry(c))
		}
	}
	p.Tiers = tiers(base, head, asOf)
	p.Exams = examChanges(base.P, head.P, asOf)
	p.Rubrics = rubricResults(base.P, head.P)
	p.Diagnostics = newDiags(base.Diags, head.Diags)
	p.HeadErrors, p.HeadWarnings = diag.Count(head.Diags)
	return p
}

// edited lists the keys of a credential's record that differ, beyond
// what Granted, Revoked and Unrevoked say.
func edited(old, c *program.Credential) []string {
	var keys []string
	add := func(changed bool, key string) {
		if changed {
			keys = append(keys, key)
		}
	}
	add(old.Track != c.Track, "track")
	add(old.Level != c.Level, "level")
	add(old.Issued != c.Issued, "issued")
	add(old.Renews != c.Renews, "renews")
	add(!slices.Equal(old.Waive, c.Waive), "waive")
	add(old.WaiverReason != c.WaiverReason, "waiver_reason")
	add(old.Revoked.Valid() && c.Revoked.Valid() && old.RevokedReason != c.RevokedReason, "revoked_reason")
	add(old.Pos.File != c.Pos.File, "file")
	return keys
}

// roster compares the administrators of two revisions, by e-mail.
func roster(base, head *program.Program) []RosterChange {
	byEmail := func(p *program.Program) map[string]*program.Administrator {
		m := map[string]*program.Administrator{}
		for _, a := range p.Administrators {
			m[strings.ToLower(a.Email)] = a
		}
		return m
	}
	b, h := byEmail(base), byEmail(head)
	out := []RosterChange{}
	for _, a := range head.Administrators {
		old := b[strings.ToLower(a.Email)]
		switch {
		case old == nil:
			out = append(out, RosterChange{Email: a.Email, Name: a.Name, Change: "added", Roles: rolesOf(a)})
		case old.Name != a.Name || !slices.Equal(old.Roles, a.Roles) || old.PGPKey != a.PGPKey || old.SSHKey != a.SSHKey:
			out = append(out, RosterChange{Email: a.Email, Name: a.Name, Change: "changed", Roles: rolesOf(a)})
		}
	}
	for _, a := range base.Administrators {
		if h[strings.ToLower(a.Email)] == nil {
			out = append(out, RosterChange{Email: a.Email, Name: a.Name, Change: "removed", Roles: rolesOf(a)})
		}
	}
	return out
}

func rolesOf(a *program.Administrator) []string {
	if len(a.Roles) == 0 {
		return program.Roles
	}
	return a.Roles
}

// changedKeys lists the keys of programs/program.toml whose values
// differ, in the head's order, then those removed.
func changedKeys(base, head []byte) []string {
	values := func(b []byte) ([]string, map[string]string) {
		var order []string
		m := map[string]string{}
		tomlpos.Values(b, func(path string, raw []byte) {
			if _, dup := m[path]; !dup {
				order = append(order, path)
			}
			m[path] = strings.TrimSpace(string(raw))
		})
		return order, m
	}
	bo, bm := values(base)
	ho, hm := values(head)
	out := []string{}
	for _, k := range ho {
		if v, ok := bm[k]; !ok || v != hm[k] {
			out = append(out, k)
		}
	}
	for _, k := range bo {
		if _, ok := hm[k]; !ok {
			out = append(out, k+" (removed)")
		}
	}
	return out
}

// AddAudit adds the git audit's diagnostics over the change's commits.
func (p *Plan) AddAudit(ds []diag.Diagnostic) {
	var all diag.List
	all.Append(p.Diagnostics)
	all.Append(ds)
	if sorted := all.Sorted(); len(sorted) > 0 {
		p.Diagnostics = sorted
	}
	errs, warns := diag.Count(ds)
	p.HeadErrors += errs
	p.HeadWarnings += warns
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

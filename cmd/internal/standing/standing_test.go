package standing

import (
	"testing"

	"github.com/accredit/accredit/cmd/internal/date"
	"github.com/accredit/accredit/cmd/internal/program"
)

func d(s string) date.Date {
	v, err := date.Parse(s)
	if err != nil {
		panic(err)
	}
	return v
}

// testProgram has a sales track (12-month foundation and professional,
// 24-month expert) and the default policy (grace 30, streamlined 90).
func testProgram(people ...*program.Person) *program.Program {
	p := &program.Program{Policy: program.DefaultPolicy()}
	p.Levels = []*program.Level{{ID: "foundation", Rank: 1}, {ID: "professional", Rank: 2}, {ID: "expert", Rank: 3}}
	for _, tr := range []string{"sales", "technical"} {
		p.Tracks = append(p.Tracks, &program.Track{ID: tr, Certifications: []*program.Certification{
			{Level: "foundation", ValidityMonths: 12},
			{Level: "professional", ValidityMonths: 12},
			{Level: "expert", ValidityMonths: 24},
		}})
	}
	p.Tiers = []*program.Tier{
		{ID: "registered", Rank: 0},
		{ID: "silver", Rank: 1, Requires: []*program.Require{{Track: "sales", Level: "foundation", People: 1}, {Track: "technical", Level: "foundation", People: 1}}},
		{ID: "gold", Rank: 2, Requires: []*program.Require{{Track: "sales", Level: "professional", People: 2}}},
	}
	p.Partners = []*program.Partner{{ID: "acme", People: people}}
	p.Link()
	return p
}

func person(id string, creds ...*program.Credential) *program.Person {
	return &program.Person{ID: id, Certifications: creds}
}

func cred(id, track, level, issued string) *program.Credential {
	return &program.Credential{ID: id, Track: track, Level: level, Issued: d(issued)}
}

func TestExpires(t *testing.T) {
	tests := []struct {
		name, level, issued, want string
	}{
		{"one year", "foundation", "2025-03-01", "2026-03-01"},
		{"leap day clamps", "foundation", "2024-02-29", "2025-02-28"},
		{"expert two years", "expert", "2024-02-29", "2026-02-28"},
		{"month end", "professional", "2025-01-31", "2026-01-31"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := cred("A", "sales", tt.level, tt.issued)
			s := Compute(testProgram(person("p", c)))
			if got := s.Of(c).Expires.String(); got != tt.want {
				t.Errorf("expires = %s, want %s", got, tt.want)
			}
		})
	}
}

func TestStatus(t *testing.T) {
	c := cred("A", "sales", "foundation", "2025-03-01") // expires 2026-03-01
	s := Compute(testProgram(person("p", c)))
	tests := []struct {
		at   string
		want Status
	}{
		{"2025-03-01", Active},
		{"2026-02-28", Active},
		{"2026-03-01", Grace}, // expires == D: no longer valid
		{"2026-03-30", Grace}, // last day of grace (expires + 29)
		{"2026-03-31", Lapsed},
		{"2026-05-29", Lapsed}, // last day of the streamlined window (expires + 89)
		{"2026-05-30", Expired},
		{"2030-01-01", Expired},
	}
	for _, tt := range tests {
		if got := s.Status(c, d(tt.at)); got != tt.want {
			t.Errorf("status at %s = %s, want %s", tt.at, got, tt.want)
		}
	}
}

func TestRevoked(t *testing.T) {
	c := cred("A", "sales", "foundation", "2025-03-01")
	c.Revoked = d("2025-06-01")
	r := cred("B", "sales", "foundation", "2026-02-01")
	r.Renews = "A"
	s := Compute(testProgram(person("p", c, r)))
	for at, want := range map[string]Status{"2025-05-31": Active, "2025-06-01": Revoked, "2026-02-01": Revoked, "2027-01-01": Revoked} {
		if got := s.Status(c, d(at)); got != want {
			t.Errorf("status at %s = %s, want %s", at, got, want)
		}
	}
}

func TestRenewal(t *testing.T) {
	tests := []struct {
		name, renewIssued string
		window            Window
		expires           string
	}{
		{"early keeps continuity", "2026-01-15", Continuity, "2027-03-01"},
		{"on expiry day", "2026-03-01", Continuity, "2027-03-01"},
		{"last day of grace", "2026-03-30", Continuity, "2027-03-01"},
		{"first day after grace", "2026-03-31", Streamlined, "2027-03-31"},
		{"last streamlined day", "2026-05-29", Streamlined, "2027-05-29"},
		{"too late", "2026-05-30", TooLate, "2027-05-30"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			old := cred("A", "sales", "foundation", "2025-03-01")
			r := cred("B", "sales", "foundation", tt.renewIssued)
			r.Renews = "A"
			s := Compute(testProgram(person("p", old, r)))
			rs := s.Of(r)
			if rs.Window != tt.window || rs.Expires.String() != tt.expires {
				t.Errorf("window %d expires %s, want %d %s", rs.Window, rs.Expires, tt.window, tt.expires)
			}
			renewed := s.Status(old, d(tt.renewIssued)) == Renewed
			if renewed != (tt.window != TooLate) {
				t.Errorf("old renewed = %v at the renewal's issue date", renewed)
			}
			if tt.window != TooLate && s.Status(old, d(tt.renewIssued).AddDays(-1)) == Renewed {
				t.Error("old is renewed before the renewal is issued")
			}
		})
	}
}

func TestRenewalChainAndLinks(t *testing.T) {
	a := cred("A", "sales", "foundation", "2024-02-29") // expires 2025-02-28
	b := cred("B", "sales", "foundation", "2025-02-01") // continuity: 2026-02-28
	b.Renews = "A"
	c := cred("C", "sales", "foundation", "2026-03-10") // within grace of B: 2027-02-28
	c.Renews = "B"
	second := cred("D", "sales", "foundation", "2025-02-10")
	second.Renews = "A"
	other := cred("E", "sales", "professional", "2025-02-01")
	other.Renews = "A"
	cycle1 := cred("X", "technical", "foundation", "2025-01-01")
	cycle1.Renews = "Y"
	cycle2 := cred("Y", "technical", "foundation", "2025-02-01")
	cycle2.Renews = "X"
	s := Compute(testProgram(person("p", a, b, c, second, other, cycle1, cycle2)))
	if got := s.Of(c).Expires.String(); got != "2027-02-28" {
		t.Errorf("chain expiry = %s", got)
	}
	if s.Of(a).RenewedBy != b {
		t.Errorf("A renewed by %v, want B", s.Of(a).RenewedBy)
	}
	if !s.Of(second).SecondRenewal {
		t.Error("a second renewal of A is not marked")
	}
	if s.Of(other).Window != Invalid {
		t.Error("a renewal at another level is not invalid")
	}
	if s.Of(cycle1).Window != Invalid && s.Of(cycle2).Window != Invalid {
		t.Error("a cycle of renews is not cut")
	}
}

func TestTier(t *testing.T) {
	s1 := cred("S1", "sales", "foundation", "2025-03-01")   // active until 2026-03-01
	t1 := cred("T1", "technical", "expert", "2025-01-10")   // higher level counts, until 2027-01-10
	s2 := cred("S2", "sales", "professional", "2025-02-15") // until 2026-02-15
	s3 := cred("S3", "sales", "professional", "2025-02-20") // same person: counts once
	p := testProgram(person("ann", s1), person("bob", t1), person("cat", s2, s3))
	s := Compute(p)
	pa := p.Partners[0]
	tests := []struct {
		at, want string
		grace    bool
	}{
		{"2025-02-01", "registered", true}, // nothing yet issued
		{"2025-03-01", "silver", true},
		{"2025-07-01", "silver", true}, // gold needs two people at professional or higher
		{"2026-03-15", "silver", true}, // ann in grace counts
		{"2026-03-15", "registered", false},
		{"2026-03-31", "registered", true}, // ann lapsed
	}
	for _, tt := range tests {
		p.Policy.CountGraceTowardTier = tt.grace
		got := s.Tier(pa, d(tt.at))
		if got == nil || got.ID != tt.want {
			t.Errorf("tier at %s (grace %v) = %v, want %s", tt.at, tt.grace, got, tt.want)
		}
	}
}

func TestTierRenewalCarriesOn(t *testing.T) {
	a := cred("A", "sales", "professional", "2024-05-01") // expires 2025-05-01
	b := cred("B", "sales", "professional", "2025-04-20") // continuity
	b.Renews = "A"
	c := cred("C", "sales", "professional", "2025-01-01")
	p := testProgram(person("ann", a, b), person("bob", c))
	s := Compute(p)
	if got := s.Tier(p.Partners[0], d("2025-06-01")); got.ID != "gold" {
		t.Errorf("tier = %s, want gold through the renewal", got.ID)
	}
	if s.Status(a, d("2025-06-01")) != Renewed {
		t.Error("A is not renewed")
	}
}

func TestNoTier(t *testing.T) {
	p := testProgram()
	p.Tiers = p.Tiers[1:] // no tier without requirements
	p.Link()
	if got := Compute(p).Tier(p.Partners[0], d("2025-01-01")); got != nil {
		t.Errorf("tier = %s, want none", got.ID)
	}
}

func TestExpiring(t *testing.T) {
	c := cred("A", "sales", "foundation", "2025-03-01") // expires 2026-03-01
	s := Compute(testProgram(person("p", c)))
	for at, want := range map[string]bool{"2025-12-30": false, "2025-12-31": true, "2026-02-28": true, "2026-03-01": false} {
		if got := s.Expiring(c, d(at)); got != want {
			t.Errorf("expiring at %s = %v, want %v", at, got, want)
		}
	}
}

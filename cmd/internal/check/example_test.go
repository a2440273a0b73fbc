package check_test

import (
	"testing"

	"github.com/accredit/accredit/cmd/internal/check"
	"github.com/accredit/accredit/cmd/internal/date"
	"github.com/accredit/accredit/cmd/internal/diag"
	"github.com/accredit/accredit/cmd/internal/load"
	"github.com/accredit/accredit/cmd/internal/standing"
)

// The example program in the repository checks clean (warnings allowed)
// today, and at its reference date it shows every status and every tier.
func TestExampleProgram(t *testing.T) {
	p, ds, err := load.Load("../../..")
	if err != nil {
		t.Fatal(err)
	}
	st := standing.Compute(p)
	ref, _ := date.Parse("2026-11-22")
	for _, d := range []date.Date{date.Today(), ref} {
		all := append(ds, check.Run(p, st, d)...)
		for _, x := range all {
			if x.Severity == diag.Error {
				t.Errorf("at %s: %s", d, x)
			}
		}
	}

	statuses := map[standing.Status]int{}
	expiring := 0
	for _, c := range p.Credentials {
		statuses[st.Status(c, ref)]++
		if st.Expiring(c, ref) {
			expiring++
		}
	}
	for _, s := range []standing.Status{standing.Active, standing.Grace, standing.Lapsed, standing.Expired, standing.Renewed, standing.Revoked} {
		if statuses[s] == 0 {
			t.Errorf("no %s credential at %s", s, ref)
		}
	}
	if expiring == 0 {
		t.Errorf("no credential expiring soon at %s", ref)
	}
	tiers := map[string]int{}
	countries, regions := map[string]bool{}, map[string]bool{}
	people, public, unlisted := 0, 0, 0
	for _, pa := range p.Partners {
		if tr := st.Tier(pa, ref); tr != nil {
			tiers[tr.ID]++
		}
		for _, l := range pa.Locations {
			countries[l.Country], regions[l.Region] = true, true
		}
		if !pa.Listed {
			unlisted++
		}
		for _, pe := range pa.People {
			people++
			if pe.Public {
				public++
			}
		}
	}
	for _, tr := range p.Tiers {
		if tiers[tr.ID] == 0 {
			t.Errorf("no partner is %s at %s", tr.ID, ref)
		}
	}
	if len(p.Partners) < 25 || len(countries) < 8 || len(regions) < 3 || people < 140 || unlisted == 0 || public == 0 || public == people {
		t.Errorf("example too thin: %d partners, %d countries, %d regions, %d people (%d public), %d unlisted",
			len(p.Partners), len(countries), len(regions), people, public, unlisted)
	}
}

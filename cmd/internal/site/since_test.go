package site_test

import (
	"testing"

	"github.com/accredit/accredit/cmd/internal/date"
	"github.com/accredit/accredit/cmd/internal/load"
	"github.com/accredit/accredit/cmd/internal/site"
	"github.com/accredit/accredit/cmd/internal/standing"
)

// TestStatusSinceTable: the first day of each status, by hand.
func TestStatusSinceTable(t *testing.T) {
	d := func(s string) date.Date { x, _ := date.Parse(s); return x }
	issued, expires := d("2025-01-15"), d("2026-01-15")
	for _, tc := range []struct {
		status             standing.Status
		revoked, renewedOn date.Date
		grace, streamlined int
		want               string
	}{
		{standing.Active, date.Date{}, date.Date{}, 30, 90, "2025-01-15"},
		{standing.Grace, date.Date{}, date.Date{}, 30, 90, "2026-01-15"},
		{standing.Lapsed, date.Date{}, date.Date{}, 30, 90, "2026-02-14"},
		{standing.Expired, date.Date{}, date.Date{}, 30, 90, "2026-04-15"},
		{standing.Expired, date.Date{}, date.Date{}, 0, 0, "2026-01-15"},
		{standing.Expired, date.Date{}, date.Date{}, 60, 30, "2026-03-16"}, // streamlined inside grace: no lapse
		{standing.Revoked, d("2025-03-01"), date.Date{}, 30, 90, "2025-03-01"},
		{standing.Renewed, date.Date{}, d("2025-12-01"), 30, 90, "2025-12-01"},
	} {
		got := site.StatusSince(tc.status, issued, expires, tc.revoked, tc.renewedOn, tc.grace, tc.streamlined)
		if got.String() != tc.want {
			t.Errorf("%s (grace %d, streamlined %d): since %s, want %s", tc.status, tc.grace, tc.streamlined, got, tc.want)
		}
	}
}

// TestStatusSinceStanding: against standing.Status on every credential of
// the example and many days: the status holds from its first day to D,
// and (but for active, which standing does not bound by the issue date)
// not the day before.
func TestStatusSinceStanding(t *testing.T) {
	p, _, err := load.Load("../../..")
	if err != nil {
		t.Fatal(err)
	}
	s := standing.Compute(p)
	pol := p.Policy
	start, _ := date.Parse("2024-01-01")
	for _, c := range p.Credentials {
		cs := s.Of(c)
		var renewedOn date.Date
		if cs.RenewedBy != nil {
			renewedOn = cs.RenewedBy.Issued
		}
		for day := start; day.Before(start.AddDays(1500)); day = day.AddDays(61) {
			st := s.Status(c, day)
			since := site.StatusSince(st, c.Issued, cs.Expires, c.Revoked, renewedOn, pol.GraceDays, pol.StreamlinedDays)
			if st != standing.Active && since.After(day) {
				t.Fatalf("%s on %s: %s since %s, after the day", c.ID, day, st, since)
			}
			if got := s.Status(c, since); got != st {
				t.Fatalf("%s on %s: %s since %s, but %s that day", c.ID, day, st, since, got)
			}
			if st != standing.Active {
				if got := s.Status(c, since.AddDays(-1)); got == st {
					t.Fatalf("%s on %s: %s since %s, but already %s the day before", c.ID, day, st, since, got)
				}
			}
		}
	}
}

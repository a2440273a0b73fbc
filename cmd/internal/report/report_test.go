package report_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/accredit/accredit/cmd/internal/check"
	"github.com/accredit/accredit/cmd/internal/date"
	"github.com/accredit/accredit/cmd/internal/diag"
	"github.com/accredit/accredit/cmd/internal/load"
	"github.com/accredit/accredit/cmd/internal/program"
	"github.com/accredit/accredit/cmd/internal/report"
	"github.com/accredit/accredit/cmd/internal/standing"
)

var update = flag.Bool("update", false, "rewrite the golden files of testdata/")

func day(t *testing.T, s string) date.Date {
	t.Helper()
	d, err := date.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// loadSmall loads testdata/small and computes its standing.
func loadSmall(t *testing.T) (*program.Program, *standing.Standing) {
	t.Helper()
	p, _, err := load.Load("testdata/small")
	if err != nil {
		t.Fatal(err)
	}
	return p, standing.Compute(p)
}

// small loads testdata/small and checks that it has no error: figures of
// a broken program mean nothing.
func small(t *testing.T, asOf date.Date) (*report.Report, func(report.Options) *report.Report) {
	t.Helper()
	p, ds, err := load.Load("testdata/small")
	if err != nil {
		t.Fatal(err)
	}
	st := standing.Compute(p)
	ds = append(ds, check.Run(p, st, asOf)...)
	if n, _ := diag.Count(ds); n > 0 {
		t.Fatalf("testdata/small has errors: %v", ds)
	}
	compute := func(o report.Options) *report.Report { return report.Compute(p, st, o) }
	return compute(report.Options{AsOf: asOf}), compute
}

// TestSmall compares every field with figures computed by hand from the
// files of testdata/small at D = 2024-03-31 (a leap year), period
// 2023-03-01 to 2024-03-31:
//
//	ann   MJKP sales/foundation issued 2023-03-15, expires 2024-03-15: grace at D
//	bob   GQJS foundation issued 2024-02-29 (leap day), HR1R professional 2024-03-10
//	cara  052C issued 2022-03-31, renewed by DF0N on 2023-03-20 (continuity):
//	      DF0N expires 2024-03-31 = D, so grace at D
//	dan   27P7 issued 2023-01-31, expires 2024-01-31; Jan 31 + 30 days is
//	      Mar 1 in 2024: lapsed from 2024-03-01, in March
//	eve   4S8X issued 2023-05-31, revoked 2023-12-01
//	frank HNPA issued 2022-10-01, expires 2023-10-01, grace to 2023-10-30:
//	      lapsed on 2023-10-31, the month's last day; expired at D
//
// Scorecards: in 2024-Q1 (the latest quarter of the period for all three)
// win rates 50, 30, 20 against 2, 1, 0 people certified on 2024-03-31:
// the same order, Spearman 1. CSAT has two partners, NPS one: no rank
// correlation.
func TestSmall(t *testing.T) {
	r, _ := small(t, day(t, "2024-03-31"))
	var got bytes.Buffer
	if err := r.JSON(&got); err != nil {
		t.Fatal(err)
	}
	const want = `{
  "as_of": "2024-03-31", "from": "2023-03-01", "to": "2024-03-31",
  "credentials": {"total": 8, "active": 2, "grace": 2, "lapsed": 1, "expired": 1, "renewed": 1, "revoked": 1,
    "by_certification": [
      {"track": "sales", "level": "foundation", "total": 7, "active": 1, "grace": 2, "lapsed": 1, "expired": 1, "renewed": 1, "revoked": 1},
      {"track": "sales", "level": "professional", "total": 1, "active": 1, "grace": 0, "lapsed": 0, "expired": 0, "renewed": 0, "revoked": 0}]},
  "monthly": [
    {"month": "2023-03", "issued": 2, "renewed": 1, "lapsed": 0, "revoked": 0, "certified_people": 4, "tiers": {"silver": 3}, "no_tier": 0},
    {"month": "2023-04", "issued": 0, "renewed": 0, "lapsed": 0, "revoked": 0, "certified_people": 4, "tiers": {"silver": 3}, "no_tier": 0},
    {"month": "2023-05", "issued": 1, "renewed": 0, "lapsed": 0, "revoked": 0, "certified_people": 5, "tiers": {"silver": 3}, "no_tier": 0},
    {"month": "2023-06", "issued": 0, "renewed": 0, "lapsed": 0, "revoked": 0, "certified_people": 5, "tiers": {"silver": 3}, "no_tier": 0},
    {"month": "2023-07", "issued": 0, "renewed": 0, "lapsed": 0, "revoked": 0, "certified_people": 5, "tiers": {"silver": 3}, "no_tier": 0},
    {"month": "2023-08", "issued": 0, "renewed": 0, "lapsed": 0, "revoked": 0, "certified_people": 5, "tiers": {"silver": 3}, "no_tier": 0},
    {"month": "2023-09", "issued": 0, "renewed": 0, "lapsed": 0, "revoked": 0, "certified_people": 5, "tiers": {"silver": 3}, "no_tier": 0},
    {"month": "2023-10", "issued": 0, "renewed": 0, "lapsed": 1, "revoked": 0, "certified_people": 4, "tiers": {"registered": 1, "silver": 2}, "no_tier": 0},
    {"month": "2023-11", "issued": 0, "renewed": 0, "lapsed": 0, "revoked": 0, "certified_people": 4, "tiers": {"registered": 1, "silver": 2}, "no_tier": 0},
    {"month": "2023-12", "issued": 0, "renewed": 0, "lapsed": 0, "revoked": 1, "certified_people": 3, "tiers": {"registered": 1, "silver": 2}, "no_tier": 0},
    {"month": "2024-01", "issued": 0, "renewed": 0, "lapsed": 0, "revoked": 0, "certified_people": 3, "tiers": {"registered": 1, "silver": 2}, "no_tier": 0},
    {"month": "2024-02", "issued": 1, "renewed": 0, "lapsed": 0, "revoked": 0, "certified_people": 4, "tiers": {"registered": 1, "silver": 2}, "no_tier": 0},
    {"month": "2024-03", "issued": 1, "renewed": 0, "lapsed": 1, "revoked": 0, "certified_people": 3, "tiers": {"gold": 1, "registered": 1, "silver": 1}, "no_tier": 0}],
  "exams": [{"exam": "sales-foundation", "attempts": 5, "candidates": 3, "first_attempt_pass_rate": 0.5, "pass_rate": 0.6, "mean_score": 72.2, "status": "live"}],
  "time_to_certification": [
    {"track": "sales", "level": "foundation", "credentials": 3, "median_days": 60, "p90_days": 64},
    {"track": "sales", "level": "professional", "credentials": 1, "median_days": 5, "p90_days": 5}],
  "renewal_rate": {"reached_expiry": 5, "renewed": 1, "pending": 2, "rate": 0.3333},
  "tiers": [{"id": "registered", "name": "Registered", "rank": 0}, {"id": "silver", "name": "Silver", "rank": 1}, {"id": "gold", "name": "Gold", "rank": 2}],
  "partners": [
    {"id": "acme", "name": "Acme Consulting", "tier": "gold", "next_tier": null, "missing": [],
     "tier_in": {"30": "silver", "60": "silver", "90": "silver"}, "certified_people": 2,
     "scorecard": [{"quarter": "2022-Q4", "win_rate": 99}, {"quarter": "2023-Q4", "win_rate": 40}, {"quarter": "2024-Q1", "win_rate": 50, "csat": 90}]},
    {"id": "globex", "name": "Globex Consulting", "tier": "silver", "next_tier": "gold",
     "missing": [{"track": "sales", "level": "foundation", "count": 1}, {"track": "sales", "level": "professional", "count": 1}],
     "tier_in": {"30": "registered", "60": "registered", "90": "registered"}, "certified_people": 1,
     "scorecard": [{"quarter": "2024-Q1", "win_rate": 30, "csat": 80}]},
    {"id": "initech", "name": "Initech Consulting", "tier": "registered", "next_tier": "silver",
     "missing": [{"track": "sales", "level": "foundation", "count": 1}],
     "tier_in": {"30": "registered", "60": "registered", "90": "registered"}, "certified_people": 0,
     "scorecard": [{"quarter": "2024-Q1", "win_rate": 20, "nps": 10}]}],
  "at_risk": [
    {"partner": "acme", "tier": "gold", "tier_in_90": "silver", "credentials": [
      {"id": "MJKP-N451-22DE", "holder": "Ann Archer", "person": "ann", "track": "sales", "level": "foundation", "status": "grace", "expires": "2024-03-15"}]},
    {"partner": "globex", "tier": "silver", "tier_in_90": "registered", "credentials": [
      {"id": "DF0N-10GZ-FPPZ", "holder": "Cara Cruz", "person": "cara", "track": "sales", "level": "foundation", "status": "grace", "expires": "2024-03-31"}]}],
  "scorecards": [
    {"figure": "win_rate", "partners": 3, "spearman": 1},
    {"figure": "csat", "partners": 2, "spearman": null},
    {"figure": "nps", "partners": 1, "spearman": null},
    {"figure": "influenced_pipeline", "partners": 0, "spearman": null},
    {"figure": "attach_rate", "partners": 0, "spearman": null},
    {"figure": "first_pass_quality", "partners": 0, "spearman": null}],
  "rubrics": []
}`
	sameJSON(t, got.Bytes(), []byte(want))
}

func sameJSON(t *testing.T, got, want []byte) {
	t.Helper()
	var g, w any
	if err := json.Unmarshal(got, &g); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(want, &w); err != nil {
		t.Fatalf("want: %v", err)
	}
	gb, _ := json.MarshalIndent(g, "", " ")
	wb, _ := json.MarshalIndent(w, "", " ")
	if !bytes.Equal(gb, wb) {
		gl, wl := strings.Split(string(gb), "\n"), strings.Split(string(wb), "\n")
		for i := range min(len(gl), len(wl)) {
			if gl[i] != wl[i] {
				t.Fatalf("report differs at line %d: got %s, want %s\ngot:\n%s", i+1, gl[i], wl[i], gb)
			}
		}
		t.Fatalf("report differs in length\ngot:\n%s", gb)
	}
}

// TestPeriod: a period that starts on the leap day and ends before D. The
// first month counts only its last day (bob's grant); the last month ends
// at --to, not at the month's end; exams count only attempts inside.
func TestPeriod(t *testing.T) {
	_, compute := small(t, day(t, "2024-03-31"))
	r := compute(report.Options{AsOf: day(t, "2024-03-31"), From: day(t, "2024-02-29"), To: day(t, "2024-03-09")})
	if len(r.Monthly) != 2 || r.Monthly[0].Month != "2024-02" || r.Monthly[1].Month != "2024-03" {
		t.Fatalf("months = %+v, want 2024-02 and 2024-03", r.Monthly)
	}
	feb, mar := r.Monthly[0], r.Monthly[1]
	if feb.Issued != 1 || mar.Issued != 0 {
		t.Errorf("issued = %d, %d; want bob's leap-day grant alone (his professional one is on 03-10, after --to)", feb.Issued, mar.Issued)
	}
	// 2024-03-09: ann (active), bob, cara (DF0N active); dan lapsed on 03-01.
	if feb.CertifiedPeople != 4 || mar.CertifiedPeople != 3 {
		t.Errorf("certified people = %d, %d; want 4 (ann, bob, cara, dan in grace on 02-29), 3 (dan lapsed on 03-01)", feb.CertifiedPeople, mar.CertifiedPeople)
	}
	if mar.Lapsed != 1 {
		t.Errorf("March lapsed = %d, want 1 (dan, on 2024-03-01)", mar.Lapsed)
	}
	if e := r.Exams[0]; e.Attempts != 0 || e.PassRate != nil || e.MeanScore != nil || e.FirstAttemptPassRate != nil {
		t.Errorf("exam in a period without attempts = %+v, want 0 and nulls", e)
	}
	// Only bob's leap-day grant is in the period: 9 days from his course.
	if tc := r.TimeToCertification[0]; tc.Credentials != 1 || *tc.MedianDays != 9 || *tc.P90Days != 9 {
		t.Errorf("time to certification = %+v, want one credential of 9 days", tc)
	}
	// No expiry falls between 02-29 and 03-09: nothing to divide by.
	if rr := r.RenewalRate; rr.ReachedExpiry != 0 || rr.Rate != nil {
		t.Errorf("renewal rate = %+v, want none", rr)
	}
	// The default period starts on the first of the month 12 months before.
	if got := report.DefaultFrom(day(t, "2024-02-29")); got != day(t, "2023-02-01") {
		t.Errorf("DefaultFrom(2024-02-29) = %s, want 2023-02-01", got)
	}
}

// TestRenderings: every format renders, and the HTML page is the golden
// one (go test -update rewrites it; read the diff).
func TestRenderings(t *testing.T) {
	r, _ := small(t, day(t, "2024-03-31"))
	for _, f := range report.Formats {
		var b bytes.Buffer
		if err := r.Write(&b, f); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		if f != "json" && f != "csv" && !strings.Contains(b.String(), "MJKP-N451-22DE") {
			t.Errorf("%s does not list ann's credential at risk", f)
		}
		if strings.Contains(b.String(), "@") {
			t.Errorf("%s shows an e-mail address", f)
		}
		if strings.Contains(b.String(), "Shared the exam") {
			t.Errorf("%s shows a revocation reason", f)
		}
		if f == "html" {
			golden(t, "testdata/small.html", b.Bytes())
			for _, ext := range []string{"src=", "href=", "url(", "@import", "<script"} {
				if bytes.Contains(b.Bytes(), []byte(ext)) {
					t.Errorf("the HTML report holds %q: it must make no request", ext)
				}
			}
		}
		if f == "json" {
			golden(t, "testdata/small.json", b.Bytes())
		}
	}
}

func golden(t *testing.T, file string, got []byte) {
	t.Helper()
	if *update {
		if err := os.WriteFile(file, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the output (go test -update rewrites it; read the diff)", file)
	}
}

// TestCSV: the CSV holds the figures of the JSON, one per row.
func TestCSV(t *testing.T) {
	r, _ := small(t, day(t, "2024-03-31"))
	var b bytes.Buffer
	if err := r.CSV(&b); err != nil {
		t.Fatal(err)
	}
	for _, line := range []string{
		"section,key,field,value",
		"credentials,,lapsed,1",
		"credentials,sales/foundation,grace,2",
		"monthly,2024-02,issued,1",
		"monthly,2024-03,tiers.gold,1",
		"exams,sales-foundation,mean_score,72.2",
		"time_to_certification,sales/foundation,p90_days,64",
		"renewal_rate,,rate,0.3333",
		"partners,globex,missing.sales/professional,1",
		"partners,acme,tier_in.30,silver",
		"at_risk,globex,credential,DF0N-10GZ-FPPZ",
	} {
		if !strings.Contains(b.String(), line+"\n") {
			t.Errorf("CSV lacks %q", line)
		}
	}
}

// TestGuard: the report is private, so it never goes into the program's
// sources or build output, wherever that is.
func TestGuard(t *testing.T) {
	root := t.TempDir()
	for _, d := range []string{"programs", "partners", "build", "elsewhere/site"} {
		os.MkdirAll(filepath.Join(root, d), 0o755)
	}
	os.WriteFile(filepath.Join(root, "elsewhere/site/.accredit-site"), nil, 0o644)
	os.WriteFile(filepath.Join(root, "file"), nil, 0o644)
	os.Symlink(filepath.Join(root, "partners"), filepath.Join(root, "link"))
	for _, tc := range []struct {
		out    string
		reason string
	}{
		{root, "program's root"},
		{filepath.Dir(root), "holds the program's root"},
		{filepath.Join(root, "build"), "build/"},
		{filepath.Join(root, "build/reports"), "build/"},
		{filepath.Join(root, "partners/acme"), "partners/"},
		{filepath.Join(root, "link/x"), "partners/"},
		{filepath.Join(root, ".git"), ".git/"},
		{filepath.Join(root, "elsewhere/site/report"), "inside a site accredit built"},
		{filepath.Join(root, "file"), "is a file"},
	} {
		if _, err := report.Guard(root, tc.out); err == nil || !strings.Contains(err.Error(), tc.reason) {
			t.Errorf("Guard(%s) = %v, want refused: %s", tc.out, err, tc.reason)
		}
	}
	for _, ok := range []string{filepath.Join(root, "reports"), filepath.Join(root, "elsewhere/report"), t.TempDir()} {
		if _, err := report.Guard(root, ok); err != nil {
			t.Errorf("Guard(%s) = %v, want accepted", ok, err)
		}
	}
}

// TestWriteFile: the report file is its owner's alone.
func TestWriteFile(t *testing.T) {
	r, _ := small(t, day(t, "2024-03-31"))
	dir := filepath.Join(t.TempDir(), "out")
	file, err := r.WriteFile(dir, "html")
	if err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(file)
	if err != nil {
		t.Fatal(err)
	}
	if filepath.Base(file) != "index.html" || fi.Mode().Perm() != 0o600 {
		t.Errorf("wrote %s with mode %v, want index.html with 0600", file, fi.Mode().Perm())
	}
}

// TestEmpty: a program with no tracks, exams, tiers or partners reports
// zeros and nulls in every format, and draws its charts.
func TestEmpty(t *testing.T) {
	root := t.TempDir()
	os.MkdirAll(filepath.Join(root, "programs"), 0o755)
	os.WriteFile(filepath.Join(root, "programs/program.toml"), []byte(`[program]
name = "Empty"
issuer = "Vendor"
issuer_url = "https://vendor.example"
site_url = "https://partners.vendor.example/"

[[levels]]
id = "foundation"
name = "Foundation"
rank = 1
passing_score = 70
`), 0o644)
	p, ds, err := load.Load(root)
	if err != nil || len(ds) != 0 {
		t.Fatalf("%v %v", err, ds)
	}
	r := report.Compute(p, standing.Compute(p), report.Options{AsOf: day(t, "2024-02-29")})
	// The default period of 2024-02-29 starts on 2023-02-01: 13 months.
	if n := len(r.Monthly); n != 13 || r.Monthly[0].Month != "2023-02" || r.Monthly[n-1].Month != "2024-02" {
		t.Errorf("%d months, want 2023-02 to 2024-02", n)
	}
	for _, f := range report.Formats {
		var b bytes.Buffer
		if err := r.Write(&b, f); err != nil {
			t.Errorf("%s: %v", f, err)
		}
	}
	var b bytes.Buffer
	r.JSON(&b)
	for _, want := range []string{`"partners": []`, `"at_risk": []`, `"exams": []`, `"rate": null`} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("JSON lacks %s", want)
		}
	}
}

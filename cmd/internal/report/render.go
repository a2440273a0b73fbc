package report

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/accredit/accredit/cmd/internal/diag"
	"github.com/accredit/accredit/cmd/internal/program"
)

// Formats are the report's renderings, by --format name.
var Formats = []string{"text", "markdown", "json", "csv", "html"}

// FileName is the file a format is written to under --out.
func FileName(format string) string {
	switch format {
	case "markdown":
		return "report.md"
	case "json":
		return "report.json"
	case "csv":
		return "report.csv"
	case "html":
		return "index.html"
	}
	return "report.txt"
}

// Write renders the report in a format.
func (r *Report) Write(w io.Writer, format string) error {
	switch format {
	case "json":
		return r.JSON(w)
	case "csv":
		return r.CSV(w)
	case "markdown":
		return r.Markdown(w)
	case "html":
		return r.HTML(w)
	}
	return r.Text(w)
}

// JSON writes the contract, indented. Text that would steer a terminal is
// escaped as diag.PrintableJSON does for every JSON accredit prints.
func (r *Report) JSON(w io.Writer) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(r); err != nil {
		return err
	}
	_, err := w.Write(diag.PrintableJSON(buf.Bytes()))
	return err
}

// listed is how many partners at risk the text and Markdown renderings
// list: a job summary has a size limit, and the JSON, CSV and HTML list
// them all.
const listed = 50

// table is one table of the text and Markdown renderings.
type table struct {
	Title string
	Head  []string
	Rows  [][]string
	Note  string
}

// tables are the report's figures as the text and Markdown renderings
// show them.
func (r *Report) tables() []table {
	var ts []table
	counts := func(c Counts) []string {
		return []string{strconv.Itoa(c.Total), strconv.Itoa(c.Active), strconv.Itoa(c.Grace), strconv.Itoa(c.Lapsed),
			strconv.Itoa(c.Expired), strconv.Itoa(c.Renewed), strconv.Itoa(c.Revoked)}
	}
	t := table{Title: "Credentials at " + r.AsOf.String(),
		Head: []string{"Certification", "Total", "Active", "Grace", "Lapsed", "Expired", "Renewed", "Revoked"}}
	t.Rows = append(t.Rows, append([]string{"all"}, counts(r.Credentials.Counts)...))
	for _, c := range r.Credentials.ByCertification {
		t.Rows = append(t.Rows, append([]string{c.Track + "/" + c.Level}, counts(c.Counts)...))
	}
	ts = append(ts, t)

	t = table{Title: "Monthly, " + r.From.String() + " to " + r.To.String(),
		Head: []string{"Month", "Issued", "Renewed", "Lapsed", "Revoked", "Certified people"}}
	for _, tr := range r.Tiers {
		t.Head = append(t.Head, tr.Name)
	}
	t.Head = append(t.Head, "No tier")
	for _, m := range r.Monthly {
		row := []string{m.Month, strconv.Itoa(m.Issued), strconv.Itoa(m.Renewed), strconv.Itoa(m.Lapsed), strconv.Itoa(m.Revoked), strconv.Itoa(m.CertifiedPeople)}
		for _, tr := range r.Tiers {
			row = append(row, strconv.Itoa(m.Tiers[tr.ID]))
		}
		t.Rows = append(t.Rows, append(row, strconv.Itoa(m.NoTier)))
	}
	ts = append(ts, t)

	t = table{Title: "Exams", Head: []string{"Exam", "Status", "Attempts", "Candidates", "First-attempt pass rate", "Pass rate", "Mean score"}}
	for _, e := range r.Exams {
		t.Rows = append(t.Rows, []string{e.Exam, examStatus(e), strconv.Itoa(e.Attempts), strconv.Itoa(e.Candidates), percent(e.FirstAttemptPassRate), percent(e.PassRate), number(e.MeanScore)})
	}
	ts = append(ts, t)

	t = table{Title: "Rubric results", Head: []string{"Assessment", "Results", "Met", "Met rate", "Mean points", "Pass", "Criteria: mean (under min)"}}
	for _, ru := range r.Rubrics {
		var cs []string
		for _, c := range ru.Criteria {
			cs = append(cs, fmt.Sprintf("%s %s/%d (%d)", c.ID, number(c.Mean), c.Max, c.UnderMin))
		}
		t.Rows = append(t.Rows, []string{ru.Assessment, strconv.Itoa(ru.Results), strconv.Itoa(ru.Met), percent(ru.MetRate),
			number(ru.MeanTotal), fmt.Sprintf("%d of %d", ru.Pass, ru.Max), strings.Join(cs, "; ")})
	}
	ts = append(ts, t)

	t = table{Title: "Time to certification (days)", Head: []string{"Certification", "Credentials", "Median", "90th percentile"}}
	for _, c := range r.TimeToCertification {
		p90 := "-"
		if c.P90Days != nil {
			p90 = strconv.Itoa(*c.P90Days)
		}
		t.Rows = append(t.Rows, []string{c.Track + "/" + c.Level, strconv.Itoa(c.Credentials), number(c.MedianDays), p90})
	}
	ts = append(ts, t)

	rr := r.RenewalRate
	ts = append(ts, table{Title: "Renewal rate", Head: []string{"Reached expiry", "Renewed in time", "Pending (in grace)", "Rate"},
		Rows: [][]string{{strconv.Itoa(rr.ReachedExpiry), strconv.Itoa(rr.Renewed), strconv.Itoa(rr.Pending), percent(rr.Rate)}}})

	t = table{Title: "Partners by tier at " + r.AsOf.String(), Head: []string{"Tier", "Now", "In 30 days", "In 60 days", "In 90 days"}}
	for _, row := range r.tierOutlook() {
		t.Rows = append(t.Rows, row)
	}
	ts = append(ts, t)

	t = table{Title: "Scorecards: rank correlation with certified people", Head: []string{"Figure", "Partners", "Spearman"}}
	for _, co := range r.Scorecards {
		t.Rows = append(t.Rows, []string{co.Figure, strconv.Itoa(co.Partners), number(co.Spearman)})
	}
	ts = append(ts, t)

	t = table{Title: "Partner scorecards", Head: []string{"Partner", "Quarter"}}
	for _, f := range program.Figures {
		t.Head = append(t.Head, f.Key)
	}
	n := 0
	for _, p := range r.Partners {
		for _, q := range p.Scorecard {
			if n == listed {
				t.Note = "and more (the JSON, CSV and HTML reports list them all)"
				break
			}
			n++
			row := []string{p.ID, q.Quarter}
			for _, f := range program.Figures {
				row = append(row, number(f.Of(q)))
			}
			t.Rows = append(t.Rows, row)
		}
	}
	ts = append(ts, t)

	t = table{Title: "Partners at risk", Head: []string{"Partner", "Tier", "Tier in 90 days", "Credentials that stop counting"}}
	for i, a := range r.AtRisk {
		if i == listed {
			t.Note = fmt.Sprintf("and %d more (the JSON, CSV and HTML reports list them all)", len(r.AtRisk)-listed)
			break
		}
		var cs []string
		for _, c := range a.Credentials {
			cs = append(cs, c.ID+" "+c.Holder+" "+c.Track+"/"+c.Level+" expires "+c.Expires.String())
		}
		t.Rows = append(t.Rows, []string{a.Partner, a.Tier, str(a.TierIn90), strings.Join(cs, "; ")})
	}
	ts = append(ts, t)
	return ts
}

// tierOutlook counts partners by tier at D and 30, 60, 90 days after,
// highest tier first.
func (r *Report) tierOutlook() [][]string {
	var rows [][]string
	count := func(tier *string, id string) bool {
		return (tier == nil && id == "") || (tier != nil && *tier == id)
	}
	ids := []string{""}
	names := []string{"No tier"}
	for _, t := range r.Tiers {
		ids, names = append(ids, t.ID), append(names, t.Name)
	}
	for i := len(ids) - 1; i >= 0; i-- {
		var n [4]int
		for _, p := range r.Partners {
			for k, t := range []*string{p.Tier, p.TierIn["30"], p.TierIn["60"], p.TierIn["90"]} {
				if count(t, ids[i]) {
					n[k]++
				}
			}
		}
		rows = append(rows, []string{names[i], strconv.Itoa(n[0]), strconv.Itoa(n[1]), strconv.Itoa(n[2]), strconv.Itoa(n[3])})
	}
	return rows
}

// examStatus is an exam's status at D with its changes in the period.
func examStatus(e Exam) string {
	s := e.Status
	for _, ch := range e.StatusChanges {
		s += fmt.Sprintf("; %s -> %s on %s", ch.From, ch.To, ch.Date)
	}
	return s
}

func str(s *string) string {
	if s == nil {
		return "-"
	}
	return *s
}

func percent(f *float64) string {
	if f == nil {
		return "-"
	}
	return strconv.FormatFloat(*f*100, 'f', 1, 64) + "%"
}

func number(f *float64) string {
	if f == nil {
		return "-"
	}
	return strconv.FormatFloat(*f, 'f', -1, 64)
}

// Text writes the figures as aligned plain-text tables.
func (r *Report) Text(w io.Writer) error {
	var b strings.Builder
	for i, t := range r.tables() {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(diag.Printable(t.Title) + "\n")
		widths := make([]int, len(t.Head))
		for _, row := range append([][]string{t.Head}, t.Rows...) {
			for j, c := range row {
				widths[j] = max(widths[j], len([]rune(diag.Printable(c))))
			}
		}
		line := func(row []string) {
			var l strings.Builder
			for j, c := range row {
				c = diag.Printable(c)
				if j > 0 {
					l.WriteString("  ")
				}
				l.WriteString(c)
				if j < len(row)-1 {
					l.WriteString(strings.Repeat(" ", widths[j]-len([]rune(c))))
				}
			}
			b.WriteString(strings.TrimRight(l.String(), " ") + "\n")
		}
		line(t.Head)
		if len(t.Rows) == 0 {
			b.WriteString("(none)\n")
		}
		for _, row := range t.Rows {
			line(row)
		}
		if t.Note != "" {
			b.WriteString(t.Note + "\n")
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// Markdown writes the figures as GitHub tables, for a job summary.
func (r *Report) Markdown(w io.Writer) error {
	var b strings.Builder
	b.WriteString("## Certification report at " + r.AsOf.String() + "\n")
	for _, t := range r.tables() {
		b.WriteString("\n### " + diag.Markdown(t.Title) + "\n\n")
		if len(t.Rows) == 0 {
			b.WriteString("None.\n")
			continue
		}
		b.WriteString("|")
		for _, h := range t.Head {
			b.WriteString(" " + diag.Markdown(h) + " |")
		}
		b.WriteString("\n|" + strings.Repeat("---|", len(t.Head)) + "\n")
		for _, row := range t.Rows {
			b.WriteString("|")
			for _, c := range row {
				b.WriteString(" " + diag.Markdown(c) + " |")
			}
			b.WriteString("\n")
		}
		if t.Note != "" {
			b.WriteString("\n" + diag.Markdown(t.Note) + "\n")
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// CSV writes every figure of the JSON as one row "section,key,field,value"
// (a long table that a spreadsheet pivots): key names the record (a
// certification "track/level", a month, an exam, a partner id, a
// credential id under at_risk) and is empty for the totals.
func (r *Report) CSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	put := func(section, key, field, value string) {
		cw.Write([]string{safeCell(section), safeCell(key), safeCell(field), safeCell(value)})
	}
	puti := func(section, key, field string, n int) { put(section, key, field, strconv.Itoa(n)) }
	putf := func(section, key, field string, f *float64) {
		if f != nil {
			put(section, key, field, strconv.FormatFloat(*f, 'f', -1, 64))
		}
	}
	put("section", "key", "field", "value")
	put("report", "", "as_of", r.AsOf.String())
	put("report", "", "from", r.From.String())
	put("report", "", "to", r.To.String())
	counts := func(key string, c Counts) {
		puti("credentials", key, "total", c.Total)
		puti("credentials", key, "active", c.Active)
		puti("credentials", key, "grace", c.Grace)
		puti("credentials", key, "lapsed", c.Lapsed)
		puti("credentials", key, "expired", c.Expired)
		puti("credentials", key, "renewed", c.Renewed)
		puti("credentials", key, "revoked", c.Revoked)
	}
	counts("", r.Credentials.Counts)
	for _, c := range r.Credentials.ByCertification {
		counts(c.Track+"/"+c.Level, c.Counts)
	}
	for _, m := range r.Monthly {
		puti("monthly", m.Month, "issued", m.Issued)
		puti("monthly", m.Month, "renewed", m.Renewed)
		puti("monthly", m.Month, "lapsed", m.Lapsed)
		puti("monthly", m.Month, "revoked", m.Revoked)
		puti("monthly", m.Month, "certified_people", m.CertifiedPeople)
		for _, id := range sortedKeys(m.Tiers) {
			puti("monthly", m.Month, "tiers."+id, m.Tiers[id])
		}
		puti("monthly", m.Month, "no_tier", m.NoTier)
	}
	for _, e := range r.Exams {
		puti("exams", e.Exam, "attempts", e.Attempts)
		puti("exams", e.Exam, "candidates", e.Candidates)
		putf("exams", e.Exam, "first_attempt_pass_rate", e.FirstAttemptPassRate)
		putf("exams", e.Exam, "pass_rate", e.PassRate)
		putf("exams", e.Exam, "mean_score", e.MeanScore)
		put("exams", e.Exam, "status", e.Status)
		for _, ch := range e.StatusChanges {
			put("exams", e.Exam, "status_change."+ch.Date.String(), ch.From+" -> "+ch.To)
		}
	}
	for _, ru := range r.Rubrics {
		puti("rubrics", ru.Assessment, "results", ru.Results)
		puti("rubrics", ru.Assessment, "met", ru.Met)
		putf("rubrics", ru.Assessment, "met_rate", ru.MetRate)
		putf("rubrics", ru.Assessment, "mean_total", ru.MeanTotal)
		for _, c := range ru.Criteria {
			putf("rubrics", ru.Assessment, "criteria."+c.ID+".mean", c.Mean)
			puti("rubrics", ru.Assessment, "criteria."+c.ID+".under_min", c.UnderMin)
		}
	}
	for _, t := range r.TimeToCertification {
		key := t.Track + "/" + t.Level
		puti("time_to_certification", key, "credentials", t.Credentials)
		putf("time_to_certification", key, "median_days", t.MedianDays)
		if t.P90Days != nil {
			puti("time_to_certification", key, "p90_days", *t.P90Days)
		}
	}
	puti("renewal_rate", "", "reached_expiry", r.RenewalRate.ReachedExpiry)
	puti("renewal_rate", "", "renewed", r.RenewalRate.Renewed)
	puti("renewal_rate", "", "pending", r.RenewalRate.Pending)
	putf("renewal_rate", "", "rate", r.RenewalRate.Rate)
	for _, p := range r.Partners {
		put("partners", p.ID, "name", p.Name)
		put("partners", p.ID, "tier", orEmpty(p.Tier))
		put("partners", p.ID, "next_tier", orEmpty(p.NextTier))
		for _, m := range p.Missing {
			puti("partners", p.ID, "missing."+m.Track+"/"+m.Level, m.Count)
		}
		for _, d := range []string{"30", "60", "90"} {
			put("partners", p.ID, "tier_in."+d, orEmpty(p.TierIn[d]))
		}
		puti("partners", p.ID, "certified_people", p.CertifiedPeople)
		for _, q := range p.Scorecard {
			for _, f := range program.Figures {
				putf("partners", p.ID, "scorecard."+q.Quarter+"."+f.Key, f.Of(q))
			}
		}
	}
	for _, co := range r.Scorecards {
		puti("scorecards", co.Figure, "partners", co.Partners)
		putf("scorecards", co.Figure, "spearman", co.Spearman)
	}
	for _, a := range r.AtRisk {
		for _, c := range a.Credentials {
			put("at_risk", a.Partner, "credential", c.ID)
		}
	}
	cw.Flush()
	return cw.Error()
}

func orEmpty(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

func sortedKeys[V any](m map[string]V) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	return ks
}

// safeCell keeps a spreadsheet from reading a cell as a formula: a
// partner's name is written by people outside the program's staff.
func safeCell(s string) string {
	s = diag.Printable(s)
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		if _, err := strconv.ParseFloat(s, 64); err != nil {
			return "'" + s
		}
	}
	return s
}

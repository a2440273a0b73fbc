package report

import (
	"html/template"
	"io"
	"math"
	"strconv"
	"strings"
	"sync"

	"github.com/accredit/accredit/cmd/internal/program"
)

// scorecardTable lists every partner's every quarter.
func (r *Report) scorecardTable() table {
	t := table{Title: "Partner scorecards", Head: []string{"Partner", "Quarter"}}
	for _, f := range program.Figures {
		t.Head = append(t.Head, f.Name)
	}
	for _, p := range r.Partners {
		for _, q := range p.Scorecard {
			row := []string{p.ID, q.Quarter}
			for _, f := range program.Figures {
				row = append(row, number(f.Of(q)))
			}
			t.Rows = append(t.Rows, row)
		}
	}
	return t
}

// HTML writes the report as one self-contained page: its style and charts
// are inline and its Content-Security-Policy forbids every request, so
// opening it (from a CI artifact, say) fetches nothing and tells no one.
func (r *Report) HTML(w io.Writer) error {
	return page().Execute(w, r.pageData())
}

type pageData struct {
	R                     *Report
	Tables                []table
	People, Issued, Tiers template.HTML
	PassRates, Outlook    template.HTML
	Scatters              []scatter
	Scorecards            table
	Partners              []partnerRow
}

type scatter struct {
	Caption string
	SVG     template.HTML
}

type partnerRow struct {
	ID, Name, Tier, Next, Missing, In30, In60, In90 string
	People                                          int
	AtRisk                                          bool
}

func (r *Report) pageData() pageData {
	ts := r.tables()
	// The page lists every partner at risk and every scorecard itself.
	d := pageData{R: r, Tables: ts[:len(ts)-2], Scorecards: r.scorecardTable()}
	var months []string
	people := series{Name: "Certified people"}
	issued := series{Name: "New"}
	renewed := series{Name: "Renewals"}
	for _, m := range r.Monthly {
		months = append(months, m.Month)
		people.Values = append(people.Values, float64(m.CertifiedPeople))
		issued.Values = append(issued.Values, float64(m.Issued-m.Renewed))
		renewed.Values = append(renewed.Values, float64(m.Renewed))
	}
	d.People = template.HTML(lineChart("Certified people at each month's end", months, []series{people}))
	d.Issued = template.HTML(barChart("Credentials issued per month (new and renewals)", months, []series{issued, renewed}, true))

	var mix []series
	for _, t := range r.Tiers {
		s := series{Name: t.Name}
		for _, m := range r.Monthly {
			s.Values = append(s.Values, float64(m.Tiers[t.ID]))
		}
		mix = append(mix, s)
	}
	none := series{Name: "No tier"}
	for _, m := range r.Monthly {
		none.Values = append(none.Values, float64(m.NoTier))
	}
	d.Tiers = template.HTML(barChart("Partners by tier at each month's end", months, append([]series{none}, mix...), true))

	var exams []string
	var rates []float64
	for _, e := range r.Exams {
		exams = append(exams, e.Exam)
		if e.PassRate == nil {
			rates = append(rates, math.NaN())
		} else {
			rates = append(rates, *e.PassRate*100)
		}
	}
	d.PassRates = template.HTML(hbarChart("Pass rate per exam in the period", exams, rates, 100, "%"))

	// Partners at risk: partners per tier now and in 90 days.
	outlook := r.tierOutlook()
	var tiers []string
	now, later := series{Name: "Now"}, series{Name: "In 90 days"}
	for _, row := range outlook {
		tiers = append(tiers, row[0])
		now.Values = append(now.Values, atof(row[1]))
		later.Values = append(later.Values, atof(row[4]))
	}
	d.Outlook = template.HTML(barChart("Partners per tier now and in 90 days if nothing is renewed", tiers, []series{now, later}, false))

	for f, co := range r.Scorecards {
		if len(co.points) == 0 {
			continue
		}
		fig := program.Figures[f]
		var names []string
		var xs, ys []float64
		for _, p := range co.points {
			names = append(names, p.partner+" ("+p.quarter+")")
			xs, ys = append(xs, float64(p.people)), append(ys, p.value)
		}
		rho := "undefined"
		if co.Spearman != nil {
			rho = number(co.Spearman)
		}
		title := fig.Name + " against certified people: Spearman " + rho + ", " + strconv.Itoa(co.Partners) + " partners"
		d.Scatters = append(d.Scatters, scatter{title, template.HTML(scatterChart(title, "Certified people at the quarter's end", fig.Name, names, xs, ys))})
	}

	risk := map[string]bool{}
	for _, a := range r.AtRisk {
		risk[a.Partner] = true
	}
	for _, p := range r.Partners {
		var miss []string
		for _, m := range p.Missing {
			miss = append(miss, strconv.Itoa(m.Count)+" × "+m.Track+"/"+m.Level)
		}
		d.Partners = append(d.Partners, partnerRow{ID: p.ID, Name: p.Name, Tier: str(p.Tier), Next: str(p.NextTier),
			Missing: strings.Join(miss, ", "), In30: str(p.TierIn["30"]), In60: str(p.TierIn["60"]), In90: str(p.TierIn["90"]),
			People: p.CertifiedPeople, AtRisk: risk[p.ID]})
	}
	return d
}

func atof(s string) float64 {
	f, _ := strconv.ParseFloat(s, 64)
	return f
}

// page is parsed on first use, not at every start of the process.
var page = sync.OnceValue(func() *template.Template { return template.Must(template.New("report").Parse(pageHTML)) })

const pageHTML = `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<meta name="robots" content="noindex, nofollow">
<title>Certification report at {{.R.AsOf}}</title>
<style>
body{font:15px/1.45 system-ui,sans-serif;color:#1b1b1b;margin:0 auto;max-width:1100px;padding:1rem 1.5rem 3rem}
h1{font-size:1.6rem}h2{font-size:1.25rem;margin-top:2.2rem;border-bottom:1px solid #ccc}
.private{background:#fff4d6;border:1px solid #d9a400;padding:.5rem .8rem}
table{border-collapse:collapse;margin:.6rem 0;font-variant-numeric:tabular-nums}
th,td{border-bottom:1px solid #ddd;padding:.2rem .6rem;text-align:left}
td.n,th.n{text-align:right}
.chart{width:100%;max-width:760px;display:block;margin:.6rem 0}
.chart .grid{stroke:#ddd}.chart .tick{font-size:11px;fill:#444}
tr.risk td{background:#fde7ea}
figure{margin:1rem 0}figcaption{font-size:.9rem;color:#333}
.wide{overflow-x:auto}
</style>
</head>
<body>
<h1>Certification report at {{.R.AsOf}}</h1>
<p class="private"><strong>Private.</strong> This report names people and partners' own figures: do not publish it.</p>
<p>Period: {{.R.From}} to {{.R.To}}. Statuses and tiers are those at {{.R.AsOf}}.</p>

<h2>Certified people and credentials issued</h2>
{{.People}}
{{.Issued}}

<h2>Exams</h2>
{{.PassRates}}
{{range .R.Exams}}{{if .StatusChanges -}}
<p>{{.Exam}}: {{range $i, $c := .StatusChanges}}{{if $i}}; {{end}}{{$c.From}} to {{$c.To}} on {{$c.Date}}{{end}} (now {{.Status}}).</p>
{{end}}{{end -}}
<h2>Tier mix over time</h2>
{{.Tiers}}

<h2>Partners at risk</h2>
{{.Outlook}}
{{with .R.AtRisk}}<div class="wide"><table>
<thead><tr><th>Partner</th><th>Tier</th><th>Tier in 90 days</th><th>Credentials that stop counting</th></tr></thead>
<tbody>{{range .}}<tr><td>{{.Partner}}</td><td>{{.Tier}}</td><td>{{with .TierIn90}}{{.}}{{else}}none{{end}}</td><td>{{range $i, $c := .Credentials}}{{if $i}}<br>{{end}}<code>{{$c.ID}}</code> {{$c.Holder}} ({{$c.Track}}/{{$c.Level}}, {{$c.Status}}, expires {{$c.Expires}}){{end}}</td></tr>
{{end}}</tbody></table></div>{{else}}<p>No partner will drop a tier in the next 90 days.</p>{{end}}

<h2>Scorecards</h2>
{{range .Scatters}}<figure>{{.SVG}}<figcaption>{{.Caption}}</figcaption></figure>
{{else}}<p>No partner reports scorecard figures (partners/&lt;id&gt;/metrics.toml) for a quarter of the period.</p>
{{end}}{{with .Scorecards}}{{if .Rows}}<div class="wide"><table><thead><tr>{{range .Head}}<th>{{.}}</th>{{end}}</tr></thead>
<tbody>{{range .Rows}}<tr>{{range .}}<td>{{.}}</td>{{end}}</tr>
{{end}}</tbody></table></div>{{end}}{{end}}

<h2>Figures</h2>
{{range .Tables}}<h3>{{.Title}}</h3>
{{if .Rows}}<div class="wide"><table><thead><tr>{{range .Head}}<th>{{.}}</th>{{end}}</tr></thead>
<tbody>{{range .Rows}}<tr>{{range .}}<td>{{.}}</td>{{end}}</tr>
{{end}}</tbody></table></div>{{with .Note}}<p>{{.}}</p>{{end}}{{else}}<p>None.</p>{{end}}
{{end}}
<h2>Partners</h2>
<div class="wide"><table>
<thead><tr><th>Partner</th><th>Name</th><th class="n">Certified people</th><th>Tier</th><th>Next tier</th><th>Missing for it</th><th>In 30 days</th><th>In 60 days</th><th>In 90 days</th></tr></thead>
<tbody>
{{range .Partners}}<tr{{if .AtRisk}} class="risk"{{end}}><td>{{.ID}}</td><td>{{.Name}}</td><td class="n">{{.People}}</td><td>{{.Tier}}</td><td>{{.Next}}</td><td>{{.Missing}}</td><td>{{.In30}}</td><td>{{.In60}}</td><td>{{.In90}}</td></tr>
{{end}}</tbody></table></div>
</body>
</html>
`

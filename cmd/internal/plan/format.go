package plan

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/accredit/accredit/cmd/internal/diag"
)

// WriteJSON prints the plan as one JSON object, with the characters
// diag.Printable escapes written as \u escapes (the data is the same).
func (p *Plan) WriteJSON(w io.Writer) error {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false) // for people and tools, not for a web page
	if err := enc.Encode(p); err != nil {
		return err
	}
	_, err := w.Write(diag.PrintableJSON(b.Bytes()))
	return err
}

// Summary is the one-line count, e.g. "2 granted, 0 renewed, 1 revoked,
// 0 removed, 1 tier change, 0 new diagnostics".
func (p *Plan) Summary() string {
	s := fmt.Sprintf("%d granted, %d renewed, %d revoked, %d removed, %s, %s",
		len(p.Granted), len(p.Renewed), len(p.Revoked), len(p.Removed),
		count(len(p.Tiers), "tier change", "tier changes"), count(len(p.Diagnostics), "new diagnostic", "new diagnostics"))
	// What else the audit covers, when there is any.
	for _, c := range []struct {
		n         int
		one, many string
	}{
		{len(p.Unrevoked), "revocation lifted", "revocations lifted"},
		{len(p.Edited), "credential edited", "credentials edited"},
		{len(p.Administrators), "administrator change", "administrator changes"},
		{len(p.Program), "program key changed", "program keys changed"},
		{len(p.Files), "file changed", "files changed"},
		{len(p.Exams), "exam status change", "exam status changes"},
		{len(p.Rubrics), "rubric result", "rubric results"},
	} {
		if c.n > 0 {
			s += ", " + count(c.n, c.one, c.many)
		}
	}
	return s
}

func count(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

// statusName names an exam's status in a plan: none where the exam is
// added or removed.
func statusName(s string) string {
	if s == "" {
		return "none"
	}
	return s
}

func tierName(t *string) string {
	if t == nil {
		return "none"
	}
	return *t
}

// WriteText prints one line per change, then the summary. Every line
// passes through diag.Printable: ids, names and revisions come from the
// program's files and the command line.
func (p *Plan) WriteText(w io.Writer) error {
	var b strings.Builder
	line(&b, "plan %s..%s at %s", p.Base, p.Head, p.AsOf)
	for _, s := range p.sections() {
		for _, e := range s.entries {
			line(&b, "%-8s %s  %s (%s)  %s/%s", s.word, e.ID, oneLine(e.Holder), e.Partner, e.Track, e.Level)
		}
	}
	for _, e := range p.Edited {
		fmt.Fprintf(&b, "edited   %s  %s (%s)  %s/%s: %s%s\n", e.ID, oneLine(e.Holder), e.Partner, e.Track, e.Level, strings.Join(e.Keys, ", "), movedFrom(e))
	}
	for _, a := range p.Administrators {
		fmt.Fprintf(&b, "admin    %s %s <%s>, roles: %s\n", a.Change, oneLine(a.Name), oneLine(a.Email), strings.Join(a.Roles, ", "))
	}
	for _, k := range p.Program {
		fmt.Fprintf(&b, "program  %s\n", oneLine(k))
	}
	for _, f := range p.Files {
		fmt.Fprintf(&b, "file     %s %s\n", f.Change, oneLine(f.File))
	}
	for _, t := range p.Tiers {
		line(&b, "tier     %s: %s -> %s", t.Partner, tierName(t.From), tierName(t.To))
	}
	for _, e := range p.Exams {
		line(&b, "exam     %s: %s -> %s", e.Exam, statusName(e.From), statusName(e.To))
	}
	for _, r := range p.Rubrics {
		line(&b, "rubric   %s/%s %s %s: %d of %d, pass %d: %s", r.Partner, r.Person, r.Assessment, r.Date, r.Total, r.Max, r.Pass, metWord(r.Met))
	}
	for _, d := range p.Diagnostics {
		line(&b, "new      %s", d)
	}
	line(&b, "%s; head has %s and %s", p.Summary(), count(p.HeadErrors, "error", "errors"), count(p.HeadWarnings, "warning", "warnings"))
	_, err := io.WriteString(w, b.String())
	return err
}

func line(b *strings.Builder, format string, args ...any) {
	b.WriteString(diag.Printable(fmt.Sprintf(format, args...)))
	b.WriteByte('\n')
}

type section struct {
	word, title string
	entries     []Entry
}

func (p *Plan) sections() []section {
	return []section{
		{"granted", "Granted", p.Granted},
		{"renewed", "Renewed", p.Renewed},
		{"revoked", "Revoked", p.Revoked},
		{"removed", "Removed", p.Removed},
		{"unrevoked", "Revocations lifted", p.Unrevoked},
	}
}

func movedFrom(e Edit) string {
	if e.From == "" {
		return ""
	}
	return " (moved from " + oneLine(e.From) + ")"
}

var oneLineReplacer = strings.NewReplacer("\r", " ", "\n", " ")

func oneLine(s string) string { return oneLineReplacer.Replace(s) }

// MaxMarkdown is the most bytes WriteMarkdown writes: GitHub takes at most
// 1 MiB of job summary per step, and a comment less than that.
const MaxMarkdown = 1<<20 - 1

// WriteMarkdown prints the plan for a pull request comment or a job
// summary. When it would pass MaxMarkdown bytes, the rows that do not
// fit are left out and a note says how many, and how to see them all.
func (p *Plan) WriteMarkdown(w io.Writer) error {
	return p.markdown(w, MaxMarkdown)
}

func (p *Plan) markdown(w io.Writer, limit int) error {
	m := &mdWriter{limit: limit - 400} // room for the closing note
	m.line(fmt.Sprintf("### accredit plan: `%s`..`%s` at %s", code(p.Base), code(p.Head), p.AsOf))
	m.line("")
	status := "No errors at head."
	if p.HeadErrors > 0 {
		status = fmt.Sprintf("**Head has %s.**", count(p.HeadErrors, "error", "errors"))
	}
	m.line(fmt.Sprintf("%s. %s", upper(p.Summary()), status))
	for _, s := range p.sections() {
		if len(s.entries) == 0 {
			continue
		}
		m.line("")
		m.line(fmt.Sprintf("#### %s (%d)", s.title, len(s.entries)))
		m.line("")
		m.line("| Credential | Holder | Partner | Track | Level |")
		m.line("|---|---|---|---|---|")
		for _, e := range s.entries {
			m.row(fmt.Sprintf("| `%s` | %s | %s | %s | %s |", code(e.ID), md(e.Holder), md(e.Partner), md(e.Track), md(e.Level)))
		}
	}
	if len(p.Edited) > 0 {
		m.line("")
		m.line(fmt.Sprintf("#### Credentials edited (%d)", len(p.Edited)))
		m.line("")
		m.line("| Credential | Holder | Partner | Changed |")
		m.line("|---|---|---|---|")
		for _, e := range p.Edited {
			m.row(fmt.Sprintf("| `%s` | %s | %s | %s |", e.ID, md(e.Holder), md(e.Partner), md(strings.Join(e.Keys, ", ")+movedFrom(e))))
		}
	}
	if len(p.Administrators) > 0 {
		m.line("")
		m.line(fmt.Sprintf("#### Administrators (%d)", len(p.Administrators)))
		m.line("")
		m.line("| Change | Name | E-mail | Roles |")
		m.line("|---|---|---|---|")
		for _, a := range p.Administrators {
			m.row(fmt.Sprintf("| %s | %s | %s | %s |", a.Change, md(a.Name), md(a.Email), md(strings.Join(a.Roles, ", "))))
		}
	}
	if len(p.Program) > 0 {
		m.line("")
		m.line(fmt.Sprintf("#### programs/program.toml: keys changed (%d)", len(p.Program)))
		m.line("")
		for _, k := range p.Program {
			m.row("- " + md(k))
		}
	}
	if len(p.Files) > 0 {
		m.line("")
		m.line(fmt.Sprintf("#### Files (%d)", len(p.Files)))
		m.line("")
		for _, f := range p.Files {
			m.row(fmt.Sprintf("- %s %s", f.Change, md(f.File)))
		}
	}
	if len(p.Tiers) > 0 {
		m.line("")
		m.line(fmt.Sprintf("#### Tier changes (%d)", len(p.Tiers)))
		m.line("")
		m.line("| Partner | From | To |")
		m.line("|---|---|---|")
		for _, t := range p.Tiers {
			m.row(fmt.Sprintf("| %s | %s | %s |", md(t.Partner), md(tierName(t.From)), md(tierName(t.To))))
		}
	}
	if len(p.Exams) > 0 {
		m.line("")
		m.line(fmt.Sprintf("#### Exam status changes (%d)", len(p.Exams)))
		m.line("")
		m.line("| Exam | From | To |")
		m.line("|---|---|---|")
		for _, e := range p.Exams {
			m.row(fmt.Sprintf("| %s | %s | %s |", md(e.Exam), md(statusName(e.From)), md(statusName(e.To))))
		}
	}
	if len(p.Rubrics) > 0 {
		m.line("")
		m.line(fmt.Sprintf("#### Rubric results (%d)", len(p.Rubrics)))
		m.line("")
		m.line("| Partner | Person | Assessment | Date | Points | Pass | Rubric |")
		m.line("|---|---|---|---|---|---|---|")
		for _, r := range p.Rubrics {
			m.row(fmt.Sprintf("| %s | %s | %s | %s | %d of %d | %d | %s |", md(r.Partner), md(r.Person), md(r.Assessment), r.Date, r.Total, r.Max, r.Pass, metWord(r.Met)))
		}
	}
	if len(p.Diagnostics) > 0 {
		m.line("")
		m.line(fmt.Sprintf("#### New diagnostics (%d)", len(p.Diagnostics)))
		m.line("")
		for _, d := range p.Diagnostics {
			m.row(fmt.Sprintf("- `%s:%d` %s: %s (`%s`)", code(d.File), d.Line, d.Severity, md(d.Msg), code(d.Rule)))
		}
	}
	if m.omitted > 0 {
		m.full = false
		m.limit = limit
		m.line("")
		m.line(fmt.Sprintf("_%s not shown: the plan is too large for a comment. `accredit plan --format json` prints all of it._", count(m.omitted, "more row is", "more rows are")))
	}
	_, err := io.WriteString(w, m.b.String())
	return err
}

// mdWriter writes lines up to a limit: once a row does not fit, no later
// row is written, and omitted counts them.
type mdWriter struct {
	b       strings.Builder
	limit   int
	full    bool
	omitted int
}

func (m *mdWriter) line(s string) {
	if m.full || m.b.Len()+len(s)+1 > m.limit {
		m.full = true
		return
	}
	m.b.WriteString(s)
	m.b.WriteByte('\n')
}

func (m *mdWriter) row(s string) {
	if m.full || m.b.Len()+len(s)+1 > m.limit {
		m.full = true
		m.omitted++
		return
	}
	m.b.WriteString(s)
	m.b.WriteByte('\n')
}

func upper(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// md and code keep the Markdown lines short: text in a cell, and text in
// a code span.
func md(s string) string   { return diag.Markdown(s) }
func code(s string) string { return diag.MarkdownCode(s) }

package check

import (
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/accredit/accredit/cmd/internal/date"
	"github.com/accredit/accredit/cmd/internal/diag"
	"github.com/accredit/accredit/cmd/internal/program"
	"github.com/accredit/accredit/cmd/internal/standing"
)

// Rule is one rule of section 10.
type Rule struct {
	ID       string
	Severity diag.Severity
	Summary  string
	// Run checks the whole program; nil for rules the loader enforces and
	// for rules that another rule's function reports together with it.
	Run func(*Context)
}

// Rules lists every rule in the order of section 10.
var Rules = []Rule{
	{"syntax", diag.Error, "a file is not valid TOML, or a Markdown file has no +++ front matter", nil},
	{"unreadable-file", diag.Error, "a symbolic link, a folder, FIFO, device or socket where a file belongs, a file or folder that cannot be read, or a file over its size cap", nil},
	{"unknown-key", diag.Error, "a key the format does not define", nil},
	{"missing-field", diag.Error, "a required key or table is missing", nil},
	{"invalid-value", diag.Error, "a value of the wrong type or out of range (dates, e-mails, URLs, countries, scores, enums)", nil},
	{"invalid-id", diag.Error, "an id that is not a slug, or an id key that differs from its file name", nil},
	{"unknown-reference", diag.Error, "a reference to a track, level, course, exam, kind, certification or credential that does not exist", unknownReference},
	{"duplicate-id", diag.Error, "two records with the same id", duplicateID},
	{"credential-id", diag.Error, "a credential id with the wrong shape or check symbol", nil},
	{"prerequisite", diag.Error, "a prerequisite certification not held (active or grace) on the issue date", grants},
	{"course-missing", diag.Error, "a required course not completed on or before the issue date", nil},
	{"exam-not-passed", diag.Error, "no passing attempt of the exam within result_valid_days before the issue date", nil},
	{"exam-not-live", diag.Error, "a grant relies on an attempt of an exam that was not live (draft, beta or retired) on the attempt's date", nil},
	{"retake-limit", diag.Error, "an attempt beyond attempts_included in its cycle", attempts},
	{"retake-wait", diag.Error, "an attempt sooner than retake_wait_days after the previous one in its cycle", nil},
	{"proctoring", diag.Error, "an attempt proctored or monitored in a way its level does not allow, or, when a grant relies on it, recording no proctoring (or no monitoring where its level requires one)", nil},
	{"assessment-missing", diag.Error, "a required assessment not passed within result_valid_days before the issue date", nil},
	{"rubric-not-met", diag.Error, "a grant relies on an assessment result whose scores do not meet its kind's rubric (a criterion under its min, a total under pass, or no scores)", rubricScores},
	{"evidence-missing", diag.Error, "fewer evidence items of a kind than required on the issue date", nil},
	{"evidence-unreviewed", diag.Error, "a grant relies on an evidence item of a kind with requires_review or requires_reference that lacks a reviewer who may review, an approved date on or before the issue date, or a customer reference", nil},
	{"future-date", diag.Error, "a date after the as-of date", futureDates},
	{"renewal", diag.Error, "a renewal outside its window, of another credential, repeated, or without a met recertify option", nil},
	{"bank-size", diag.Error, "a question bank smaller than bank_factor x the exam's questions", banks},
	{"bank-invalid", diag.Error, "a question with an unknown topic, fewer than two or duplicate choices, or an answer out of range", nil},
	{"metrics-range", diag.Error, "a partner's metrics.toml figure out of its range (rates and CSAT 0-100, NPS -100-100, pipeline >= 0)", metrics},
	{"metrics-quarter", diag.Error, "a partner's metrics.toml quarter not written YYYY-Qn, not begun at the as-of date, or given twice", nil},
	// Signed credentials (Open Badges 3.0).
	{"signing-key-dates", diag.Error, "two [[signing_keys]] whose dates overlap: each day must have at most one key that signs", signingKeyDates},
	{"private-key", diag.Error, "a private key (z3u2... or a PEM PRIVATE KEY block) in a file under programs/, partners/, content/ or layouts/", nil},
	// The git audit: reported by check --git through package history, not
	// by Run, and never waivable (a waive is itself what they audit).
	{"unauthorized-grant", diag.Error, "a certification record added, changed, moved or removed by a commit whose author is not an administrator with the grants role (check --git)", nil},
	{"unauthorized-change", diag.Error, "any other change of the program by a commit whose author lacks the role that may make it (check --git)", nil},
	{"unsigned-grant", diag.Error, "with signed_grants: a commit changing a certification record without a valid signature by its administrator's key (check --git)", nil},
	{"unsigned-change", diag.Error, "with signed_grants: any other audited commit without a valid signature by its administrator's key (check --git)", nil},
	{"history-incomplete", diag.Error, "the git history the audit needs is missing, as in a shallow clone (check --git)", nil},
	{"bank-coverage", diag.Warning, "a blueprint topic with fewer than bank_factor x its share of questions", nil},
	{"review-stale", diag.Warning, "an exam whose questions were last reviewed more than review_days ago", reviewStale},
	{"expiring", diag.Warning, "an active credential that expires within the largest notice period", expiring},
}

// severities is filled by init: a variable initialiser would make a cycle
// through the rule functions, which report through it.
var severities = map[string]diag.Severity{}

func init() {
	for _, r := range Rules {
		severities[r.ID] = r.Severity
	}
}

// Context is what a rule sees.
type Context struct {
	P    *program.Program
	S    *standing.Standing
	AsOf date.Date
	out  *diag.List

	// scoped limits the rules to the records of some partners (see
	// RunPartners); the program's definitions are then not checked.
	scoped bool
	scope  []*program.Partner

	// lists holds the program's id lists without repeats, by their first
	// element (see distinct). Each rule has its own Context.
	lists map[*string][]string

	// ids holds the program's ids by kind, for "did you mean" (see
	// didYouMean), built when a rule first needs them.
	ids map[string][]string
}

// partners returns the partners whose records the rules check.
func (c *Context) partners() []*program.Partner {
	if c.scoped {
		return c.scope
	}
	return c.P.Partners
}

// credentials calls f with every credential of the checked partners.
func (c *Context) credentials(f func(*program.Credential)) {
	for _, pa := range c.partners() {
		for _, pe := range pa.People {
			for _, cr := range pe.Certifications {
				f(cr)
			}
		}
	}
}

// eachPartner runs a rule over the checked partners on all cores, in
// chunks: the rule that checks every grant is most of a check's rules
// (10,000 partners: 0.7 s of 0.9), and alone on one core it set the
// wall time of the whole. start is called once per worker with a Context
// of the worker's own (a Context keeps caches: distinct's lists,
// didYouMean's ids), and returns what checks one partner.
func (c *Context) eachPartner(start func(c *Context) func(*program.Partner)) {
	partners := c.partners()
	const chunk = 64 // partners a worker takes at a time
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), (len(partners)+chunk-1)/chunk) {
		wc := *c
		wc.lists, wc.ids = nil, nil
		wg.Go(func() {
			f := start(&wc)
			for {
				lo := int(next.Add(chunk)) - chunk
				if lo >= len(partners) {
					return
				}
				for _, pa := range partners[lo:min(lo+chunk, len(partners))] {
					f(pa)
				}
			}
		})
	}
	wg.Wait()
}

// Run checks p at asOf and returns the diagnostics of every rule.
func Run(p *program.Program, s *standing.Standing, asOf date.Date) []diag.Diagnostic {
	return run(&Context{P: p, S: s, AsOf: asOf}, nil)
}

// datedRules are the rules whose Run reads the as-of date (Context.AsOf),
// by the ID of the entry that holds it: every other rule reports the
// same on every day. TestOnlyDatedRulesReadAsOf holds the list to the
// code.
var datedRules = map[string]bool{"future-date": true, "metrics-range": true, "review-stale": true, "expiring": true}

// RunUndated runs the rules that do not read the as-of date, and
// RunDated the others: together, on the same day, they report what Run
// does. A result kept for later days (accredit check) runs the first
// once and the second for each day.
func RunUndated(p *program.Program, s *standing.Standing) []diag.Diagnostic {
	return run(&Context{P: p, S: s}, func(r Rule) bool { return !datedRules[r.ID] })
}

// RunDated: see RunUndated.
func RunDated(p *program.Program, s *standing.Standing, asOf date.Date) []diag.Diagnostic {
	return run(&Context{P: p, S: s, AsOf: asOf}, func(r Rule) bool { return datedRules[r.ID] })
}

// RunPartners checks only the records of the given partners (their
// partner.md and people files) against the rest of the program, and
// returns the diagnostics in those files. Those are exactly the
// diagnostics Run reports in them: for accredit serve, which after an
// edit checks again only what the edit can change. A partner's records
// depend on other partners' only through credential ids (duplicates, and
// renews naming another person's credential), so the caller checks again
// the partners holding any id an edit added or removed.
func RunPartners(p *program.Program, s *standing.Standing, asOf date.Date, partners []*program.Partner) []diag.Diagnostic {
	return run(&Context{P: p, S: s, AsOf: asOf, scoped: true, scope: partners}, nil)
}

// run runs the rules that have a Run and that keep accepts (nil: all).
func run(base *Context, keep func(Rule) bool) []diag.Diagnostic {
	var out diag.List
	var wg sync.WaitGroup
	sem := make(chan struct{}, runtime.GOMAXPROCS(0))
	for _, r := range Rules {
		if r.Run == nil || keep != nil && !keep(r) {
			continue
		}
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			c := *base
			c.out = &out
			r.Run(&c)
		})
	}
	wg.Wait()
	return out.Sorted()
}

// report adds a diagnostic of rule at pos.
func (c *Context) report(pos program.Pos, rule, format string, args ...any) {
	sev, ok := severities[rule]
	if !ok {
		panic("check: unknown rule " + rule)
	}
	c.out.Add(diag.Diagnostic{File: pos.File, Line: pos.Line, Col: pos.Col, Severity: sev, Rule: rule, Msg: fmt.Sprintf(format, args...)})
}

// grant reports a rule broken by a certification's grant, unless the grant
// waives it.
func (c *Context) grant(cr *program.Credential, rule, format string, args ...any) {
	if cr.Waives(rule) {
		return
	}
	c.report(cr.Pos, rule, format, args...)
}

// key returns the position of a key of a credential ("renews").
func key(cr *program.Credential, k string) program.Pos {
	return cr.Person.Src.At(cr.Path() + "." + k)
}

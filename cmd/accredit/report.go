package main

import (
	"github.com/accredit/accredit/cmd/internal/base"
	"github.com/accredit/accredit/cmd/internal/diag"
	"github.com/accredit/accredit/cmd/internal/report"
)

var cmdReport = &base.Command{
	UsageLine: "report [--root DIR] [--as-of DATE] [--from DATE] [--to DATE] [--format text|markdown|json|csv|html] [--out DIR]",
	Short:     "report the program's figures: credentials, exams, renewals, partners at risk",
	Long: `Report computes the program owner's figures at the as-of date D:
credentials by status and certification, month by month issues,
renewals, lapses, revocations, certified people and the tier mix; exam
attempts and pass rates; time to certification; the renewal rate; and
for every partner its tier, its next tier and what it lacks for it, and
the tier it will hold 30, 60 and 90 days after D if nothing is renewed.
Partners whose tier in 90 days is lower are listed at risk, with the
credentials that cause it. content/docs/reports.md describes every field.

The period runs from --from (default: the first day of the month 12
months before --to) to --to (default: D); --to may not be after D.

Formats: text (default), markdown (for $GITHUB_STEP_SUMMARY), json (the
contract), csv (one row per figure: section,key,field,value) and html
(one self-contained page with charts that makes no request).

The report is PRIVATE: it names people and exam results. Without --out it
is printed; with --out DIR it is written to DIR (report.txt, report.md,
report.json, report.csv or index.html), readable by its owner only. An
--out that is the program's root, inside its programs/, partners/,
content/, layouts/, .git/ or build/ folder, or inside any site accredit
built, is refused.

Exit status: 0 written, 1 the program has errors (nothing is reported),
2 usage or I/O error.`,
	Flag: base.NewFlagSet("report"),
}

var (
	reportProgram = addProgramFlags(cmdReport.Flag)
	reportFrom    dateFlag
	reportTo      dateFlag
	reportFormat  = &choiceFlag{value: "text", choices: report.Formats}
	reportOut     = cmdReport.Flag.String("out", "", "write the report into `DIR` instead of printing it")
)

func init() {
	cmdReport.Flag.Var(&reportFrom, "from", "start the period at `DATE` (default: the first of the month 12 months before --to)")
	cmdReport.Flag.Var(&reportTo, "to", "end the period at `DATE` (default: the as-of date)")
	cmdReport.Flag.Var(reportFormat, "format", "output `FORMAT`: text, markdown, json, csv or html")
	cmdReport.Run = runReport
	register(cmdReport)
}

func runReport(env *base.Env, args []string) int {
	if len(args) > 0 {
		env.Errorf(cmdReport, "unexpected argument %q", args[0])
		cmdReport.ShortUsage(env.Stderr)
		return base.ExitUsage
	}
	opt := report.Options{AsOf: reportProgram.date(), From: reportFrom.d, To: reportTo.d}
	if opt.To.IsZero() {
		opt.To = opt.AsOf
	}
	if opt.From.IsZero() {
		opt.From = report.DefaultFrom(opt.To)
	}
	switch {
	case opt.To.After(opt.AsOf):
		env.Errorf(cmdReport, "--to %s is after the as-of date %s: a report knows nothing later", opt.To, opt.AsOf)
		return base.ExitUsage
	case opt.From.After(opt.To):
		env.Errorf(cmdReport, "--from %s is after --to %s", opt.From, opt.To)
		return base.ExitUsage
	}
	// Before anything is read: refusing a wrong --out must not wait for
	// the checks.
	var dir string
	if *reportOut != "" {
		var err error
		if dir, err = report.Guard(reportProgram.root, *reportOut); err != nil {
			env.Errorf(cmdReport, "%v", err)
			return base.ExitUsage
		}
	}
	res, err := loadAndCheck(env, reportProgram.root, opt.AsOf)
	if err != nil {
		env.Errorf(cmdReport, "%v", err)
		return base.ExitUsage
	}
	if errs, _ := diag.Count(res.Diags); errs > 0 {
		env.Errorf(cmdReport, "the program has errors (run accredit check): no report is written")
		return base.ExitProblems
	}
	r := report.Compute(res.Program, res.Standing, opt)
	if dir == "" {
		err = r.Write(env.Stdout, reportFormat.value)
	} else {
		var file string
		if file, err = r.WriteFile(dir, reportFormat.value); err == nil {
			printLine(env.Stderr, "wrote %s", file)
		}
	}
	if err != nil {
		env.Errorf(cmdReport, "%v", err)
		return base.ExitUsage
	}
	return base.ExitOK
}

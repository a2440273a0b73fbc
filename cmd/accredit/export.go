package main

import (
	"bufio"

	"github.com/accredit/accredit/cmd/internal/base"
	"github.com/accredit/accredit/cmd/internal/diag"
	"github.com/accredit/accredit/cmd/internal/report"
)

var cmdExport = &base.Command{
	UsageLine: "export [--root DIR] [--as-of DATE] [--format csv|json]",
	Short:     "export every person and credential, with e-mails, for a PRM or CRM",
	Long: `Export prints one row per credential issued on or before the as-of
date D, and one row per person who holds none, with these columns
(content/docs/reports.md describes each):

  partner, partner_name, partner_tier, person, name, email, credential,
  track, level, certification, issued, expires, status, renews,
  renewed_by, revoked

Statuses and tiers are those at D. Formats: csv (the default, a header
row first; a cell a spreadsheet would read as a formula starts with ')
and json ({"as_of": D, "rows": [{...}]}).

The export is PRIVATE: it holds every person's e-mail address. Keep it
out of the repository and of any published folder.

Exit status: 0 exported, 1 the program has errors (nothing is
exported), 2 usage or I/O error.`,
	Flag: base.NewFlagSet("export"),
}

var (
	exportProgram = addProgramFlags(cmdExport.Flag)
	exportFormat  = &choiceFlag{value: "csv", choices: []string{"csv", "json"}}
)

func init() {
	cmdExport.Flag.Var(exportFormat, "format", "output `FORMAT`: csv or json")
	cmdExport.Run = runExport
	register(cmdExport)
}

func runExport(env *base.Env, args []string) int {
	if len(args) > 0 {
		env.Errorf(cmdExport, "unexpected argument %q", args[0])
		cmdExport.ShortUsage(env.Stderr)
		return base.ExitUsage
	}
	res, err := loadAndCheck(env, exportProgram.root, exportProgram.date())
	if err != nil {
		env.Errorf(cmdExport, "%v", err)
		return base.ExitUsage
	}
	if errs, _ := diag.Count(res.Diags); errs > 0 {
		env.Errorf(cmdExport, "the program has errors (run accredit check): nothing is exported")
		return base.ExitProblems
	}
	rows := report.Export(res.Program, res.Standing, res.AsOf)
	w := bufio.NewWriterSize(env.Stdout, 1<<16)
	if exportFormat.value == "json" {
		err = report.WriteExportJSON(w, res.AsOf, rows)
	} else {
		err = report.WriteExportCSV(w, rows)
	}
	if err == nil {
		err = w.Flush()
	}
	if err != nil {
		env.Errorf(cmdExport, "%v", err)
		return base.ExitUsage
	}
	return base.ExitOK
}

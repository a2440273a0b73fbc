package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strings"

	"github.com/accredit/accredit/cmd/internal/base"
	"github.com/accredit/accredit/cmd/internal/diag"
	"github.com/accredit/accredit/cmd/internal/report"
	"github.com/accredit/accredit/cmd/internal/standing"
)

var cmdNotices = &base.Command{
	UsageLine: "notices [--root DIR] [--as-of DATE] [--format text|markdown|json] [--send --ledger FILE | --dry-run [--ledger FILE]]",
	Short:     "list the credentials whose expiry notices are due",
	Long: `Notices lists the active credentials whose expiry notice is due at the
as-of date D: those that expire exactly n days after D, for each n of
[policy] notice_days (by default 60, 30 and 7). Run it once a day (the
nightly workflow does) and every holder gets each notice once.

Each line names the notice, the credential, its holder, partner and
certification, its expiry and the person's file, where the holder's
e-mail is kept: the e-mail itself is never printed, so that the list can
go into a CI job summary.

Formats: text (one line per notice), markdown (a table, for
$GITHUB_STEP_SUMMARY) and json ({"as_of", "notices": [{"notice", "id",
"holder", "partner", "track", "level", "expires", "file"}]}).

With --send, notices e-mails each holder the latest of their notices due
on or before D that the ledger (--ledger FILE, JSON lines, no e-mail
addresses) does not hold yet: 60/30/7 days before expiry while active,
"grace" the day it expires, "lapsed" the day its grace ends, each only
while the credential still has that status; and a message for each
credential granted ("issued"), renewed or revoked in the 14 days up to
D, once. A missed night therefore
catches up with the most urgent notice, and a notice goes out once: it is
recorded when the server accepts it. The SMTP server is the URL in
$ACCREDIT_SMTP_URL (smtp://user:pass@host:587 with STARTTLS,
smtps://user:pass@host:465, or smtp+insecure://host:port for a local
relay); the sender is [program] notices_from, else contact_email. The
messages come from layouts/email/notice.txt and notice.html (the
program's own when it has them). --dry-run prints what would be sent and
sends nothing. The ledger may not be inside the program's sources or
build/: keep it on a branch of its own (content/docs/reports.md).

Exit status: 0 listed or sent (even when empty), 1 the program has
errors (nothing is listed or sent) or a message could not be sent, 2
usage or I/O error.`,
	Flag: base.NewFlagSet("notices"),
}

var (
	noticesProgram = addProgramFlags(cmdNotices.Flag)
	noticesFormat  = &choiceFlag{value: "text", choices: []string{"text", "markdown", "json"}}
	noticesSend    = cmdNotices.Flag.Bool("send", false, "e-mail the notices due on or before the as-of date and not sent yet")
	noticesDryRun  = cmdNotices.Flag.Bool("dry-run", false, "with --send's rules, print what would be sent and send nothing")
	noticesLedger  = cmdNotices.Flag.String("ledger", "", "the ledger of sent notices, `FILE` (required with --send)")
)

func init() {
	cmdNotices.Flag.Var(noticesFormat, "format", "output `FORMAT`: text, markdown or json")
	cmdNotices.Run = runNotices
	register(cmdNotices)
}

// notice is one expiry notice due at D.
type notice struct {
	Notice  int    `json:"notice"` // days before expiry
	ID      string `json:"id"`
	Holder  string `json:"holder"`
	Partner string `json:"partner"`
	Track   string `json:"track"`
	Level   string `json:"level"`
	Expires string `json:"expires"`
	File    string `json:"file"`
}

func runNotices(env *base.Env, args []string) int {
	if len(args) > 0 {
		env.Errorf(cmdNotices, "unexpected argument %q", args[0])
		cmdNotices.ShortUsage(env.Stderr)
		return base.ExitUsage
	}
	if *noticesSend && *noticesDryRun {
		env.Errorf(cmdNotices, "--send and --dry-run exclude each other")
		return base.ExitUsage
	}
	if *noticesSend && *noticesLedger == "" {
		env.Errorf(cmdNotices, "--send needs --ledger FILE: the record of the notices sent, which keeps each from going out twice")
		return base.ExitUsage
	}
	if *noticesLedger != "" && !*noticesSend && !*noticesDryRun {
		env.Errorf(cmdNotices, "--ledger goes with --send or --dry-run")
		return base.ExitUsage
	}
	if *noticesLedger != "" {
		if _, err := report.Guard(noticesProgram.root, filepath.Dir(*noticesLedger)); err != nil {
			env.Errorf(cmdNotices, "--ledger: %v", strings.Replace(err.Error(), "the report is private", "keep the ledger on a branch of its own", 1))
			return base.ExitUsage
		}
	}
	res, err := loadAndCheck(env, noticesProgram.root, noticesProgram.date())
	if err != nil {
		env.Errorf(cmdNotices, "%v", err)
		return base.ExitUsage
	}
	if errs, _ := diag.Count(res.Diags); errs > 0 {
		env.Errorf(cmdNotices, "the program has errors (run accredit check): no notices are listed")
		return base.ExitProblems
	}
	if *noticesSend || *noticesDryRun {
		return sendNotices(env, res)
	}
	d := res.AsOf
	var out []notice
	for _, c := range res.Program.Credentials {
		if res.Standing.Status(c, d) != standing.Active {
			continue
		}
		left := res.Standing.Of(c).Expires.Sub(d)
		if !slices.Contains(res.Program.Policy.NoticeDays, left) {
			continue
		}
		out = append(out, notice{Notice: left, ID: c.ID, Holder: c.Person.Name, Partner: c.Person.Partner.ID,
			Track: c.Track, Level: c.Level, Expires: res.Standing.Of(c).Expires.String(), File: c.Pos.File})
	}
	slices.SortStableFunc(out, func(a, b notice) int { return a.Notice - b.Notice })
	switch noticesFormat.value {
	case "json":
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		if out == nil {
			out = []notice{}
		}
		err = enc.Encode(struct {
			AsOf    string   `json:"as_of"`
			Notices []notice `json:"notices"`
		}{d.String(), out})
		if err == nil {
			_, err = env.Stdout.Write(diag.PrintableJSON(buf.Bytes()))
		}
	case "markdown":
		err = noticesMarkdown(env.Stdout, d.String(), out)
	default:
		var b strings.Builder
		for _, n := range out {
			printLine(&b, "%2d days  %s  %s  %s (%s)  %s/%s  %s", n.Notice, n.Expires, n.ID, oneLineText(n.Holder), n.Partner, n.Track, n.Level, n.File)
		}
		_, err = io.WriteString(env.Stdout, b.String())
		printLine(env.Stderr, "%d notices due on %s", len(out), d)
	}
	if err != nil {
		env.Errorf(cmdNotices, "%v", err)
		return base.ExitUsage
	}
	return base.ExitOK
}

var oneLineText = strings.NewReplacer("\r", " ", "\n", " ").Replace

func noticesMarkdown(w io.Writer, asOf string, ns []notice) error {
	var b strings.Builder
	fmt.Fprintf(&b, "### Expiry notices due on %s\n\n", asOf)
	if len(ns) == 0 {
		b.WriteString("No notices are due.\n")
	} else {
		b.WriteString("| Notice | Expires | Credential | Holder | Partner | Certification | File |\n|---|---|---|---|---|---|---|\n")
		for _, n := range ns {
			fmt.Fprintf(&b, "| %d days | %s | `%s` | %s | %s | %s/%s | `%s` |\n", n.Notice, diag.Markdown(n.Expires), diag.MarkdownCode(n.ID), diag.Markdown(n.Holder), diag.Markdown(n.Partner), diag.Markdown(n.Track), diag.Markdown(n.Level), diag.MarkdownCode(n.File))
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

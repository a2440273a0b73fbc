package main

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/accredit/accredit/cmd/internal/author"
	"github.com/accredit/accredit/cmd/internal/base"
	"github.com/accredit/accredit/cmd/internal/date"
	"github.com/accredit/accredit/cmd/internal/diag"
	"github.com/accredit/accredit/cmd/internal/lock"
	"github.com/accredit/accredit/cmd/internal/record"
)

var cmdGrant = &base.Command{
	UsageLine: "grant --partner P --person X --track T --level L [--issued DATE] [--id ID] [--name N --email E] [--waive RULES --waiver-reason TEXT] [--root DIR] [--dry-run]",
	Short:     "grant a certification: append it to the person's file",
	Long: `Grant checks a person's record against what a certification requires on
the issue date and, when every requirement is met, appends a
[[certifications]] block with a fresh random credential id to the
person's file (partners/P/people/X.toml):

  [[certifications]]
  id = "SZ6Q-2GMA-HYPP"
  track = "T"
  level = "L"
  issued = DATE

Every other byte of the file stays as it was, comments and line endings
included, and the file is replaced atomically. The new id is printed on
stdout; what was granted, and until when, on stderr.

The record is judged by the same rules as "accredit check", on the file
as it would be written: prerequisites held on the issue date, courses
completed, the exam passed and assessments passed within
result_valid_days, evidence, retake and proctoring rules. When any of
them is broken, or the file has any other error, grant refuses: it lists
every problem in check's words and writes nothing (exit 1). Record the
missing results first, or grant later.

--issued defaults to today (UTC); a date after today is refused
(future-date). --name and --email create the person's file, which must
not exist yet (it is written with public = false). --waive sets aside
rules for this grant (comma-separated, e.g. retake-limit), recorded with
--waiver-reason, which is never published. --id writes the given
credential id instead of a fresh one: it must be a valid id (with its
check symbol) that no credential of the program has. --dry-run prints
the block that would be appended and writes nothing; its id is the one
the grant will write only when --id gives it (a dry run says so).

Rules that span partners (the same credential id elsewhere) are left to
"accredit check", which CI runs on the pull request.

Exit status: 0 granted, 1 refused (nothing written), 2 usage or I/O error
(unknown partner, person or certification).`,
	Flag: base.NewFlagSet("grant"),
}

var (
	grantRoot    = rootFlag(cmdGrant.Flag)
	grantPartner = cmdGrant.Flag.String("partner", "", "the partner `ID` (its folder under partners/)")
	grantPerson  = cmdGrant.Flag.String("person", "", "the person `ID` (the file name under people/, without .toml)")
	grantTrack   = cmdGrant.Flag.String("track", "", "the track `ID`")
	grantLevel   = cmdGrant.Flag.String("level", "", "the level `ID`")
	grantIssued  dateFlag
	grantName    = cmdGrant.Flag.String("name", "", "create the person's file with this `NAME`")
	grantEmail   = cmdGrant.Flag.String("email", "", "the new person's private e-mail `ADDRESS`")
	grantWaive   = &listFlag{}
	grantReason  = cmdGrant.Flag.String("waiver-reason", "", "why the rules of --waive are waived (`TEXT`, private)")
	grantDryRun  = cmdGrant.Flag.Bool("dry-run", false, "print what would be appended and write nothing")
	grantID      = cmdGrant.Flag.String("id", "", "write this credential `ID` (valid and unused) instead of a fresh random one")
)

func init() {
	cmdGrant.Flag.Var(&grantIssued, "issued", "the issue `DATE` (YYYY-MM-DD; default today, UTC)")
	cmdGrant.Flag.Var(grantWaive, "waive", "waive these `RULES` for this grant (comma-separated)")
	cmdGrant.Run = runGrant
	register(cmdGrant)
}

func runGrant(env *base.Env, args []string) int {
	if len(args) > 0 {
		env.Errorf(cmdGrant, "unexpected argument %q", args[0])
		cmdGrant.ShortUsage(env.Stderr)
		return base.ExitUsage
	}
	for _, f := range []struct{ name, v string }{{"partner", *grantPartner}, {"person", *grantPerson}, {"track", *grantTrack}, {"level", *grantLevel}} {
		if f.v == "" {
			env.Errorf(cmdGrant, "--%s is required", f.name)
			cmdGrant.ShortUsage(env.Stderr)
			return base.ExitUsage
		}
	}
	if (*grantName == "") != (*grantEmail == "") {
		env.Errorf(cmdGrant, "--name and --email go together: they create the person's file")
		return base.ExitUsage
	}
	if !*grantDryRun {
		release, ok := writeLock(env, cmdGrant, *grantRoot)
		if !ok {
			return base.ExitUsage
		}
		defer release()
	}
	if !programFound(env, cmdGrant) {
		return base.ExitUsage
	}
	today := date.Today()
	g := author.Grant{
		Partner: *grantPartner, Person: *grantPerson, Track: *grantTrack, Level: *grantLevel,
		Issued: dateOr(grantIssued, today), Waive: grantWaive.values, WaiverReason: *grantReason,
		Name: *grantName, Email: *grantEmail, ID: *grantID,
	}
	e, err := author.PlanGrant(*grantRoot, g, today)
	var ref *author.Refusal
	if err != nil && !errors.As(err, &ref) {
		if hint := grantHint(*grantRoot, g); hint != "" {
			err = fmt.Errorf("%w%s", err, hint)
		}
	}
	return finishEdit(env, cmdGrant, e, err, *grantDryRun, func(w io.Writer) {
		verb := "granted"
		if *grantDryRun {
			verb = "would grant"
		}
		printLine(w, "%s %s (%s) to %s (%s/%s): %s, issued %s, expires %s", verb, e.Cert.Name, e.Cert.Key(),
			e.Holder, e.Partner, *grantPerson, e.Cred.ID, e.Cred.Issued, e.Expires)
		if *grantDryRun && *grantID == "" {
			// The id above was drawn for this run only: say so, and how
			// to make the grant write it.
			printLine(w, "%s is a fresh id for this dry run; the grant draws its own unless given --id %s", e.Cred.ID, e.Cred.ID)
		}
	})
}

// finishEdit reports an edit of a person's file and writes it, or reports
// why it was refused. summary describes a planned edit.
func finishEdit(env *base.Env, cmd *base.Command, e *author.Edit, err error, dryRun bool, summary func(io.Writer)) int {
	var ref *author.Refusal
	if errors.As(err, &ref) {
		printRefusal(env, cmd, ref)
		return base.ExitProblems
	}
	if err != nil {
		env.Errorf(cmd, "%v", explainRoot(err))
		return base.ExitUsage
	}
	if dryRun {
		summary(env.Stderr)
		printLine(env.Stdout, "%s:", e.File)
		printLines(env.Stdout, string(e.Added()))
		return base.ExitOK
	}
	if err := e.Write(); err != nil {
		env.Errorf(cmd, "%v", err)
		return base.ExitUsage
	}
	if cmd != cmdRevoke {
		printLine(env.Stdout, "%s", e.Cred.ID)
	}
	summary(env.Stderr)
	what := "wrote"
	if e.New {
		what = "created"
	}
	printLine(env.Stderr, "%s %s", what, e.File)
	return base.ExitOK
}

// writeLock takes the write lock of the program at root, held from
// before a command reads the files it edits until it has written them,
// and then finishes or undoes a write that a killed accredit left half
// done (record.Recover). ok is false, the error reported, when another
// writer holds the lock past the wait (ACCREDIT_LOCK_WAIT, a duration;
// lock.Wait by default).
func writeLock(env *base.Env, cmd *base.Command, root string) (release func(), ok bool) {
	wait := lock.Wait
	if v := env.Getenv("ACCREDIT_LOCK_WAIT"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d < 0 {
			env.Errorf(cmd, "ACCREDIT_LOCK_WAIT=%s: want a duration such as 10s", v)
			return nil, false
		}
		wait = d
	}
	l, err := lock.Acquire(lock.Path(root), wait)
	if err != nil {
		env.Errorf(cmd, "%v", err)
		return nil, false
	}
	if !recoverWrite(env, cmd, root) {
		l.Release()
		return nil, false
	}
	return func() { l.Release() }, true
}

// recoverWrite finishes or undoes an interrupted write; the caller holds
// the lock.
func recoverWrite(env *base.Env, cmd *base.Command, root string) bool {
	r, err := record.Recover(root)
	if err != nil {
		env.Errorf(cmd, "%v", err)
		return false
	}
	if r != nil {
		what := fmt.Sprintf("an accredit (pid %d) started writing %d %s at %s and was stopped", r.PID, r.Files, plural(r.Files, "file"), r.Started.Format("2006-01-02 15:04:05 UTC"))
		if r.Forward {
			env.Errorf(cmd, "%s after it had written them all: finished its renames", what)
		} else {
			env.Errorf(cmd, "%s before it had written them all: removed its partial files, they are as before", what)
		}
	}
	return true
}

func printRefusal(env *base.Env, cmd *base.Command, r *author.Refusal) {
	if r.Reason != "" {
		env.Errorf(cmd, "cannot %s: %s", r.What, r.Reason)
		return
	}
	env.Errorf(cmd, "cannot %s:", r.What)
	var inBlock, inFile []string
	for _, d := range r.Problems {
		if d.Line >= r.Block {
			msg := d.Msg
			if r.NewID != "" {
				// The id drawn for the refused credential was never
				// written: name the credential by what it is.
				msg = strings.ReplaceAll(msg, r.NewID, newCredential(cmd))
			}
			inBlock = append(inBlock, diag.Printable(fmt.Sprintf("  %s [%s]", msg, d.Rule)))
		} else {
			inFile = append(inFile, d.String())
		}
	}
	if len(inBlock) > 0 {
		fmt.Fprintln(env.Stderr, strings.Join(inBlock, "\n"))
	}
	if len(inFile) > 0 {
		if cmd == cmdRevoke {
			fmt.Fprintln(env.Stderr, "the file would have these new errors:")
		} else {
			fmt.Fprintln(env.Stderr, "these errors must be fixed first:")
		}
		fmt.Fprintln(env.Stderr, strings.Join(inFile, "\n"))
	}
	fmt.Fprintln(env.Stderr, "nothing was written")
}

// newCredential names the credential a refused grant or renewal would
// have written.
func newCredential(cmd *base.Command) string {
	if cmd == cmdRenew {
		return "the renewal"
	}
	return "the new credential"
}

func dateOr(f dateFlag, d date.Date) date.Date {
	if f.set {
		return f.d
	}
	return d
}

// listFlag is a comma-separated list; the flag may also be repeated.
type listFlag struct{ values []string }

func (f *listFlag) String() string { return strings.Join(f.values, ",") }

func (f *listFlag) Set(s string) error {
	for _, v := range strings.Split(s, ",") {
		if v = strings.TrimSpace(v); v != "" {
			f.values = append(f.values, v)
		}
	}
	return nil
}

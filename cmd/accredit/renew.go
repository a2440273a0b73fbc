package main

import (
	"errors"
	"fmt"
	"io"

	"github.com/accredit/accredit/cmd/internal/author"
	"github.com/accredit/accredit/cmd/internal/base"
	"github.com/accredit/accredit/cmd/internal/date"
)

var cmdRenew = &base.Command{
	UsageLine: "renew ID [--issued DATE] [--waive RULES --waiver-reason TEXT] [--root DIR] [--dry-run]",
	Short:     "renew a credential: append its renewal to the holder's file",
	Long: `Renew finds the credential ID in the program and appends its renewal to
the holder's file: a new [[certifications]] block of the same track and
level with a fresh random credential id and renews = "ID". The id may be
typed as a lookup accepts it (lower case, without hyphens).

The renewal is judged by the same rules as "accredit check" on the file as
it would be written: issued before the old credential's expiry +
streamlined_days, one recertify option met by results dated after the old
credential's issue date, the old credential neither revoked nor already
renewed. When a rule is broken, or the file has any other error, renew
refuses: it lists every problem in check's words and writes nothing.
A renewal issued more than streamlined_days after expiry is not a
renewal: use "accredit grant" for the full path.

Every other byte of the file stays as it was. The new id is printed on
stdout; what was renewed, and the new expiry, on stderr. --issued
defaults to today (UTC). --waive and --waiver-reason record a waiver as
for grant. --dry-run prints the block and writes nothing.

Exit status: 0 renewed, 1 refused (nothing written), 2 usage or I/O error
(an unknown id).`,
	Flag: base.NewFlagSet("renew"),
}

var (
	renewRoot   = rootFlag(cmdRenew.Flag)
	renewIssued dateFlag
	renewWaive  = &listFlag{}
	renewReason = cmdRenew.Flag.String("waiver-reason", "", "why the rules of --waive are waived (`TEXT`, private)")
	renewDryRun = cmdRenew.Flag.Bool("dry-run", false, "print what would be appended and write nothing")
)

func init() {
	cmdRenew.Flag.Var(&renewIssued, "issued", "the renewal's issue `DATE` (YYYY-MM-DD; default today, UTC)")
	cmdRenew.Flag.Var(renewWaive, "waive", "waive these `RULES` for this renewal (comma-separated)")
	cmdRenew.Run = runRenew
	register(cmdRenew)
}

func runRenew(env *base.Env, args []string) int {
	id, code, ok := firstArgument(env, cmdRenew, args, "which credential? give its ID")
	if !ok {
		return code
	}
	if !*renewDryRun {
		release, ok := writeLock(env, cmdRenew, *renewRoot)
		if !ok {
			return base.ExitUsage
		}
		defer release()
	}
	if !programFound(env, cmdRenew) {
		return base.ExitUsage
	}
	today := date.Today()
	e, err := author.PlanRenew(*renewRoot, id, dateOr(renewIssued, today), renewWaive.values, *renewReason, today, cacheFile(env, *renewRoot, ".people"))
	var ref *author.Refusal
	if err != nil && !errors.As(err, &ref) {
		if hint := credentialHint(*renewRoot, id); hint != "" {
			err = fmt.Errorf("%w%s", err, hint)
		}
	}
	return finishEdit(env, cmdRenew, e, err, *renewDryRun, func(w io.Writer) {
		verb := "renewed"
		if *renewDryRun {
			verb = "would renew"
		}
		printLine(w, "%s %s of %s (%s): %s, issued %s, expires %s", verb, e.Cred.Renews, e.Holder, e.Cert.Key(),
			e.Cred.ID, e.Cred.Issued, e.Expires)
	})
}

// firstArgument returns the one argument that revoke, renew, import and
// init take (an id, a file, a folder); missing says what to give when
// there is none. The flags around it are parsed already (base.Parse).
func firstArgument(env *base.Env, cmd *base.Command, args []string, missing string) (arg string, code int, ok bool) {
	if len(args) == 0 {
		env.Errorf(cmd, "%s", missing)
		cmd.ShortUsage(env.Stderr)
		return "", base.ExitUsage, false
	}
	if len(args) > 1 {
		env.Errorf(cmd, "unexpected argument %q", args[1])
		cmd.ShortUsage(env.Stderr)
		return "", base.ExitUsage, false
	}
	return args[0], 0, true
}

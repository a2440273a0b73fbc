package main

import (
	"errors"
	"fmt"
	"io"

	"github.com/accredit/accredit/cmd/internal/author"
	"github.com/accredit/accredit/cmd/internal/base"
	"github.com/accredit/accredit/cmd/internal/date"
)

var cmdRevoke = &base.Command{
	UsageLine: "revoke ID --reason TEXT [--date DATE] [--root DIR] [--dry-run]",
	Short:     "revoke a credential: add revoked and its reason to its record",
	Long: `Revoke finds the credential ID in the program and adds two keys at the
end of its own [[certifications]] table in the holder's file:

  revoked = DATE
  revoked_reason = "TEXT"

The block is never deleted: its verification page stays online and shows
the credential as revoked from that date. Every other byte of the file
stays as it was, comments and line endings included. The id may be typed
as a lookup accepts it (lower case, without hyphens).

--reason is required; it is published with the revocation. --date
defaults to today (UTC). Revoke refuses a credential that is already
revoked, and a revocation that would give the file an error it did not
have (a date before the issue date or after today, a renewal issued
after the revocation); nothing is written then.

Exit status: 0 revoked, 1 refused (nothing written), 2 usage or I/O error
(an unknown id, no reason).`,
	Flag: base.NewFlagSet("revoke"),
}

var (
	revokeRoot   = rootFlag(cmdRevoke.Flag)
	revokeReason = cmdRevoke.Flag.String("reason", "", "why the credential is revoked (`TEXT`)")
	revokeDate   dateFlag
	revokeDryRun = cmdRevoke.Flag.Bool("dry-run", false, "print the keys that would be added and write nothing")
)

func init() {
	cmdRevoke.Flag.Var(&revokeDate, "date", "the revocation `DATE` (YYYY-MM-DD; default today, UTC)")
	cmdRevoke.Run = runRevoke
	register(cmdRevoke)
}

func runRevoke(env *base.Env, args []string) int {
	id, code, ok := firstArgument(env, cmdRevoke, args, "which credential? give its ID")
	if !ok {
		return code
	}
	if !*revokeDryRun {
		release, ok := writeLock(env, cmdRevoke, *revokeRoot)
		if !ok {
			return base.ExitUsage
		}
		defer release()
	}
	if !programFound(env, cmdRevoke) {
		return base.ExitUsage
	}
	today := date.Today()
	e, err := author.PlanRevoke(*revokeRoot, id, dateOr(revokeDate, today), *revokeReason, today, cacheFile(env, *revokeRoot, ".people"))
	var ref *author.Refusal
	if err != nil && !errors.As(err, &ref) {
		if hint := credentialHint(*revokeRoot, id); hint != "" {
			err = fmt.Errorf("%w%s", err, hint)
		}
	}
	return finishEdit(env, cmdRevoke, e, err, *revokeDryRun, func(w io.Writer) {
		verb := "revoked"
		if *revokeDryRun {
			verb = "would revoke"
		}
		printLine(w, "%s %s (%s) of %s (%s) on %s", verb, e.Cred.ID, e.Cert.Key(), e.Holder, e.Partner, e.Cred.Revoked)
	})
}

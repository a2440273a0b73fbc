package main

import (
	"context"
	"time"

	"github.com/accredit/accredit"
	"github.com/accredit/accredit/cmd/internal/base"
	"github.com/accredit/accredit/cmd/internal/notify"
)

// sendNotices is notices --send and --dry-run: it e-mails (or prints)
// the notices due on or before D that the ledger does not hold.
func sendNotices(env *base.Env, res *checked) int {
	p, d := res.Program, res.AsOf
	ledger := &notify.Ledger{}
	if *noticesLedger != "" {
		var err error
		if ledger, err = notify.OpenLedger(*noticesLedger); err != nil {
			env.Errorf(cmdNotices, "--ledger: %v", err)
			return base.ExitUsage
		}
	}
	tmpl, err := notify.LoadTemplates(accredit.Layouts(), noticesProgram.root)
	if err != nil {
		env.Errorf(cmdNotices, "layouts/email: %v", err)
		return base.ExitUsage
	}
	var msgs []notify.Message
	noAddress := 0
	for _, n := range append(notify.Due(p, res.Standing, d), notify.Events(p, res.Standing, d)...) {
		if ledger.Sent(n) {
			continue
		}
		if n.Cred.Person.Email == "" {
			noAddress++
			printLine(env.Stderr, "no e-mail for %s of %s (%s): its %s notice is not sent", n.Cred.ID, oneLineText(n.Cred.Person.Name), n.Cred.Pos.File, n.Notice)
			continue
		}
		m, err := notify.Compose(p, tmpl, n, d)
		if err != nil {
			env.Errorf(cmdNotices, "layouts/email: %v", err)
			return base.ExitUsage
		}
		msgs = append(msgs, m)
	}
	// The lines name the holder and the person's file, never the
	// address: this output goes into CI logs.
	line := func(verb string, m notify.Message) {
		c := m.Notice.Cred
		printLine(env.Stdout, "%s %-6s %s  %s (%s)  %s  %s", verb, m.Notice.Notice, c.ID, oneLineText(c.Person.Name), c.Person.Partner.ID, c.Pos.File, oneLineText(m.Subject))
	}
	if *noticesDryRun {
		for _, m := range msgs {
			line("would send", m)
		}
		printLine(env.Stderr, "%d notices would be sent on %s (dry run: nothing sent, the ledger unchanged)", len(msgs), d)
		return base.ExitOK
	}
	if len(msgs) == 0 {
		printLine(env.Stderr, "0 notices to send on %s", d)
		return base.ExitOK
	}
	smtpURL := env.Getenv("ACCREDIT_SMTP_URL")
	if smtpURL == "" {
		env.Errorf(cmdNotices, "set ACCREDIT_SMTP_URL to the SMTP server (smtp://user:password@host:587): %d notices are due", len(msgs))
		return base.ExitUsage
	}
	from := p.Info.NoticesFrom
	if from == "" {
		from = p.Info.ContactEmail
	}
	if from == "" {
		env.Errorf(cmdNotices, "programs/program.toml sets neither [program] notices_from nor contact_email: no sender for the notices")
		return base.ExitUsage
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	s, err := notify.Dial(ctx, smtpURL, from)
	if err != nil {
		env.Errorf(cmdNotices, "%v", err)
		return base.ExitUsage
	}
	defer s.Close()
	sent, failed := 0, 0
	for _, m := range msgs {
		if err := s.Send(m); err != nil {
			failed++
			env.Errorf(cmdNotices, "%s notice of %s (%s) not sent: %v", m.Notice.Notice, m.Notice.Cred.ID, m.Notice.Cred.Pos.File, err)
			continue
		}
		if err := ledger.Record(m.Notice, d); err != nil {
			// Sent but not recorded: stop before more go out unrecorded.
			env.Errorf(cmdNotices, "the %s notice of %s was sent but not recorded in the ledger: %v", m.Notice.Notice, m.Notice.Cred.ID, err)
			return base.ExitUsage
		}
		sent++
		line("sent", m)
	}
	printLine(env.Stderr, "%d notices sent on %s, %d failed, %d without an e-mail address", sent, d, failed, noAddress)
	if failed > 0 {
		return base.ExitProblems
	}
	return base.ExitOK
}

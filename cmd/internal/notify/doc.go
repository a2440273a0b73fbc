// Package notify finds the expiry notices due to credential holders and
// e-mails them (accredit notices --send; content/docs/reports.md).
//
// In: a checked program, its standing, the date D and a ledger of the
// notices already sent. Out: for each credential at most one notice, the
// latest of its stages due on or before D whose status still holds at D
// (60/30/7 days before expiry while active, the day it enters grace, the
// day it lapses), unless the ledger holds it; messages rendered from the
// templates of layouts/email/ (the program's own, else the defaults), sent
// over SMTP. A missed night therefore catches up with the most urgent
// notice only, and a notice is recorded in the ledger only once the server
// accepted it.
//
// Sending is the standard library's: net/smtp for the session (its LOGIN
// mechanism is ours, in send.go), crypto/tls, and mime, mime/multipart,
// mime/quotedprintable and net/mail for the message (email.go). A mail
// library linked its Unicode, NTLM and MD4 packages into every accredit
// command, whose package inits ran at each start for a feature only
// notices --send uses.
package notify

// Package report computes the program owner's figures at a date D: how
// many credentials stand where, what each month issued, renewed and lost,
// how exams go, how long certification takes, how many renew in time, and
// where every partner's tier is heading (issue 19, content/docs/reports.md).
//
// In: a loaded, checked program and its standing (package standing: every
// status and tier here is asked of it, never recomputed), the as-of date
// and a period. Out: a *Report, whose JSON form is the contract; the text,
// Markdown, CSV and HTML forms render that same value.
//
// The report is PRIVATE: it names people and gives their exam results and
// partners' own business figures, so it is written only where Guard
// allows (never into a build output or the program's sources) and never
// published. Export, the PRM/CRM listing, adds e-mail addresses.
package report

// Package plan says what a change to a program does, as a pull request
// comment would: read from two revisions, it lists the credentials
// granted, renewed, revoked and removed, every partner whose tier at the
// as-of date changes, and the diagnostics the change brings.
//
// In: the base and head programs, each loaded and checked (package
// history reads them from git without a checkout), and the as-of date D.
// Out: a Plan, printed as text, as JSON or as Markdown sized for a pull
// request comment or $GITHUB_STEP_SUMMARY (under 1 MiB, truncated with a
// note).
package plan

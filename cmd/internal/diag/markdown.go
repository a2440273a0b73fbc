package diag

import "strings"

// Markdown makes s safe as text in a Markdown table cell or list item
// (GitHub Flavored Markdown): line breaks become spaces, other controls are
// escaped by Printable, and every ASCII mark Markdown or HTML could read is
// backslash-escaped, so a name can neither break the table nor add markup.
func Markdown(s string) string {
	var b strings.Builder
	for _, r := range Printable(lineBreaks.Replace(s)) {
		if strings.ContainsRune("\\`*_[]<>|~&", r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// MarkdownCode makes s safe inside a code span (between backticks) in a
// table cell. No backslash escape works inside a span, so a backtick, which
// would end it, becomes a quote. A pipe splits a GitHub table cell even
// inside a span unless a backslash escapes it (GitHub removes that
// backslash); since a backslash also escapes a backslash before it, the
// pipe is escaped after an even run of backslashes and preceded by one more
// after an odd run. Other backslashes are kept, so Printable's escapes read
// as they do elsewhere.
func MarkdownCode(s string) string {
	s = Printable(lineBreaks.Replace(s))
	var b strings.Builder
	run := 0 // backslashes just written
	for _, r := range s {
		switch r {
		case '`':
			r = '\''
		case '|':
			if run%2 == 1 {
				b.WriteByte('\\')
			}
			b.WriteByte('\\')
		}
		if r == '\\' {
			run++
		} else {
			run = 0
		}
		b.WriteRune(r)
	}
	return b.String()
}

var lineBreaks = strings.NewReplacer("\r", " ", "\n", " ")

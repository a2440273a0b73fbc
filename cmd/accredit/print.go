package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/accredit/accredit/cmd/internal/diag"
)

// printLine prints one line, format filled with args, through
// diag.Printable: what accredit prints names people, partners, files and
// values that come from the program's files, a CSV export or the command
// line, and none of them may move the cursor, color the terminal, reorder
// the line with a bidi control or break it in two.
func printLine(w io.Writer, format string, args ...any) {
	fmt.Fprintln(w, diag.Printable(fmt.Sprintf(format, args...)))
}

// printLines prints text line by line through diag.Printable, keeping its
// line breaks: for a block accredit wrote itself (the TOML a dry run would
// add), whose values may still hold a bidi control.
func printLines(w io.Writer, text string) {
	for line := range strings.Lines(text) {
		fmt.Fprintln(w, diag.Printable(strings.TrimSuffix(line, "\n")))
	}
}

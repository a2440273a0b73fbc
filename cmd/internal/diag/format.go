package diag

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
)

// Formats accepted by Write.
const (
	Text   = "text"
	JSON   = "json"
	GitHub = "github"
)

// Write prints ds in the given format. ds must be sorted (List.Sorted).
func Write(w io.Writer, format string, ds []Diagnostic) error {
	switch format {
	case JSON:
		return writeJSON(w, ds)
	case GitHub:
		return writeGitHub(w, ds)
	case Text:
		return writeText(w, ds)
	}
	return fmt.Errorf("unknown format %q", format)
}

// writeText prints one line per diagnostic, and under the first of the
// diagnostics that follow from one cause an indented line that counts
// the others (see Fold): JSON lists every one.
func writeText(w io.Writer, ds []Diagnostic) error {
	var b strings.Builder
	for _, g := range Fold(ds) {
		b.WriteString(g.String())
		b.WriteByte('\n')
		if note := g.Note(); note != "" {
			b.WriteString("\t" + note + "\n")
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func writeJSON(w io.Writer, ds []Diagnostic) error {
	errs, warns := Count(ds)
	if ds == nil {
		ds = []Diagnostic{}
	}
	out := struct {
		Diagnostics []Diagnostic `json:"diagnostics"`
		Errors      int          `json:"errors"`
		Warnings    int          `json:"warnings"`
	}{ds, errs, warns}
	b, err := json.MarshalIndent(out, "", "  ")
	if err != nil {
		return err
	}
	_, err = w.Write(append(PrintableJSON(b), '\n'))
	return err
}

// writeGitHub prints workflow commands, which GitHub turns into annotations
// (one per cause: see Fold; a step shows only the first ten errors)
// on the changed lines of a pull request, in exactly the form of
// PROGRAM-FORMAT.md section 11 (file, line, title; no column). Property values and messages are
// escaped as the runner expects (actions/toolkit's command.ts), which covers
// only %, CR and LF; the other controls, which the log viewer would obey
// (it renders ANSI colors), are then escaped by Printable.
func writeGitHub(w io.Writer, ds []Diagnostic) error {
	var b strings.Builder
	for _, g := range Fold(ds) {
		msg := g.Msg
		if note := g.Note(); note != "" {
			msg += "\n" + note
		}
		fmt.Fprintf(&b, "::%s file=%s,line=%d,title=%s::%s\n",
			g.Severity, escapeProperty(g.File), g.Line, escapeProperty(g.Rule), escapeData(msg))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

var (
	dataEscaper     = strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A")
	propertyEscaper = strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C")
)

// Printable's escapes contain none of %, :, or , so it can run after the
// runner's escaping without undoing it.
func escapeData(s string) string     { return Printable(dataEscaper.Replace(s)) }
func escapeProperty(s string) string { return Printable(propertyEscaper.Replace(s)) }

// Summary is the one-line count printed after text output,
// e.g. "3 errors, 2 warnings in 214 files". It counts every diagnostic,
// and says how many the text folds under their causes.
func Summary(ds []Diagnostic, files int) string {
	errs, warns := Count(ds)
	s := fmt.Sprintf("%s, %s in %s", plural(errs, "error"), plural(warns, "warning"), plural(files, "file"))
	if n := Folded(ds); n > 0 {
		s += fmt.Sprintf(" (%d shown under the problem they follow from; --format json lists each)", n)
	}
	return s
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}

// Package diag holds the diagnostics that loading and checking a program
// produce, and prints them as text, JSON or GitHub workflow commands
// (PROGRAM-FORMAT.md section 11).
//
// In: diagnostics added by any stage, in any order. Out: a list sorted by
// file, line and column, with error and warning counts. Its shape follows
// go/scanner.ErrorList, with a rule id and a severity added.
package diag

import (
	"cmp"
	"fmt"
	"slices"
	"sync"
)

// Severity is error or warning.
type Severity int

const (
	Error Severity = iota
	Warning
)

func (s Severity) String() string {
	if s == Warning {
		return "warning"
	}
	return "error"
}

// MarshalText writes "error" or "warning".
func (s Severity) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// A Diagnostic is one problem at a place in a file. File is relative to the
// program's root and /-separated; Line and Col are 1-based.
type Diagnostic struct {
	File     string   `json:"file"`
	Line     int      `json:"line"`
	Col      int      `json:"column"`
	Severity Severity `json:"severity"`
	Rule     string   `json:"rule"`
	Msg      string   `json:"message"`
	// Cause names what the problem follows from when many problems follow
	// from one thing, such as a definition that is missing ("track
	// sales"): the text and GitHub formats fold the diagnostics of one
	// cause under the first of them (see Fold). "" for most.
	Cause string `json:"cause,omitempty"`
}

// String is the text format, one line: file:line:col: severity: message [rule].
// The file, message and rule are passed through Printable: a line break or
// a terminal escape in a name or a file name is shown, not obeyed.
func (d Diagnostic) String() string {
	return fmt.Sprintf("%s:%d:%d: %s: %s [%s]", Printable(d.File), d.Line, d.Col, d.Severity, Printable(d.Msg), Printable(d.Rule))
}

// List collects diagnostics. It is safe for concurrent use.
type List struct {
	mu    sync.Mutex
	items []Diagnostic
}

// Add appends d.
func (l *List) Add(d Diagnostic) {
	if d.Line < 1 {
		d.Line = 1
	}
	if d.Col < 1 {
		d.Col = 1
	}
	l.mu.Lock()
	l.items = append(l.items, d)
	l.mu.Unlock()
}

// Append adds every diagnostic of ds.
func (l *List) Append(ds []Diagnostic) {
	for _, d := range ds {
		l.Add(d)
	}
}

// Sorted returns the diagnostics ordered by file, line, column, rule and
// message, without exact duplicates.
func (l *List) Sorted() []Diagnostic {
	l.mu.Lock()
	items := slices.Clone(l.items)
	l.mu.Unlock()
	slices.SortFunc(items, Compare)
	return slices.Compact(items)
}

// Compare orders diagnostics by file, line, column, severity, rule, message.
func Compare(a, b Diagnostic) int {
	return cmp.Or(
		cmp.Compare(a.File, b.File),
		cmp.Compare(a.Line, b.Line),
		cmp.Compare(a.Col, b.Col),
		cmp.Compare(a.Severity, b.Severity),
		cmp.Compare(a.Rule, b.Rule),
		cmp.Compare(a.Msg, b.Msg),
	)
}

// Count returns the number of errors and warnings in ds.
func Count(ds []Diagnostic) (errors, warnings int) {
	for _, d := range ds {
		if d.Severity == Warning {
			warnings++
		} else {
			errors++
		}
	}
	return errors, warnings
}

// Added returns the diagnostics of after that before lacks, compared by
// rule and message and counted, not by position: an edit that inserts
// lines moves the diagnostics after them without changing them.
func Added(before, after []Diagnostic) []Diagnostic {
	seen := map[string]int{}
	for _, d := range before {
		seen[d.Rule+"\x00"+d.Msg]++
	}
	var out []Diagnostic
	for _, d := range after {
		if k := d.Rule + "\x00" + d.Msg; seen[k] > 0 {
			seen[k]--
		} else {
			out = append(out, d)
		}
	}
	return out
}

// Package accredit embeds what the binary carries with it: the default
// theme, which a program's own layouts/ overrides file by file, and the
// example program, which the generator and "accredit init" start from.
package accredit

import (
	"embed"
	"io/fs"
)

// Layouts is the default theme: html/template files and assets/.
//
//go:embed all:layouts
var layouts embed.FS

// Example holds the example program: its definitions (programs/), pages
// (content/), two of its partners and its CI workflows (.github/workflows):
// what "accredit init" writes, with the README and .gitignore that
// cmd/accredit/newprogram holds.
//
//go:embed programs content partners/baltic-loop partners/tidewater-apps .github/workflows
var Example embed.FS

// ExamplePartners are the partners Example holds, a small listed and
// public mix with renewals and revocations.
var ExamplePartners = []string{"baltic-loop", "tidewater-apps"}

// Layouts returns the default theme rooted at layouts/.
func Layouts() fs.FS {
	sub, err := fs.Sub(layouts, "layouts")
	if err != nil {
		panic(err) // the embedded folder always exists
	}
	return sub
}

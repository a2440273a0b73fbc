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

// Example holds the example program's definitions (programs/) and pages
// (content/).
//
//go:embed programs content
var Example embed.FS

// Layouts returns the default theme rooted at layouts/.
func Layouts() fs.FS {
	sub, err := fs.Sub(layouts, "layouts")
	if err != nil {
		panic(err) // the embedded folder always exists
	}
	return sub
}

// Package accredit embeds what the binary carries with it: the example
// program, which the generator and "accredit init" start from.
package accredit

import "embed"

// Example holds the example program's definitions (programs/) and pages
// (content/).
//
//go:embed programs content
var Example embed.FS

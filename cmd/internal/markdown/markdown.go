// Package markdown renders the Markdown of partner descriptions, track
// descriptions and content pages with goldmark, safely.
//
// In: Markdown bytes written by administrators. Out: HTML in which raw HTML
// never appears (goldmark leaves it out unless WithUnsafe is given, which
// this package never does) and dangerous link schemes are removed.
package markdown

import (
	"bytes"
	"html/template"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
)

var md = goldmark.New(
	goldmark.WithExtensions(extension.GFM),
	goldmark.WithParserOptions(parser.WithAutoHeadingID()),
)

// ToHTML renders src. The result is safe to embed in a page.
func ToHTML(src []byte) (template.HTML, error) {
	var b bytes.Buffer
	if err := md.Convert(src, &b); err != nil {
		return "", err
	}
	return template.HTML(b.String()), nil
}

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
	"strings"
	"sync"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
)

// md is built on first use: building GFM's parser costs start-up time
// that commands which render no Markdown should not pay.
var md = sync.OnceValue(func() goldmark.Markdown {
	return goldmark.New(
		goldmark.WithExtensions(extension.GFM),
		goldmark.WithParserOptions(parser.WithAutoHeadingID()),
	)
})

// ToHTML renders src. The result is safe to embed in a page.
func ToHTML(src []byte) (template.HTML, error) {
	var b bytes.Buffer
	if err := md().Convert(src, &b); err != nil {
		return "", err
	}
	return template.HTML(b.String()), nil
}

// PlainText returns the words a reader sees in src, without markup, link
// destinations or raw HTML: what a search index should hold of it.
func PlainText(src []byte) string {
	doc := md().Parser().Parse(text.NewReader(src))
	var b strings.Builder
	ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			if n.Type() == ast.TypeBlock && b.Len() > 0 {
				b.WriteByte('\n')
			}
			return ast.WalkContinue, nil
		}
		switch n := n.(type) {
		case *ast.RawHTML, *ast.HTMLBlock:
			return ast.WalkSkipChildren, nil
		case *ast.Text:
			b.Write(n.Value(src))
			if n.SoftLineBreak() || n.HardLineBreak() {
				b.WriteByte(' ')
			}
		case *ast.String:
			b.Write(n.Value)
		case *ast.CodeSpan:
			for c := n.FirstChild(); c != nil; c = c.NextSibling() {
				if t, ok := c.(*ast.Text); ok {
					b.Write(t.Value(src))
				}
			}
			return ast.WalkSkipChildren, nil
		}
		return ast.WalkContinue, nil
	})
	return strings.TrimSpace(b.String())
}

package diag

import (
	"strings"
	"testing"
)

func TestMarkdown(t *testing.T) {
	for _, tt := range []struct {
		in, text, code string
	}{
		{"Acme Consulting", "Acme Consulting", "Acme Consulting"},
		{"Zoë 山田 🎓", "Zoë 山田 🎓", "Zoë 山田 🎓"},
		{"a|b", `a\|b`, `a\|b`},
		{"a`b", "a\\`b", "a'b"},
		{`*x* _y_ [l](u) <b> ~s~ &amp;`, `\*x\* \_y\_ \[l\](u) \<b\> \~s\~ \&amp;`, `*x* _y_ [l](u) <b> ~s~ &amp;`},
		{"line\nbreak\r", "line break ", "line break "},
		{"red\x1b[31m\u202e", `red\\x1b\[31m\\u202e`, `red\x1b[31m\u202e`},
		// A backslash before a pipe must not cancel the pipe's escape.
		{`a\|b`, `a\\\|b`, `a\\\|b`},
		{`a\\|b`, `a\\\\\|b`, `a\\\|b`},
		{`path\to`, `path\\to`, `path\to`},
	} {
		if got := Markdown(tt.in); got != tt.text {
			t.Errorf("Markdown(%q) = %q, want %q", tt.in, got, tt.text)
		}
		if got := MarkdownCode(tt.in); got != tt.code {
			t.Errorf("MarkdownCode(%q) = %q, want %q", tt.in, got, tt.code)
		}
	}
}

// FuzzMarkdownCode checks the rule GitHub's table parser applies
// (cmark-gfm's table_cell: a backslash escapes the character after it):
// the output holds no pipe that would end the cell, and no backtick.
func FuzzMarkdownCode(f *testing.F) {
	for _, s := range []string{"", "a|b", `a\|b`, `\\\|`, "`x`", "\x1b|\u202e"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, out := range []string{MarkdownCode(s), Markdown(s)} {
			if strings.ContainsAny(out, "\n\r") {
				t.Fatalf("%q: line break in %q", s, out)
			}
			for i := 0; i < len(out); i++ {
				switch out[i] {
				case '\\':
					i++ // escapes the next byte
				case '|':
					t.Fatalf("%q: unescaped pipe in %q", s, out)
				}
			}
		}
		if strings.Contains(MarkdownCode(s), "`") {
			t.Fatalf("%q: backtick in code span %q", s, MarkdownCode(s))
		}
	})
}

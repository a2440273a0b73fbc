package markdown

import (
	"strings"
	"testing"
)

func TestSafe(t *testing.T) {
	tests := []struct{ in, mustNot string }{
		{"<script>alert(1)</script>", "<script"},
		{"hello <img src=x onerror=alert(1)>", "onerror"},
		{"[x](javascript:alert(1))", "javascript:"},
		{"[x](JaVaScRiPt:alert(1))", "alert(1)"},
		{"[x](vbscript:msgbox)", "vbscript:"},
		{"![x](data:text/html;base64,PHNjcmlwdD4=)", "data:text/html"},
		{"<iframe src=https://evil.example></iframe>", "<iframe"},
		{"https://evil.example/\"onmouseover=alert(1)", "\"onmouseover"},
	}
	for _, tt := range tests {
		out, err := ToHTML([]byte(tt.in))
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(strings.ToLower(string(out)), strings.ToLower(tt.mustNot)) {
			t.Errorf("%q rendered as %q", tt.in, out)
		}
	}
	out, _ := ToHTML([]byte("# Title\n\nSee [docs](https://example.com) and **bold**."))
	for _, want := range []string{`<h1 id="title">Title</h1>`, `<a href="https://example.com">docs</a>`, "<strong>bold</strong>"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("missing %q in %q", want, out)
		}
	}
}

func TestPlainText(t *testing.T) {
	tests := []struct{ in, want string }{
		{"# Title\n\nSee [the docs](https://example.com/x) and **bold**.", "Title\nSee the docs and bold."},
		{"one\ntwo", "one two"},
		{"raw <b>html</b> and <script>alert(1)</script>", "raw html and alert(1)"},
		{"use `go test`", "use go test"},
		{"- a\n- b", "a\n\nb"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := PlainText([]byte(tt.in)); got != tt.want {
			t.Errorf("PlainText(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

package tomlpos

import "testing"

func TestUnescape(t *testing.T) {
	tests := []struct {
		in, want string
		ok       bool
	}{
		{`plain`, "plain", true},
		{`a\tb\n\\\"`, "a\tb\n\\\"", true},
		{`\e\x41\u00e9\U0001F600`, "\x1bAé😀", true},
		{`\ud800`, "", false},
		{`\q`, "", false},
		{`\u12`, "", false},
		{`trailing\`, "", false},
		{`raw"quote`, "", false},
		{"line\nbreak", "", false},
	}
	for _, tt := range tests {
		got, ok := Unescape(tt.in)
		if got != tt.want || ok != tt.ok {
			t.Errorf("Unescape(%q) = %q, %v; want %q, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

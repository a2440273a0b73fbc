package diag

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestPrintable(t *testing.T) {
	for _, tt := range []struct {
		name, in, want string
	}{
		{"empty", "", ""},
		{"ascii", "partners/acme/people/ann.toml", "partners/acme/people/ann.toml"},
		{"punctuation and backslash kept", `a\b "c" 100% <x>|` + "`", `a\b "c" 100% <x>|` + "`"},
		{"accents, CJK, emoji kept", "Zoë Ångström 山田太郎 🎓 مرحبا", "Zoë Ångström 山田太郎 🎓 مرحبا"},
		{"ANSI color", "ann\x1b[31mred\x1b[0m.toml", `ann\x1b[31mred\x1b[0m.toml`},
		{"OSC title", "\x1b]0;pwned\x07", `\x1b]0;pwned\a`},
		{"tab newline CR", "a\tb\nc\r", `a\tb\nc\r`},
		{"NUL, BEL, BS, VT, FF", "\x00\x07\x08\x0b\x0c", `\x00\a\b\v\f`},
		{"DEL", "a\x7fb", `a\x7fb`},
		{"C1 controls", "\u0080\u0085\u009b\u009f", `\u0080\u0085\u009b\u009f`},
		{"first and last printable around C1", "\u007e\u00a0", "\u007e\u00a0"},
		{"bidi override", "evil\u202eexe.txt", `evil\u202eexe.txt`},
		{"bidi embeddings", "\u202a\u202b\u202c\u202d", `\u202a\u202b\u202c\u202d`},
		{"bidi isolates", "\u2066\u2067\u2068\u2069", `\u2066\u2067\u2068\u2069`},
		{"bidi marks", "\u200e\u200f\u061c", `\u200e\u200f\u061c`},
		{"neighbours of the escaped ranges kept", "\u00a0\u061b\u200d\u2027\u202f\u2065\u206a", "\u00a0\u061b\u200d\u2027\u202f\u2065\u206a"},
		{"line separators", "a\u2028b\u2029", `a\u2028b\u2029`},
		{"invalid UTF-8", "a\xffb\xc3", `a\xffb\xc3`},
		{"truncated sequence then ASCII", "\xe2\x80x", `\xe2\x80x`},
		{"UTF-8 encoded surrogate", "\xed\xa0\x80", `\xed\xa0\x80`},
		{"replacement character itself kept", "\ufffd", "\ufffd"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := Printable(tt.in); got != tt.want {
				t.Errorf("Printable(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

// TestPrintableLikeGo checks every escape against strconv.Quote, the form
// the docs promise, and that Printable escapes no character that Go
// considers printable except the few it names.
func TestPrintableLikeGo(t *testing.T) {
	for r := rune(0); r <= 0x3000; r++ {
		s := string(r)
		got := Printable(s)
		if got == s {
			continue
		}
		q := strconv.Quote(s)
		if want := q[1 : len(q)-1]; got != want {
			t.Errorf("Printable(%U) = %s, strconv.Quote gives %s", r, got, want)
		}
	}
	for b := 0x80; b <= 0xff; b++ {
		s := string([]byte{byte(b)})
		q := strconv.Quote(s)
		if got, want := Printable(s), q[1:len(q)-1]; got != want {
			t.Errorf("Printable(%q) = %s, strconv.Quote gives %s", s, got, want)
		}
	}
}

func TestPrintableUnchangedAllocatesNothing(t *testing.T) {
	s := "partners/acme/people/zoë-山田.toml: no attempt of exam \"x\""
	if n := testing.AllocsPerRun(100, func() { _ = Printable(s) }); n != 0 {
		t.Errorf("Printable of printable text allocates %v times, want 0", n)
	}
}

// mustEscape reports whether Printable's output may not contain r.
func mustEscape(r rune) bool {
	return r < 0x20 || (r >= 0x7f && r <= 0x9f) || (r >= 0x202a && r <= 0x202e) ||
		(r >= 0x2066 && r <= 0x2069) || r == 0x200e || r == 0x200f || r == 0x061c || r == 0x2028 || r == 0x2029
}

func FuzzPrintable(f *testing.F) {
	for _, s := range []string{"", "plain", "ann\x1b[31m.toml", "\u202eevil", "a\xffb", "Zoë 山田 🎓", "\t\n\r", "\\x1b", "\xed\xa0\x80"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := Printable(s)
		if !utf8.ValidString(got) {
			t.Fatalf("Printable(%q) = %q: not UTF-8", s, got)
		}
		for _, r := range got {
			if mustEscape(r) {
				t.Fatalf("Printable(%q) = %q: contains %U", s, got, r)
			}
		}
		clean := utf8.ValidString(s) && !strings.ContainsFunc(s, mustEscape)
		if clean != (got == s) {
			t.Fatalf("Printable(%q) = %q: printable input must come back unchanged, and only it", s, got)
		}
		if again := Printable(got); again != got {
			t.Fatalf("Printable is not idempotent: %q then %q", got, again)
		}
		// Go can read every escape back, unless a backslash in the input
		// makes the text ambiguous (backslashes are kept by design).
		if !strings.Contains(s, `\`) {
			if back, err := strconv.Unquote(`"` + strings.ReplaceAll(got, `"`, `\"`) + `"`); err != nil || back != s {
				t.Fatalf("strconv.Unquote(Printable(%q)) = %q, %v", s, back, err)
			}
		}
	})
}

func TestPrintableJSON(t *testing.T) {
	for _, tt := range []struct {
		name, in, want string
	}{
		{"plain", "ann", `"ann"`},
		{"C0 escaped by encoding/json", "a\x1b[31m\n", `"a\u001b[31m\n"`},
		{"DEL", "a\x7f", `"a\u007f"`},
		{"C1", "\u009b31m", `"\u009b31m"`},
		{"bidi", "x\u202ey\u2066\u200f\u061c", `"x\u202ey\u2066\u200f\u061c"`},
		{"line separators", "\u2028\u2029", `"\u2028\u2029"`},
		{"unicode kept", "Zoë 山田 🎓", `"Zoë 山田 🎓"`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			b, err := json.Marshal(tt.in)
			if err != nil {
				t.Fatal(err)
			}
			got := PrintableJSON(b)
			if string(got) != tt.want {
				t.Errorf("PrintableJSON(%s) = %s, want %s", b, got, tt.want)
			}
			var back string
			if err := json.Unmarshal(got, &back); err != nil || back != tt.in {
				t.Errorf("decoding %s = %q, %v, want %q", got, back, err, tt.in)
			}
		})
	}
}

func FuzzPrintableJSON(f *testing.F) {
	for _, s := range []string{"", "plain", "\x7f\u0085\u202e", "Zoë", "a\xffb"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		b, err := json.MarshalIndent(map[string][]string{"k" + s: {s, "x"}}, "", "  ")
		if err != nil {
			t.Fatal(err)
		}
		got := PrintableJSON(b)
		for _, r := range string(got) {
			if mustEscape(r) && r != '\n' {
				t.Fatalf("PrintableJSON(%q) contains %U", b, r)
			}
		}
		var want, back any
		if err := json.Unmarshal(b, &want); err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(got, &back); err != nil {
			t.Fatalf("PrintableJSON(%s) = %s: %v", b, got, err)
		}
		w, _ := json.Marshal(want)
		g, _ := json.Marshal(back)
		if string(w) != string(g) {
			t.Fatalf("PrintableJSON changed the data: %s, want %s", got, b)
		}
	})
}

package diag

import (
	"strconv"
	"testing"
)

func TestSuggest(t *testing.T) {
	commands := []string{"build", "check", "grant", "help", "import", "init", "notices", "plan", "renew", "revoke", "search", "serve", "version"}
	for _, tc := range []struct {
		name       string
		candidates []string
		want       string
	}{
		{"chek", commands, "check"},
		{"buidl", commands, "build"},    // a swap
		{"revokee", commands, "revoke"}, // an insertion
		{"CHECK", commands, "check"},    // case alone
		{"serv", commands, "serve"},
		{"frobnicate", commands, ""},
		{"x", commands, ""},
		{"", commands, ""},
		{"check", commands, ""}, // itself is no suggestion
		{"globx", []string{"acme", "globex", "initech"}, "globex"},
		{"persn", []string{"partner", "person", "track", "level"}, "person"},
		{"technical-1O1", []string{"sales-101", "technical-101", "technical-201"}, "technical-101"},
		{"specialities", []string{"name", "specialties", "industries"}, "specialties"},
		{"fundation", []string{"foundation", "professional", "expert"}, "foundation"},
		// Too far: a quarter of the name's length is the limit.
		{"sales-999", []string{"sales-101"}, ""},
		{"abc", []string{"xyz"}, ""},
		{"professionnal", []string{"professional"}, "professional"},
		// The first of two equally close candidates.
		{"rank", []string{"bank", "tank"}, "bank"},
		// Runes, not bytes.
		{"Müller", []string{"Muller"}, "Muller"},
	} {
		if got := Suggest(tc.name, tc.candidates); got != tc.want {
			t.Errorf("Suggest(%q) = %q, want %q", tc.name, got, tc.want)
		}
	}
	if got := DidYouMean("chek", commands); got != `; did you mean "check"?` {
		t.Errorf("DidYouMean = %q", got)
	}
	if got := DidYouMean("zzzz", commands); got != "" {
		t.Errorf("DidYouMean = %q, want nothing", got)
	}
}

func TestDistance(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		want int
	}{
		{"", "", 0}, {"a", "", 1}, {"", "abc", 3}, {"kitten", "sitting", 3},
		{"ab", "ba", 1}, {"abcd", "acbd", 1}, {"ca", "abc", 3}, {"flaw", "lawn", 2},
	} {
		if got := distance(tc.a, tc.b, 100); got != tc.want {
			t.Errorf("distance(%q, %q) = %d, want %d", tc.a, tc.b, got, tc.want)
		}
		if got := distance(tc.a, tc.b, 2); got != min(tc.want, 2) {
			t.Errorf("distance(%q, %q, limit 2) = %d, want %d", tc.a, tc.b, got, min(tc.want, 2))
		}
	}
}

func FuzzDistance(f *testing.F) {
	f.Add("chek", "check")
	f.Add("ab", "ba")
	f.Fuzz(func(t *testing.T, a, b string) {
		d := distance(a, b, 1<<30)
		if d != distance(b, a, 1<<30) {
			t.Fatalf("not symmetric: %q %q", a, b)
		}
		if limited := distance(a, b, 2); limited != min(d, 2) {
			t.Fatalf("distance(%q, %q) = %d, but %d with limit 2", a, b, d, limited)
		}
		if la, lb := len([]rune(a)), len([]rune(b)); d > max(la, lb) || d < max(la, lb)-min(la, lb) {
			t.Fatalf("distance(%q, %q) = %d out of bounds", a, b, d)
		}
	})
}

// A check of thousands of unknown ids asks Suggest thousands of times.
func BenchmarkSuggest(b *testing.B) {
	var ids []string
	for i := range 4000 {
		ids = append(ids, "course-"+strconv.Itoa(i))
	}
	b.ReportAllocs()
	for b.Loop() {
		Suggest("none-123", ids)
	}
}

package credid

import "testing"

func TestValidate(t *testing.T) {
	tests := []struct {
		id   string
		want error
	}{
		{"GPMS-7VMY-E8VW", nil},
		{"4YSJ-16H4-70EW", nil},
		{"NBRY-1MM6-7JWX", nil},
		{"0000-0000-0000", nil},
		{"GPMS-7VMY-E8VX", ErrCheck},
		{"GPMS-7VMY-E8WV", ErrCheck}, // swapped neighbours
		{"GPMS7VMYE8VW", ErrShape},
		{"gpms-7vmy-e8vw", ErrShape},
		{"GPMS-7VMY-E8VU", ErrShape}, // U is not in the alphabet
		{"GPMS-7VMY-E8V", ErrShape},
		{"", ErrShape},
		{"GPMS_7VMY_E8VW", ErrShape},
	}
	for _, tt := range tests {
		if got := Validate(tt.id); got != tt.want {
			t.Errorf("Validate(%q) = %v, want %v", tt.id, got, tt.want)
		}
	}
}

func TestNormalize(t *testing.T) {
	tests := []struct {
		in, want string
		ok       bool
	}{
		{"GPMS-7VMY-E8VW", "GPMS-7VMY-E8VW", true},
		{"gpms7vmye8vw", "GPMS-7VMY-E8VW", true},
		{" gpms 7vmy e8vw ", "GPMS-7VMY-E8VW", true},
		{"4YSJ-I6H4-7OEW", "4YSJ-16H4-70EW", true},
		{"4ysj-l6h4-7oew", "4YSJ-16H4-70EW", true},
		{"4YSJ-16H4-70EX", "", false},
		{"4YSJ-16H4-70E", "", false},
		{"4YSJ-16H4-70EWW", "", false},
		{"ÄYSJ-16H4-70EW", "", false},
	}
	for _, tt := range tests {
		got, err := Normalize(tt.in)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("Normalize(%q) = %q, %v; want %q ok=%v", tt.in, got, err, tt.want, tt.ok)
		}
	}
}

// Every single-symbol substitution and every swap of two different adjacent
// symbols must be caught by the check symbol.
func TestCheckCatchesTypos(t *testing.T) {
	for i := 0; i < 200; i++ {
		id := New()
		if err := Validate(id); err != nil {
			t.Fatalf("New() = %q: %v", id, err)
		}
		b := []byte(id)
		for p := 0; p < len(b); p++ {
			if b[p] == '-' {
				continue
			}
			orig := b[p]
			for _, c := range []byte(Alphabet) {
				if c == orig {
					continue
				}
				b[p] = c
				if Validate(string(b)) == nil {
					t.Fatalf("substitution %q -> %q not caught", id, b)
				}
			}
			b[p] = orig
		}
	}
}

func TestNewIsRandom(t *testing.T) {
	seen := map[string]bool{}
	for i := 0; i < 10000; i++ {
		id := New()
		if seen[id] {
			t.Fatalf("duplicate id %s after %d draws", id, i)
		}
		seen[id] = true
	}
}

func FuzzNormalize(f *testing.F) {
	for _, s := range []string{"GPMS-7VMY-E8VW", "gpms7vmye8vw", "", "----", "ÄÖÜ"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		id, err := Normalize(s)
		if err == nil {
			if Validate(id) != nil {
				t.Fatalf("Normalize(%q) = %q, which does not validate", s, id)
			}
			if again, _ := Normalize(id); again != id {
				t.Fatalf("Normalize is not idempotent on %q", id)
			}
		}
	})
}

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

func TestShardKey(t *testing.T) {
	for _, tc := range []struct {
		id    string
		bits  int
		key   string
		index int
	}{
		{"7K3M-9Q2P-XW4T", 12, "7K0", 7<<7 | 19<<2 | 0},
		{"7K3M-9Q2P-XW4T", 10, "7K", 7<<5 | 19},
		{"7K3M-9Q2P-XW4T", 1, "0", 0},
		{"ZK3M-9Q2P-XW4T", 1, "G", 1},
		{"ZZZZ-9Q2P-XW4T", 13, "ZZW", 1<<13 - 1},
		{"ZZZZ-9Q2P-XW4T", 15, "ZZZ", 1<<15 - 1},
		{"0000-0000-0000", 7, "00", 0},
	} {
		key, index, ok := ShardKey(tc.id, tc.bits)
		if !ok || key != tc.key || index != tc.index {
			t.Errorf("ShardKey(%s, %d) = %q, %d, %v; want %q, %d", tc.id, tc.bits, key, index, ok, tc.key, tc.index)
		}
	}
	for _, bad := range []string{"7K3M9Q2PXW4T", "7k3m-9q2p-xw4t", "UK3M-9Q2P-XW4T", ""} {
		if _, _, ok := ShardKey(bad, 10); ok {
			t.Errorf("ShardKey(%q) is ok", bad)
		}
	}
	// Every shard's ids share its key, and the keys of consecutive
	// indexes are in order.
	prev := ""
	for i := 0; i < 1<<8; i++ {
		v0, v1 := i>>3, (i&7)<<2
		id := string([]byte{Alphabet[v0], Alphabet[v1|3]}) + "AA-AAAA-AAAA"
		key, index, _ := ShardKey(id, 8)
		if index != i || key <= prev {
			t.Errorf("ShardKey(%s, 8) = %q, %d; want index %d after %q", id, key, index, i, prev)
		}
		prev = key
	}
}

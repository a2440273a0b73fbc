package program

import (
	"fmt"
	"testing"
)

func TestQuarterStart(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"2025-Q1", "2025-01-01"}, {"2025-Q2", "2025-04-01"}, {"2024-Q3", "2024-07-01"}, {"2024-Q4", "2024-10-01"},
		{"2025-Q0", ""}, {"2025-Q5", ""}, {"2025-q1", ""}, {"25-Q1", ""}, {"2025Q1", ""}, {"1899-Q1", ""}, {"+025-Q1", ""}, {"", ""},
	} {
		d, ok := QuarterStart(tc.in)
		if got := map[bool]string{true: d.String(), false: ""}[ok]; got != tc.want {
			t.Errorf("QuarterStart(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// FuzzQuarterStart: a quarter that parses prints back as itself.
func FuzzQuarterStart(f *testing.F) {
	for _, s := range []string{"2025-Q1", "1900-Q4", "2025-Q5", "-001-Q1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, ok := QuarterStart(s)
		if !ok {
			return
		}
		y, m, day := d.YMD()
		if back := fmt.Sprintf("%04d-Q%d", y, (int(m)-1)/3+1); back != s || day != 1 || (int(m)-1)%3 != 0 {
			t.Fatalf("QuarterStart(%q) = %s, which reads back as %q", s, d, back)
		}
	})
}

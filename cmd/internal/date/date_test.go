package date

import (
	"errors"
	"testing"
	"time"

	"github.com/BurntSushi/toml"
)

func TestAddMonths(t *testing.T) {
	tests := []struct {
		in     string
		months int
		want   string
	}{
		{"2024-02-29", 12, "2025-02-28"},
		{"2024-02-29", 48, "2028-02-29"},
		{"2025-01-31", 1, "2025-02-28"},
		{"2024-01-31", 1, "2024-02-29"},
		{"2025-03-31", 1, "2025-04-30"},
		{"2025-12-15", 1, "2026-01-15"},
		{"2025-11-30", 3, "2026-02-28"},
		{"2025-05-01", 12, "2026-05-01"},
		{"2025-05-01", 24, "2027-05-01"},
		{"2025-05-01", -1, "2025-04-01"},
	}
	for _, tt := range tests {
		d, err := Parse(tt.in)
		if err != nil {
			t.Fatal(err)
		}
		if got := d.AddMonths(tt.months).String(); got != tt.want {
			t.Errorf("%s + %d months = %s, want %s", tt.in, tt.months, got, tt.want)
		}
	}
}

// The reason a date is refused: what an administrator reads after
// "--issued 2026-02-30".
func TestParseReason(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"2026-02-30", `invalid date "2026-02-30": February has 28 days in 2026`},
		{"2024-02-30", `invalid date "2024-02-30": February has 29 days in 2024`},
		{"2025-04-31", `invalid date "2025-04-31": April has 30 days in 2025`},
		{"2025-13-01", `invalid date "2025-13-01": there is no month 13: months go from 01 to 12`},
		{"2025-00-10", `invalid date "2025-00-10": there is no month 0: months go from 01 to 12`},
		{"2025-01-00", `invalid date "2025-01-00": there is no day 0`},
		{"0000-01-01", `invalid date "0000-01-01": there is no year 0`},
		{"10/03/2025", `invalid date "10/03/2025": want YYYY-MM-DD`},
		{"+025-01-01", `invalid date "+025-01-01": want YYYY-MM-DD`},
		{"2025-+1-01", `invalid date "2025-+1-01": want YYYY-MM-DD`},
	} {
		_, err := Parse(tc.in)
		var pe *ParseError
		if !errors.As(err, &pe) || pe.Input != tc.in || err.Error() != tc.want {
			t.Errorf("Parse(%q) = %v, want %s", tc.in, err, tc.want)
		}
	}
}

func TestParse(t *testing.T) {
	tests := []struct {
		in string
		ok bool
	}{
		{"2025-03-01", true},
		{"2024-02-29", true},
		{"2025-02-29", false},
		{"2025-13-01", false},
		{"2025-00-10", false},
		{"2025-1-01", false},
		{"25-01-01", false},
		{"2025-01-01T00:00:00", false},
		{"", false},
		{"abcd-ef-gh", false},
	}
	for _, tt := range tests {
		d, err := Parse(tt.in)
		if (err == nil) != tt.ok {
			t.Errorf("Parse(%q) error = %v, want ok %v", tt.in, err, tt.ok)
		}
		if tt.ok && d.String() != tt.in {
			t.Errorf("Parse(%q).String() = %q", tt.in, d.String())
		}
	}
}

func TestArithmetic(t *testing.T) {
	a, _ := Parse("2024-02-28")
	b := a.AddDays(2)
	if b.String() != "2024-03-01" {
		t.Errorf("2024-02-28 + 2 days = %s", b)
	}
	if b.Sub(a) != 2 || a.Sub(b) != -2 {
		t.Errorf("Sub: %d %d", b.Sub(a), a.Sub(b))
	}
	if !a.Before(b) || !b.After(a) || a.Compare(b) != -1 || a.Compare(a) != 0 {
		t.Error("ordering is wrong")
	}
	var zero Date
	if !zero.IsZero() || zero.Valid() || zero.String() != "" {
		t.Error("zero date must be unset")
	}
	old, _ := Parse("1970-01-01")
	if old.IsZero() || !old.Valid() {
		t.Error("1970-01-01 is a real date, not the zero value")
	}
}

// The result must not depend on the machine's zone: BurntSushi/toml decodes
// local dates in a zone with the machine's offset.
func TestUnmarshalTOMLZones(t *testing.T) {
	for _, zone := range []string{"UTC", "Pacific/Kiritimati", "Pacific/Pago_Pago", "America/Los_Angeles", "Asia/Kolkata"} {
		loc, err := time.LoadLocation(zone)
		if err != nil {
			t.Skipf("no zone data: %v", err)
		}
		saved := time.Local
		time.Local = loc
		var v struct {
			D Date `toml:"d"`
		}
		_, err = toml.Decode("d = 2024-02-29", &v)
		time.Local = saved
		if err != nil {
			t.Fatal(err)
		}
		if v.D.String() != "2024-02-29" {
			t.Errorf("zone %s: got %s", zone, v.D)
		}
	}
}

func TestUnmarshalTOMLInvalid(t *testing.T) {
	for _, src := range []string{`d = "2024-01-01"`, `d = 2024-01-01T10:00:00`, `d = 2024-01-01T00:00:00Z`, `d = 5`, `d = 10:00:00`} {
		var v struct {
			D Date `toml:"d"`
		}
		if _, err := toml.Decode(src, &v); err != nil {
			t.Fatalf("%s: %v", src, err)
		}
		if !v.D.Invalid() {
			t.Errorf("%s: want an invalid date, got %s", src, v.D)
		}
	}
}

func TestHuman(t *testing.T) {
	tests := []struct {
		d      Date
		locale string
		want   string
	}{
		{New(2025, 3, 15), "", "15 March 2025"},
		{New(2025, 3, 15), "en", "15 March 2025"},
		{New(2025, 3, 5), "de", "5. März 2025"},
		{New(2025, 8, 1), "fr", "1 août 2025"},
		{New(2025, 12, 31), "es", "31 de diciembre de 2025"},
		{New(1970, 1, 1), "xx", "1 January 1970"},
		{Date{}, "en", ""},
	}
	for _, tc := range tests {
		if got := Human(tc.d, tc.locale); got != tc.want {
			t.Errorf("Human(%s, %q) = %q, want %q", tc.d, tc.locale, got, tc.want)
		}
	}
}

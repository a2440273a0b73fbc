package date

import (
	"errors"
	"fmt"
	"strconv"
	"time"
)

// Date is a civil date. The zero Date means "no date" (a key that was
// absent); a value that was present but not a date is Invalid, so that a
// loader can report every bad value of a file instead of stopping at the
// first one.
type Date struct {
	n int32 // days since 1970-01-01, plus one; 0: unset; invalid: bad value
}

const invalid = -1 << 31

// IsZero reports whether the date is unset.
func (d Date) IsZero() bool { return d.n == 0 }

// Valid reports whether the date is set and was a real date.
func (d Date) Valid() bool { return d.n != 0 && d.n != invalid }

// Invalid reports whether a value was present but was not a date.
func (d Date) Invalid() bool { return d.n == invalid }

func (d Date) days() int32 { return d.n - 1 }

func fromDays(n int32) Date { return Date{n + 1} }

// New returns the date y-m-d, normalising out-of-range months and days
// the way time.Date does.
func New(y int, m time.Month, d int) Date {
	t := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	return fromDays(int32(t.Unix() / 86400))
}

// FromTime returns the civil date of t in t's own location.
func FromTime(t time.Time) Date {
	y, m, d := t.Date()
	return New(y, m, d)
}

// Today returns today's date in UTC.
func Today() Date { return FromTime(time.Now().UTC()) }

// Parse reads a date written YYYY-MM-DD. Its error is a *ParseError
// that says what is wrong with the date: the shape, or the month or day
// that does not exist ("February has 28 days in 2026").
func Parse(s string) (Date, error) {
	bad := func(reason string) (Date, error) { return Date{}, &ParseError{Input: s, Reason: reason} }
	if len(s) != 10 || s[4] != '-' || s[7] != '-' {
		return bad("want YYYY-MM-DD")
	}
	y, err1 := strconv.Atoi(s[0:4])
	m, err2 := strconv.Atoi(s[5:7])
	d, err3 := strconv.Atoi(s[8:10])
	if errors.Join(err1, err2, err3) != nil || s[0] == '+' || s[0] == '-' || s[5] == '+' || s[5] == '-' || s[8] == '+' || s[8] == '-' {
		return bad("want YYYY-MM-DD")
	}
	switch {
	case y < 1:
		return bad("there is no year 0")
	case m < 1 || m > 12:
		return bad(fmt.Sprintf("there is no month %d: months go from 01 to 12", m))
	case d < 1:
		return bad("there is no day 0")
	case d > DaysIn(y, time.Month(m)):
		return bad(fmt.Sprintf("%s has %d days in %d", time.Month(m), DaysIn(y, time.Month(m)), y))
	}
	return New(y, time.Month(m), d), nil
}

// ParseError is a string that is not a date.
type ParseError struct {
	Input  string // as given
	Reason string // "want YYYY-MM-DD", "February has 28 days in 2026"
}

func (e *ParseError) Error() string { return fmt.Sprintf("invalid date %q: %s", e.Input, e.Reason) }

// Time returns midnight UTC of the date.
func (d Date) Time() time.Time { return time.Unix(int64(d.days())*86400, 0).UTC() }

// YMD returns the year, month and day.
func (d Date) YMD() (int, time.Month, int) { return d.Time().Date() }

// String formats the date as YYYY-MM-DD ("" when unset).
func (d Date) String() string {
	if !d.Valid() {
		if d.Invalid() {
			return "invalid date"
		}
		return ""
	}
	y, m, dd := d.YMD()
	var b [10]byte
	b[0] = byte('0' + y/1000%10)
	b[1] = byte('0' + y/100%10)
	b[2] = byte('0' + y/10%10)
	b[3] = byte('0' + y%10)
	b[4] = '-'
	b[5] = byte('0' + int(m)/10)
	b[6] = byte('0' + int(m)%10)
	b[7] = '-'
	b[8] = byte('0' + dd/10)
	b[9] = byte('0' + dd%10)
	return string(b[:])
}

// AddDays returns d plus n days (n may be negative).
func (d Date) AddDays(n int) Date { return fromDays(d.days() + int32(n)) }

// AddMonths returns d plus n calendar months. A day that the target month
// lacks is clamped to its last day: 2024-02-29 + 12 months = 2025-02-28,
// 2025-01-31 + 1 month = 2025-02-28.
func (d Date) AddMonths(n int) Date {
	y, m, dd := d.YMD()
	total := y*12 + int(m) - 1 + n
	ty, tm := total/12, time.Month(total%12+1)
	if last := DaysIn(ty, tm); dd > last {
		dd = last
	}
	return New(ty, tm, dd)
}

// Sub returns the number of days from e to d (d - e).
func (d Date) Sub(e Date) int { return int(d.n - e.n) }

// Before reports whether d is before e.
func (d Date) Before(e Date) bool { return d.n < e.n }

// After reports whether d is after e.
func (d Date) After(e Date) bool { return d.n > e.n }

// Compare returns -1, 0 or +1.
func (d Date) Compare(e Date) int {
	switch {
	case d.n < e.n:
		return -1
	case d.n > e.n:
		return 1
	}
	return 0
}

// DaysIn returns the number of days in month m of year y.
func DaysIn(y int, m time.Month) int {
	return time.Date(y, m+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// MarshalText writes YYYY-MM-DD (JSON and templates).
func (d Date) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText reads YYYY-MM-DD.
func (d *Date) UnmarshalText(b []byte) error {
	v, err := Parse(string(b))
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// UnmarshalTOML takes a TOML local date. BurntSushi/toml hands it over as a
// time.Time in the machine's zone; only its calendar fields are used, so the
// zone never changes the result. Any other value (a string, a date-time, a
// number) marks the date Invalid instead of failing the whole decode.
func (d *Date) UnmarshalTOML(v any) error {
	t, ok := v.(time.Time)
	// The decoder marks local dates with a zone named "date-local"; a
	// date-time or an offset date-time is not a date.
	if !ok || t.Location().String() != "date-local" {
		*d = Date{invalid}
		return nil
	}
	*d = FromTime(t)
	return nil
}

// Raw returns the date's internal value, for compact caches: FromRaw(d.Raw()) == d
// for every Date, unset and invalid ones included.
func (d Date) Raw() int32 { return d.n }

// FromRaw is the inverse of Raw.
func FromRaw(n int32) Date { return Date{n} }

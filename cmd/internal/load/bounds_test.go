package load

import (
	"strings"
	"testing"
)

// Integers that would overflow later arithmetic, and dates that would
// leave four-digit years once validity is added, are invalid-value at
// the key, and the value later rules see is clamped into its range.
func TestBounds(t *testing.T) {
	const prog = "[program]\nname = \"P\"\nissuer = \"I\"\nissuer_url = \"https://i.example\"\nsite_url = \"https://s.example\"\n[[levels]]\nid = \"f\"\nname = \"F\"\nrank = 1\n"
	tests := []struct {
		name   string
		decode func(f *file) any
		want   string // the one invalid-value message
		check  func(t *testing.T, v any)
	}{
		{"bank_factor overflow", func(f *file) any {
			return f.program([]byte(prog + "[policy]\nbank_factor = 9223372036854775807\n"))
		}, `"bank_factor" must be between 0 and 100, not 9223372036854775807`, func(t *testing.T, v any) {
			if got := v.(*programFile).Policy.BankFactor; got != 100 {
				t.Errorf("bank_factor clamped to %d, want 100", got)
			}
		}},
		{"grace_days overflow", func(f *file) any {
			return f.program([]byte(prog + "[policy]\ngrace_days = 9223372036854775807\nstreamlined_days = 36500\n"))
		}, `"grace_days" must be between 0 and 36500, not 9223372036854775807`, nil},
		{"negative notice days", func(f *file) any {
			return f.program([]byte(prog + "[policy]\nnotice_days = [-9223372036854775808]\n"))
		}, `notice_days must hold numbers of days between 1 and 36500, not -9223372036854775808`, func(t *testing.T, v any) {
			if got := v.(*programFile).Policy.NoticeDays[0]; got != 1 {
				t.Errorf("notice_days clamped to %d, want 1", got)
			}
		}},
		{"questions overflow", func(f *file) any {
			return f.exam([]byte("title = \"T\"\ntrack = \"s\"\nlevel = \"f\"\nduration_minutes = 5\nquestions = 4611686018427387904\n"), "e")
		}, `"questions" must be between 1 and 10000, not 4611686018427387904`, nil},
		{"score overflow", func(f *file) any {
			return f.person([]byte("name = \"A\"\n[[exams]]\nexam = \"e\"\ndate = 2025-01-01\nscore = 9223372036854775807\n"), "a")
		}, `"score" must be between 0 and 100, not 9223372036854775807`, nil},
		{"validity months overflow", func(f *file) any {
			return f.track([]byte("name = \"S\"\n[[certifications]]\nlevel = \"f\"\nname = \"N\"\nvalidity_months = 9223372036854775807\n"), "s")
		}, `"validity_months" must be between 1 and 1200, not 9223372036854775807`, nil},
		{"evidence count overflow", func(f *file) any {
			return f.track([]byte("name = \"S\"\n[[certifications]]\nlevel = \"f\"\nname = \"N\"\nvalidity_months = 12\nevidence = { case-study = 9223372036854775807 }\n"), "s")
		}, `evidence "case-study" must ask for between 1 and 1000 items, not 9223372036854775807`, nil},
		{"issued in 9999", func(f *file) any {
			return f.person([]byte("name = \"A\"\n[[certifications]]\nid = \"X\"\ntrack = \"s\"\nlevel = \"f\"\nissued = 9999-06-01\n"), "a")
		}, `"issued" must be a date from 1970-01-01 to 8999-12-31, not 9999-06-01`, nil},
		{"joined in year 1", func(f *file) any {
			return f.partner([]byte("+++\nname = \"A\"\njoined = 0001-01-01\n+++\n"), "a")
		}, `"joined" must be a date from 1970-01-01 to 8999-12-31, not 0001-01-01`, nil},
		{"the zero date", func(f *file) any {
			return f.person([]byte("name = \"A\"\n[[exams]]\nexam = \"e\"\ndate = 1969-12-31\nscore = 1\n"), "a")
		}, `"date" must be a date from 1970-01-01 to 8999-12-31`, nil},
		{"last date allowed", func(f *file) any {
			return f.person([]byte("name = \"A\"\n[[exams]]\nexam = \"e\"\ndate = 8999-12-31\nscore = 1\n"), "a")
		}, ``, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := &file{rel: "x"}
			v := tc.decode(f)
			var got []string
			for _, d := range f.out {
				if d.Rule == "invalid-value" {
					got = append(got, d.Msg)
				}
			}
			if strings.Join(got, "\n") != tc.want {
				t.Errorf("invalid-value: %q, want %q (all: %v)", got, tc.want, f.out)
			}
			if tc.check != nil {
				tc.check(t, v)
			}
		})
	}
}

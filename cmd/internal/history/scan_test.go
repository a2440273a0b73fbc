package history

import (
	"fmt"
	"testing"

	"github.com/BurntSushi/toml"
)

func TestScanPerson(t *testing.T) {
	for _, tc := range []struct {
		name, src string
		want      []grant
	}{
		{"none", "name = \"x\"\n", nil},
		{"tables", `name = "x"
notes = """
[[certifications]]
id = "FAKE"
"""
[[certifications]]
id = "AAAA-BBBB-CCCC"   # a comment
revoked = 2024-09-01 # why
waive = [ "retake-wait",
  # a comment in the array
  'prerequisite', ]

[[certifications]]
"id" = "DDDD-EEEE-FFFF"
renews = "AAAA-BBBB-CCCC"
`, []grant{{"AAAA-BBBB-CCCC", "2024-09-01", "prerequisite,retake-wait"}, {"DDDD-EEEE-FFFF", "", ""}}},
		{"inline", `certifications = [
  { id = "AAAA-BBBB-CCCC", waive = ["renewal"] },
  { id = 'DDDD-EEEE-FFFF', revoked = 2025-01-01 },
]`, []grant{{"AAAA-BBBB-CCCC", "", "renewal"}, {"DDDD-EEEE-FFFF", "2025-01-01", ""}}},
		{"escapes", `[[certifications]]
id = "AAAA\u002DBBBB\x2dCCCC"
`, []grant{{"AAAA-BBBB-CCCC", "", ""}}},
		{"no id", "[[certifications]]\ntrack = \"x\"\n[[certifications]]\nid = \"X\"\n", []grant{{"X", "", ""}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := scanPerson([]byte(tc.src))
			if fmt.Sprint(got) != fmt.Sprint(tc.want) {
				t.Errorf("scanPerson = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestUnquote(t *testing.T) {
	for _, tc := range []struct {
		in, want string
		ok       bool
	}{
		{`"abc"`, "abc", true},
		{`'a\b'`, `a\b`, true},
		{`"a\tb"`, "a\tb", true},
		{`"\u00e9\U0001F600"`, "é😀", true},
		{`"\u12"`, "", false},
		{`"\q"`, "", false},
		{`"a"b"`, "", false},
		{`"""a"""`, "", false},
		{`12`, "", false},
		{`"`, "", false},
	} {
		got, ok := unquote(tc.in)
		if got != tc.want || ok != tc.ok {
			t.Errorf("unquote(%s) = %q, %v; want %q, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}

// FuzzScanPerson checks the scanner against the decoder: whatever the
// decoder reads as certifications, the scanner reads the same ids.
func FuzzScanPerson(f *testing.F) {
	f.Add("[[certifications]]\nid = \"A\"\nrevoked = 2024-01-01\nwaive = [\"x\"]\n")
	f.Add("certifications = [{ id = 'B' }]\n")
	f.Add("[[certifications]]\nid = \"\\u0041\"\n")
	f.Fuzz(func(t *testing.T, src string) {
		got := scanPerson([]byte(src)) // must not panic
		var v struct {
			Certifications []struct {
				ID    string   `toml:"id"`
				Waive []string `toml:"waive"`
			} `toml:"certifications"`
		}
		if _, err := toml.Decode(src, &v); err != nil {
			return
		}
		var want []string
		for _, c := range v.Certifications {
			if c.ID != "" {
				want = append(want, c.ID)
			}
		}
		var ids []string
		for _, g := range got {
			ids = append(ids, g.id)
		}
		if fmt.Sprint(ids) != fmt.Sprint(want) {
			t.Errorf("scanner ids %q, decoder ids %q for\n%s", ids, want, src)
		}
	})
}

func FuzzUnquote(f *testing.F) {
	f.Add(`"a\u0041"`)
	f.Add(`'x'`)
	f.Fuzz(func(t *testing.T, s string) {
		got, ok := unquote(s)
		if !ok {
			return
		}
		var v struct{ K string }
		if _, err := toml.Decode("K = "+s, &v); err != nil {
			t.Fatalf("unquote accepts %s, the decoder does not: %v", s, err)
		}
		if v.K != got {
			t.Errorf("unquote(%s) = %q, the decoder reads %q", s, got, v.K)
		}
	})
}

func TestCompareEntries(t *testing.T) {
	// git sorts a folder as if its name ended in "/": "a.b" < "a/" < "a0".
	file := func(n string) entry { return entry{name: []byte(n)} }
	dir := func(n string) entry { return entry{name: []byte(n), dir: true} }
	order := []entry{file("a"), file("a.b"), dir("a"), file("a0"), dir("b")}
	for i := range order {
		for j := range order {
			got := compareEntries(order[i], order[j])
			want := 0
			if i < j {
				want = -1
			} else if i > j {
				want = 1
			}
			if got != want {
				t.Errorf("compare(%s dir=%v, %s dir=%v) = %d, want %d", order[i].name, order[i].dir, order[j].name, order[j].dir, got, want)
			}
		}
	}
}

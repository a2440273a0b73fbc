package tomlpos

import (
	"slices"
	"strings"
	"testing"

	"github.com/BurntSushi/toml"
)

const person = `name = "Jane Doe"   # comment [[not]]
email = "jane@example.com"
notes = """
[[certifications]]
id = "fake"
"""

[[training]]
course = "sales-101"
completed = 2024-01-10

[[certifications]]
id = "7K3M-9Q2P-XW4T"
evidence = { closed-deal = 5, "case-study" = 1 }

  [[certifications.recertify]]
  exam = "sales-foundation"
  [[certifications.recertify]]
  courses = ["a", 'b']

[[certifications]]
id = 'X'
tiers = [
  { track = "sales", level = "foundation" },   # first
  { track = "technical",
    level = "x" },
]
[program.inner]
a.b = 1
`

func TestScan(t *testing.T) {
	x := Scan([]byte(person))
	tests := []struct {
		path      string
		line, col int
	}{
		{"name", 1, 1},
		{"email", 2, 1},
		{"notes", 3, 1},
		{"training[0]", 8, 1},
		{"training[0].course", 9, 1},
		{"training[0].completed", 10, 1},
		{"certifications[0]", 12, 1},
		{"certifications[0].id", 13, 1},
		{"certifications[0].evidence", 14, 1},
		{"certifications[0].evidence.closed-deal", 14, 14},
		{"certifications[0].evidence.case-study", 14, 31},
		{"certifications[0].recertify[0]", 16, 3},
		{"certifications[0].recertify[0].exam", 17, 3},
		{"certifications[0].recertify[1]", 18, 3},
		{"certifications[0].recertify[1].courses", 19, 3},
		{"certifications[1]", 21, 1},
		{"certifications[1].id", 22, 1},
		{"certifications[1].tiers[0]", 24, 3},
		{"certifications[1].tiers[0].level", 24, 22},
		{"certifications[1].tiers[1]", 25, 3},
		{"certifications[1].tiers[1].level", 26, 5},
		{"program.inner", 28, 1},
		{"program.inner.a.b", 29, 1},
	}
	for _, tt := range tests {
		p, ok := x.Lookup(tt.path)
		if !ok {
			t.Errorf("%s: not found", tt.path)
			continue
		}
		if p.Line != tt.line || p.Col != tt.col {
			t.Errorf("%s: at %d:%d, want %d:%d", tt.path, p.Line, p.Col, tt.line, tt.col)
		}
	}
	if x.Has("certifications[2]") || x.Has("id") {
		t.Error("found a key inside a multi-line string")
	}
}

func TestStripIndices(t *testing.T) {
	for in, want := range map[string]string{
		"a":                          "a",
		"certifications[2].issued":   "certifications.issued",
		"a[0].b[11].c":               "a.b.c",
		"certifications[0].evidence": "certifications.evidence",
	} {
		if got := StripIndices(in); got != want {
			t.Errorf("StripIndices(%q) = %q, want %q", in, got, want)
		}
	}
}

// Every key the decoder sees must be found by the scanner, in the same order.
func TestAgreesWithDecoder(t *testing.T) {
	var v map[string]any
	md, err := toml.Decode(person, &v)
	if err != nil {
		t.Fatal(err)
	}
	x := Scan([]byte(person))
	seen := map[string]bool{}
	for _, e := range x.Entries {
		seen[StripIndices(e.Path)] = true
	}
	for _, k := range md.Keys() {
		if !seen[k.String()] {
			t.Errorf("decoder key %q not indexed", k.String())
		}
	}
}

func FuzzScan(f *testing.F) {
	f.Add([]byte(person))
	f.Add([]byte("[[a]]\n[[a.b]]\nx = [[{y = 1}]]\n"))
	f.Add([]byte("a = \"\"\"\\\n\"\"\"\nb = '''x''''\n"))
	f.Add([]byte("[\"q.k\".'r']\n\"a\\\"b\" = 1"))
	f.Fuzz(func(t *testing.T, src []byte) {
		x := Scan(src)
		lines := 1
		for _, c := range src {
			if c == '\n' {
				lines++
			}
		}
		for _, e := range x.Entries {
			if e.Pos.Line < 1 || e.Pos.Line > lines || e.Pos.Col < 1 {
				t.Fatalf("entry %q at impossible position %v (%d lines)", e.Path, e.Pos, lines)
			}
		}
	})
}

func TestValues(t *testing.T) {
	var got []string
	Values([]byte(person), func(path string, raw []byte) {
		got = append(got, path+"="+strings.TrimSpace(string(raw)))
	})
	want := []string{
		`name="Jane Doe"`,
		`email="jane@example.com"`,
		"notes=\"\"\"\n[[certifications]]\nid = \"fake\"\n\"\"\"",
		`training[0].course="sales-101"`,
		`training[0].completed=2024-01-10`,
		`certifications[0].id="7K3M-9Q2P-XW4T"`,
		`certifications[0].evidence.closed-deal=5`,
		`certifications[0].evidence.case-study=1`,
		`certifications[0].evidence={ closed-deal = 5, "case-study" = 1 }`,
		`certifications[0].recertify[0].exam="sales-foundation"`,
		`certifications[0].recertify[1].courses=["a", 'b']`,
		`certifications[1].id='X'`,
		`certifications[1].tiers[0].track="sales"`,
		`certifications[1].tiers[0].level="foundation"`,
		`certifications[1].tiers[1].track="technical"`,
		`certifications[1].tiers[1].level="x"`,
		"certifications[1].tiers=[\n  { track = \"sales\", level = \"foundation\" },   # first\n  { track = \"technical\",\n    level = \"x\" },\n]",
		`program.inner.a.b=1`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("Values:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// Issue 15: at depth > 64 the scanner lost track and later keys went
// missing. It has no depth limit now: every depth is read exactly.
func TestDeepNesting(t *testing.T) {
	for _, depth := range []int{1, 64, 65, 1000, 200_000} {
		src := "x = " + strings.Repeat("[", depth) + strings.Repeat("]", depth) + "\ny = 1\n" +
			"z = " + strings.Repeat("{a = ", min(depth, 2000)) + "1" + strings.Repeat("}", min(depth, 2000)) + "\n" +
			"[t]\nw = " + strings.Repeat("[", min(depth, 2000)) + "{k = 'v'}" + strings.Repeat("]", min(depth, 2000)) + "\n"
		x := Scan([]byte(src))
		inner := "z" + strings.Repeat(".a", min(depth, 2000))
		elem := "t.w" + strings.Repeat("[0]", min(depth, 2000))
		for path, kind := range map[string]Kind{"x": Array, "y": Integer, "z": InlineTable, inner: Integer, "t": Table, "t.w": Array, elem: InlineTable, elem + ".k": String} {
			i := slices.IndexFunc(x.Entries, func(e Entry) bool { return e.Path == path })
			if i < 0 {
				t.Errorf("depth %d: %.40s… not found", depth, path)
				continue
			}
			if x.Entries[i].Kind != kind {
				t.Errorf("depth %d: %.40s… is a %v, want %v", depth, path, x.Entries[i].Kind, kind)
			}
		}
	}
}

func BenchmarkScanPerson(b *testing.B) {
	src := []byte(strings.Repeat("[[certifications]]\nid = \"QAKP-8XHJ-QTZ0\"\ntrack = \"sales\"\nlevel = \"foundation\"\nissued = 2023-01-16\n\n", 6) +
		strings.Repeat("[[exams]]\nexam = \"sales-foundation\"\ndate = 2023-01-16\nscore = 70\nproctoring = \"self\"\n\n", 3))
	b.SetBytes(int64(len(src)))
	b.ReportAllocs()
	for b.Loop() {
		Scan(src)
	}
}

package diag

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
)

func TestSeverity(t *testing.T) {
	for _, tt := range []struct {
		s    Severity
		want string
	}{
		{Error, "error"},
		{Warning, "warning"},
	} {
		if got := tt.s.String(); got != tt.want {
			t.Errorf("Severity(%d).String() = %q, want %q", tt.s, got, tt.want)
		}
		b, err := tt.s.MarshalText()
		if err != nil || string(b) != tt.want {
			t.Errorf("Severity(%d).MarshalText() = %q, %v, want %q", tt.s, b, err, tt.want)
		}
	}
}

func TestDiagnosticString(t *testing.T) {
	for _, tt := range []struct {
		d    Diagnostic
		want string
	}{
		{
			Diagnostic{File: "partners/acme/people/ann.toml", Line: 14, Col: 1, Severity: Error, Rule: "exam-not-passed", Msg: "no attempt"},
			"partners/acme/people/ann.toml:14:1: error: no attempt [exam-not-passed]",
		},
		{
			Diagnostic{File: "programs/exams/x.toml", Line: 7, Col: 3, Severity: Warning, Rule: "review-stale", Msg: `exam "x": stale`},
			`programs/exams/x.toml:7:3: warning: exam "x": stale [review-stale]`,
		},
		{
			Diagnostic{File: "partners/acme/people/a\x1b[31m\u202e.toml", Line: 2, Col: 1, Severity: Error, Rule: "syntax", Msg: "name \"Zoë\r\n\x1b[2J\u2066\" \xff"},
			`partners/acme/people/a\x1b[31m\u202e.toml:2:1: error: name "Zoë\r\n\x1b[2J\u2066" \xff [syntax]`,
		},
	} {
		if got := tt.d.String(); got != tt.want {
			t.Errorf("String() = %q, want %q", got, tt.want)
		}
	}
}

func TestAddClampsPosition(t *testing.T) {
	for _, tt := range []struct {
		line, col         int
		wantLine, wantCol int
	}{
		{0, 0, 1, 1},
		{-3, -1, 1, 1},
		{0, 5, 1, 5},
		{4, 0, 4, 1},
		{12, 7, 12, 7},
	} {
		var l List
		l.Add(Diagnostic{File: "f", Line: tt.line, Col: tt.col, Rule: "r", Msg: "m"})
		got := l.Sorted()[0]
		if got.Line != tt.wantLine || got.Col != tt.wantCol {
			t.Errorf("Add at %d:%d gives %d:%d, want %d:%d", tt.line, tt.col, got.Line, got.Col, tt.wantLine, tt.wantCol)
		}
	}
}

func TestCompare(t *testing.T) {
	base := Diagnostic{File: "b.toml", Line: 5, Col: 3, Severity: Error, Rule: "m-rule", Msg: "m"}
	with := func(f func(*Diagnostic)) Diagnostic {
		d := base
		f(&d)
		return d
	}
	for _, tt := range []struct {
		name string
		a    Diagnostic
		want int // sign of Compare(base, a)
	}{
		{"equal", base, 0},
		{"file first", with(func(d *Diagnostic) { d.File = "a.toml"; d.Line = 99 }), +1},
		{"file later", with(func(d *Diagnostic) { d.File = "c.toml"; d.Line = 1 }), -1},
		{"line numeric, not textual", with(func(d *Diagnostic) { d.Line = 10 }), -1},
		{"line before", with(func(d *Diagnostic) { d.Line = 4; d.Col = 99 }), +1},
		{"column", with(func(d *Diagnostic) { d.Col = 20 }), -1},
		{"errors before warnings", with(func(d *Diagnostic) { d.Severity = Warning; d.Rule = "a" }), -1},
		{"rule", with(func(d *Diagnostic) { d.Rule = "a-rule"; d.Msg = "z" }), +1},
		{"message", with(func(d *Diagnostic) { d.Msg = "n" }), -1},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := sign(Compare(base, tt.a)); got != tt.want {
				t.Errorf("Compare(base, %v) = %d, want %d", tt.a, got, tt.want)
			}
			if got := sign(Compare(tt.a, base)); got != -tt.want {
				t.Errorf("Compare(%v, base) = %d, want %d", tt.a, got, -tt.want)
			}
		})
	}
}

func sign(n int) int {
	switch {
	case n < 0:
		return -1
	case n > 0:
		return +1
	}
	return 0
}

func TestSorted(t *testing.T) {
	d := func(file string, line, col int, sev Severity, rule, msg string) Diagnostic {
		return Diagnostic{File: file, Line: line, Col: col, Severity: sev, Rule: rule, Msg: msg}
	}
	for _, tt := range []struct {
		name string
		in   []Diagnostic
		want []Diagnostic
	}{
		{"empty", nil, []Diagnostic{}},
		{
			"by file, then line (numerically), then column",
			[]Diagnostic{
				d("programs/tracks/sales.toml", 2, 1, Error, "r", "m"),
				d("partners/acme/people/ann.toml", 10, 1, Error, "r", "m"),
				d("partners/acme/people/ann.toml", 9, 5, Error, "r", "m"),
				d("partners/acme/people/ann.toml", 9, 1, Error, "r", "m"),
				d("content/index.md", 100, 1, Error, "r", "m"),
			},
			[]Diagnostic{
				d("content/index.md", 100, 1, Error, "r", "m"),
				d("partners/acme/people/ann.toml", 9, 1, Error, "r", "m"),
				d("partners/acme/people/ann.toml", 9, 5, Error, "r", "m"),
				d("partners/acme/people/ann.toml", 10, 1, Error, "r", "m"),
				d("programs/tracks/sales.toml", 2, 1, Error, "r", "m"),
			},
		},
		{
			"same place: errors first, then rule, then message",
			[]Diagnostic{
				d("f", 1, 1, Warning, "expiring", "a"),
				d("f", 1, 1, Error, "unknown-key", "b"),
				d("f", 1, 1, Error, "syntax", "z"),
				d("f", 1, 1, Error, "syntax", "y"),
			},
			[]Diagnostic{
				d("f", 1, 1, Error, "syntax", "y"),
				d("f", 1, 1, Error, "syntax", "z"),
				d("f", 1, 1, Error, "unknown-key", "b"),
				d("f", 1, 1, Warning, "expiring", "a"),
			},
		},
		{
			"exact duplicates dropped, near ones kept",
			[]Diagnostic{
				d("f", 3, 1, Error, "r", "m"),
				d("f", 3, 1, Error, "r", "m"),
				d("f", 3, 1, Warning, "r", "m"),
				d("f", 3, 1, Error, "r", "m"),
				d("f", 3, 1, Error, "r", "m2"),
			},
			[]Diagnostic{
				d("f", 3, 1, Error, "r", "m"),
				d("f", 3, 1, Error, "r", "m2"),
				d("f", 3, 1, Warning, "r", "m"),
			},
		},
		{
			"clamped positions are duplicates",
			[]Diagnostic{
				d("f", 0, 0, Error, "r", "m"),
				d("f", 1, 1, Error, "r", "m"),
			},
			[]Diagnostic{
				d("f", 1, 1, Error, "r", "m"),
			},
		},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var l List
			l.Append(tt.in)
			got := l.Sorted()
			if !equal(got, tt.want) {
				t.Errorf("Sorted() =\n%s\nwant\n%s", lines(got), lines(tt.want))
			}
			// Sorting leaves the list alone: it can be sorted again.
			if again := l.Sorted(); !equal(again, tt.want) {
				t.Errorf("second Sorted() =\n%s\nwant\n%s", lines(again), lines(tt.want))
			}
		})
	}
}

func equal(a, b []Diagnostic) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func lines(ds []Diagnostic) string {
	var b strings.Builder
	for _, d := range ds {
		fmt.Fprintf(&b, "\t%v\n", d)
	}
	return b.String()
}

func TestListConcurrentAdd(t *testing.T) {
	var l List
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 100 {
				l.Add(Diagnostic{File: fmt.Sprintf("f%d", g), Line: i + 1, Rule: "r", Msg: "m"})
			}
		}()
	}
	wg.Wait()
	got := l.Sorted()
	if len(got) != 800 {
		t.Fatalf("Sorted() has %d diagnostics, want 800", len(got))
	}
	for i := 1; i < len(got); i++ {
		if Compare(got[i-1], got[i]) >= 0 {
			t.Fatalf("not sorted at %d: %v then %v", i, got[i-1], got[i])
		}
	}
}

func TestCountAndSummary(t *testing.T) {
	e := Diagnostic{Severity: Error}
	w := Diagnostic{Severity: Warning}
	for _, tt := range []struct {
		ds          []Diagnostic
		files       int
		errs, warns int
		summary     string
	}{
		{nil, 0, 0, 0, "0 errors, 0 warnings in 0 files"},
		{nil, 1, 0, 0, "0 errors, 0 warnings in 1 file"},
		{nil, 214, 0, 0, "0 errors, 0 warnings in 214 files"},
		{[]Diagnostic{e}, 1, 1, 0, "1 error, 0 warnings in 1 file"},
		{[]Diagnostic{w}, 2, 0, 1, "0 errors, 1 warning in 2 files"},
		{[]Diagnostic{e, w}, 1, 1, 1, "1 error, 1 warning in 1 file"},
		{[]Diagnostic{w, e, w}, 3, 1, 2, "1 error, 2 warnings in 3 files"},
		{[]Diagnostic{e, e, w, e, w}, 214, 3, 2, "3 errors, 2 warnings in 214 files"},
		{[]Diagnostic{e, e}, 0, 2, 0, "2 errors, 0 warnings in 0 files"},
	} {
		errs, warns := Count(tt.ds)
		if errs != tt.errs || warns != tt.warns {
			t.Errorf("Count(%v) = %d, %d, want %d, %d", tt.ds, errs, warns, tt.errs, tt.warns)
		}
		if got := Summary(tt.ds, tt.files); got != tt.summary {
			t.Errorf("Summary(%v, %d) = %q, want %q", tt.ds, tt.files, got, tt.summary)
		}
	}
}

// sample is a sorted list with an error and a warning.
var sample = []Diagnostic{
	{File: "partners/acme/people/ann.toml", Line: 14, Col: 1, Severity: Error, Rule: "exam-not-passed", Msg: `no attempt of exam "sales-foundation" scoring 70 or more`},
	{File: "programs/exams/sales-foundation.toml", Line: 7, Col: 3, Severity: Warning, Rule: "review-stale", Msg: "exam was last reviewed 2025-05-01, 199 days ago"},
}

func TestWrite(t *testing.T) {
	for _, tt := range []struct {
		name, format string
		ds           []Diagnostic
		want         string
	}{
		{"text empty", Text, nil, ""},
		{"text", Text, sample, `partners/acme/people/ann.toml:14:1: error: no attempt of exam "sales-foundation" scoring 70 or more [exam-not-passed]
programs/exams/sales-foundation.toml:7:3: warning: exam was last reviewed 2025-05-01, 199 days ago [review-stale]
`},
		{"json nil", JSON, nil, `{
  "diagnostics": [],
  "errors": 0,
  "warnings": 0
}
`},
		{"json empty", JSON, []Diagnostic{}, `{
  "diagnostics": [],
  "errors": 0,
  "warnings": 0
}
`},
		{"json", JSON, sample, `{
  "diagnostics": [
    {
      "file": "partners/acme/people/ann.toml",
      "line": 14,
      "column": 1,
      "severity": "error",
      "rule": "exam-not-passed",
      "message": "no attempt of exam \"sales-foundation\" scoring 70 or more"
    },
    {
      "file": "programs/exams/sales-foundation.toml",
      "line": 7,
      "column": 3,
      "severity": "warning",
      "rule": "review-stale",
      "message": "exam was last reviewed 2025-05-01, 199 days ago"
    }
  ],
  "errors": 1,
  "warnings": 1
}
`},
		{"github empty", GitHub, nil, ""},
		{"github", GitHub, sample, `::error file=partners/acme/people/ann.toml,line=14,title=exam-not-passed::no attempt of exam "sales-foundation" scoring 70 or more
::warning file=programs/exams/sales-foundation.toml,line=7,title=review-stale::exam was last reviewed 2025-05-01, 199 days ago
`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var b bytes.Buffer
			if err := Write(&b, tt.format, tt.ds); err != nil {
				t.Fatalf("Write: %v", err)
			}
			if got := b.String(); got != tt.want {
				t.Errorf("Write(%s) =\n%s\nwant\n%s", tt.format, got, tt.want)
			}
		})
	}
}

func TestWriteUnknownFormat(t *testing.T) {
	for _, format := range []string{"", "xml", "JSON", "Text"} {
		var b bytes.Buffer
		err := Write(&b, format, sample)
		if err == nil {
			t.Errorf("Write(%q) succeeded, want an error", format)
		} else if !strings.Contains(err.Error(), fmt.Sprintf("%q", format)) {
			t.Errorf("Write(%q) error %q does not name the format", format, err)
		}
		if b.Len() > 0 {
			t.Errorf("Write(%q) wrote %q", format, b.String())
		}
	}
}

type failWriter struct{}

var errWrite = errors.New("disk full")

func (failWriter) Write([]byte) (int, error) { return 0, errWrite }

func TestWriteError(t *testing.T) {
	for _, format := range []string{Text, JSON, GitHub} {
		if err := Write(failWriter{}, format, sample); !errors.Is(err, errWrite) {
			t.Errorf("Write(%s) to a failing writer = %v, want %v", format, err, errWrite)
		}
	}
}

// TestJSONRoundTrip checks that awkward messages and paths survive JSON:
// the output is one valid object with exactly the documented keys.
func TestJSONRoundTrip(t *testing.T) {
	ds := []Diagnostic{
		{File: "content/a b/ü.md", Line: 1, Col: 1, Severity: Error, Rule: "syntax", Msg: "line1\nline2\r\t\"quoted\" <b>&amp; \\ 100% \u2028 \x00"},
		{File: "partners/x,y:z/partner.md", Line: 2, Col: 9, Severity: Warning, Rule: "expiring", Msg: "ok"},
	}
	var b bytes.Buffer
	if err := Write(&b, JSON, ds); err != nil {
		t.Fatal(err)
	}
	dec := json.NewDecoder(&b)
	dec.DisallowUnknownFields()
	var out struct {
		Diagnostics []struct {
			File     string `json:"file"`
			Line     int    `json:"line"`
			Column   int    `json:"column"`
			Severity string `json:"severity"`
			Rule     string `json:"rule"`
			Message  string `json:"message"`
		} `json:"diagnostics"`
		Errors   int `json:"errors"`
		Warnings int `json:"warnings"`
	}
	if err := dec.Decode(&out); err != nil {
		t.Fatalf("decoding the output: %v", err)
	}
	if dec.More() {
		t.Errorf("more than one JSON value in the output")
	}
	if out.Errors != 1 || out.Warnings != 1 {
		t.Errorf("errors, warnings = %d, %d, want 1, 1", out.Errors, out.Warnings)
	}
	if len(out.Diagnostics) != len(ds) {
		t.Fatalf("%d diagnostics, want %d", len(out.Diagnostics), len(ds))
	}
	for i, got := range out.Diagnostics {
		want := ds[i]
		if got.File != want.File || got.Line != want.Line || got.Column != want.Col ||
			got.Severity != want.Severity.String() || got.Rule != want.Rule || got.Message != want.Msg {
			t.Errorf("diagnostic %d = %+v, want %+v", i, got, want)
		}
	}
	// Every value, even a message with a newline, stays on its own line.
	var raw bytes.Buffer
	if err := Write(&raw, JSON, ds); err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(strings.TrimSuffix(raw.String(), "\n"), "\n") {
		if strings.ContainsAny(line, "\r\x00") {
			t.Errorf("raw control character in JSON line %q", line)
		}
	}
}

func TestGitHubEscaping(t *testing.T) {
	for _, tt := range []struct {
		name string
		d    Diagnostic
		want string
	}{
		{
			"message: % CR LF escaped, : and , kept",
			Diagnostic{File: "f.toml", Line: 3, Col: 2, Severity: Error, Rule: "syntax", Msg: "100%\r\nnext: a, b"},
			"::error file=f.toml,line=3,title=syntax::100%25%0D%0Anext: a, b\n",
		},
		{
			"message: an escape sequence in the input is escaped again",
			Diagnostic{File: "f.toml", Line: 1, Col: 1, Severity: Warning, Rule: "r", Msg: "%0A and %25"},
			"::warning file=f.toml,line=1,title=r::%250A and %2525\n",
		},
		{
			"message: cannot start a second command",
			Diagnostic{File: "f.toml", Line: 1, Col: 1, Severity: Error, Rule: "r", Msg: "x\n::error file=evil::forged"},
			"::error file=f.toml,line=1,title=r::x%0A::error file=evil::forged\n",
		},
		{
			"file property: % CR LF : , escaped",
			Diagnostic{File: "partners/a%b,c:d\r\ne/partner.md", Line: 1, Col: 1, Severity: Error, Rule: "r", Msg: "m"},
			"::error file=partners/a%25b%2Cc%3Ad%0D%0Ae/partner.md,line=1,title=r::m\n",
		},
		{
			"title property: : and , escaped",
			Diagnostic{File: "f", Line: 1, Col: 1, Severity: Error, Rule: "a:b,c%d", Msg: "m"},
			"::error file=f,line=1,title=a%3Ab%2Cc%25d::m\n",
		},
		{
			"other characters untouched",
			Diagnostic{File: "content/ü ß/x=y.md", Line: 1, Col: 1, Severity: Error, Rule: "r", Msg: `"quotes" ü 山田 🎓 = ;`},
			"::error file=content/ü ß/x=y.md,line=1,title=r::\"quotes\" ü 山田 🎓 = ;\n",
		},
		{
			// The log viewer renders ANSI colors, and the runner escapes
			// only %, CR and LF.
			"terminal escapes, tab, bidi controls, bad UTF-8: Printable after the runner's escaping",
			Diagnostic{File: "partners/a\x1b[31m\u202e/p.toml", Line: 1, Col: 1, Severity: Error, Rule: "r", Msg: "name \"\x1b]0;x\x07\tZo\xff\u2067\" 50%\n"},
			`::error file=partners/a\x1b[31m\u202e/p.toml,line=1,title=r::name "\x1b]0;x\a\tZo\xff\u2067" 50%25%0A` + "\n",
		},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var b bytes.Buffer
			if err := Write(&b, GitHub, []Diagnostic{tt.d}); err != nil {
				t.Fatal(err)
			}
			if got := b.String(); got != tt.want {
				t.Errorf("got  %q\nwant %q", got, tt.want)
			}
			if n := strings.Count(b.String(), "\n"); n != 1 {
				t.Errorf("%d lines, want 1", n)
			}
		})
	}
}

func TestEscapers(t *testing.T) {
	for _, tt := range []struct {
		in, data, property string
	}{
		{"", "", ""},
		{"plain text", "plain text", "plain text"},
		{"%", "%25", "%25"},
		{"\r", "%0D", "%0D"},
		{"\n", "%0A", "%0A"},
		{":", ":", "%3A"},
		{",", ",", "%2C"},
		{"a%b\r\nc:d,e", "a%25b%0D%0Ac:d,e", "a%25b%0D%0Ac%3Ad%2Ce"},
		{"%3A", "%253A", "%253A"},
		{"a\x1b,\u202e:", `a\x1b,\u202e:`, `a\x1b%2C\u202e%3A`},
	} {
		if got := escapeData(tt.in); got != tt.data {
			t.Errorf("escapeData(%q) = %q, want %q", tt.in, got, tt.data)
		}
		if got := escapeProperty(tt.in); got != tt.property {
			t.Errorf("escapeProperty(%q) = %q, want %q", tt.in, got, tt.property)
		}
	}
}

func TestAdded(t *testing.T) {
	d := func(line int, rule, msg string) Diagnostic {
		return Diagnostic{File: "f", Line: line, Rule: rule, Msg: msg}
	}
	before := []Diagnostic{d(3, "retake-wait", "w"), d(9, "syntax", "s")}
	after := []Diagnostic{d(3, "retake-wait", "w"), d(11, "syntax", "s"), d(11, "syntax", "s"), d(12, "invalid-value", "v")}
	got := Added(before, after)
	if len(got) != 2 || got[0].Rule != "syntax" || got[1].Rule != "invalid-value" {
		t.Errorf("Added = %v: want the second syntax error and the invalid-value", got)
	}
}

package importcsv

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

func TestMappingSet(t *testing.T) {
	m := DefaultMapping()
	if err := m.Set("score=Result, date = Completed on ,EMAIL=Login"); err != nil {
		t.Fatal(err)
	}
	if m["score"] != "Result" || m["date"] != "Completed on" || m["email"] != "Login" || m["exam"] != "exam" {
		t.Errorf("mapping = %v", m)
	}
	for _, bad := range []string{"grade=Result", "score", "score=", "=Result"} {
		if err := DefaultMapping().Set(bad); err == nil {
			t.Errorf("Set(%q): no error", bad)
		}
	}
}

func TestParse(t *testing.T) {
	for _, tc := range []struct {
		name, csv, mapping string
		want               []string // "line who row" or "line !message"
		err                string
	}{
		{
			name: "exams and courses by email",
			csv:  "email,exam,course,date,score,proctoring\na@x,e1,,2025-03-01,82,live\nb@x,,c1,2025-03-02,,\n",
			want: []string{"2 a@x// exam e1 2025-03-01 score 82 live", "3 b@x// course c1 completed 2025-03-02"},
		},
		{
			name: "by partner and person, headers in any case, extra columns, blank rows",
			csv:  "Notes, Partner ,PERSON,Exam,Date,Score\nhi,acme,ann,e1,2025-03-01,82%\n,,,,,\n\nx,acme,bob,e1,2025-03-01T10:00:00+02:00,82.0\n",
			want: []string{"2 /acme/ann exam e1 2025-03-01 score 82", "5 /acme/bob exam e1 2025-03-01 score 82"},
		},
		{
			name: "a quoted cell over two lines keeps the row's first line",
			csv:  "email,course,date,notes\n\"a@x\",c1,2025-03-01,\"two\nlines\"\nb@x,c2,2025-03-02,\n",
			want: []string{"2 a@x// course c1 completed 2025-03-01", "4 b@x// course c2 completed 2025-03-02"},
		},
		{
			name:    "mapped names, a type column sharing the id column",
			csv:     "\ufeffLogin;Kind;Item;When;Result\na@x;EXAM;e1;2025-03-01;90\na@x;course;c1;2025-03-02;\na@x;quiz;q;2025-03-02;\n",
			mapping: "email=Login,type=Kind,exam=Item,course=Item,date=When,score=Result",
			want:    []string{"2 a@x// exam e1 2025-03-01 score 90", "3 a@x// course c1 completed 2025-03-02", `4 !type "quiz": want exam, course, assessment or evidence`},
		},
		{
			name: "row problems",
			csv: "email,partner,person,exam,course,date,score,proctoring\n" +
				",acme,,e1,,2025-03-01,80,\n" +
				"a@x,,,,,2025-03-01,80,\n" +
				"a@x,,,e1,c1,2025-03-01,80,\n" +
				"a@x,,,e1,,,80,\n" +
				"a@x,,,e1,,2025-02-30,80,\n" +
				"a@x,,,e1,,2025-03-01,,\n" +
				"a@x,,,e1,,2025-03-01,101,\n" +
				"a@x,,,e1,,2025-03-01,-1,\n" +
				"a@x,,,e1,,2025-03-01,80.5,\n" +
				"a@x,,,e1,,2025-03-01,80,remote\n" +
				"a@x,,,e1,,2025-03-01,80,In Person\n",
			want: []string{
				"2 !no e-mail, and no partner and person: who is it?",
				"3 !neither an exam, a course, an assessment nor evidence",
				"4 !both an exam (e1) and a course (c1): one result a row",
				"5 !no date",
				`6 !date "2025-02-30": February has 28 days in 2025`,
				"7 !an exam row without a score",
				`8 !score "101": want a whole percentage from 0 to 100`,
				`9 !score "-1": want a whole percentage from 0 to 100`,
				`10 !score "80.5": want a whole percentage from 0 to 100`,
				`11 !proctoring "remote": want self, live or in-person`,
				"12 a@x// exam e1 2025-03-01 score 80 in-person",
			},
		},
		{
			// One pass finds every problem of a row, not only its first.
			name: "every problem of a row",
			csv:  "email,exam,date,score,proctoring\n,e1,2025-13-01,120,remote\n,,03/01/2025,,\n",
			want: []string{
				"2 !no e-mail, and no partner and person: who is it?",
				`2 !date "2025-13-01": there is no month 13: months go from 01 to 12`,
				`2 !score "120": want a whole percentage from 0 to 100`,
				`2 !proctoring "remote": want self, live or in-person`,
				"3 !no e-mail, and no partner and person: who is it?",
				"3 !neither an exam, a course, an assessment nor evidence",
				`3 !date "03/01/2025": want YYYY-MM-DD`,
			},
		},
		{
			name: "type and one id column",
			csv:  "email,type,id,date,score\na@x,exam,e1,2025-03-01,90\na@x,course,c1,2025-03-02,\na@x,,c1,2025-03-02,\n",
			want: []string{"2 a@x// exam e1 2025-03-01 score 90", "3 a@x// course c1 completed 2025-03-02", "4 !neither an exam, a course, an assessment nor evidence"},
		},
		{
			name: "assessments and evidence",
			csv: "email,assessment,evidence,date,passed,reviewer,title\n" +
				"a@x,k1,,2025-03-01,Pass,Sam,\n" +
				"a@x,k1,,2025-03-01,no,,\n" +
				"a@x,,e1,2025-03-02,,,Deal\n" +
				"a@x,k1,,2025-03-01,,,\n" +
				"a@x,k1,e1,2025-03-01,yes,,\n" +
				"a@x,,e1,2025-03-02,,,\"two\nlines\"\n",
			want: []string{
				`2 a@x// assessment k1 2025-03-01 passed reviewer "Sam"`,
				"3 a@x// assessment k1 2025-03-01 not passed",
				`4 a@x// evidence e1 2025-03-02 title "Deal"`,
				"5 !an assessment row without a passed (yes or no)",
				"6 !both an assessment (k1) and evidence (e1): one result a row",
				`7 !title "two\nlines": a line break in a one-line value`,
			},
		},
		{
			name: "tabs",
			csv:  "email\tcourse\tdate\na@x\tc1\t2025-03-01\n",
			want: []string{"2 a@x// course c1 completed 2025-03-01"},
		},
		{
			name: "rows with another field count than the header",
			csv:  "email,course,date\na@x,c1,2025-03-01,extra\nb@x,c1\nc@x,c1,2025-03-02\n",
			want: []string{"2 !4 fields, the header has 3", "3 !2 fields, the header has 3", "4 c@x// course c1 completed 2025-03-02"},
		},
		{name: "a column named twice", csv: "email,Date,course, date \n", err: `line 1: column "date" is named twice (columns 2 and 4)`},
		{name: "blank column names may repeat", csv: "email,,course,,date\na@x,,c1,,2025-03-01\n", want: []string{"2 a@x// course c1 completed 2025-03-01"}},
		{name: "empty", csv: "", err: "the file is empty"},
		{name: "no who", csv: "name,exam,date\n", err: `line 1: no column says who`},
		{name: "no what", csv: "email,date\n", err: `line 1: no column says what`},
		{name: "no date", csv: "email,exam\n", err: `line 1: no column for date (column "date")`},
		{name: "shared id column without type", csv: "email,item,date\n", mapping: "exam=item,course=item", err: `tells them apart`},
		{name: "bad quoting", csv: "email,exam,date\na@x,\"e1,2025-01-01\n", err: "line 2"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := DefaultMapping()
			if tc.mapping != "" {
				if err := m.Set(tc.mapping); err != nil {
					t.Fatal(err)
				}
			}
			rows, probs, err := Parse(strings.NewReader(tc.csv), m, 0) // the separator is sniffed
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Errorf("error %v, want %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, r := range rows {
				got = append(got, fmt.Sprintf("%d %s/%s/%s %s", r.Line, r.Email, r.Partner, r.Person, r))
			}
			for _, p := range probs {
				got = append(got, fmt.Sprintf("%d !%s", p.Line, p.Msg))
			}
			sortByLine(got)
			if strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
				t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(tc.want, "\n"))
			}
		})
	}
}

func sortByLine(s []string) {
	line := func(x string) int {
		var n int
		fmt.Sscanf(x, "%d", &n)
		return n
	}
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && line(s[j]) < line(s[j-1]); j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
}

// FuzzParse: any file and any mapping give rows or problems, never a
// panic; every row is complete and every line number is a line of the file.
func FuzzParse(f *testing.F) {
	f.Add([]byte("email,exam,course,date,score,proctoring\na@x,e1,,2025-03-01,82,live\nb@x,,c1,2025-03-02,,\n"), "")
	f.Add([]byte("Login;Kind;Item;When\na;exam;e;2025-01-01T00:00\n"), "email=Login,type=Kind,exam=Item,course=Item,date=When")
	f.Add([]byte("email,type,id,date,passed,title\na,assessment,k,2025-01-01,yes,\na,evidence,e,2025-01-01,,t\n"), "")
	f.Add([]byte("\ufeffpartner,person,course,date\n\"a\nb\",p,c,2025-01-01\n"), "score=x")
	f.Fuzz(func(t *testing.T, data []byte, mapping string) {
		m := DefaultMapping()
		if m.Set(mapping) != nil {
			return
		}
		lines := strings.Count(string(data), "\n") + 1
		for _, comma := range []rune{0, ',', ';'} {
			rows, probs, err := Parse(strings.NewReader(string(data)), m, comma)
			if err != nil {
				continue
			}
			for _, r := range rows {
				if r.Line < 2 || r.Line > lines || r.ID == "" || !r.Date.Valid() || !slices.Contains(Kinds, r.Kind) ||
					(r.Email == "" && (r.Partner == "" || r.Person == "")) {
					t.Fatalf("bad row %+v", r)
				}
				for _, c := range r.Kind.Cols {
					if v, ok := r.Value(c.Key); c.Required && !ok {
						t.Fatalf("row %+v: no %s", r, c.Key)
					} else if n, isInt := v.(int); isInt && (n < 0 || n > 100) {
						t.Fatalf("row %+v: %s %d", r, c.Key, n)
					}
				}
			}
			for _, p := range probs {
				if p.Line < 2 || p.Line > lines || p.Msg == "" {
					t.Fatalf("bad problem %+v", p)
				}
			}
		}
	})
}

package importcsv

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/accredit/accredit/cmd/internal/date"
)

// Fields are the things a row can say, in the order of the documentation.
var Fields = []string{"email", "partner", "person", "type", "exam", "course", "id", "date", "score", "proctoring"}

// Mapping maps each field to the header of the column that holds it.
type Mapping map[string]string

// DefaultMapping names every column after its field.
func DefaultMapping() Mapping {
	m := Mapping{}
	for _, f := range Fields {
		m[f] = f
	}
	return m
}

// Set applies "field=Column" pairs, comma-separated ("score=Result,date=
// Completed on"), to the mapping.
func (m Mapping) Set(spec string) error {
	for _, pair := range strings.Split(spec, ",") {
		if strings.TrimSpace(pair) == "" {
			continue
		}
		field, col, ok := strings.Cut(pair, "=")
		field = strings.ToLower(strings.TrimSpace(field))
		col = strings.TrimSpace(col)
		if !ok || col == "" {
			return fmt.Errorf("%q: want field=Column", pair)
		}
		if !slices.Contains(Fields, field) {
			return fmt.Errorf("unknown field %q: the fields are %s", field, strings.Join(Fields, ", "))
		}
		m[field] = col
	}
	return nil
}

// Kinds of rows.
const (
	Exam   = "exam"
	Course = "course"
)

// Row is one result read from the CSV.
type Row struct {
	Line int // the CSV line the row starts on
	Kind string
	// Who: an e-mail, or a partner and person id (or all three).
	Email, Partner, Person string
	ID                     string // the exam or course id
	Date                   date.Date
	Score                  int    // exams only
	Proctoring             string // exams only, may be empty
}

func (r Row) String() string {
	if r.Kind == Course {
		return fmt.Sprintf("course %s completed %s", r.ID, r.Date)
	}
	s := fmt.Sprintf("exam %s %s score %d", r.ID, r.Date, r.Score)
	if r.Proctoring != "" {
		s += " " + r.Proctoring
	}
	return s
}

// Problem is something wrong with one row (or the header, line 1).
type Problem struct {
	Line int
	Msg  string
}

// Parse reads CSV data with a header row. comma is the field separator;
// 0 takes whichever of ',', ';' and tab the header row holds most of
// (spreadsheets in many locales write ';'). The error is for a file that cannot be imported at all: not
// CSV, or no column for a field it needs. A row with a bad value is a
// problem at its line; the other rows are still returned.
func Parse(r io.Reader, m Mapping, comma rune) ([]Row, []Problem, error) {
	br := bufio.NewReader(r)
	if comma == 0 {
		comma = sniff(br)
	}
	cr := csv.NewReader(br)
	cr.Comma = comma
	// Every row must have the header's number of fields: a row with more
	// or fewer has lost a separator or a quote, and its cells would be
	// read from the wrong columns. The count is checked here, as a
	// problem at the row's line, rather than by encoding/csv, whose error
	// would stop the whole file.
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return nil, nil, errors.New("the file is empty: a header row is required")
	}
	if err != nil {
		return nil, nil, csvError(err)
	}
	col, err := columns(header, m)
	if err != nil {
		return nil, nil, err
	}
	var rows []Row
	var probs []Problem
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, nil, csvError(err)
		}
		line, _ := cr.FieldPos(0)
		cell := func(f string) string {
			if i, ok := col[f]; ok && i < len(rec) {
				return strings.TrimSpace(rec[i])
			}
			return ""
		}
		if len(rec) != len(header) {
			probs = append(probs, Problem{line, fmt.Sprintf("%d %s, the header has %d", len(rec), plural(len(rec), "field"), len(header))})
			continue
		}
		if allEmpty(rec) {
			continue
		}
		row, msgs := parseRow(cell, col)
		for _, msg := range msgs {
			probs = append(probs, Problem{line, msg})
		}
		if len(msgs) > 0 {
			continue
		}
		row.Line = line
		rows = append(rows, row)
	}
	return rows, probs, nil
}

// sniff picks the separator the first line uses most, ',' on a tie.
func sniff(br *bufio.Reader) rune {
	head, _ := br.Peek(64 << 10)
	if i := bytes.IndexByte(head, '\n'); i >= 0 {
		head = head[:i]
	}
	best, n := ',', bytes.Count(head, []byte{','})
	for _, c := range []rune{';', '\t'} {
		if m := bytes.Count(head, []byte(string(c))); m > n {
			best, n = c, m
		}
	}
	return best
}

func csvError(err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return fmt.Errorf("line %d: %v", pe.Line, pe.Err)
	}
	return err
}

func allEmpty(rec []string) bool {
	for _, c := range rec {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

// columns finds each field's column by its mapped header, case and
// surrounding blanks ignored, and checks that the fields a row needs are
// there.
func columns(header []string, m Mapping) (map[string]int, error) {
	if len(header) > 0 {
		header[0] = strings.TrimPrefix(header[0], "\ufeff") // a byte order mark from a spreadsheet
	}
	// A column named twice would leave which of the two a field reads to
	// the order of the columns; blank names (unnamed extra columns) are
	// left alone.
	first := map[string]int{}
	for i, h := range header {
		k := strings.ToLower(strings.TrimSpace(h))
		if k == "" {
			continue
		}
		if j, ok := first[k]; ok {
			return nil, fmt.Errorf("line 1: column %q is named twice (columns %d and %d)", strings.TrimSpace(h), j+1, i+1)
		}
		first[k] = i
	}
	col := map[string]int{}
	for _, f := range Fields {
		want := m[f]
		for i, h := range header {
			if strings.EqualFold(strings.TrimSpace(h), want) {
				col[f] = i
				break
			}
		}
	}
	missing := func(fs ...string) string {
		var out []string
		for _, f := range fs {
			out = append(out, fmt.Sprintf("%s (column %q)", f, m[f]))
		}
		return strings.Join(out, ", ")
	}
	_, hasEmail := col["email"]
	_, hasPartner := col["partner"]
	_, hasPerson := col["person"]
	_, hasExam := col["exam"]
	_, hasCourse := col["course"]
	_, hasDate := col["date"]
	_, hasType := col["type"]
	_, hasID := col["id"]
	switch {
	case !hasEmail && !(hasPartner && hasPerson):
		return nil, fmt.Errorf("line 1: no column says who: need %s, or %s", missing("email"), missing("partner", "person"))
	case !hasExam && !hasCourse && !(hasType && hasID):
		return nil, fmt.Errorf("line 1: no column says what: need %s or %s, or %s", missing("exam"), missing("course"), missing("type", "id"))
	case !hasDate:
		return nil, fmt.Errorf("line 1: no column for %s", missing("date"))
	case hasExam && hasCourse && col["exam"] == col["course"] && !hasType:
		return nil, fmt.Errorf("line 1: exam and course are both column %q: a %s tells them apart", header[col["exam"]], missing("type"))
	}
	return col, nil
}

// parseRow reads one row; msgs say everything that is wrong with it, so
// that one pass over an export finds every problem of every row. Only a
// row whose kind (exam or course) cannot be told is judged no further:
// what its cells must hold depends on it.
func parseRow(cell func(string) string, col map[string]int) (Row, []string) {
	var msgs []string
	bad := func(format string, args ...any) { msgs = append(msgs, fmt.Sprintf(format, args...)) }
	r := Row{Email: cell("email"), Partner: cell("partner"), Person: cell("person")}
	if r.Email == "" && (r.Partner == "" || r.Person == "") {
		bad("no e-mail, and no partner and person: who is it?")
	}
	exam, course := cell("exam"), cell("course")
	switch t := strings.ToLower(cell("type")); {
	case t == Exam || t == Course:
		r.Kind = t
	case t != "":
		bad("type %q: want exam or course", cell("type"))
	case exam != "" && course != "" && col["exam"] != col["course"]:
		bad("both an exam (%s) and a course (%s): one result a row", exam, course)
	case exam != "":
		r.Kind = Exam
	case course != "":
		r.Kind = Course
	default:
		bad("neither an exam nor a course")
	}
	if d, err := parseDate(cell("date")); err != nil {
		bad("%v", err)
	} else {
		r.Date = d
	}
	if r.Kind == "" {
		return r, msgs
	}
	if r.Kind == Exam {
		r.ID = exam
	} else {
		r.ID = course
	}
	if r.ID == "" && cell("type") != "" {
		r.ID = cell("id") // one id column, told apart by type
	}
	if r.ID == "" {
		bad("%s row without its %s id", map[string]string{Exam: "an exam", Course: "a course"}[r.Kind], r.Kind)
	}
	if r.Kind == Course {
		return r, msgs
	}
	if s := cell("score"); s == "" {
		bad("an exam row without a score")
	} else if n, err := parseScore(s); err != nil {
		bad("%v", err)
	} else {
		r.Score = n
	}
	if p := cell("proctoring"); p != "" {
		r.Proctoring = strings.NewReplacer(" ", "-", "_", "-").Replace(strings.ToLower(p))
		if !slices.Contains([]string{"self", "live", "in-person"}, r.Proctoring) {
			bad("proctoring %q: want self, live or in-person", p)
		}
	}
	return r, msgs
}

// parseDate reads YYYY-MM-DD, or the date part of an ISO date-time as
// written (2025-03-01T14:05:00Z is 2025-03-01).
func parseDate(s string) (date.Date, error) {
	if s == "" {
		return date.Date{}, errors.New("no date")
	}
	if len(s) > 10 && (s[10] == 'T' || s[10] == ' ') {
		s = s[:10]
	}
	d, err := date.Parse(s)
	var pe *date.ParseError
	if errors.As(err, &pe) {
		return d, fmt.Errorf("date %q: %s", s, pe.Reason) // "February has 28 days in 2025"
	}
	return d, err
}

// parseScore reads a whole percentage: "82", "82%" or "82.0"; "82.5" is an
// error rather than a rounding that could turn a fail into a pass.
func parseScore(s string) (int, error) {
	t := strings.TrimSpace(strings.TrimSuffix(s, "%"))
	if i := strings.IndexByte(t, '.'); i >= 0 && strings.Trim(t[i+1:], "0") == "" {
		t = t[:i]
	}
	n, err := strconv.Atoi(t)
	if err != nil || n < 0 || n > 100 {
		return 0, fmt.Errorf("score %q: want a whole percentage from 0 to 100", s)
	}
	return n, nil
}

func plural(n int, word string) string {
	if n == 1 {
		return word
	}
	return word + "s"
}

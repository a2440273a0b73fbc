package importcsv

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/accredit/accredit/cmd/internal/date"
	"github.com/accredit/accredit/cmd/internal/record"
)

// Fields are the things a row can say, in the order of the
// documentation: who, the person's name (for --create-people), what
// (a type and each kind's id column, or one id column), when, and the
// columns of each kind's other keys.
var Fields = fields()

func fields() []string {
	out := []string{"email", "partner", "person", "name", "type"}
	for _, k := range Kinds {
		out = append(out, k.Name)
	}
	out = append(out, "id", "date")
	for _, k := range Kinds {
		for _, c := range k.Cols {
			if !slices.Contains(out, c.Field) {
				out = append(out, c.Field)
			}
		}
	}
	return out
}

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

// Row is one result read from the CSV.
type Row struct {
	Line int // the CSV line the row starts on
	Kind *Kind
	// Who: an e-mail, or a partner and person id (or all three).
	Email, Partner, Person string
	Name                   string // the person's name, to create them (--create-people)
	ID                     string // the exam, course, assessment or evidence kind id
	Date                   date.Date
	Values                 []record.KV // the kind's other columns the row fills, in Cols order
}

// ColumnError is a header that lacks the columns for a field a row
// needs: it says what was found and which fields would do, so that the
// user can be told the --map that reads the file.
type ColumnError struct {
	Header []string   // the header row's names, trimmed
	Need   [][]string // fields, any one group of which would do
	Found  []string   // the fields whose columns are there
	Msg    string
}

func (e *ColumnError) Error() string { return "line 1: " + e.Msg }

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
		row, msgs := parseRow(cell)
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
	has := func(fs ...string) bool {
		for _, f := range fs {
			if _, ok := col[f]; !ok {
				return false
			}
		}
		return true
	}
	missing := func(need [][]string, format string) error {
		var alts []string
		for _, fs := range need {
			var out []string
			for _, f := range fs {
				out = append(out, fmt.Sprintf("%s (column %q)", f, m[f]))
			}
			alts = append(alts, strings.Join(out, " and "))
		}
		if n := len(alts); n > 1 {
			alts = []string{strings.Join(alts[:n-1], ", ") + ", or " + alts[n-1]}
		}
		trimmed := make([]string, len(header))
		for i, h := range header {
			trimmed[i] = strings.TrimSpace(h)
		}
		var found []string
		for _, f := range Fields {
			if has(f) {
				found = append(found, f)
			}
		}
		return &ColumnError{Header: trimmed, Need: need, Found: found, Msg: fmt.Sprintf(format, alts[0])}
	}
	what := [][]string{}
	anyKind := false
	for _, k := range Kinds {
		what = append(what, []string{k.Name})
		anyKind = anyKind || has(k.Name)
	}
	what = append(what, []string{"type", "id"})
	switch {
	case !has("email") && !has("partner", "person"):
		return nil, missing([][]string{{"email"}, {"partner", "person"}}, "no column says who: need %s")
	case !anyKind && !has("type", "id"):
		return nil, missing(what, "no column says what: need %s")
	case !has("date"):
		return nil, missing([][]string{{"date"}}, "no column for %s")
	}
	// Kind columns may share one column (exam=Item,course=Item) only
	// when a type column tells the kinds apart.
	if !has("type") {
		for i, a := range Kinds {
			for _, b := range Kinds[i+1:] {
				if has(a.Name, b.Name) && col[a.Name] == col[b.Name] {
					return nil, fmt.Errorf("line 1: %s and %s are both column %q: a type (column %q) tells them apart", a.Name, b.Name, header[col[a.Name]], m["type"])
				}
			}
		}
	}
	return col, nil
}

// parseRow reads one row; msgs say everything that is wrong with it, so
// that one pass over an export finds every problem of every row. Only a
// row whose kind cannot be told is judged no further: what its cells
// must hold depends on it.
func parseRow(cell func(string) string) (Row, []string) {
	var msgs []string
	bad := func(format string, args ...any) { msgs = append(msgs, fmt.Sprintf(format, args...)) }
	r := Row{Email: cell("email"), Partner: cell("partner"), Person: cell("person"), Name: cell("name")}
	if r.Email == "" && (r.Partner == "" || r.Person == "") {
		bad("no e-mail, and no partner and person: who is it?")
	}
	if t := cell("type"); t != "" {
		if r.Kind = kindNamed(t); r.Kind == nil {
			bad("type %q: want %s", t, kindNames())
		}
	} else {
		// No type: the row is of the kind whose id cell is filled (a
		// column shared by kinds needs a type: see columns).
		var filled []string
		for _, k := range Kinds {
			if id := cell(k.Name); id != "" {
				filled = append(filled, fmt.Sprintf("%s (%s)", k.A, id))
				if r.Kind == nil {
					r.Kind = k
				}
			}
		}
		switch {
		case len(filled) > 1:
			bad("both %s: one result a row", joinList(filled, "and"))
			r.Kind = nil
		case r.Kind == nil && len(filled) == 0:
			var as []string
			for _, k := range Kinds {
				as = append(as, k.A)
			}
			bad("neither %s", strings.Replace(orList(as), " or ", " nor ", 1))
		}
	}
	if d, err := parseDate(cell("date")); err != nil {
		bad("%v", err)
	} else {
		r.Date = d
	}
	if r.Kind == nil {
		return r, msgs
	}
	k := r.Kind
	r.ID = cell(k.Name)
	if r.ID == "" && cell("type") != "" {
		r.ID = cell("id") // one id column, told apart by type
	}
	if r.ID == "" {
		bad("%s row without its %s id", k.A, k.Name)
	}
	for _, c := range k.Cols {
		s := cell(c.Field)
		if s == "" {
			if c.Required {
				bad("%s row without %s", k.A, wordFor(c.Field))
			}
			continue
		}
		if v, err := c.Parse(s); err != nil {
			bad("%v", err)
		} else {
			r.Values = append(r.Values, record.KV{Key: c.Key, Value: v})
		}
	}
	return r, msgs
}

// wordFor names a missing cell in a message: "a score", "passed".
func wordFor(field string) string {
	switch field {
	case "score":
		return "a score"
	case "passed":
		return "a passed (yes or no)"
	}
	return field
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

func plural(n int, word string) string {
	if n == 1 {
		return word
	}
	return word + "s"
}

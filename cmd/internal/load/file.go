package load

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"sync"

	"github.com/BurntSushi/toml"

	"github.com/accredit/accredit/cmd/internal/date"
	"github.com/accredit/accredit/cmd/internal/diag"
	"github.com/accredit/accredit/cmd/internal/program"
	"github.com/accredit/accredit/cmd/internal/tomlpos"
	"github.com/accredit/accredit/cmd/internal/tomlrec"
)

// file decodes and validates one file.
type file struct {
	rel string
	src *program.Source
	out []diag.Diagnostic // the file's own diagnostics, cached with it

	byStripped map[string][]int // index entries not yet matched, by path without indices
}

func (f *file) add(file string, line, col int, rule, format string, args ...any) {
	f.out = append(f.out, diag.Diagnostic{File: file, Line: line, Col: col, Severity: diag.Error, Rule: rule, Msg: fmt.Sprintf(format, args...)})
}

// errAt reports a diagnostic at a key or table path of the file.
func (f *file) errAt(path, rule, format string, args ...any) {
	p := f.src.At(path)
	f.add(f.rel, p.Line, p.Col, rule, format, args...)
}

// at returns the position of a path, for a record's Pos.
func (f *file) at(path string) program.Pos { return f.src.At(path) }

var typeErr = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^toml: (?:line (\d+) )?(?:\(last key "([^"]*)"\): )?(.*)$`)
})
var typeWords = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`TOML value has type (\S+); destination has type (.+)$`)
})

// decodeTOML decodes data (which starts at file line offset+1) into v,
// reports syntax errors, type errors and unknown keys, and indexes the
// positions. It reports false when v could not be decoded.
//
// Most record files are written in the part of TOML that package tomlrec
// decodes in a tenth of the time; it declines the rest (and every file
// with an error), which BurntSushi/toml then decodes and reports on, as
// it would have anyway.
func (f *file) decodeTOML(data []byte, offset int, v any) bool {
	text := string(data)
	if idx, err := tomlrec.Decode(text, v); err == nil {
		f.src = program.NewSource(f.rel, offset, idx, nil)
		return true
	}
	if line, col, ok := prescan(data); !ok {
		f.src = program.NewSource(f.rel, offset, &tomlpos.Index{}, nil)
		f.add(f.rel, line+offset, col, "syntax", "tables, arrays and inline tables nested deeper than %d levels: accredit does not read this file", maxNesting)
		return false
	}
	f.src = program.NewSource(f.rel, offset, tomlpos.Scan(data), nil)
	md, err := toml.Decode(text, v)
	if err != nil {
		var pe toml.ParseError
		if errors.As(err, &pe) {
			msg := pe.Message
			if pe.Message == "" {
				msg = pe.Error()
			}
			f.add(f.rel, pe.Position.Line+offset, max(pe.Position.Col, 1), "syntax", "%s", msg)
			return false
		}
		m := typeErr().FindStringSubmatch(err.Error())
		line, key, msg := 1, "", err.Error()
		if m != nil {
			if n, err := strconv.Atoi(m[1]); err == nil {
				line = n
			}
			key, msg = m[2], m[3]
		}
		if w := typeWords().FindStringSubmatch(msg); w != nil {
			msg = fmt.Sprintf("must be %s, not %s", article(w[2]), article(w[1]))
		}
		col := 1
		if key != "" {
			msg = fmt.Sprintf("%q %s", lastKey(key), msg)
			// The decoder names the line; the scanner gives the column.
			for _, e := range f.src.Index().Entries {
				if e.Pos.Line == line && tomlpos.StripIndices(e.Path) == key {
					col = e.Pos.Col
					break
				}
			}
		}
		f.add(f.rel, line+offset, col, "invalid-value", "%s", msg)
		return false
	}
	ok := f.spelling(md, v)
	f.unknownKeys(md.Undecoded(), v)
	return ok
}

// typeNames turns the decoder's Go type names into TOML words.
var typeNames = map[string]string{
	"string": "a string", "int64": "an integer", "integer": "an integer",
	"float64": "a number", "float": "a number", "bool": "a boolean", "boolean": "a boolean",
	"time.Time": "a date or time", "[]any": "an array", "slice": "an array",
	"map[string]any": "a table", "map": "a table", "[]map[string]any": "an array of tables",
}

func article(t string) string {
	if s, ok := typeNames[t]; ok {
		return s
	}
	return t
}

func lastKey(k string) string {
	if i := strings.LastIndexByte(k, '.'); i >= 0 {
		return k[i+1:]
	}
	return k
}

// unknownKeys reports each key the decoder did not use, at its own line.
// Keys below an unknown table are covered by the table's report. Each
// key is matched to the next entry of its path, in one pass over the
// index: twenty thousand unknown keys once took half a minute.
//
// v is what the file decodes into: the keys of the table around an
// unknown key are the candidates for its "did you mean".
func (f *file) unknownKeys(keys []toml.Key, v any) {
	if len(keys) == 0 {
		return
	}
	unknown := make(map[string]bool, len(keys))
	for _, k := range keys {
		unknown[k.String()] = true
	}
	for _, k := range keys {
		e, found := f.nextEntry(k.String())
		if len(k) > 1 && unknown[k[:len(k)-1].String()] {
			continue
		}
		pos := f.src.At("")
		if found {
			pos = f.src.At(e.Path)
		}
		where := ""
		if len(k) > 1 {
			where = " in " + tablePath(k[:len(k)-1])
		}
		f.add(f.rel, pos.Line, pos.Col, "unknown-key", "unknown key %q%s%s", k[len(k)-1], where, diag.DidYouMean(k[len(k)-1], keysAt(v, k[:len(k)-1])))
	}
}

func tablePath(k toml.Key) string { return "[" + strings.Join(k, ".") + "]" }

// require reports each key of keys missing from the table at path ("" for
// the top level), at the table's header.
func (f *file) require(path string, keys ...string) {
	for _, k := range keys {
		if !f.src.Has(join(path, k)) {
			if path == "" {
				f.errAt(path, "missing-field", "missing required key %q", k)
			} else {
				f.errAt(path, "missing-field", "%s is missing required key %q", header(path), k)
			}
		}
	}
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// header names a table path the way it is written: certifications[2] ->
// [[certifications]], contact -> [contact].
func header(path string) string {
	p := tomlpos.StripIndices(path)
	if strings.HasSuffix(path, "]") {
		return "[[" + p + "]]"
	}
	return "[" + p + "]"
}

func at(path string, i int) string { return path + "[" + strconv.Itoa(i) + "]" }

// Value checks: each reports invalid-value (invalid-id for ids) at the key
// when the key is written and its value is wrong.

func (f *file) slug(path, v string) {
	if f.src.Has(path) && !IsSlug(v) {
		f.errAt(path, "invalid-id", "%q is not a valid id: use lower-case letters, digits and single hyphens (at most 64 characters)", v)
	}
}

func (f *file) nonEmpty(path, v string) {
	if f.src.Has(path) && strings.TrimSpace(v) == "" {
		f.errAt(path, "invalid-value", "%q must not be empty", lastKey(path))
	}
}

func (f *file) nonEmptyList(path string, vs []string) {
	for _, v := range vs {
		if strings.TrimSpace(v) == "" {
			f.errAt(path, "invalid-value", "%q must not hold empty strings", lastKey(path))
			return
		}
	}
}

func (f *file) email(path, v string) {
	if f.src.Has(path) && !IsEmail(v) {
		f.errAt(path, "invalid-value", "%q is not an e-mail address", v)
	}
}

func (f *file) url(path, v string) {
	if f.src.Has(path) && !IsURL(v) {
		f.errAt(path, "invalid-value", "%q is not an absolute http or https URL", v)
	}
}

func (f *file) country(path, v string) {
	if f.src.Has(path) && !IsCountry(v) {
		f.errAt(path, "invalid-value", "%q is not an ISO 3166-1 alpha-2 country code (e.g. DE, US, JP)", v)
	}
}

// intRange reports a written integer outside lo..hi and clamps it into
// the range, so that later arithmetic (bank_factor x questions, days
// added to dates) never overflows on a value already reported.
func (f *file) intRange(path string, v *int, lo, hi int) {
	if f.src.Has(path) && (*v < lo || *v > hi) {
		f.errAt(path, "invalid-value", "%q must be between %d and %d, not %d", lastKey(path), lo, hi, *v)
		*v = min(max(*v, lo), hi)
	}
}

// Upper bounds of integers, documented in content/docs/format.md: far
// above any real program, far below any overflow.
const (
	maxDays       = 36500 // 100 years: every count of days
	maxMonths     = 1200  // validity_months
	maxBankFactor = 100
	maxQuestions  = 10000
	maxMinutes    = 10080 // a week
	maxAttempts   = 1000
	maxItems      = 1000 // evidence items asked for
	maxPeople     = 1000000
)

// Dates must fall in this range: a record before 1970 predates any
// certification program, and one after 8999 leaves room for every
// validity and grace period to be added without leaving four-digit
// years (an issue date in 9999 once expired in year "0000").
var (
	minDate = date.New(1970, 1, 1)
	maxDate = date.New(8999, 12, 31)
)

func (f *file) date(path string, d date.Date) {
	switch {
	case d.Invalid():
		f.errAt(path, "invalid-value", "%q must be a date written YYYY-MM-DD (a TOML local date, without quotes)", lastKey(path))
	case d.Valid() && (d.Before(minDate) || d.After(maxDate)):
		f.errAt(path, "invalid-value", "%q must be a date from %s to %s, not %s", lastKey(path), minDate, maxDate, d)
	case d.IsZero() && f.src.Has(path): // 1969-12-31 is the zero Date
		f.errAt(path, "invalid-value", "%q must be a date from %s to %s", lastKey(path), minDate, maxDate)
	}
}

func (f *file) oneOf(path, v string, allowed []string) {
	if !f.src.Has(path) {
		return
	}
	for _, a := range allowed {
		if v == a {
			return
		}
	}
	f.errAt(path, "invalid-value", "%q is not one of %s", v, strings.Join(allowed, ", "))
}

// idMatches reports an id key that differs from the file's id.
func (f *file) idMatches(v, id string) {
	if f.src.Has("id") && v != id {
		f.errAt("id", "invalid-id", "id %q does not match the file name %q", v, id)
	}
}

// fileID reports a file or folder name that is not a valid id.
func (f *file) fileID(id, what string) {
	if !IsSlug(id) {
		f.add(f.rel, 1, 1, "invalid-id", "%s name %q is not a valid id: use lower-case letters, digits and single hyphens (at most 64 characters)", what, id)
	}
}

package tomlrec_test

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/BurntSushi/toml"

	"github.com/accredit/accredit/cmd/internal/date"
	"github.com/accredit/accredit/cmd/internal/program"
	"github.com/accredit/accredit/cmd/internal/tomlpos"
	"github.com/accredit/accredit/cmd/internal/tomlrec"
)

// Mixed has one field of each shape the decoder knows, and some it does
// not, to hold both to BurntSushi/toml's.
type Mixed struct {
	Name    string         `toml:"name"`
	Count   int            `toml:"count"`
	Big     int64          `toml:"big"`
	On      bool           `toml:"on"`
	Day     date.Date      `toml:"day"`
	Tags    []string       `toml:"tags"`
	Untag   string         // its key is "Untag"
	Status  Status         `toml:"status"` // named: declines
	Ratio   float64        `toml:"ratio"`  // declines
	Scores  map[string]int `toml:"scores"`
	Contact Contact        `toml:"contact"`
	Owner   *Contact       `toml:"owner"`
	Places  []Place        `toml:"places"`
	Items   []*Item        `toml:"items"`
	Skip    string         `toml:"-"`
	Embedded
}

type Status string

type Contact struct {
	Email string `toml:"email"`
	Phone string `toml:"phone"`
}

type Place struct {
	City string `toml:"city"`
}

type Item struct {
	ID    string    `toml:"id"`
	Date  date.Date `toml:"date"`
	Score int       `toml:"score"`
	Waive []string  `toml:"waive"`
	Pos   int       `toml:"-"`
}

type Embedded struct {
	Extra string `toml:"extra"`
}

// targets are the types the differential tests decode into.
var targets = []func() any{
	func() any { return &Mixed{} },
	func() any { return &program.Person{} },
	func() any { return &program.Partner{} },
	func() any { return &program.Program{} },
}

// same decodes doc with both decoders into a fresh value of each target
// and fails unless whatever Decode accepts, BurntSushi/toml decodes to
// a deeply equal value, every key used and spelled as its tag; and
// unless a declined decode leaves the value as it was.
func same(t testing.TB, doc string) (accepted int) {
	t.Helper()
	for _, mk := range targets {
		fast, slow := mk(), mk()
		idx, err := tomlrec.Decode(doc, fast)
		if err != nil {
			if _, ok := err.(*tomlrec.Declined); !ok {
				t.Fatalf("Decode returned %T, not *Declined", err)
			}
			if !reflect.DeepEqual(fast, mk()) {
				t.Fatalf("declined (%v) but changed %T:\n%s", err, fast, doc)
			}
			continue
		}
		accepted++
		md, err := toml.Decode(doc, slow)
		if err != nil {
			t.Fatalf("fast decode of %T accepted what BurntSushi refuses (%v):\n%s", fast, err, doc)
		}
		if u := md.Undecoded(); len(u) > 0 {
			t.Fatalf("fast decode of %T accepted undecoded keys %v:\n%s", fast, u, doc)
		}
		for _, k := range md.Keys() {
			if !spelled(reflect.TypeOf(fast).Elem(), k) {
				t.Fatalf("fast decode of %T accepted key %q not spelled as its tag:\n%s", fast, k, doc)
			}
		}
		if !reflect.DeepEqual(fast, slow) {
			t.Fatalf("%T decoded differently:\nfast %+v\nslow %+v\n%s", fast, fast, slow, doc)
		}
		if want := tomlpos.Scan([]byte(doc)).Entries; !reflect.DeepEqual(idx.Entries, want) {
			t.Fatalf("%T indexed differently:\nfast %+v\nscan %+v\n%s", fast, idx.Entries, want, doc)
		}
	}
	return accepted
}

// spelled reports whether every part of key k is a tag (or an untagged
// field's name) of the struct it reaches, exactly.
func spelled(t reflect.Type, k toml.Key) bool {
	for _, part := range k {
		for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice {
			t = t.Elem()
		}
		if t.Kind() != reflect.Struct {
			return true // below a map or a leaf
		}
		ft, ok := fieldType(t, part)
		if !ok {
			return false
		}
		t = ft
	}
	return true
}

func fieldType(t reflect.Type, name string) (reflect.Type, bool) {
	for i := range t.NumField() {
		sf := t.Field(i)
		tag, _, _ := strings.Cut(sf.Tag.Get("toml"), ",")
		if sf.Anonymous && tag == "" && sf.Type.Kind() == reflect.Struct {
			if ft, ok := fieldType(sf.Type, name); ok {
				return ft, true
			}
			continue
		}
		if tag == "" {
			tag = sf.Name
		}
		if tag == name && tag != "-" {
			return sf.Type, true
		}
	}
	return nil, false
}

func TestDecodeCases(t *testing.T) {
	for _, tc := range []struct {
		name   string
		doc    string
		accept bool // by Mixed
	}{
		{"empty", "", true},
		{"scalars", "name = \"Ana\"\ncount = 97\nbig = -5\non = true\nday = 2026-08-13\n", true},
		{"literal and tab", "name = 'C:\\dir'\nUntag = \"a\tb\"\n", true},
		{"comments and blanks", "# top\n\n  name = \"x\" # trailing\n\t\ncount = +0 # zero\n", true},
		{"crlf", "name = \"x\"\r\ncount = 1\r\n", true},
		{"no final newline", "name = \"x\"", true},
		{"strings", "tags = [ \"a\",\n  'b', # c\n  \"\",\n]\n", true},
		{"empty array", "tags = []\n", true},
		{"tables", "name = \"n\"\n[contact]\nemail = \"e\"\n[owner]\nphone = \"p\"\n[[places]]\ncity = \"c\"\n[[items]]\nid = \"i\"\n[[places]]\n[[items]]\nscore = 3\nwaive = [\"x\"]\n", true},
		{"embedded", "extra = \"e\"\n", true},
		{"header spaces", "[ contact ]\n[[ items ]]\n", true},
		{"escape", "name = \"a\\\"b\"\n", false},
		{"multi-line", "name = \"\"\"a\"\"\"\n", false},
		{"float", "ratio = 1.5\n", false},
		{"float in int", "count = 1.5\n", false},
		{"exponent", "count = 1e3\n", false},
		{"hex", "count = 0x1f\n", false},
		{"underscore", "count = 1_000\n", false},
		{"leading zero", "count = 007\n", false},
		{"huge", "count = 9999999999999999999\n", false},
		{"date-time", "day = 2026-08-13T10:00:00\n", false},
		{"date space time", "day = 2026-08-13 10:00:00\n", false},
		{"date spaces comment", "day = 2026-08-13 # 10:00\n", true},
		{"bad day", "day = 2026-02-30\n", false},
		{"leap day", "day = 2024-02-29\n", true},
		{"quoted date", "day = \"2026-08-13\"\n", false},
		{"named", "status = \"live\"\n", false},
		{"map", "scores = { a = 1, b-c = -2 }\n", true},
		{"empty map", "scores = {}\n", true},
		{"map trailing comma", "scores = { a = 1, }\n", false},
		{"map over lines", "scores = { a = 1,\n b = 2 }\n", false},
		{"map duplicate", "scores = { a = 1, a = 2 }\n", false},
		{"map float", "scores = { a = 1.5 }\n", false},
		{"unknown", "nmae = \"x\"\n", false},
		{"case", "Name = \"x\"\n", false},
		{"quoted key", "\"name\" = \"x\"\n", false},
		{"dotted", "contact.email = \"x\"\n", false},
		{"duplicate", "name = \"a\"\nname = \"b\"\n", false},
		{"table twice", "[contact]\n[contact]\n", false},
		{"table as array", "[[contact]]\n", false},
		{"array as table", "[items]\n", false},
		{"subtable", "[[items]]\n[items.x]\n", false},
		{"inline tables", "items = [{ id = \"x\" }]\n", false},
		{"skip", "Skip = \"x\"\n", false},
		{"two values", "name = \"a\" \"b\"\n", false},
		{"mixed array", "tags = [\"a\", 1]\n", false},
		{"unterminated", "name = \"a\n", false},
		{"lone cr", "name = \"a\"\rcount = 1\n", false},
		{"nul", "name = \"a\x00\"\n", false},
		{"bad utf8", "name = \"\xff\"\n", false},
		{"bom", "\ufeffname = \"a\"\n", false},
		{"no value", "name =\n", false},
		{"no equals", "name \"a\"\n", false},
		{"bool case", "on = True\n", false},
		{"int as string", "count = \"9\"\n", false},
		{"date in int", "count = 2026-01-01\n", false},
		{"key after table", "[contact]\nname = \"x\"\n", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := tomlrec.Decode(tc.doc, &Mixed{})
			if (err == nil) != tc.accept {
				t.Errorf("Decode: %v, want accepted %v", err, tc.accept)
			}
			same(t, tc.doc)
		})
	}
}

// TestDeclineRestores: a decline after fields were set leaves a value as
// it was before, defaults included.
func TestDeclineRestores(t *testing.T) {
	v := &Mixed{Name: "default", Tags: make([]string, 1, 8), Items: []*Item{{ID: "kept"}}}
	want := *v
	wantItems := v.Items
	_, err := tomlrec.Decode("name = \"x\"\ntags = [\"a\"]\n[[items]]\nid = \"y\"\n[[items]]\nratio = 1.5\n", v)
	if err == nil {
		t.Fatal("accepted an unknown key in [[items]]")
	}
	if !reflect.DeepEqual(*v, want) || len(v.Items) != 1 || v.Items[0] != wantItems[0] || v.Items[0].ID != "kept" {
		t.Errorf("after a decline: %+v, want %+v", *v, want)
	}
}

func TestNotAStruct(t *testing.T) {
	var s string
	for _, v := range []any{nil, s, &s, (*Mixed)(nil)} {
		if _, err := tomlrec.Decode("", v); err == nil {
			t.Errorf("Decode(%T) accepted", v)
		}
	}
}

// TestExampleProgram decodes every record file of the example program:
// all of them are in the subset, and each comes out as BurntSushi's.
func TestExampleProgram(t *testing.T) {
	root := filepath.Join("..", "..", "..", "partners")
	people, _ := filepath.Glob(filepath.Join(root, "*", "people", "*.toml"))
	if len(people) < 20 {
		t.Fatalf("found %d people files under %s", len(people), root)
	}
	for _, p := range people {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := tomlrec.Decode(string(b), &program.Person{}); err != nil {
			t.Errorf("%s: %v", p, err)
		}
		same(t, string(b))
	}
}

// TestGenerated holds the decoder to BurntSushi/toml on documents made
// of valid and invalid lines alike; most are accepted by one target.
func TestGenerated(t *testing.T) {
	n := 3000
	if testing.Short() {
		n = 300
	}
	r := rand.New(rand.NewPCG(1, 2))
	accepted, declined := 0, 0
	for range n {
		doc := generate(r)
		if same(t, doc) > 0 {
			accepted++
		} else {
			declined++
		}
	}
	// The generator must reach both sides, or the test proves little.
	t.Logf("accepted %d, declined %d", accepted, declined)
	if accepted < n/5 || declined < n/5 {
		t.Errorf("accepted %d, declined %d of %d documents", accepted, declined, n)
	}
}

func FuzzDecodeIsBurntSushi(f *testing.F) {
	r := rand.New(rand.NewPCG(3, 4))
	for range 50 {
		f.Add(generate(r))
	}
	people, _ := filepath.Glob(filepath.Join("..", "..", "..", "partners", "*", "people", "*.toml"))
	for _, p := range people[:min(len(people), 10)] {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(string(b))
		}
	}
	f.Fuzz(func(t *testing.T, doc string) {
		same(t, doc)
	})
}

// generate writes a document of lines a record file might hold, or
// nearly: most are valid for Person or Mixed, some are not.
func generate(r *rand.Rand) string {
	pick := func(s ...string) string { return s[r.IntN(len(s))] }
	// Documents are clean, nearly clean or rough: a clean one only
	// reaches the decoder's accepting paths, a rough one mostly the
	// others.
	rough := []int{0, 0, 40, 6}[r.IntN(4)]
	bad := func() bool { return rough > 0 && r.IntN(rough) == 0 }
	either := func(good, wrong []string) string {
		if bad() {
			return wrong[r.IntN(len(wrong))]
		}
		return good[r.IntN(len(good))]
	}
	str := func() string {
		return either([]string{`"Ana Lima"`, `'lit'`, `""`, `''`, `"Zoë"`, "\"a\tb\"", `"a # b"`, `"technical"`, `"WJV0-GVSR-KTKF"`},
			[]string{`"a\"b"`, `"""m"""`, `'''m'''`, `"un`, `42`, `true`, `'it''s'`, `"a` + "\x01" + `"`})
	}
	value := func(key string) string {
		switch key {
		case "count", "big", "score":
			return either([]string{"0", "97", "-5", "+3", "-0", "100"}, []string{"007", "1_000", "1.5", "1e3", "0x1f", "99999999999999999999", `"9"`, "2026-01-01"})
		case "on", "public", "listed", "passed":
			return either([]string{"true", "false"}, []string{"True", "1", "truex"})
		case "day", "date", "completed", "issued", "revoked", "joined", "approved":
			return either([]string{"2026-08-13", "2024-02-29", "1969-12-31", "0001-01-01"}, []string{"2023-02-29", "2026-13-01", "2026-08-13T10:00:00", "2026-08-13 10:00:00", `"2026-08-13"`, "2026-8-13", "2026-08-13Z"})
		case "tags", "waive", "specialties", "industries":
			return either([]string{`["a", "b"]`, `[]`, `[ "a", ]`, "[\n  \"a\", # c\n  'b'\n]"}, []string{`["a", 1]`, `["a" "b"]`, `[`, `[[]]`})
		case "ratio":
			return pick("1.5", "2", "inf")
		case "scores":
			return either([]string{"{ a = 1 }", "{}", "{a=1,b=2}"}, []string{"{ a = 1, }", "{ a = 1, a = 2 }", "{ a = \"x\" }", "{ \"a\" = 1 }", "{ a.b = 1 }", "{ a = 1\n}"})
		}
		return str()
	}
	// Each document is written for one of the targets, with keys and
	// tables of the others among its rough lines only.
	var keys, tables []string
	switch r.IntN(3) {
	case 0:
		keys = []string{"name", "count", "big", "on", "day", "tags", "Untag", "extra", "scores"}
		tables = []string{"contact", "owner", "places", "items"}
	case 1:
		keys = []string{"id", "name", "email", "public"}
		tables = []string{"training", "exams", "assessments", "evidence", "certifications"}
	case 2:
		keys = []string{"id", "name", "website", "joined", "listed", "specialties", "industries"}
		tables = []string{"contact", "locations"}
	}
	if bad() {
		keys = append(keys, "status", "ratio", "public", "day")
		tables = append(tables, "items", "exams")
	}
	sub := map[string][]string{
		"contact":        {"email", "phone"},
		"owner":          {"email", "phone"},
		"places":         {"city"},
		"items":          {"id", "date", "score", "waive"},
		"assessments":    {"assessment", "date", "passed", "scores"},
		"training":       {"course", "completed"},
		"exams":          {"exam", "date", "score", "proctoring", "venue"},
		"certifications": {"id", "track", "level", "issued", "waive", "waiver_reason", "revoked", "revoked_reason", "renews"},
		"locations":      {"city", "country", "region"},
		"evidence":       {"kind", "date", "title", "approved"},
	}
	var b strings.Builder
	nl := "\n"
	if r.IntN(10) == 0 {
		nl = "\r\n"
	}
	line := func(s string) {
		if r.IntN(6) == 0 {
			s = pick("  ", "\t") + s
		}
		if r.IntN(6) == 0 {
			s += pick(" # note", "  ", "\t#")
		}
		b.WriteString(s + nl)
		if r.IntN(8) == 0 {
			b.WriteString(pick("", "# comment", "   ") + nl)
		}
	}
	kv := func(keys []string) {
		used := map[string]bool{}
		for range r.IntN(len(keys) + 1) {
			k := keys[r.IntN(len(keys))]
			if used[k] && !bad() {
				continue
			}
			used[k] = true
			sep := pick(" = ", "=", " =\t", " = ")
			switch n := r.IntN(40); {
			case !bad():
			case n == 0:
				k = strings.ToUpper(k[:1]) + k[1:]
			case n == 1:
				k = `"` + k + `"`
			case n == 2:
				k = "x." + k
			case n == 3:
				k = k + "x"
			}
			line(k + sep + value(strings.Trim(k, `"`)))
		}
	}
	kv(keys)
	used := map[string]bool{}
	for range r.IntN(6) {
		t := tables[r.IntN(len(tables))]
		h := "[[" + t + "]]"
		if t == "contact" || t == "owner" {
			if used[t] && !bad() {
				continue
			}
			used[t] = true
			h = "[" + t + "]"
		}
		switch n := r.IntN(4); {
		case !bad():
		case n == 0:
			h = "[" + h + "]"
		case n == 1:
			h = strings.Trim(h, "[]")
		case n == 2:
			h = "[[" + t + ".x]]"
		case n == 3:
			h = "[ " + strings.Trim(h, "[]") + " ]"
		}
		line(h)
		kv(sub[t])
	}
	s := b.String()
	if r.IntN(10) == 0 {
		s = strings.TrimSuffix(s, nl)
	}
	return s
}

func ExampleDecode() {
	var p program.Person
	_, err := tomlrec.Decode("name = \"Ana Lima\"\n\n[[certifications]]\nid = \"WJV0-GVSR-KTKF\"\nissued = 2026-08-13\n", &p)
	fmt.Println(err, p.Name, p.Certifications[0].ID, p.Certifications[0].Issued)
	_, err = tomlrec.Decode("name = \"\"\"Ana\"\"\"\n", &p)
	fmt.Println(err)
	// Output:
	// <nil> Ana Lima WJV0-GVSR-KTKF 2026-08-13
	// line 1: a multi-line string: outside the fast subset of TOML
}

// BenchmarkDecode compares the two decoders on the example program's
// people files, positions included (tomlpos.Scan for BurntSushi/toml).
func BenchmarkDecode(b *testing.B) {
	people, _ := filepath.Glob(filepath.Join("..", "..", "..", "partners", "*", "people", "*.toml"))
	var docs []string
	for _, p := range people {
		if data, err := os.ReadFile(p); err == nil {
			docs = append(docs, string(data))
		}
	}
	b.Run("tomlrec", func(b *testing.B) {
		for i := 0; b.Loop(); i++ {
			if _, err := tomlrec.Decode(docs[i%len(docs)], &program.Person{}); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("BurntSushi", func(b *testing.B) {
		for i := 0; b.Loop(); i++ {
			doc := docs[i%len(docs)]
			if _, err := toml.Decode(doc, &program.Person{}); err != nil {
				b.Fatal(err)
			}
			tomlpos.Scan([]byte(doc))
		}
	})
}

package obschema

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// reference is the library this package stands in for, compiled as the
// verifier compiled it before: both schemas, formats asserted.
func reference(t testing.TB) *jsonschema.Schema {
	t.Helper()
	c := jsonschema.NewCompiler()
	for _, f := range []string{"achievementcredential.schema.json", "profile.schema.json"} {
		b, err := files.ReadFile("schema/" + f)
		if err != nil {
			t.Fatal(err)
		}
		doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		if err := c.AddResource("file:///"+f, doc); err != nil {
			t.Fatal(err)
		}
	}
	c.AssertFormat()
	sch, err := c.Compile("file:///achievementcredential.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	return sch
}

// agree fails unless both validators give doc the same verdict. It
// returns the verdict, or false when doc is not JSON.
func agree(t *testing.T, ref *jsonschema.Schema, ours *Schema, name string, doc []byte) bool {
	t.Helper()
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(doc))
	if err != nil {
		return false
	}
	refErr := ref.Validate(v)
	ps, err := ours.ValidateJSON(doc)
	if err != nil {
		t.Fatalf("%s: the library decoded it, we did not: %v", name, err)
	}
	if (refErr == nil) != (len(ps) == 0) {
		t.Errorf("%s: jsonschema says %v; obschema says %v\n%s", name, refErr, ps, doc)
	}
	return refErr == nil
}

func credentials(t *testing.T) map[string][]byte {
	t.Helper()
	paths, err := filepath.Glob("testdata/*.ob3.json")
	if err != nil || len(paths) == 0 {
		t.Fatalf("no credentials in testdata: %v", err)
	}
	docs := map[string][]byte{}
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		docs[filepath.Base(p)] = b
	}
	return docs
}

// replacements are what a mutation puts in place of a value: each JSON
// type, and strings that test the formats and patterns.
var replacements = []any{
	nil, true, json.Number("0"), json.Number("1.5"), json.Number("2.0"), "", "x",
	[]any{}, []any{"x"}, map[string]any{}, map[string]any{"id": "urn:x"},
	"2026-02-30", "2026-02-28", "2026-02-28T23:59:60Z", "2026-02-28T23:59:60+01:00",
	"2026-02-28t12:00:00z", "2026-02-28T12:00:00.Z", "2026-02-28T12:00:00+1:000",
	"2026-02-28T24:00:00Z", "2026-02-28T12:00:00-05:00", "2026-02-28T12:00:00.123+00:00",
	"VerifiableCredential", "OpenBadgeCredential", "AchievementSubject", "Achievement",
	"Profile", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
	"https://www.w3.org/ns/credentials/v2", "en", "en-Latn-GB", "EN",
	"ext:Custom", "a.b.c", "Certification", "Badge", "BitstringStatusListEntry",
	[]any{"VerifiableCredential"}, []any{"Achievement"}, []any{"AchievementSubject"},
	[]any{"VerifiableCredential", "OpenBadgeCredential"},
}

// TestDifferential mutates every value of every test credential (delete
// it, or replace it by each of replacements, or add an unknown member to
// each object) and requires the same verdict from both validators.
func TestDifferential(t *testing.T) {
	ref := reference(t)
	ours, err := AchievementCredential()
	if err != nil {
		t.Fatal(err)
	}
	var valid, invalid int
	for name, doc := range credentials(t) {
		if !agree(t, ref, ours, name, doc) {
			t.Fatalf("%s: the unmutated credential does not validate", name)
		}
		root, err := decode(doc)
		if err != nil {
			t.Fatal(err)
		}
		for _, path := range paths(root, nil) {
			var muts []any
			muts = append(muts, deleted{})
			muts = append(muts, replacements...)
			for i, r := range muts {
				m := mutate(root, path, r)
				if m == nil {
					continue
				}
				b, err := json.Marshal(m)
				if err != nil {
					t.Fatal(err)
				}
				if agree(t, ref, ours, fmt.Sprintf("%s %v #%d", name, path, i), b) {
					valid++
				} else {
					invalid++
				}
			}
		}
	}
	// A differential test that only ever sees one verdict tests little.
	if valid < 100 || invalid < 100 {
		t.Errorf("%d valid and %d invalid mutations; want both ≥ 100", valid, invalid)
	}
	t.Logf("%d valid and %d invalid mutations agree", valid, invalid)
}

type deleted struct{}

// paths lists every place in v: object members and array items.
func paths(v any, at []string) [][]string {
	var out [][]string
	switch x := v.(type) {
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		out = append(out, append(append([]string(nil), at...), "+unknown"))
		for _, k := range keys {
			p := append(append([]string(nil), at...), k)
			out = append(out, p)
			out = append(out, paths(x[k], p)...)
		}
	case []any:
		for i := range x {
			p := append(append([]string(nil), at...), strconv.Itoa(i))
			out = append(out, p)
			out = append(out, paths(x[i], p)...)
		}
	}
	return out
}

// mutate copies v with the value at path replaced by r (or removed, for
// deleted{}); "+unknown" adds a member. It returns nil when the
// mutation does not apply.
func mutate(v any, path []string, r any) any {
	if len(path) == 0 {
		if _, ok := r.(deleted); ok {
			return nil
		}
		return r
	}
	switch x := v.(type) {
	case map[string]any:
		c := make(map[string]any, len(x)+1)
		for k, e := range x {
			c[k] = e
		}
		k := path[0]
		if k == "+unknown" {
			if _, ok := r.(deleted); ok {
				return nil
			}
			c["unknownMember"] = r
			return c
		}
		if len(path) == 1 {
			if _, ok := r.(deleted); ok {
				delete(c, k)
				return c
			}
		}
		sub := mutate(x[k], path[1:], r)
		if sub == nil {
			return nil
		}
		c[k] = sub
		return c
	case []any:
		i, _ := strconv.Atoi(path[0])
		c := append([]any(nil), x...)
		if len(path) == 1 {
			if _, ok := r.(deleted); ok {
				return append(c[:i:i], c[i+1:]...)
			}
		}
		sub := mutate(x[i], path[1:], r)
		if sub == nil {
			return nil
		}
		c[i] = sub
		return c
	}
	return nil
}

// FuzzDifferential gives both validators the same bytes.
func FuzzDifferential(f *testing.F) {
	docs, _ := filepath.Glob("testdata/*.ob3.json")
	for _, p := range docs {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte(`{}`))
	f.Add([]byte(`[]`))
	ours, err := AchievementCredential()
	if err != nil {
		f.Fatal(err)
	}
	ref := reference(f)
	f.Fuzz(func(t *testing.T, doc []byte) {
		agree(t, ref, ours, "fuzz", doc)
	})
}

// TestSchemaRefusesUnknownKeywords: a keyword this package does not
// implement is a compile error, never silently ignored.
func TestSchemaRefusesUnknownKeywords(t *testing.T) {
	for _, s := range []string{
		`{"type":"object","maxItems":3}`,
		`{"properties":{"a":{"format":"uri"}}}`,
		`{"$ref":"https://example.com/other.json"}`,
		`{"$ref":"#/$defs/missing"}`,
		`{"type":7}`,
		`{"unevaluatedProperties":false}`,
	} {
		if _, err := Compile([]byte(s)); err == nil {
			t.Errorf("%s compiled", s)
		}
	}
}

// TestProblems: what a failure says, and where.
func TestProblems(t *testing.T) {
	ours, err := AchievementCredential()
	if err != nil {
		t.Fatal(err)
	}
	doc, _ := os.ReadFile("testdata/small.ob3.json")
	var m map[string]any
	json.Unmarshal(doc, &m)
	delete(m, "issuer")
	m["validFrom"] = "2026-02-30T00:00:00Z"
	b, _ := json.Marshal(m)
	ps, err := ours.ValidateJSON(b)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]bool{
		`at /: missing property "issuer"`: false,
		`at /validFrom: "2026-02-30T00:00:00Z" is not valid date-time: parsing time "2026-02-30": day out of range`: false,
	}
	for _, p := range ps {
		if _, ok := want[p.String()]; ok {
			want[p.String()] = true
		}
	}
	for w, seen := range want {
		if !seen {
			t.Errorf("no problem %q in %v", w, ps)
		}
	}
	if _, err := ours.ValidateJSON([]byte(`{} {}`)); err == nil {
		t.Error("two JSON values were read as one")
	}
}

func BenchmarkValidate(b *testing.B) {
	doc, err := os.ReadFile("testdata/large.ob3.json")
	if err != nil {
		b.Fatal(err)
	}
	ours, err := AchievementCredential()
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if ps, err := ours.ValidateJSON(doc); err != nil || len(ps) > 0 {
			b.Fatal(err, ps)
		}
	}
}

func BenchmarkCompile(b *testing.B) {
	raw, _ := files.ReadFile("schema/achievementcredential.schema.json")
	for b.Loop() {
		if _, err := Compile(raw); err != nil {
			b.Fatal(err)
		}
	}
}

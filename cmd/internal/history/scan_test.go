package history

import (
	"fmt"
	"strings"
	"testing"

	"github.com/BurntSushi/toml"
)

// ids lists the credential ids that valuesOf keys records by, and the
// values of the "c" keys as "id sub=value".
func recordKeys(src string) []string {
	var out []string
	for _, v := range valuesOf("partners/p/people/x.toml", []byte(src), false, "h", nil) {
		kind, name, sub := keyParts(v.key)
		if kind == 'c' {
			out = append(out, name+" "+sub+"="+v.val)
		}
	}
	return out
}

func TestValuesOfPerson(t *testing.T) {
	for _, tc := range []struct {
		name, src string
		want      []string
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

[[certifications]]
"id" = "DDDD-EEEE-FFFF"
`, []string{"AAAA-BBBB-CCCC @=partners/p/people/x.toml", "AAAA-BBBB-CCCC id=\"AAAA-BBBB-CCCC\"", "AAAA-BBBB-CCCC revoked=2024-09-01",
			"DDDD-EEEE-FFFF @=partners/p/people/x.toml", "DDDD-EEEE-FFFF id=\"DDDD-EEEE-FFFF\""}},
		{"inline", `certifications = [
  { id = 'DDDD-EEEE-FFFF', revoked = 2025-01-01 },
]`, []string{"DDDD-EEEE-FFFF @=partners/p/people/x.toml", "DDDD-EEEE-FFFF id='DDDD-EEEE-FFFF'", "DDDD-EEEE-FFFF revoked=2025-01-01"}},
		{"escapes", `[[certifications]]
id = "AAAA\u002DBBBB\x2dCCCC"
`, []string{"AAAA-BBBB-CCCC @=partners/p/people/x.toml", `AAAA-BBBB-CCCC id="AAAA\u002DBBBB\x2dCCCC"`}},
		{"multi-line id", "[[certifications]]\nid = \"\"\"AAAA-BBBB-CCCC\"\"\"\n", []string{"AAAA-BBBB-CCCC @=partners/p/people/x.toml", `AAAA-BBBB-CCCC id="""AAAA-BBBB-CCCC"""`}},
		{"upper case table and key", "[[CERTIFICATIONS]]\nID = \"X\"\n", []string{"X @=partners/p/people/x.toml", `X ID="X"`}},
		{"two spellings: keyed by file", "[[certifications]]\nid = \"X\"\nID = \"Y\"\n", nil},
		{"no id", "[[certifications]]\ntrack = \"x\"\n[[certifications]]\nid = \"X\"\n", []string{"X @=partners/p/people/x.toml", `X id="X"`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := recordKeys(tc.src)
			if fmt.Sprint(got) != fmt.Sprint(tc.want) {
				t.Errorf("record keys = %q, want %q", got, tc.want)
			}
		})
	}
}

// Every value of a person file has the role that may change it.
func TestValuesOfRoles(t *testing.T) {
	src := "name = \"x\"\ncertifications = []\n[[exams]]\nscore = 1\n[[certifications]]\ntrack = \"s\"\n"
	want := map[string]role{
		"t\x00partners/p/people/x.toml":                   rolePartners,
		"f\x00partners/p/people/x.toml\x00name":           rolePartners,
		"f\x00partners/p/people/x.toml\x00certifications": roleGrants,
		"f\x00partners/p/people/x.toml\x00exams[0].score": rolePartners,
		"f\x00partners/p/people/x.toml\x00record 0.track": roleGrants,
	}
	for _, v := range valuesOf("partners/p/people/x.toml", []byte(src), false, "h", nil) {
		if want[v.key] != v.role {
			t.Errorf("%q: role %s, want %s", v.key, v.role, want[v.key])
		}
		delete(want, v.key)
	}
	for k := range want {
		t.Errorf("no value %q", k)
	}
	for file, r := range map[string]role{
		"programs/program.toml": roleProgram, "programs/tracks/a.toml": roleContent, "programs/exams/a.bank.toml": roleContent,
		"content/faq.md": roleContent, "layouts/_base.html": roleProgram, "partners/a/partner.md": rolePartners, "programs/notes.txt": roleProgram,
	} {
		if got := fileRole(file); got != r {
			t.Errorf("fileRole(%s) = %s, want %s", file, got, r)
		}
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

// FuzzValuesOf checks the scanner against the decoder: whatever the
// decoder reads as credential ids (of a file whose keys are all spelled as
// the loader accepts them), the audit keys records by the same ids.
func FuzzValuesOf(f *testing.F) {
	f.Add("[[certifications]]\nid = \"A\"\nrevoked = 2024-01-01\nwaive = [\"x\"]\n")
	f.Add("certifications = [{ id = 'B' }]\n")
	f.Add("[[certifications]]\nid = \"\\u0041\"\n")
	f.Add("[[certifications]]\nid = \"\"\"\nA\"\"\"\n")
	f.Fuzz(func(t *testing.T, src string) {
		got := map[string]bool{}
		for _, k := range recordKeys(src) { // must not panic
			id, _, _ := strings.Cut(k, " ")
			got[id] = true
		}
		var v struct {
			Certifications []struct {
				ID string `toml:"id"`
			} `toml:"certifications"`
		}
		md, err := toml.Decode(src, &v)
		if err != nil {
			return
		}
		for _, k := range md.Keys() {
			if len(k) > 0 && strings.EqualFold(k[0], "certifications") && k[0] != "certifications" {
				return // the loader refuses the spelling
			}
			if len(k) > 1 && strings.EqualFold(k[1], "id") && k[1] != "id" {
				return
			}
		}
		for _, c := range v.Certifications {
			if c.ID != "" && !got[c.ID] {
				t.Errorf("the decoder reads credential %q, the audit's scanner does not key a record by it, in\n%s", c.ID, src)
			}
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

// leanAgrees fails unless valuesOf with keep lists exactly the values
// it lists without, less those whose keys keep leaves out, judged key
// by key as lean.go describes.
func leanAgrees(t *testing.T, file, src string, keep *leanKeys) {
	t.Helper()
	var want []value
	for _, v := range valuesOf(file, []byte(src), false, "h", nil) {
		kind, name, sub := keyParts(v.key)
		switch {
		case kind == 't',
			kind == 'c' && (sub == "@" || sub == "revoked" || sub == "waive" || keep.creds[name]),
			kind == 'f' && keep.files[name]:
			want = append(want, v)
		}
	}
	for _, v := range want {
		if v.role&^fileRoles(file) != 0 {
			t.Errorf("%s: key %q needs %s, beyond fileRoles: %s", file, v.key, v.role, fileRoles(file))
		}
	}
	got := valuesOf(file, []byte(src), false, "h", keep)
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("%s, keeping %v:\nlean: %v\nwant: %v\nin\n%s", file, keep, got, want, src)
	}
}

func TestValuesOfLean(t *testing.T) {
	person := `name = "Ann"
email = "ann@example.com"

[[certifications]]
id = "GPMS-7VMY-E8VW"
track = "t"
issued = 2025-01-15
revoked = 2025-02-01
revoked_reason = "Error"

[[certifications]]
id = "CXZA-886M-3CA4"
track = "t"
waive = ["retake-wait"]
waiver_reason = "x"

[[certifications]]
track = "no id"

[[certifications]]
id = "A"
ID = "B"
`
	ann, other := "partners/acme/people/ann.toml", "programs/program.toml"
	for _, keep := range []*leanKeys{
		{},
		{files: map[string]bool{ann: true}},
		{creds: map[string]bool{"CXZA-886M-3CA4": true}},
		{files: map[string]bool{other: true}, creds: map[string]bool{"GPMS-7VMY-E8VW": true, "A": true}},
	} {
		leanAgrees(t, ann, person, keep)
		leanAgrees(t, other, "name = \"P\"\n[audit]\nsince = \"abc\"\n", keep)
		leanAgrees(t, "partners/acme/partner.md", "+++\n+++\n", keep)
		leanAgrees(t, "partners/acme/partner.toml", "name = \"Acme\"\n", keep)
		leanAgrees(t, "programs/tracks/sales.toml", "name = \"Sales\"\n", keep)
		leanAgrees(t, "content/faq.md", "# FAQ\n", keep)
	}
}

func FuzzValuesOfLean(f *testing.F) {
	f.Add("[[certifications]]\nid = \"A\"\nrevoked = 2024-01-01\nwaive = [\"x\"]\ntrack = \"t\"\n", "A", true)
	f.Add("name = \"x\"\ncertifications = [{ id = 'B', track = 't' }]\n", "B", false)
	f.Add("[[certifications]]\ntrack = \"t\"\n[[certifications]]\nid = \"A\"\nid = \"B\"\n", "", true)
	f.Fuzz(func(t *testing.T, src, cred string, whole bool) {
		file := "partners/p/people/x.toml"
		keep := &leanKeys{files: map[string]bool{file: whole}, creds: map[string]bool{cred: true}}
		leanAgrees(t, file, src, keep)
	})
}

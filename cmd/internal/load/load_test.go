package load

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
)

func TestIsSlug(t *testing.T) {
	for s, want := range map[string]bool{
		"sales": true, "sales-101": true, "a": true, "0": true,
		"": false, "-a": false, "a-": false, "a--b": false, "Sales": false, "a_b": false, "a b": false,
		strings.Repeat("a", 64): true, strings.Repeat("a", 65): false,
	} {
		if got := IsSlug(s); got != want {
			t.Errorf("IsSlug(%q) = %v, want %v", s, got, want)
		}
	}
}

func TestValues(t *testing.T) {
	tests := []struct {
		f    func(string) bool
		in   string
		want bool
	}{
		{IsEmail, "jane@contoso.example", true},
		{IsEmail, "Jane <jane@contoso.example>", false},
		{IsEmail, "jane", false},
		{IsEmail, "jane@", false},
		{IsEmail, "ja ne@x.example", false},
		{IsURL, "https://contoso.example", true},
		{IsURL, "http://contoso.example/a?b", true},
		{IsURL, "contoso.example", false},
		{IsURL, "javascript:alert(1)", false},
		{IsURL, "ftp://contoso.example", false},
		{IsURL, "https://", false},
		{IsCountry, "DE", true},
		{IsCountry, "GB", true},
		{IsCountry, "UK", false},
		{IsCountry, "de", false},
		{IsCountry, "XX", false},
	}
	for _, tt := range tests {
		if got := tt.f(tt.in); got != tt.want {
			t.Errorf("%q: got %v, want %v", tt.in, got, tt.want)
		}
	}
	if len(countries) != 249 {
		t.Errorf("%d countries, want the 249 of ISO 3166-1", len(countries))
	}
}

func TestPageURL(t *testing.T) {
	for rel, want := range map[string]string{
		"content/faq.md":         "/faq/",
		"content/docs/format.md": "/docs/format/",
		"content/docs/index.md":  "/docs/",
		"content/index.md":       "/",
	} {
		if got := pageURL(rel); got != want {
			t.Errorf("pageURL(%q) = %q, want %q", rel, got, want)
		}
	}
}

func TestLoadErrors(t *testing.T) {
	if _, _, err := Load(filepath.Join(t.TempDir(), "missing")); err == nil {
		t.Error("a missing root loads")
	}
	if _, _, err := Load(t.TempDir()); err == nil || !strings.Contains(err.Error(), "programs/program.toml") {
		t.Errorf("a root without program.toml: %v", err)
	}
	f := filepath.Join(t.TempDir(), "file")
	os.WriteFile(f, nil, 0o644)
	if _, _, err := Load(f); err == nil {
		t.Error("a file as root loads")
	}
}

// fuzzFile decodes data as one file of a kind and fails on a panic or on a
// diagnostic without a position.
func fuzzFile(t *testing.T, data []byte, decode func(*file) any) {
	f := &file{rel: "partners/acme/people/x.toml"}
	decode(f)
	_ = data
	for _, d := range f.out {
		if d.Line < 1 || d.Col < 1 || d.Rule == "" || d.Msg == "" {
			t.Fatalf("bad diagnostic %+v", d)
		}
	}
}

func seeds(f *testing.F, glob string) {
	files, _ := filepath.Glob(glob)
	for _, name := range files {
		if data, err := os.ReadFile(name); err == nil {
			f.Add(data)
		}
	}
	f.Add([]byte(""))
	f.Add([]byte("name = \"x\"\n[[certifications]]\nid = 5\n"))
	f.Add([]byte("+++\nname = 1\n+++\n"))
}

func FuzzPerson(f *testing.F) {
	seeds(f, "../../../partners/*/people/*.toml")
	f.Fuzz(func(t *testing.T, data []byte) {
		fuzzFile(t, data, func(fl *file) any { return fl.person(data, "x") })
	})
}

func FuzzPartner(f *testing.F) {
	seeds(f, "../../../partners/*/partner.md")
	f.Fuzz(func(t *testing.T, data []byte) {
		fuzzFile(t, data, func(fl *file) any { return fl.partner(data, "x") })
	})
}

func FuzzProgram(f *testing.F) {
	seeds(f, "../../../programs/*.toml")
	seeds(f, "../../../programs/*/*.toml")
	f.Fuzz(func(t *testing.T, data []byte) {
		fuzzFile(t, data, func(fl *file) any { return fl.program(data) })
		fuzzFile(t, data, func(fl *file) any { return fl.track(data, "x") })
		fuzzFile(t, data, func(fl *file) any { return fl.exam(data, "x") })
		fuzzFile(t, data, func(fl *file) any { return fl.bank(data) })
		fuzzFile(t, data, func(fl *file) any { return fl.page(data) })
	})
}

// Only and Overlay load one person over the definitions, with content
// that is not on disk yet.
func TestOnlyOverlay(t *testing.T) {
	root := t.TempDir()
	files := map[string]string{
		"programs/program.toml":    "[program]\nname = \"P\"\n",
		"partners/a/partner.md":    "+++\nname = \"A\"\n+++\n",
		"partners/a/people/x.toml": "name = \"X\"\n",
		"partners/a/people/y.toml": "name = \"Y\"\n",
		"partners/b/partner.md":    "+++\nname = \"B\"\n+++\n",
		"partners/b/people/z.toml": "name = \"Z\"\n",
	}
	for rel, data := range files {
		p := filepath.Join(root, filepath.FromSlash(rel))
		os.MkdirAll(filepath.Dir(p), 0o755)
		os.WriteFile(p, []byte(data), 0o644)
	}
	p, _, err := LoadWith(root, Options{
		Only: func(pa, pe string) bool { return pa == "a" && (pe == "" || pe == "x" || pe == "new") },
		Overlay: map[string][]byte{
			"partners/a/people/x.toml":   []byte("name = \"X edited\"\n"),
			"partners/a/people/new.toml": []byte("name = \"New\"\n"),
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, pa := range p.Partners {
		for _, pe := range pa.People {
			got = append(got, pa.ID+"/"+pe.ID+"="+pe.Name)
		}
	}
	if want := "a/new=New a/x=X edited"; strings.Join(got, " ") != want {
		t.Errorf("people = %v, want %s", got, want)
	}
}

func TestPerson(t *testing.T) {
	pe, ds := Person("partners/a/people/x.toml", []byte("name = \"X\"\nbogus = 1\n[[exams]]\nexam = \"e\"\n"))
	if pe == nil || pe.ID != "x" || len(pe.Exams) != 1 {
		t.Errorf("Person = %+v", pe)
	}
	var rules []string
	for _, d := range ds {
		rules = append(rules, fmt.Sprintf("%d %s", d.Line, d.Rule))
	}
	if want := "2 unknown-key 3 missing-field 3 missing-field"; strings.Join(rules, " ") != want {
		t.Errorf("diagnostics %v, want %s", rules, want)
	}
	if pe, ds := Person("partners/a/people/x.toml", []byte("name = ")); pe != nil || len(ds) != 1 || ds[0].Rule != "syntax" {
		t.Errorf("a syntax error: %+v %v", pe, ds)
	}
	big := []byte("name = \"X\"\n" + strings.Repeat("#\n", 128<<10))
	if pe, ds := Person("partners/a/people/x.toml", big); pe != nil || len(ds) != 1 || ds[0].Rule != "unreadable-file" {
		t.Errorf("a file over its cap: %+v %v", pe, ds)
	}
}

// LoadFS reads the same program from any fs.FS as Load from a folder: the
// same records, files and diagnostics.
func TestLoadFS(t *testing.T) {
	dir := "../check/testdata/base"
	want, wantDiags, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	mem := fstest.MapFS{}
	err = filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		rel, _ := filepath.Rel(dir, p)
		mem[filepath.ToSlash(rel)] = &fstest.MapFile{Data: b}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	mem["partners/acme/people/.hidden.toml"] = &fstest.MapFile{Data: []byte("not = a person")}
	mem["content/.drafts/x.md"] = &fstest.MapFile{Data: []byte("no front matter")}
	got, gotDiags, err := LoadFS(mem, "memory", Options{})
	if err != nil {
		t.Fatal(err)
	}
	if got.Files != want.Files || len(got.Credentials) != len(want.Credentials) || len(got.Partners) != len(want.Partners) ||
		fmt.Sprint(gotDiags) != fmt.Sprint(wantDiags) || got.Root != "memory" {
		t.Errorf("LoadFS: %d files, %d credentials, %d partners, diags %v; Load: %d, %d, %d, %v",
			got.Files, len(got.Credentials), len(got.Partners), gotDiags, want.Files, len(want.Credentials), len(want.Partners), wantDiags)
	}
	for i, c := range got.Credentials {
		w := want.Credentials[i]
		if c.ID != w.ID || c.Pos != w.Pos || c.Person.Partner.ID != w.Person.Partner.ID {
			t.Errorf("credential %d: %s at %v, want %s at %v", i, c.ID, c.Pos, w.ID, w.Pos)
		}
	}
	delete(mem, "programs/program.toml")
	if _, _, err := LoadFS(mem, "memory", Options{}); !errors.Is(err, ErrNoProgram) {
		t.Errorf("LoadFS without program.toml: %v, want ErrNoProgram", err)
	}
}

// TestPositionsReread: a record decoded afresh drops its positions once
// its own checks have run (Source.Reread), and a later check that asks
// for one gets the line of the key in the file, read again: a person's
// TOML, and a partner's front matter after its "---" line.
func TestPositionsReread(t *testing.T) {
	root := filepath.Join("..", "..", "..")
	p, _, err := Load(root)
	if err != nil {
		t.Fatal(err)
	}
	lineOf := func(rel, prefix string) int {
		b, err := os.ReadFile(filepath.Join(root, rel))
		if err != nil {
			t.Fatal(err)
		}
		for i, l := range strings.Split(string(b), "\n") {
			if strings.HasPrefix(l, prefix) {
				return i + 1
			}
		}
		t.Fatalf("%s: no line starts with %q", rel, prefix)
		return 0
	}
	people := 0
	for _, pa := range p.Partners {
		if got, want := pa.Src.At("name").Line, lineOf(pa.Src.File, "name ="); got != want {
			t.Errorf("%s: name at line %d, want %d", pa.Src.File, got, want)
		}
		for _, pe := range pa.People {
			if got, want := pe.Src.At("email").Line, lineOf(pe.Src.File, "email ="); got != want {
				t.Errorf("%s: email at line %d, want %d", pe.Src.File, got, want)
			}
			people++
		}
	}
	if people == 0 {
		t.Fatal("the example program has no people")
	}
}

// FuzzIsEmail: the plain form IsEmail accepts without parsing is
// accepted by net/mail too; whatever it is, IsEmail answers as net/mail
// alone does.
func FuzzIsEmail(f *testing.F) {
	for _, s := range []string{"jane@contoso.example", "j.doe+x@a-b.example", "a@b", "a..b@x.example", ".a@x.example", "a@-x.example",
		"a@x..example", "a@x.example.", "Jane <jane@contoso.example>", "jane@", "@x", "ja ne@x.example", "a%b@x.y", "a_b@x.y", "\"a\"@x.y", "a@[1.2.3.4]"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := IsEmail(s), parsedEmail(s); got != want {
			t.Errorf("IsEmail(%q) = %v, net/mail alone says %v", s, got, want)
		}
	})
}

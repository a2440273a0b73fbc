package record

import (
	"github.com/BurntSushi/toml"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
)

func TestTopString(t *testing.T) {
	for _, tc := range []struct {
		src, want string
		ok        bool
	}{
		{"name = \"A\"\nemail = \"a@x.example\"\n", "a@x.example", true},
		{"  email   =   'lit@x.example'   # private\n", "lit@x.example", true},
		{"email = \"esc\\u0040x.example\"\n", "esc@x.example", true},
		{"emails = \"no\"\nemail = \"yes@x\"\n", "yes@x", true},
		{"# email = \"commented@x\"\nname = \"A\"\n", "", false},
		{"[[exams]]\nemail = \"in-a-table@x\"\n", "", false},
		{"email = \"\"\"multi@x\"\"\"\n", "", false},
		{"email = \"a@x\" trailing\n", "", false},
		{"email = \"unterminated\n", "", false},
		{"email = 5\n", "", false},
		{"\"email\" = \"quoted-key@x\"\n", "quoted-key@x", true}, // the decoder's key too
		// Lines inside a multi-line string at the top are not keys: the
		// line scan this replaced read "x" here.
		{"notes = \"\"\"\nemail = \"x\"\n\"\"\"\nname = \"A\"\n", "", false},
		{"notes = \"\"\"\nemail = \"x\"\n\"\"\"\nemail = \"real@x\"\n", "real@x", true},
		{"notes = '''\nemail = \"x\"\n'''\n", "", false},
		{"tags = [\n  \"\"\"\nemail = \"x\"\"\"\",\n]\nemail = \"y@x\"\n", "y@x", true},
		{"a = {\n  email = \"x\" }\nemail = \"y@x\"\n", "y@x", true},
		{"person = { email = \"inline@x\" }\n", "", false},
		{"a.email = \"dotted@x\"\n", "", false},
		{"email = \"crlf@x\"\r\n", "crlf@x", true},
		{"email = \"\\xe9t\\u00e9\\e\"\n", "\u00e9t\u00e9\x1b", true}, // TOML 1.1: \xHH is U+00HH
		{"email = \"bad \\q\"\n", "", false},
		{"email = \"short \\u12\"\n", "", false},
	} {
		got, ok := TopString([]byte(tc.src), "email")
		if got != tc.want || ok != tc.ok {
			t.Errorf("TopString(%q) = %q, %v; want %q, %v", tc.src, got, ok, tc.want, tc.ok)
		}
	}
}

func TestEachPerson(t *testing.T) {
	root := t.TempDir()
	for _, rel := range []string{"partners/a/people/x.toml", "partners/a/people/y.toml", "partners/b/people/z.toml",
		"partners/b/people/.tmp.toml", "partners/b/people/notes.txt", "partners/.hidden/people/h.toml", "partners/c/partner.md"} {
		p := filepath.Join(root, rel)
		os.MkdirAll(filepath.Dir(p), 0o755)
		os.WriteFile(p, []byte(rel), 0o644)
	}
	var mu sync.Mutex
	var got []string
	err := EachPerson(root, func(rel string, data []byte) {
		if string(data) != rel {
			t.Errorf("%s holds %q", rel, data)
		}
		mu.Lock()
		got = append(got, rel)
		mu.Unlock()
	})
	slices.Sort(got)
	want := []string{"partners/a/people/x.toml", "partners/a/people/y.toml", "partners/b/people/z.toml"}
	if err != nil || !slices.Equal(got, want) {
		t.Errorf("EachPerson = %v, %v; want %v", got, err, want)
	}
	if err := EachPerson(t.TempDir(), func(string, []byte) {}); err != nil {
		t.Errorf("no partners folder: %v", err)
	}
}

func TestWrite(t *testing.T) {
	root := t.TempDir()
	dir := filepath.Join(root, "partners")
	os.Mkdir(dir, 0o755)
	old := filepath.Join(dir, "old.toml")
	os.WriteFile(old, []byte("old"), 0o600)
	files := []File{{Path: old, Data: []byte("new")}, {Path: filepath.Join(dir, "sub", "new.toml"), Data: []byte("made")}}
	if err := Write(root, files); err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		if got, _ := os.ReadFile(f.Path); string(got) != string(f.Data) {
			t.Errorf("%s = %q", f.Path, got)
		}
	}
	if fi, _ := os.Stat(old); fi.Mode().Perm() != 0o600 {
		t.Errorf("mode %v: the old file's permissions are not kept", fi.Mode())
	}
	// A file that cannot be written (its folder is a file) leaves every
	// file as it was, and no temporary file behind.
	err := Write(root, []File{{Path: old, Data: []byte("newer")}, {Path: filepath.Join(old, "f.toml"), Data: []byte("x")}})
	if err == nil {
		t.Fatal("no error writing below a file")
	}
	if got, _ := os.ReadFile(old); string(got) != "new" {
		t.Errorf("old.toml = %q after a failed write", got)
	}
	noTemps(t, root)
}

// FuzzTopString: the light scan never panics, and whatever it reads from a
// document that decodes is what the decoder reads.
// BenchmarkTopString reads the e-mail of a person file of about 1 KB,
// as the index does for every file of a program.
func BenchmarkTopString(b *testing.B) {
	src := []byte("name = \"Ann Archer\"\nemail = \"ann@acme.example\"   # private\npublic = true\n" +
		strings.Repeat("\n[[exams]]\nexam = \"sales-foundation\"\ndate = 2024-03-01\nscore = 82\nproctoring = \"live\"\n", 12))
	for b.Loop() {
		if _, ok := TopString(src, "email"); !ok {
			b.Fatal("no email")
		}
	}
}

func FuzzTopString(f *testing.F) {
	f.Add([]byte("name = \"A\"\nemail = \"a@x.example\" # c\n[[exams]]\n"))
	f.Add([]byte("email = 'lit\\eral'\r\n"))
	f.Add([]byte("email = \"\\u00e9\\t\"\n"))
	f.Add([]byte("email=\"x\"\nemail=\"y\"\n"))
	f.Add([]byte("notes = \"\"\"\nemail = \"x\"\n\"\"\"\nemail = \"y\"\n"))
	f.Fuzz(func(t *testing.T, src []byte) {
		got, ok := TopString(src, "email")
		// The fast path, where it decides, decides as the scan does on a
		// document that decodes (on one that does not, the loader
		// reports the file whatever the index holds).
		_, decodeErr := toml.Decode(string(src), new(any))
		if v, vok, sure := topStringLines(src, "email"); sure && decodeErr == nil {
			if sv, sok := topStringScan(src, "email"); sv != v || sok != vok {
				t.Fatalf("lines read %q, %v; the scan %q, %v\n%q", v, vok, sv, sok, src)
			}
		}
		if !ok {
			return
		}
		var doc struct {
			Email any `toml:"email"`
		}
		if _, err := toml.Decode(string(src), &doc); err != nil {
			return
		}
		if doc.Email != got {
			t.Fatalf("TopString = %q, the decoder reads %#v\n%q", got, doc.Email, src)
		}
	})
}

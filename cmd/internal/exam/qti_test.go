package exam

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/accredit/accredit/cmd/internal/program"
	"github.com/accredit/accredit/cmd/internal/publish"
)

func fileMap(files []File) map[string][]byte {
	m := map[string][]byte{}
	for _, f := range files {
		m[f.Name] = f.Data
	}
	return m
}

// TestQTIExample writes the example's banks as QTI packages and reads
// them back: every file parses as XML in its namespace, the manifest
// lists every item and test, each test asks its form's questions through
// the items' files, and each item's correct response is the bank's answer.
func TestQTIExample(t *testing.T) {
	for _, e := range exampleExams(t) {
		d, err := Draw(e, e.Bank, 3, 99)
		if err != nil {
			t.Fatal(err)
		}
		files, err := d.QTI()
		if err != nil {
			t.Fatal(err)
		}
		if files[0].Name != "imsmanifest.xml" {
			t.Errorf("%s: first file %s", e.ID, files[0].Name)
		}
		for _, f := range files {
			if bytes.Contains(f.Data, []byte("<defaultValue></defaultValue>")) {
				t.Errorf("%s: an empty defaultValue (the schema asks for a value)", f.Name)
			}
			root := rootElement(t, f.Data)
			want := xml.Name{Space: NSQTI, Local: "assessmentItem"}
			switch {
			case f.Name == "imsmanifest.xml":
				want = xml.Name{Space: NSCP, Local: "manifest"}
			case strings.HasPrefix(f.Name, "form-"):
				want.Local = "assessmentTest"
			}
			if root != want {
				t.Errorf("%s: root element %v, want %v", f.Name, root, want)
			}
		}
		p, err := CheckQTI(fileMap(files))
		if err != nil {
			t.Fatalf("%s: %v", e.ID, err)
		}
		if err := d.matchesQTI(p); err != nil {
			t.Error(err)
		}
		used := map[*program.Question]bool{}
		for _, f := range d.Forms {
			for _, q := range f.Questions {
				used[q] = true
			}
		}
		if len(p.Items) != len(used) || len(files) != 1+len(d.Forms)+len(used) {
			t.Errorf("%s: %d items and %d files for %d questions used", e.ID, len(p.Items), len(files), len(used))
		}
		// The correct response is the bank's answer, by position.
		q := d.Forms[0].Questions[0]
		var it assessmentItem
		if err := xml.Unmarshal(fileMap(files)[p.Items[q.ID]], &it); err != nil {
			t.Fatal(err)
		}
		if it.Response.Correct[0] != choiceID(q.Answer) || it.Body.Choice.Prompt != q.Text || len(it.Body.Choice.Choices) != len(q.Choices) ||
			it.Body.Choice.Choices[q.Answer].Text != q.Choices[q.Answer] {
			t.Errorf("%s: item %s does not carry question %s: %+v", e.ID, p.Items[q.ID], q.ID, it)
		}
		if want := e.DurationMinutes * 60; !bytes.Contains(fileMap(files)["form-1.xml"], []byte(`<timeLimits maxTime="`+itoa(want)+`">`)) {
			t.Errorf("%s: form-1.xml has no time limit of %d s", e.ID, want)
		}
	}
}

func itoa(i int) string { b, _ := json.Marshal(i); return string(b) }

func rootElement(t *testing.T, data []byte) xml.Name {
	t.Helper()
	dec := xml.NewDecoder(bytes.NewReader(data))
	for {
		tok, err := dec.Token()
		if err != nil {
			t.Fatalf("no root element: %v", err)
		}
		if se, ok := tok.(xml.StartElement); ok {
			// The rest must parse too.
			for {
				if _, err := dec.Token(); err != nil {
					if err.Error() != "EOF" {
						t.Fatalf("%v: %v", se.Name, err)
					}
					return se.Name
				}
			}
		}
	}
}

// TestCheckQTIRefuses: each broken reference between the files of a good
// package is found.
func TestCheckQTIRefuses(t *testing.T) {
	e := exampleExams(t)[0]
	d, err := Draw(e, e.Bank, 2, 5)
	if err != nil {
		t.Fatal(err)
	}
	files, err := d.QTI()
	if err != nil {
		t.Fatal(err)
	}
	good := fileMap(files)
	first := "item-" + ident(d.Forms[0].Questions[0].ID) + ".xml"
	second := "item-" + ident(d.Forms[0].Questions[1].ID) + ".xml"
	for _, tc := range []struct {
		name, want string
		edit       func(m map[string][]byte)
	}{
		{"no manifest", "no imsmanifest.xml", func(m map[string][]byte) { delete(m, "imsmanifest.xml") }},
		{"item missing", "is not a file of the package", func(m map[string][]byte) { delete(m, first) }},
		{"stray file", "not in imsmanifest.xml", func(m map[string][]byte) { m["extra.xml"] = []byte("<x/>") }},
		{"wrong namespace", "expected element <manifest> in name space http://www.imsglobal.org/xsd/imscp_v1p1", func(m map[string][]byte) {
			m["imsmanifest.xml"] = bytes.Replace(m["imsmanifest.xml"], []byte("imscp_v1p1\""), []byte("imscp_v1p2\""), 1)
		}},
		{"test points elsewhere", "whose item is", func(m map[string][]byte) {
			m["form-1.xml"] = bytes.Replace(m["form-1.xml"], []byte(`href="`+first+`"`), []byte(`href="`+second+`"`), 1)
		}},
		{"test asks a file not in the package", "is not an item of the package", func(m map[string][]byte) {
			m["form-1.xml"] = bytes.Replace(m["form-1.xml"], []byte(`href="`+first+`"`), []byte(`href="../`+first+`"`), 1)
		}},
		{"dependency missing", "is not a dependency", func(m map[string][]byte) {
			m["imsmanifest.xml"] = bytes.Replace(m["imsmanifest.xml"], []byte(`<dependency identifierref="RES-ITEM-`+ident(d.Forms[0].Questions[0].ID)+`"></dependency>`), nil, 1)
		}},
		{"correct response not a choice", "is not one choice", func(m map[string][]byte) {
			m[first] = bytes.Replace(m[first], []byte("<value>choice-"), []byte("<value>nochoice-"), 1)
		}},
		{"trailing content", "content after the root element", func(m map[string][]byte) {
			m[first] = append(m[first], "<more/>"...)
		}},
		{"not XML", "form-2.xml", func(m map[string][]byte) { m["form-2.xml"] = []byte("{}") }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := maps.Clone(good)
			tc.edit(m)
			if _, err := CheckQTI(m); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got %v, want an error with %q", err, tc.want)
			}
		})
	}
}

// TestIdentifiers: bank ids are free text; identifiers and file names
// are NCNames, plain, and unique ignoring case.
func TestIdentifiers(t *testing.T) {
	ids := []string{"sf-001", "../../etc/passwd", "1st", "Q 1", "q_1", "Q_1", "", "é", strings.Repeat("x", 100)}
	b := &program.Bank{}
	for _, id := range ids {
		b.Questions = append(b.Questions, &program.Question{ID: id})
	}
	got := (&Drawing{Bank: b}).identifiers()
	seen := map[string]bool{}
	for _, q := range b.Questions {
		id := got[q]
		if seen[strings.ToLower(id)] || !plainName(itemFile(id)) || len(id) > 70 || id == "" || strings.ContainsAny(id[:1], "0123456789-.") {
			t.Errorf("%q -> %q", q.ID, id)
		}
		seen[strings.ToLower(id)] = true
	}
	if got[b.Questions[0]] != "sf-001" || got[b.Questions[1]] != "q_.._.._etc_passwd" || got[b.Questions[2]] != "q_1st" {
		t.Errorf("identifiers: %v", got)
	}
}

func TestJSON(t *testing.T) {
	e := exampleExams(t)[0]
	d, err := Draw(e, e.Bank, 2, 3)
	if err != nil {
		t.Fatal(err)
	}
	files, err := d.Files("json")
	if err != nil || len(files) != 1 || files[0].Name != "forms.json" {
		t.Fatalf("%v %v", files, err)
	}
	if err := d.checkJSON(files[0].Data); err != nil {
		t.Fatal(err)
	}
	var got struct {
		Seed  uint64
		Forms []struct{ Questions []struct{ ID string } }
	}
	json.Unmarshal(files[0].Data, &got)
	if got.Seed != 3 || len(got.Forms) != 2 || len(got.Forms[1].Questions) != e.Questions || got.Forms[1].Questions[0].ID != d.Forms[1].Questions[0].ID {
		t.Errorf("forms.json: %+v", got)
	}
	if _, err := d.Files("pdf"); err == nil {
		t.Error("format pdf accepted")
	}
}

// TestWriteDir writes a package, reads it back, and refuses to write
// over anything or to trust a file changed after writing.
func TestWriteDir(t *testing.T) {
	e := exampleExams(t)[0]
	d, _ := Draw(e, e.Bank, 2, 4)
	files, _ := d.QTI()
	dir := filepath.Join(t.TempDir(), "forms")
	if err := WriteDir(dir, files); err != nil {
		t.Fatal(err)
	}
	if err := d.Reread(dir, "qti", files); err != nil {
		t.Fatal(err)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != len(files) {
		t.Errorf("%d entries for %d files (a temporary file left?)", len(entries), len(files))
	}
	for _, en := range entries {
		fi, _ := en.Info()
		if fi.Mode().Perm() != 0o600 {
			t.Errorf("%s has mode %v: forms are private", en.Name(), fi.Mode())
		}
	}
	if fi, _ := os.Stat(dir); fi.Mode().Perm() != 0o700 {
		t.Errorf("the folder has mode %v", fi.Mode())
	}
	if err := WriteDir(dir, files); err == nil || !strings.Contains(err.Error(), "not empty") {
		t.Errorf("wrote over an earlier draw: %v", err)
	}

	// A file changed after writing, or replaced by a link, fails the re-read.
	os.WriteFile(filepath.Join(dir, "form-2.xml"), []byte("changed"), 0o600)
	if err := d.Reread(dir, "qti", files); err == nil || !strings.Contains(err.Error(), "does not hold what was written") {
		t.Errorf("changed file: %v", err)
	}
	os.Remove(filepath.Join(dir, "form-2.xml"))
	os.Symlink(filepath.Join(dir, "form-1.xml"), filepath.Join(dir, "form-2.xml"))
	if err := d.Reread(dir, "qti", files); err == nil {
		t.Error("a link read back")
	}

	if err := WriteDir(filepath.Join(t.TempDir(), "x"), []File{{"../escape.xml", nil}}); err == nil {
		t.Error("a file name with a folder written")
	}

	// An empty folder is filled; a failed write leaves nothing behind.
	parent := t.TempDir()
	empty := filepath.Join(parent, "empty")
	os.Mkdir(empty, 0o755)
	if err := WriteDir(empty, files); err != nil {
		t.Fatalf("an empty folder: %v", err)
	}
	if err := d.Reread(empty, "qti", files); err != nil {
		t.Fatal(err)
	}
	if err := WriteDir(filepath.Join(parent, "dup"), []File{{"a.xml", nil}, {"a.xml", nil}}); err == nil {
		t.Error("a file written twice")
	}
	if left, _ := os.ReadDir(parent); len(left) != 1 {
		t.Errorf("left beside the output: %v", left)
	}
}

func TestGuard(t *testing.T) {
	root := t.TempDir()
	for _, dir := range []string{"programs", "build/sub", "site", "elsewhere"} {
		os.MkdirAll(filepath.Join(root, dir), 0o755)
	}
	os.WriteFile(filepath.Join(root, "site", publish.Marker), nil, 0o644)
	os.WriteFile(filepath.Join(root, "file"), nil, 0o644)
	outside := t.TempDir()
	os.Symlink(filepath.Join(root, "build"), filepath.Join(outside, "link-to-build"))
	os.Symlink(filepath.Join(outside, "nothing"), filepath.Join(outside, "dangling"))
	for _, tc := range []struct{ out, want string }{
		{root, "program's root"},
		{filepath.Dir(root), "holds the program's root"},
		{filepath.Join(root, "build"), "build/ folder"},
		{filepath.Join(root, "build/sub/forms"), "build/ folder"},
		{filepath.Join(root, "programs/forms"), "programs/ folder"},
		{filepath.Join(root, ".git/forms"), ".git/ folder"},
		{filepath.Join(root, "site/forms"), "inside a site accredit built"},
		{filepath.Join(root, "file"), "a file, not a folder"},
		{root + "/elsewhere/../site", "inside a site accredit built"},
		{filepath.Dir(filepath.Join(root, "site", publish.Marker)) + "/", "inside a site accredit built"},
		{outside, "is not empty"},
		{filepath.Join(outside, "link-to-build", "forms"), "build/ folder"},
		{filepath.Join(outside, "dangling"), "symlink to nothing"},
		{filepath.Join(root, "elsewhere/forms"), ""},
		{filepath.Join(outside, "forms"), ""},
	} {
		_, err := Guard(root, tc.out)
		if tc.want == "" && err != nil || tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)) {
			t.Errorf("Guard(%s): %v, want %q", tc.out, err, tc.want)
		}
	}
}

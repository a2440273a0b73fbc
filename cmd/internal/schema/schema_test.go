package schema

import (
	"bytes"
	"encoding/json"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/BurntSushi/toml"
	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/accredit/accredit/cmd/internal/frontmatter"
	"github.com/accredit/accredit/cmd/internal/load"
)

// root is the example program of this repository.
const root = "../../.."

// compiled generates the schemas of the example program and compiles
// them with a JSON Schema validator, formats asserted.
func compiled(t *testing.T) map[string]*jsonschema.Schema {
	t.Helper()
	p, _, err := load.Load(root)
	if err != nil {
		t.Fatal(err)
	}
	files, err := Generate(load.FileKinds(), IDsOf(p))
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	out := map[string]*jsonschema.Schema{}
	for _, k := range load.FileKinds() {
		name := File(k.Name)
		doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(files[name]))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		url := "file:///schemas/" + name
		if err := c.AddResource(url, doc); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if out[k.Name], err = c.Compile(url); err != nil {
			t.Fatalf("%s does not compile: %v", name, err)
		}
	}
	return out
}

// instance reads a file's TOML (or front matter) as the JSON value an
// editor validates: dates as YYYY-MM-DD strings.
func instance(t *testing.T, data []byte, front bool) any {
	t.Helper()
	if front {
		doc, err := frontmatter.Split(data)
		if err != nil {
			t.Fatal(err)
		}
		data = doc.Front
	}
	var v map[string]any
	if _, err := toml.Decode(string(data), &v); err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(jsonable(v))
	if err != nil {
		t.Fatal(err)
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	return inst
}

func jsonable(v any) any {
	switch v := v.(type) {
	case map[string]any:
		for k, x := range v {
			v[k] = jsonable(x)
		}
	case []map[string]any:
		out := make([]any, len(v))
		for i, x := range v {
			out[i] = jsonable(x)
		}
		return out
	case []any:
		for i, x := range v {
			v[i] = jsonable(x)
		}
	case time.Time:
		// The decoder marks local dates and date-times by their zone's
		// name (BurntSushi/toml internal/tz.go).
		switch v.Location().String() {
		case "date-local":
			return v.Format(time.DateOnly)
		case "datetime-local":
			return v.Format("2006-01-02T15:04:05")
		}
		return v.Format(time.RFC3339)
	}
	return v
}

// files lists the files of a kind in the program at root.
func files(t *testing.T, root string, k load.FileKind) []string {
	var out []string
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		rel = filepath.ToSlash(rel)
		if d.IsDir() {
			if rel == "build" || rel == ".git" || rel == "cmd" {
				return fs.SkipDir
			}
			return nil
		}
		if matches(k.Globs, rel) && !matches(k.Not, rel) {
			out = append(out, rel)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func matches(globs []string, rel string) bool {
	for _, g := range globs {
		if prefix, ok := strings.CutSuffix(g, "/**/*.md"); ok {
			if strings.HasPrefix(rel, prefix+"/") && strings.HasSuffix(rel, ".md") {
				return true
			}
			continue
		}
		if ok, _ := path.Match(g, rel); ok {
			return true
		}
	}
	return false
}

// extra holds files of the kinds the example program has none of
// (metrics.toml), laid out as in a program.
const extra = "testdata/extra"

// Every file of the example program is valid against its schema; a kind
// the example has no file of is validated on the files of extra.
func TestExampleValidates(t *testing.T) {
	schemas := compiled(t)
	for _, k := range load.FileKinds() {
		dir := root
		fs := files(t, dir, k)
		if len(fs) == 0 {
			dir = extra
			fs = files(t, dir, k)
		}
		if len(fs) == 0 {
			t.Errorf("%s: no files of the example program, nor in %s", k.Name, extra)
		}
		for _, rel := range fs {
			data, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(rel)))
			if err != nil {
				t.Fatal(err)
			}
			if err := schemas[k.Name].Validate(instance(t, data, k.Front)); err != nil {
				t.Errorf("%s: %v", rel, err)
			}
		}
	}
}

// Each kind of mistake the loader or check rejects, the schema rejects
// too: an unknown key (anywhere), a value of the wrong type, an id the
// program does not define, a date that is not one.
func TestSchemaRejectsMistakes(t *testing.T) {
	schemas := compiled(t)
	const person = "name = \"Ann\"\n\n[[exams]]\nexam = \"sales-foundation\"\ndate = 2025-01-10\nscore = 80\nproctoring = \"self\"\n"
	if err := schemas["person"].Validate(instance(t, []byte(person), false)); err != nil {
		t.Fatalf("the valid person is refused: %v", err)
	}
	for _, tc := range []struct {
		name, data string
		loader     bool // the loader itself reports it (the rest are check's)
	}{
		{"unknown key", strings.Replace(person, "name =", "nmae =", 1), true},
		{"unknown key in a table", strings.Replace(person, "score = 80", "scroe = 80", 1), true},
		{"wrong type", strings.Replace(person, "score = 80", "score = \"80\"", 1), true},
		{"unknown exam", strings.Replace(person, "sales-foundation", "sales-fundation", 1), false},
		{"unknown proctoring mode", strings.Replace(person, `"self"`, `"remote"`, 1), false},
		{"a string for a date", strings.Replace(person, "date = 2025-01-10", "date = \"10/01/2025\"", 1), true},
	} {
		if err := schemas["person"].Validate(instance(t, []byte(tc.data), false)); err == nil {
			t.Errorf("%s: the schema accepts it", tc.name)
		}
		if tc.loader {
			_, ds := load.Person("partners/a/people/ann.toml", []byte(tc.data))
			if len(ds) == 0 {
				t.Errorf("%s: the loader accepts it: the schema and the loader disagree", tc.name)
			}
		}
	}
	track := "name = \"Sales\"\n\n[[certifications]]\nlevel = \"foundation\"\nname = \"S\"\nvalidity_months = 12\ncourses = [\"sales-101\"]\nevidence = { closed-deal = 2 }\n"
	if err := schemas["track"].Validate(instance(t, []byte(track), false)); err != nil {
		t.Fatalf("the valid track is refused: %v", err)
	}
	for _, bad := range []string{
		strings.Replace(track, `level = "foundation"`, `level = "fundation"`, 1),
		strings.Replace(track, `"sales-101"`, `"sales-1O1"`, 1),
		strings.Replace(track, "closed-deal", "closed-dael", 1),
	} {
		if err := schemas["track"].Validate(instance(t, []byte(bad), false)); err == nil {
			t.Errorf("the track schema accepts an unknown id:\n%s", bad)
		}
	}
}

// A metrics.toml: unknown keys, wrong types, figures out of check's
// ranges and quarters not written YYYY-Qn are refused.
func TestSchemaRejectsMetricsMistakes(t *testing.T) {
	schemas := compiled(t)
	const m = "[[quarters]]\nquarter = \"2025-Q1\"\ncsat = 92\ninfluenced_pipeline = 5e6\nnps = -10\n"
	if err := schemas["metrics"].Validate(instance(t, []byte(m), false)); err != nil {
		t.Fatalf("the valid metrics are refused: %v", err)
	}
	for _, bad := range []string{
		strings.Replace(m, "csat =", "cast =", 1),
		strings.Replace(m, "csat = 92", "csat = \"92\"", 1),
		strings.Replace(m, "csat = 92", "csat = 101", 1),
		strings.Replace(m, "nps = -10", "nps = -101", 1),
		strings.Replace(m, "5e6", "-1", 1),
		strings.Replace(m, "2025-Q1", "2025-Q5", 1),
		strings.Replace(m, "2025-Q1", "Q1 2025", 1),
	} {
		if err := schemas["metrics"].Validate(instance(t, []byte(bad), false)); err == nil {
			t.Errorf("the metrics schema accepts:\n%s", bad)
		}
	}
}

// The schema of each kind holds exactly the keys the loader knows.
func TestSchemaKeysAreTheLoaders(t *testing.T) {
	files, err := Generate(load.FileKinds(), IDs{})
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range load.FileKinds() {
		var s struct {
			Properties map[string]any `json:"properties"`
		}
		if err := json.Unmarshal(files[File(k.Name)], &s); err != nil {
			t.Fatal(err)
		}
		var got []string
		for key := range s.Properties {
			got = append(got, key)
		}
		want := load.Keys(k.Type)
		if strings.Join(sorted(got), ",") != strings.Join(want, ",") {
			t.Errorf("%s: schema keys %v, loader keys %v", k.Name, sorted(got), want)
		}
	}
}

func sorted(s []string) []string {
	out := append([]string(nil), s...)
	for i := range out {
		for j := i + 1; j < len(out); j++ {
			if out[j] < out[i] {
				out[i], out[j] = out[j], out[i]
			}
		}
	}
	return out
}

// .taplo.toml parses, and maps every TOML kind to its schema file.
func TestTaplo(t *testing.T) {
	var cfg struct {
		Rule []struct {
			Include, Exclude []string
			Schema           struct{ Path string }
		}
	}
	data := Taplo(load.FileKinds(), ".accredit-schema")
	if _, err := toml.Decode(string(data), &cfg); err != nil {
		t.Fatalf("%v\n%s", err, data)
	}
	var paths []string
	for _, r := range cfg.Rule {
		paths = append(paths, r.Schema.Path)
		if len(r.Include) == 0 {
			t.Errorf("a rule without include: %+v", r)
		}
	}
	want := "./.accredit-schema/program.schema.json ./.accredit-schema/track.schema.json ./.accredit-schema/exam.schema.json ./.accredit-schema/bank.schema.json ./.accredit-schema/person.schema.json ./.accredit-schema/metrics.schema.json"
	if strings.Join(paths, " ") != want {
		t.Errorf("schema paths %v, want %s", paths, want)
	}
	if !strings.Contains(string(data), `exclude = ["programs/exams/*.bank.toml"]`) {
		t.Errorf("the exam rule does not leave the banks out:\n%s", data)
	}
}

// BenchmarkSchema is the work of accredit schema on the example program:
// its definitions read (no partner or person file) and every schema
// generated. The figure to hold is 100 ms for the whole command.
func BenchmarkSchema(b *testing.B) {
	for b.Loop() {
		p, _, err := load.LoadWith(root, load.Options{Only: func(string, string) bool { return false }})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := Generate(load.FileKinds(), IDsOf(p)); err != nil {
			b.Fatal(err)
		}
	}
}

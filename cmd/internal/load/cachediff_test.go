package load

import (
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/accredit/accredit/cmd/internal/program"
)

// The decode cache stands in for TOML decoding of people and partners:
// loading with a warm cache (entries found by content hash, and by size
// and time without reading) must give deep-equal partners and people and
// equal diagnostics to loading without one, before and after edits.
func TestCacheDifferential(t *testing.T) {
	roots := map[string]string{"example": copyProgram(t, "../../..")}
	if !testing.Short() {
		roots["generated"] = generated(t)
	}
	for name, root := range roots {
		t.Run(name, func(t *testing.T) {
			age(t, root, time.Hour)
			cache := filepath.Join(t.TempDir(), "cache")
			same(t, root, cache, "first")
			same(t, root, cache, "warm")

			// Edits: a changed value, a misspelled key, an unknown key, a
			// syntax error, a partner's body, a new person, a removed one;
			// some old enough for their time to be trusted, some not.
			people, _ := filepath.Glob(filepath.Join(root, "partners/*/people/*.toml"))
			partners, _ := filepath.Glob(filepath.Join(root, "partners/*/partner.md"))
			if len(people) < 6 || len(partners) < 2 {
				t.Fatalf("%d people, %d partners", len(people), len(partners))
			}
			edit := func(p string, f func(string) string, old bool) {
				b, err := os.ReadFile(p)
				if err != nil {
					t.Fatal(err)
				}
				os.WriteFile(p, []byte(f(string(b))), 0o644)
				if old {
					mt := time.Now().Add(-30 * time.Minute)
					os.Chtimes(p, mt, mt)
				}
			}
			edit(people[0], func(s string) string { return strings.Replace(s, "name = ", "name = \"Renamed\"\nnm = ", 1) }, true)
			edit(people[1], func(s string) string { return strings.Replace(s, "\nname = ", "\nNAME = ", 1) }, true)
			edit(people[2], func(s string) string { return s + "\nbogus = 1\n" }, false)
			edit(people[3], func(s string) string { return s + "\n[[certifications]\n" }, true)
			edit(people[4], func(s string) string { return strings.Replace(s, "issued = 20", "issued = 19", 1) }, false)
			edit(partners[0], func(s string) string { return s + "\nMore about us.\n" }, true)
			edit(partners[1], func(s string) string { return strings.Replace(s, "name = ", "Name = ", 1) }, false)
			os.Remove(people[5])
			dir := filepath.Dir(people[0])
			os.WriteFile(filepath.Join(dir, "new-person.toml"), []byte("name = \"New\"\nemail = \"x\"\n"), 0o644)
			same(t, root, cache, "edited")
			same(t, root, cache, "edited, warm")
		})
	}
}

// same loads root with the cache file and without a cache and compares.
func same(t *testing.T, root, cachePath, when string) {
	t.Helper()
	want, wantDs, err := Load(root)
	if err != nil {
		t.Fatal(err)
	}
	c := OpenCache(cachePath, []byte("differential"))
	got, gotDs, err := LoadWith(root, Options{Cache: c})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Save(); err != nil {
		t.Fatal(err)
	}
	if g, w := fmt.Sprint(gotDs), fmt.Sprint(wantDs); g != w {
		t.Errorf("%s: diagnostics differ:\ncached   %s\nuncached %s", when, g, w)
	}
	// Positions are compared through the records' Pos and a few lookups;
	// the sources themselves differ in kind (lazy, indexed).
	probes := func(p *program.Program) string {
		var b strings.Builder
		for _, pa := range p.Partners {
			b.WriteString(probe(pa.Src, "name", "locations[0].country"))
			pa.Src = nil
			for _, pe := range pa.People {
				b.WriteString(probe(pe.Src, "name", "certifications[0].issued", "exams[0]"))
				pe.Src = nil
			}
		}
		return b.String()
	}
	if g, w := probes(got), probes(want); g != w {
		t.Errorf("%s: positions differ:\ncached\n%s\nuncached\n%s", when, g, w)
	}
	if len(got.Partners) != len(want.Partners) {
		t.Fatalf("%s: %d partners cached, %d uncached", when, len(got.Partners), len(want.Partners))
	}
	for i := range want.Partners {
		if d := firstDiff(reflect.ValueOf(got.Partners[i]), reflect.ValueOf(want.Partners[i]), want.Partners[i].ID); d != "" {
			t.Errorf("%s: partner differs at %s", when, d)
		}
	}
}

// firstDiff names the first field where two records differ, walking
// structs, slices and pointers, but not the links Program.Link sets
// (Partner, Person, Track: each side's own definitions) nor unexported
// fields; "" when they are equal.
func firstDiff(a, b reflect.Value, path string) string {
	switch a.Kind() {
	case reflect.Pointer:
		if a.IsNil() || b.IsNil() {
			if a.IsNil() == b.IsNil() {
				return ""
			}
			return fmt.Sprintf("%s: nil %v / %v", path, a.IsNil(), b.IsNil())
		}
		return firstDiff(a.Elem(), b.Elem(), path)
	case reflect.Struct:
		for i := range a.NumField() {
			f := a.Type().Field(i)
			if f.Name == "Partner" || f.Name == "Person" || f.Name == "Track" || !f.IsExported() {
				continue
			}
			if d := firstDiff(a.Field(i), b.Field(i), path+"."+f.Name); d != "" {
				return d
			}
		}
		return ""
	case reflect.Slice:
		if a.Len() != b.Len() {
			return fmt.Sprintf("%s: %d / %d elements", path, a.Len(), b.Len())
		}
		for i := range a.Len() {
			if d := firstDiff(a.Index(i), b.Index(i), fmt.Sprintf("%s[%d]", path, i)); d != "" {
				return d
			}
		}
		return ""
	}
	if !reflect.DeepEqual(a.Interface(), b.Interface()) {
		return fmt.Sprintf("%s: cached %#v, uncached %#v", path, a.Interface(), b.Interface())
	}
	return ""
}

// probe lists the positions of paths in a source.
func probe(s *program.Source, paths ...string) string {
	if s == nil {
		return "nil\n"
	}
	var text strings.Builder
	text.WriteString(s.File)
	for _, p := range paths {
		pos := s.At(p)
		fmt.Fprintf(&text, " %s=%d:%d:%v", p, pos.Line, pos.Col, s.Has(p))
	}
	return text.String() + "\n"
}

// copyProgram copies a program's files into a new folder.
func copyProgram(t *testing.T, src string) string {
	t.Helper()
	root := t.TempDir()
	for _, top := range []string{"programs", "partners", "content"} {
		err := filepath.WalkDir(filepath.Join(src, top), func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			rel, _ := filepath.Rel(src, p)
			if d.IsDir() {
				return os.MkdirAll(filepath.Join(root, rel), 0o755)
			}
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			return os.WriteFile(filepath.Join(root, rel), b, 0o644)
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	return root
}

// generated writes a small program with cmd/genprogram, with rubric
// scores, reviewed evidence and monitoring (-assess) for the codec to keep.
func generated(t *testing.T) string {
	t.Helper()
	gobin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command")
	}
	out := filepath.Join(t.TempDir(), "gen")
	cmd := exec.Command(gobin, "run", "../../genprogram", "-out", out, "-partners", "12", "-people", "6", "-extra", "45", "-seed", "7", "-assess")
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("genprogram: %v\n%s", err, b)
	}
	return out
}

// age sets every file's time d ago, so that the cache trusts it.
func age(t *testing.T, root string, d time.Duration) {
	mt := time.Now().Add(-d)
	filepath.WalkDir(root, func(p string, e fs.DirEntry, err error) error {
		if err == nil && !e.IsDir() {
			os.Chtimes(p, mt, mt)
		}
		return err
	})
}

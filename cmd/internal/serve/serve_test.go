package serve

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/accredit/accredit/cmd/internal/credid"
	"github.com/accredit/accredit/cmd/internal/date"
	"github.com/accredit/accredit/cmd/internal/diag"
	"github.com/accredit/accredit/cmd/internal/publish"
)

const asOf = "2026-11-22"

func asOfDate(t *testing.T) date.Date {
	t.Helper()
	d, err := date.Parse(asOf)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// example copies the example program into a temp dir.
func example(t *testing.T) string {
	t.Helper()
	root := t.TempDir()
	for _, dir := range []string{"programs", "partners", "content"} {
		if err := os.CopyFS(filepath.Join(root, dir), os.DirFS(filepath.Join("../../..", dir))); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

// edit rewrites a file of root.
func edit(t *testing.T, root, rel string, f func(string) string) {
	t.Helper()
	p := filepath.Join(root, filepath.FromSlash(rel))
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	put(t, root, rel, f(string(b)))
}

func put(t *testing.T, root, rel, data string) {
	t.Helper()
	p := filepath.Join(root, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}

func replace(old, new string) func(string) string {
	return func(s string) string {
		if !strings.Contains(s, old) {
			panic("no " + old)
		}
		return strings.Replace(s, old, new, 1)
	}
}

var firstID = regexp.MustCompile(`(?m)^id = "([0-9A-Z-]+)"`)

// TestUpdate: after every kind of edit, the state an update leaves is the
// one a full load gives: the same diagnostics, and when there is a site,
// the same bytes in every file (compared with what accredit build writes).
func TestUpdate(t *testing.T) {
	root := example(t)
	d := asOfDate(t)
	cur := full(root, d, nil, nil)
	if cur.fatal != nil || cur.errors > 0 {
		t.Fatalf("the example does not build: %v, %d errors", cur.fatal, cur.errors)
	}
	arvind := "partners/aster-nexus/people/arvind-joshi.toml"
	b, _ := os.ReadFile(filepath.Join(root, arvind))
	arvindID := firstID.FindStringSubmatch(string(b))[1]
	newID := credid.New()

	steps := []struct {
		name   string
		paths  []string // what the watcher would report
		do     func()
		errors bool // the program has errors after the step
	}{
		{"rename a public person", []string{"partners/aster-nexus/people/ananya-krishnan.toml"}, func() {
			edit(t, root, "partners/aster-nexus/people/ananya-krishnan.toml", replace(`name = "Ananya Krishnan"`, `name = "Ananya K. Rao"`))
		}, false},
		{"make a person public", []string{arvind}, func() {
			edit(t, root, arvind, replace("public = false", "public = true"))
		}, false},
		{"remove a person", []string{"partners/aster-nexus/people/deepika-reddy.toml"}, func() {
			os.Remove(filepath.Join(root, "partners/aster-nexus/people/deepika-reddy.toml"))
		}, false},
		{"rename and unlist a partner", []string{"partners/baltic-loop/partner.md"}, func() {
			edit(t, root, "partners/baltic-loop/partner.md", replace("+++\nname = ", "+++\nlisted = false\nname = \"Baltic\"\nwebsite_x = 1\n#"))
		}, true},
		{"fix the partner", []string{"partners/baltic-loop/partner.md"}, func() {
			edit(t, root, "partners/baltic-loop/partner.md", replace("website_x = 1\n", ""))
		}, false},
		{"a person renews another person's credential", []string{"partners/cedar-slate/people/x-renewer.toml"}, func() {
			put(t, root, "partners/cedar-slate/people/x-renewer.toml", "name = \"Renewer\"\n\n[[certifications]]\nid = \""+newID+"\"\ntrack = \"technical\"\nlevel = \"foundation\"\nissued = 2025-09-01\nrenews = \""+arvindID+"\"\n")
		}, true},
		{"the renewed person goes", []string{arvind}, func() {
			os.Remove(filepath.Join(root, arvind))
		}, true},
		{"and comes back", []string{arvind}, func() {
			os.WriteFile(filepath.Join(root, arvind), b, 0o644)
		}, true},
		{"the renewer goes", []string{"partners/cedar-slate/people/x-renewer.toml"}, func() {
			os.Remove(filepath.Join(root, "partners/cedar-slate/people/x-renewer.toml"))
		}, false},
		{"a partner folder copied: duplicate credential ids", []string{"partners/aaa-copy", "partners/aaa-copy/partner.md", "partners/aaa-copy/people/arvind-joshi.toml"}, func() {
			os.CopyFS(filepath.Join(root, "partners/aaa-copy"), os.DirFS(filepath.Join(root, "partners/aster-nexus")))
		}, true},
		{"the copy goes", []string{"partners/aaa-copy", "partners/aaa-copy/partner.md"}, func() {
			os.RemoveAll(filepath.Join(root, "partners/aaa-copy"))
		}, false},
		{"a syntax error in a partner", []string{"partners/kestrel-peak/partner.md"}, func() {
			edit(t, root, "partners/kestrel-peak/partner.md", replace("+++\nname = ", "+++\nname = = "))
		}, true},
		{"fixed", []string{"partners/kestrel-peak/partner.md"}, func() {
			edit(t, root, "partners/kestrel-peak/partner.md", replace("+++\nname = = ", "+++\nname = "))
		}, false},
		{"a new partner", []string{"partners/zz-new/partner.md"}, func() {
			put(t, root, "partners/zz-new/partner.md", "+++\nname = \"New Partner\"\n[[locations]]\ncity = \"Oslo\"\ncountry = \"NO\"\n+++\nNew.\n")
		}, false},
		{"a content page", []string{"content/faq.md", "content/new.md"}, func() {
			edit(t, root, "content/faq.md", replace("title = ", "title = \"Questions\"\n#"))
			put(t, root, "content/new.md", "+++\ntitle = \"New page\"\nmenu = true\nweight = 1\n+++\nHello.\n")
		}, false},
		{"a layout", []string{"layouts/404.html"}, func() {
			b, err := os.ReadFile("../../../layouts/404.html")
			if err != nil {
				t.Fatal(err)
			}
			put(t, root, "layouts/404.html", strings.Replace(string(b), "{{define", "{{/* changed */}}{{define", 1))
		}, false},
		{"the program", []string{"programs/program.toml"}, func() {
			edit(t, root, "programs/program.toml", replace(`name = "Northwind Partner Certification Program"`, `name = "Northwind Partners"`))
		}, false},
	}
	for _, step := range steps {
		t.Run(step.name, func(t *testing.T) {
			step.do()
			c := classify(step.paths)
			if c.full || cur.fatal != nil || cur.p == nil {
				cur = full(root, d, nil, nil)
			} else if err := cur.update(root, d, c); err != nil {
				t.Fatal(err)
			}
			want := full(root, d, nil, nil)
			if (want.errors > 0) != step.errors {
				t.Fatalf("%d errors after the step, want errors: %v", want.errors, step.errors)
			}
			same(t, cur, want)
		})
	}
}

// same fails unless two states hold the same diagnostics and site.
func same(t *testing.T, got, want *state) {
	t.Helper()
	if (got.fatal == nil) != (want.fatal == nil) {
		t.Fatalf("fatal: got %v, want %v", got.fatal, want.fatal)
	}
	gd, wd := got.diagnostics(), want.diagnostics()
	if !slices.Equal(gd, wd) {
		t.Errorf("diagnostics differ:\ngot:\n%s\nwant:\n%s", lines(gd), lines(wd))
	}
	if got.errors != want.errors {
		t.Errorf("%d errors, want %d", got.errors, want.errors)
	}
	if want.ix == nil || got.ix == nil {
		if (want.ix == nil) != (got.ix == nil) {
			t.Fatalf("site: got %v, want %v", got.ix != nil, want.ix != nil)
		}
		return
	}
	got.freshLists()
	out := filepath.Join(t.TempDir(), "site")
	if _, err := publish.Write(want.st, want.theme, out, nil); err != nil {
		t.Fatal(err)
	}
	n := 0
	var buf bytes.Buffer
	filepath.WalkDir(out, func(p string, de fs.DirEntry, err error) error {
		if err != nil || de.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(out, p)
		rel = filepath.ToSlash(rel)
		if rel == publish.Marker {
			return nil // marks the build's folder; serve has none
		}
		data, _ := os.ReadFile(p)
		buf.Reset()
		if ok, err := got.ix.File(rel, &buf); !ok || err != nil {
			t.Errorf("%s: not served (%v)", rel, err)
		} else if !bytes.Equal(buf.Bytes(), data) {
			t.Errorf("%s differs from a full build", rel)
		}
		n++
		return nil
	})
	if n < 100 {
		t.Fatalf("only %d files compared", n)
	}
}

func lines(ds []diag.Diagnostic) string {
	var b strings.Builder
	for _, d := range ds {
		b.WriteString(d.String() + "\n")
	}
	return b.String()
}

func TestClassify(t *testing.T) {
	for _, tc := range []struct {
		paths []string
		want  change
	}{
		{[]string{"partners/acme/people/ann.toml"}, change{partners: []string{"acme"}}},
		{[]string{"partners/acme/partner.md", "partners/acme/people/ann.toml", "partners/bee"}, change{partners: []string{"acme", "bee"}}},
		{[]string{"partners"}, change{full: true}},
		{[]string{"programs/tracks/sales.toml"}, change{full: true}},
		{[]string{"content/faq.md", "layouts/_base.html"}, change{content: true, layouts: true}},
		{[]string{"README.md"}, change{}},
	} {
		got := classify(tc.paths)
		if got.full != tc.want.full || got.content != tc.want.content || got.layouts != tc.want.layouts || !slices.Equal(got.partners, tc.want.partners) {
			t.Errorf("classify(%q) = %+v, want %+v", tc.paths, got, tc.want)
		}
	}
	var many []string
	for i := range maxPartners + 1 {
		many = append(many, "partners/p"+string(rune('a'+i%26))+strings.Repeat("x", i/26)+"/partner.md")
	}
	if !classify(many).full {
		t.Errorf("%d partner folders: want a full load", len(many))
	}
}

func TestNeedsLists(t *testing.T) {
	for rel, want := range map[string]bool{
		"":                            true,
		"index.html":                  true,
		"partners/":                   true,
		"partners/index.html":         true,
		"partners/3/index.html":       true,
		"browse/tier/gold/index.html": true,
		"feed.xml":                    true,
		"sitemap.xml":                 true,
		"sitemap-2.xml":               true,
		"partners/acme/index.html":    false,
		"partners/acme/":              false,
		"verify/AAAA-AAAA-AAAA/":      false,
		"api/v1/partners.json":        false,
		"program/sales/":              false,
		"faq/":                        false,
		"assets/site.css":             false,
	} {
		if got := needsLists(rel); got != want {
			t.Errorf("needsLists(%q) = %v, want %v", rel, got, want)
		}
	}
}

package site_test

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/accredit/accredit"
	"github.com/accredit/accredit/cmd/internal/render"
	"github.com/accredit/accredit/cmd/internal/site"
)

// TestScratchNotAliased: a verification page drawn in a reused Scratch
// (as a build's workers do) gives a theme values it may keep. The theme
// here passes every field of the page to partialCached, which keeps its
// keys for the whole build; over many pages, its output is the same as
// with a new Scratch for every page. (QR codes were views of the
// Scratch: a key that changed under partialCached's map showed another
// credential's code.)
func TestScratchNotAliased(t *testing.T) {
	st := testSite(t)
	var main strings.Builder
	main.WriteString(`{{define "main"}}`)
	for _, f := range reflect.VisibleFields(reflect.TypeFor[site.Credential]()) {
		if f.IsExported() && !f.Anonymous {
			main.WriteString(`{{partialCached "f" .` + f.Name + `}}`)
		}
	}
	main.WriteString(`{{end}}`)
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "_base.html"), []byte(`<!doctype html>{{template "main" .}}{{define "f"}}[{{.}}]{{end}}`), 0o644)
	os.WriteFile(filepath.Join(dir, "verify.html"), []byte(main.String()), 0o644)
	reused, err := render.Load(accredit.Layouts(), dir)
	if err != nil {
		t.Fatal(err)
	}
	fresh, err := render.Load(accredit.Layouts(), dir)
	if err != nil {
		t.Fatal(err)
	}
	sc := new(site.Scratch)
	var a, b bytes.Buffer
	for round := range 3 {
		for _, c := range st.P.Credentials {
			cp, err := st.CredentialIn(c, sc)
			if err != nil {
				t.Fatal(err)
			}
			a.Reset()
			if err := reused.Page(&a, "verify", cp); err != nil {
				t.Fatal(err)
			}
			cp, err = st.Credential(c)
			if err != nil {
				t.Fatal(err)
			}
			b.Reset()
			if err := fresh.Page(&b, "verify", cp); err != nil {
				t.Fatal(err)
			}
			if a.String() != b.String() {
				t.Fatalf("round %d, %s: with a reused Scratch:\n%s\nwith a new one:\n%s", round, c.ID, a.String(), b.String())
			}
			if !strings.Contains(a.String(), "<svg") {
				t.Fatalf("%s: no QR code on the page:\n%s", c.ID, a.String())
			}
		}
	}
	if len(st.P.Credentials) < 3 {
		t.Fatalf("only %d credentials: too few to see aliasing", len(st.P.Credentials))
	}
}

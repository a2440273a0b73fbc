package publish_test

import (
	"bytes"
	"testing"

	"github.com/accredit/accredit/cmd/internal/render"
)

// TestFastRender: every page of the example program, of the rules' base
// program and of the privacy program (hostile Markdown, odd names)
// renders on the fast executor exactly as on html/template, and none
// falls back to html/template with the default theme.
func TestFastRender(t *testing.T) {
	for _, tc := range []struct{ name, root, asOf string }{
		{"base", program(t, ""), "2025-06-01"},
		{"privacy", program(t, "testdata/privacy/overlay.txtar"), "2025-06-01"},
		{"example", "../../..", "2026-11-22"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st, theme := siteOf(t, tc.root, tc.asOf)
			for _, k := range render.Kinds {
				if ok, _ := theme.Fast(k); !ok {
					t.Errorf("%s.html does not compile for the fast executor", k)
				}
			}
			var fast, slow bytes.Buffer
			n := 0
			compare := func(kind string, data any, path string) {
				t.Helper()
				fast.Reset()
				slow.Reset()
				errF := theme.Page(&fast, kind, data)
				errS := theme.Slow(&slow, kind, data)
				if errF != nil || errS != nil {
					t.Fatalf("%s: %v / %v", path, errF, errS)
				}
				if !bytes.Equal(fast.Bytes(), slow.Bytes()) {
					t.Errorf("%s: fast executor differs from html/template:\n%s", path, firstDiff(fast.Bytes(), slow.Bytes()))
				}
				n++
			}
			compare("home", st.Home, st.Home.Path)
			for _, l := range st.Lists {
				compare("list", l, l.Path)
			}
			for _, p := range st.Partners {
				compare("partner", p, p.Path)
			}
			compare("program", st.Program, st.Program.Path)
			for _, tr := range st.Tracks {
				compare("track", tr, tr.Path)
			}
			for _, pg := range st.Pages {
				compare("page", pg, pg.Path)
			}
			compare("lookup", st.Lookup, st.Lookup.Path)
			compare("404", st.NotFound, st.NotFound.Path)
			for _, c := range st.P.Credentials {
				cp, err := st.Credential(c)
				if err != nil {
					t.Fatal(err)
				}
				compare("verify", cp, c.ID)
			}
			t.Logf("%d pages", n)
			if _, fb := theme.Fast("home"); fb != 0 {
				t.Errorf("%d of %d pages fell back to html/template", fb, n)
			}
		})
	}
}

// firstDiff shows where a and b part.
func firstDiff(a, b []byte) string {
	i := 0
	for i < len(a) && i < len(b) && a[i] == b[i] {
		i++
	}
	from := max(0, i-80)
	return "fast: ..." + string(a[from:min(len(a), i+80)]) + "\nslow: ..." + string(b[from:min(len(b), i+80)])
}

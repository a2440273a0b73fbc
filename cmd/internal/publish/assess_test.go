package publish_test

import (
	"bytes"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/accredit/accredit/cmd/internal/load"
)

// The example program's rubric scores, evidence artifacts and customer
// references never reach its site, while its rubrics do (issue 20: the
// rubrics are transparent, the results private). Built from the example
// itself, so that every value it holds is looked for.
func TestExampleAssessPrivate(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the whole example")
	}
	root := "../../.."
	p, _, err := load.Load(root)
	if err != nil {
		t.Fatal(err)
	}
	var never []string
	scores := 0
	for _, pa := range p.Partners {
		for _, pe := range pa.People {
			for _, r := range pe.Assessments {
				for k, v := range r.Scores {
					// as TOML, as JSON, and as a table row would write it
					never = append(never, fmt.Sprintf("%s = %d", k, v), fmt.Sprintf("%q:%d", k, v), fmt.Sprintf("%q: %d", k, v))
					scores++
				}
			}
			for _, e := range pe.Evidence {
				if e.Artifact != "" {
					never = append(never, e.Artifact)
				}
				if e.Reference != "" {
					never = append(never, e.Reference)
				}
			}
		}
	}
	if scores < 100 || len(never) < 3*scores+100 {
		t.Fatalf("the example holds %d scores and %d private values: too few to test", scores, len(never)-3*scores)
	}
	out := filepath.Join(t.TempDir(), "site")
	build(t, root, out, "2026-11-22")
	site := files(t, out)
	for name, data := range site {
		for _, s := range append(never, "portal.northwind.example") {
			if bytes.Contains(data, []byte(s)) {
				t.Errorf("%s contains the private %q", name, s)
			}
		}
	}
	// The rubrics are published on the track pages.
	sales := string(site["program/sales/index.html"])
	if sales == "" {
		for name := range site {
			if strings.Contains(name, "sales") && strings.HasSuffix(name, "index.html") && strings.Contains(string(site[name]), "Certified Sales Professional") {
				sales = string(site[name])
			}
		}
	}
	for _, s := range []string{"Mock pitch review: pass with 28 of 40 points", "Objection handling", "reviewed, with a customer reference"} {
		if !strings.Contains(sales, s) {
			t.Errorf("the sales track page does not show %q", s)
		}
	}
}

// Command genprogram writes a synthetic certification program of N
// partners with M people each, deterministic for a seed, for benchmarks of
// check, build, search and history at scale.
//
// The program's definitions (levels, tracks, exams, tiers) are the
// example program's; partners and people are generated so that every
// credential meets its certification's requirements on its issue date, so
// that "accredit check" passes at the as-of date.
//
//	go run ./cmd/genprogram -partners 10000 -people 10 -seed 1 -out /tmp/big
//
// With -extra 45 about 45% of people also hold a second track's foundation
// credential: about two credentials a person, 200,000 at 10,000 x 10, the
// size the build's figures are given at.
//
// With -assess the program keeps the example's assessment keys (issue
// 20): rubrics, evidence review, webcam monitoring, exam histories; every
// Professional and Expert certification asks for a rubric assessment and
// reviewed evidence, and every record carries what they need (scores,
// reviewer, approval, artifact, reference, monitoring). Without it those
// keys are taken out of the definitions, and the program is written as
// before they existed, draw for draw.
package main

import (
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/accredit/accredit"
	"github.com/accredit/accredit/cmd/internal/date"
	"github.com/accredit/accredit/cmd/internal/load"
)

func main() {
	var (
		partners = flag.Int("partners", 100, "number of partners")
		people   = flag.Int("people", 10, "people per partner")
		seed     = flag.Int64("seed", 1, "random seed: the same seed writes the same files")
		extra    = flag.Int("extra", 0, "`percent` of people who also hold a second track's foundation credential (45: about two credentials a person)")
		out      = flag.String("out", "", "output `DIR` (must not exist, or be empty)")
		asOf     = flag.String("as-of", "2026-11-22", "the date the program must check clean at")
		assess   = flag.Bool("assess", false, "keep rubrics, reviewed evidence and monitoring, and give Professional and Expert credentials rubric results and reviewed evidence")
	)
	flag.Usage = func() {
		fmt.Fprintf(os.Stderr, "usage: genprogram -out DIR [-partners N] [-people M] [-seed S] [-as-of DATE]\n")
		flag.PrintDefaults()
	}
	flag.Parse()
	if *out == "" || flag.NArg() > 0 {
		flag.Usage()
		os.Exit(2)
	}
	d, err := date.Parse(*asOf)
	if err != nil {
		fmt.Fprintf(os.Stderr, "genprogram: -as-of: %v\n", err)
		os.Exit(2)
	}
	start := time.Now()
	if err := generate(*out, *partners, *people, *seed, *extra, *assess, d); err != nil {
		fmt.Fprintf(os.Stderr, "genprogram: %v\n", err)
		os.Exit(1)
	}
	fmt.Fprintf(os.Stderr, "genprogram: %d partners x %d people in %s (%s)\n", *partners, *people, *out, time.Since(start).Round(time.Millisecond))
}

func generate(out string, partners, people int, seed int64, extra int, assess bool, asOf date.Date) error {
	if entries, err := os.ReadDir(out); err == nil && len(entries) > 0 {
		return fmt.Errorf("%s is not empty", out)
	}
	// The example's definitions, without its question banks' size mattering.
	err := fs.WalkDir(accredit.Example, "programs", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := fs.ReadFile(accredit.Example, p)
		if err != nil {
			return err
		}
		if assess {
			data = requireAssess(p, data)
		} else {
			data = withoutAssess(p, data)
		}
		dst := filepath.Join(out, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			return err
		}
		return os.WriteFile(dst, data, 0o644)
	})
	if err != nil {
		return err
	}
	prog, ds, err := load.Load(out)
	if err != nil {
		return err
	}
	for _, d := range ds {
		if d.Severity == 0 {
			return fmt.Errorf("the embedded program does not load: %s", d)
		}
	}
	g := newGen(prog, seed, asOf)
	g.extra, g.assess = extra, assess
	for i := range partners {
		files := g.partner(i, people)
		for _, f := range files {
			dst := filepath.Join(out, filepath.FromSlash(f.path))
			if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
				return err
			}
			if err := os.WriteFile(dst, []byte(f.data), 0o644); err != nil {
				return err
			}
		}
	}
	return nil
}

type file struct {
	path, data string
}

func q(s string) string { return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s) + `"` }

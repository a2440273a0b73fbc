package main

import (
	"path"
	"regexp"
	"strings"
)

// The example program's definitions carry issue 20's keys. Without
// -assess they are taken out, so that a generated program checks as a
// program written before them did (and an older accredit reads it); with
// it, every Professional and Expert certification is made to ask for a
// rubric assessment and reviewed evidence, the load the figures measure.

var (
	// The keys of issue 20 on lines of their own, by file: programs/
	// program.toml's, an exam's (its reviewed date is older: kept), a
	// track's and its courses'.
	programKeys = regexp.MustCompile(`(?m)^[ \t]*(monitoring|pass|requires_review|requires_reference) = .*\n`)
	examKeys    = regexp.MustCompile(`(?m)^[ \t]*status = .*\n`)
	trackKeys   = regexp.MustCompile(`(?m)^[ \t]*reviewed = .*\n`)
	// assessTable is a table of issue 20 with its keys.
	assessTable = regexp.MustCompile(`(?m)^[ \t]*\[\[(assessments\.criteria|reviewers|history)\]\]\n(?:[ \t]*[a-z_]+ = .*\n)*`)
)

// withoutAssess removes issue 20's keys and tables from definition file p.
func withoutAssess(p string, data []byte) []byte {
	s := assessTable.ReplaceAllString(string(data), "")
	switch {
	case p == "programs/program.toml":
		s = programKeys.ReplaceAllString(s, "")
	case strings.HasPrefix(p, "programs/exams/"):
		s = examKeys.ReplaceAllString(s, "")
	case strings.HasPrefix(p, "programs/tracks/"):
		s = trackKeys.ReplaceAllString(s, "")
	}
	return []byte(s)
}

// requireAssess adds to the tracks' Professional and Expert
// certifications the rubric assessment or reviewed evidence they lack.
func requireAssess(p string, data []byte) []byte {
	switch path.Base(p) {
	case "sales.toml":
		s := strings.Replace(string(data), "assessments = [\"mock-pitch-review\"]\n", "assessments = [\"mock-pitch-review\"]\nevidence = { closed-deal = 1 }\n", 1)
		s = strings.Replace(s, "evidence = { closed-deal = 5, case-study = 1 }\n", "assessments = [\"mock-pitch-review\"]\nevidence = { closed-deal = 5, case-study = 1 }\n", 1)
		return []byte(s)
	case "technical.toml":
		return []byte(strings.Replace(string(data), "assessments = [\"hands-on-lab\", \"architecture-review\"]\n", "assessments = [\"hands-on-lab\", \"architecture-review\"]\nevidence = { implementation = 1 }\n", 1))
	}
	return data
}

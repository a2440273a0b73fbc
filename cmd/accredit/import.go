package main

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/accredit/accredit/cmd/internal/base"
	"github.com/accredit/accredit/cmd/internal/date"
	"github.com/accredit/accredit/cmd/internal/diag"
	"github.com/accredit/accredit/cmd/internal/importcsv"
)

var cmdImport = &base.Command{
	UsageLine: "import FILE.csv [--map FIELD=COLUMN,...] [--delimiter C] [--create-people] [--root DIR] [--dry-run]",
	Short:     "import results, course completions and evidence from a CSV export",
	Long: `Import brings results exported by an LMS, a proctoring provider or a
review tool into people's files: each row becomes an [[exams]],
[[training]], [[assessments]] or [[evidence]] block appended to the
person's file, in date order, with every other byte of the file kept as
it was.

The CSV has a header row. Its columns are found by name (case and
surrounding blanks ignored; other columns are ignored):

  email       the person's e-mail, as in their file (matched without case)
  partner     the partner id      } instead of, or as well as, email:
  person      the person id       } partners/<partner>/people/<person>.toml
  name        the person's name, for --create-people
  type        exam, course, assessment or evidence (optional: by default
              a row is of the kind whose id cell below is filled)
  exam        the exam id
  course      the course id
  assessment  the assessment kind id
  evidence    the evidence kind id
  id          with a type column: the id, in one column for every kind
  date        YYYY-MM-DD (the date part of a date-time is taken as written)
  score       exams: a whole percentage, 0 to 100 ("82" or "82%")
  proctoring  exams, optional: self, live or in-person
  passed      assessments: yes or no (also true/false, pass/fail, 1/0)
  reviewer    assessments, optional: who reviewed it
  title       evidence, optional (private: never published)

--map renames columns: --map email=Login,score=Result,date="Completed on".
The separator is whichever of comma, semicolon and tab the header row
holds most of, unless --delimiter names it.
With a type column, the id columns may be one column
(--map exam=Item,course=Item).

Import is idempotent: a result already recorded (the same exam on the same
day with the same score; the same course completed on the same day; the
same assessment on the same day with the same outcome; evidence of the
same kind, day and title) is not added again, so a second run of the same
file changes nothing. The same exam or assessment on the same day with
another score or outcome is a conflict.

--create-people: a row naming its person by partner and person id whose
file does not exist creates partners/<partner>/people/<person>.toml with
the row's name (required) and e-mail, private (public = false) until the
person consents. Without it, such a row is a problem.

Every problem is reported as FILE.csv:LINE: message: an unknown person
(no file, no one with that e-mail, or several), partner, exam, course or
kind, a bad date, score, mode or outcome, a date after today, a conflict.
If there is any, nothing is written (exit 1). Otherwise every file is
written all or nothing. --dry-run prints the same report and writes
nothing.

Import records facts; it does not judge them. Run "accredit check"
afterwards: a retake too soon is still an attempt, and check reports it.

Exit status: 0 imported (or nothing new), 1 problems (nothing written),
2 usage or I/O error (an unreadable file, a missing column).`,
	Flag: base.NewFlagSet("import"),
}

var (
	importRoot      = rootFlag(cmdImport.Flag)
	importMap       = &mappingFlag{m: importcsv.DefaultMapping()}
	importDelimiter = cmdImport.Flag.String("delimiter", "", "the field separator `C` (default: whichever of , ; and tab the header row holds most of)")
	importDryRun    = cmdImport.Flag.Bool("dry-run", false, "print what would be imported and write nothing")
	importCreate    = cmdImport.Flag.Bool("create-people", false, "create the file of a person a row names by partner and person id, from its name and email")
)

func init() {
	cmdImport.Flag.Var(importMap, "map", "read FIELD from the column headed COLUMN (`FIELD=COLUMN,...`; repeatable)")
	cmdImport.Run = runImport
	register(cmdImport)
}

func runImport(env *base.Env, args []string) int {
	name, code, ok := firstArgument(env, cmdImport, args, "which file? give the CSV export")
	if !ok {
		return code
	}
	comma, err := delimiter(*importDelimiter)
	if err != nil {
		env.Errorf(cmdImport, "--delimiter: %v", err)
		return base.ExitUsage
	}
	f, err := importcsv.Open(name)
	if err != nil {
		env.Errorf(cmdImport, "%v", err)
		return base.ExitUsage
	}
	rows, probs, err := importcsv.Parse(f, importMap.m, comma)
	f.Close()
	if err != nil {
		env.Errorf(cmdImport, "%s: %v", name, err)
		var ce *importcsv.ColumnError
		if errors.As(err, &ce) {
			columnHelp(env, name, ce)
		}
		return base.ExitUsage
	}
	// A large import holds about 80 MB live (the e-mail index, the
	// files' old and new bytes); the collector need not run a dozen
	// times over it.
	tuneGCPercent(400)
	// Locked from before the files are read until they are written: the
	// plan is made from what they hold.
	if !*importDryRun {
		release, ok := writeLock(env, cmdImport, *importRoot)
		if !ok {
			return base.ExitUsage
		}
		defer release()
	}
	if !programFound(env, cmdImport) {
		return base.ExitUsage
	}
	plan, err := importcsv.PlanImport(*importRoot, rows, date.Today(), importcsv.Options{IndexCache: cacheFile(env, *importRoot, ".people"), CreatePeople: *importCreate})
	if err != nil {
		env.Errorf(cmdImport, "%v", explainRoot(err))
		return base.ExitUsage
	}
	probs = append(probs, plan.Problems...)
	if len(probs) > 0 {
		for _, p := range sortedProblems(probs) {
			printLine(env.Stderr, "%s:%d: %s", name, p.Line, p.Msg)
		}
		printLine(env.Stderr, "%d %s in %s: nothing was written", len(probs), plural(len(probs), "problem"), name)
		return base.ExitProblems
	}
	var b strings.Builder
	created := 0
	for _, fp := range plan.Files {
		if fp.New {
			created++
			printLine(&b, "%s: new person (--create-people)", fp.File)
		}
		for _, r := range fp.Added {
			printLine(&b, "%s: + %s (%s:%d)", fp.File, r, name, r.Line)
		}
	}
	fmt.Fprint(env.Stdout, b.String())
	n := plan.Records()
	summary := fmt.Sprintf("%d %s into %d %s", n, plural(n, "record"), len(plan.Files), plural(len(plan.Files), "file"))
	if created > 0 {
		summary += fmt.Sprintf(", %d of them new", created)
	}
	if k := len(plan.Present); k > 0 {
		summary += fmt.Sprintf("; %d %s already recorded", k, plural(k, "row"))
	}
	if *importDryRun {
		fmt.Fprintf(env.Stderr, "would import %s; nothing was written (--dry-run)\n", summary)
		return base.ExitOK
	}
	if err := plan.Write(); err != nil {
		env.Errorf(cmdImport, "%v", err)
		return base.ExitUsage
	}
	fmt.Fprintf(env.Stderr, "imported %s\n", summary)
	return base.ExitOK
}

// columnHelp follows a missing-column error with the header the file
// has and the --map that would read it: an LMS export names its columns
// its own way ("Login", "Completed on"), and the fix is one flag. Of the
// groups of fields that would do, the one whose columns the header most
// nearly has is shown; a field with no near column gets a placeholder.
func columnHelp(env *base.Env, name string, ce *importcsv.ColumnError) {
	var cols []string
	for _, h := range ce.Header {
		if h != "" {
			cols = append(cols, strconv.Quote(h))
		}
	}
	printLine(env.Stderr, "the header row of %s has %d %s: %s", name, len(cols), plural(len(cols), "column"), strings.Join(cols, ", "))
	var best []string
	bestFound := -1
	for _, group := range ce.Need {
		var maps []string
		found := 0
		for _, field := range group {
			if slices.Contains(ce.Found, field) {
				found++
				continue
			}
			col := diag.Suggest(field, ce.Header)
			if col == "" {
				col = strings.ToUpper(field) + "-COLUMN"
			} else {
				found++
				if strings.ContainsAny(col, " ,=\"") {
					col = strconv.Quote(col)
				}
			}
			maps = append(maps, field+"="+col)
		}
		// Only a group wholly found beats the first: half a pair of
		// columns is no better a guess than the first way.
		if bestFound < 0 || found == len(group) && found > bestFound {
			best, bestFound = maps, found
		}
	}
	printLine(env.Stderr, "name the column of each field with --map, e.g. --map %s", strings.Join(best, ","))
}

func sortedProblems(ps []importcsv.Problem) []importcsv.Problem {
	out := slices.Clone(ps)
	slices.SortStableFunc(out, func(a, b importcsv.Problem) int { return a.Line - b.Line })
	return out
}

func plural(n int, word string) string {
	if n == 1 {
		return word
	}
	return word + "s"
}

// delimiter reads the --delimiter flag: one character, or \t for a tab;
// "" (0) lets the parser take the header row's.
func delimiter(s string) (rune, error) {
	if s == "" {
		return 0, nil
	}
	if s == `\t` || s == "tab" {
		return '\t', nil
	}
	r, n := utf8.DecodeRuneInString(s)
	if n == 0 || n != len(s) || r == '"' || r == '\r' || r == '\n' || r == utf8.RuneError {
		return 0, fmt.Errorf("%q: want one character", s)
	}
	return r, nil
}

// mappingFlag is --map FIELD=COLUMN,...; it may be repeated.
type mappingFlag struct{ m importcsv.Mapping }

func (f *mappingFlag) String() string { return "" }

func (f *mappingFlag) Set(s string) error {
	err := f.m.Set(s)
	if m := unknownField.FindStringSubmatch(fmt.Sprint(err)); m != nil {
		if hint := diag.Suggest(m[1], importcsv.Fields); hint != "" {
			return fmt.Errorf("unknown field %q; did you mean %q? The fields are %s", m[1], hint, strings.Join(importcsv.Fields, ", "))
		}
	}
	return err
}

// unknownField is importcsv's error for a --map FIELD it does not know.
var unknownField = regexp.MustCompile(`^unknown field "([^"]*)"`)

package main

import (
	"math/rand/v2"
	"sort"

	"github.com/accredit/accredit/cmd/internal/base"
	"github.com/accredit/accredit/cmd/internal/check"
	"github.com/accredit/accredit/cmd/internal/date"
	"github.com/accredit/accredit/cmd/internal/diag"
	"github.com/accredit/accredit/cmd/internal/exam"
	"github.com/accredit/accredit/cmd/internal/load"
	"github.com/accredit/accredit/cmd/internal/standing"
)

var cmdExam = &base.Command{
	UsageLine: "exam draw EXAM [--forms N] [--seed S] [--format qti|json] --out DIR [--root DIR]",
	Short:     "draw exam forms from a question bank for the LMS or exam platform",
	Long: `Exam draw draws N forms (default 1) of the exam EXAM from its question
bank, programs/exams/EXAM.bank.toml, and writes them into DIR for the LMS
or exam platform that delivers the exam.

Every form asks the exam's number of questions, and each blueprint topic
its share of them: weight x questions / 100 rounded down, one more for the
topics with the largest remainders until the counts add up (so within one
question of the exact share). No form asks a question twice; retired
questions are never drawn; and each active question of a topic appears on
as many forms as any other of that topic, or one more or one fewer. Within
a topic a form's questions come in random order; choices keep the bank's.

The same bank and --seed always draw the same forms (a PCG generator
seeded with S). Without --seed a random seed is chosen and printed, with
the command that draws the same forms again; forms.json (--format json)
records it too.

Formats:
  qti   (default) an IMS QTI 2.1 content package, for Canvas, Moodle
        (QTI 2 import), Blackboard Learn and any QTI 2.1 platform:
        imsmanifest.xml, form-N.xml (an assessmentTest per form, with the
        exam's duration as its time limit and SCORE as the sum of its
        items') and item-ID.xml (an assessmentItem per question used: a
        single-answer choiceInteraction, the bank's answer as its
        correctResponse, scored with the match_correct template). Zip the
        folder's files to import them.
  json  forms.json: every form with its questions, choices and answers.

Forms are PRIVATE: they hold the answers. DIR must be new or an empty
folder; it is refused when it is the program's root, inside its
programs/, partners/, content/, layouts/, .git/ or build/ folder, or
inside any site accredit built. The files are written into a new folder
beside DIR (.DIR.draw-*) and renamed to DIR once complete, readable by
their owner only, then read back and checked as an importer would.

The exam's files must be free of errors (accredit check): a bank with a
bad answer or a repeated id is not drawn from. A topic with fewer active
questions than a form asks is an error.

Exit status: 0 written, 1 the exam's files have errors or its bank cannot
fill a form, 2 usage or I/O error.`,
	Flag: base.NewFlagSet("exam"),
}

var (
	examRoot   = rootFlag(cmdExam.Flag)
	examForms  = cmdExam.Flag.Int("forms", 1, "draw `N` forms")
	examSeed   = cmdExam.Flag.Uint64("seed", 0, "draw with seed `S` (default: a random seed, printed)")
	examFormat = &choiceFlag{value: "qti", choices: exam.Formats}
	examOut    = cmdExam.Flag.String("out", "", "write the forms into `DIR`, a new or empty folder (required)")
)

func init() {
	cmdExam.Flag.Var(examFormat, "format", "output `FORMAT`: qti or json")
	cmdExam.Run = runExam
	register(cmdExam)
}

func runExam(env *base.Env, args []string) int {
	usage := func(format string, a ...any) int {
		env.Errorf(cmdExam, format, a...)
		cmdExam.ShortUsage(env.Stderr)
		return base.ExitUsage
	}
	switch {
	case len(args) == 0:
		return usage("missing subcommand: accredit exam draw EXAM")
	case args[0] != "draw":
		return usage("unknown subcommand %q%s", args[0], diag.DidYouMean(args[0], []string{"draw"}))
	case len(args) == 1:
		return usage("missing the exam to draw from")
	case len(args) > 2:
		return usage("unexpected argument %q", args[2])
	case *examOut == "":
		return usage("missing --out DIR: forms are private, so they are printed nowhere")
	case *examForms < 1 || *examForms > exam.MaxForms:
		return usage("--forms must be between 1 and %d, not %d", exam.MaxForms, *examForms)
	}
	id := args[1]
	// Before anything is read: refusing a wrong --out must not wait for
	// the program to load.
	dir, err := exam.Guard(*examRoot, *examOut)
	if err != nil {
		env.Errorf(cmdExam, "%v", err)
		return base.ExitUsage
	}
	// The definitions only: an exam and its bank need no partner.
	p, ds, err := load.LoadWith(*examRoot, load.Options{Only: func(string, string) bool { return false }})
	if err != nil {
		env.Errorf(cmdExam, "%v", explainRoot(err))
		return base.ExitUsage
	}
	e := p.Exam(id)
	if e == nil {
		var ids []string
		for _, x := range p.Exams {
			ids = append(ids, x.ID)
		}
		sort.Strings(ids)
		env.Errorf(cmdExam, "no exam %q in programs/exams/%s", id, diag.DidYouMean(id, ids))
		return base.ExitUsage
	}
	// The exam's own files must check clean: the loader's diagnostics and
	// the program rules (bank-invalid, duplicate-id) at them.
	mine := map[string]bool{"programs/exams/" + id + ".toml": true, "programs/exams/" + id + ".bank.toml": true}
	var bad []diag.Diagnostic
	for _, d := range append(ds, check.Run(p, standing.Compute(p), date.Today())...) {
		if d.Severity == diag.Error && mine[d.File] {
			bad = append(bad, d)
		}
	}
	if len(bad) > 0 {
		var l diag.List
		l.Append(bad)
		diag.Write(env.Stderr, "text", l.Sorted())
		env.Errorf(cmdExam, "exam %q has errors (run accredit check): no forms are drawn", id)
		return base.ExitProblems
	}
	if e.Bank == nil {
		env.Errorf(cmdExam, "exam %q has no question bank: programs/exams/%s.bank.toml does not exist", id, id)
		return base.ExitProblems
	}
	seed := *examSeed
	if !base.FlagSet(cmdExam.Flag, "seed") {
		seed = rand.Uint64()
	}
	d, err := exam.Draw(e, e.Bank, *examForms, seed)
	if err != nil {
		env.Errorf(cmdExam, "%v", err)
		return base.ExitProblems
	}
	files, err := d.Files(examFormat.value)
	if err == nil {
		err = exam.WriteDir(dir, files)
	}
	if err == nil {
		err = d.Reread(dir, examFormat.value, files)
	}
	if err != nil {
		env.Errorf(cmdExam, "%v", err)
		return base.ExitUsage
	}
	printLine(env.Stderr, "drew %d %s of exam %s with seed %d: wrote %d %s to %s", len(d.Forms), plural(len(d.Forms), "form"), id, seed, len(files), plural(len(files), "file"), dir)
	if !base.FlagSet(cmdExam.Flag, "seed") {
		printLine(env.Stderr, "the same forms again: accredit exam draw %s --forms %d --seed %d --format %s --out DIR", id, len(d.Forms), seed, examFormat.value)
	}
	return base.ExitOK
}

package main

import (
	"errors"
	"fmt"
	"io/fs"
	"sync"

	"github.com/go-git/go-git/v5/plumbing"

	"github.com/accredit/accredit/cmd/internal/base"
	"github.com/accredit/accredit/cmd/internal/check"
	"github.com/accredit/accredit/cmd/internal/date"
	"github.com/accredit/accredit/cmd/internal/diag"
	"github.com/accredit/accredit/cmd/internal/history"
	"github.com/accredit/accredit/cmd/internal/load"
	"github.com/accredit/accredit/cmd/internal/plan"
	"github.com/accredit/accredit/cmd/internal/standing"
)

var cmdPlan = &base.Command{
	UsageLine: "plan --base REV [--head REV] [--root DIR] [--as-of DATE] [--format text|markdown|json]",
	Short:     "say what a change does: grants, renewals, revocations, tiers",
	Long: `Plan reads two revisions of the program repository from git, without a
checkout, and says what the change from one to the other does at the
as-of date D:

  granted    credentials new at head (renewed: new ones that renew another)
  revoked    credentials that gained a revoked date, or a new one
  removed    credentials whose id is gone from head
  tiers      every partner whose tier at D changes (from -> to; "none")
  new        diagnostics at head that the base does not have (compared
             by file, rule and message, so that moved lines are not new)

As in a pull request, the change is measured from the merge base of
--base and --head (default HEAD) to --head. --root is any folder inside
the repository that holds the program (default: the current directory).

Formats:
  text      one line per change and a summary
  markdown  for a pull request comment or $GITHUB_STEP_SUMMARY, under
            1 MiB: rows that do not fit are left out, with a note
  json      {"granted": [{"id", "holder", "partner", "track", "level"}],
             "renewed": [...], "revoked": [...], "removed": [...],
             "tiers": [{"partner", "from", "to"}], "diagnostics": [...]}

Files decoded for the head are reused for the base when unchanged: the
decode cache of check, which serves both, finds a file of a revision by
its git blob id, without reading it.

Exit status: 0 head has no errors, 1 head has errors, 2 usage error, a
revision that does not resolve, or a root outside git.`,
	Flag: base.NewFlagSet("plan"),
}

var (
	planProgram = addProgramFlags(cmdPlan.Flag)
	planBase    = cmdPlan.Flag.String("base", "", "the `REV` the change starts from (a branch, tag or commit)")
	planHead    = cmdPlan.Flag.String("head", "HEAD", "the `REV` of the change")
	planFormat  = &choiceFlag{value: "text", choices: []string{"text", "markdown", "json"}}
)

func init() {
	cmdPlan.Flag.Var(planFormat, "format", "output `FORMAT`: text, markdown or json")
	cmdPlan.Run = runPlan
	register(cmdPlan)
}

func runPlan(env *base.Env, args []string) int {
	if len(args) > 0 {
		env.Errorf(cmdPlan, "unexpected argument %q", args[0])
		cmdPlan.ShortUsage(env.Stderr)
		return base.ExitUsage
	}
	if *planBase == "" {
		env.Errorf(cmdPlan, "--base is required")
		cmdPlan.ShortUsage(env.Stderr)
		return base.ExitUsage
	}
	// As check: its heap is two programs. Measured at 10,000 partners
	// x 10 people, warm: 5.2-5.8 s of CPU instead of 5.4-6.3 s, about
	// 680 MB at peak instead of 630 MB; cold: the same CPU, 1.7 GB at
	// peak instead of 1.2 GB, within the 3 GiB soft limit.
	tuneGCPercent(300)
	p, err := makePlan(env, planProgram.root, *planBase, *planHead, planProgram.date())
	if err != nil {
		env.Errorf(cmdPlan, "%v", err)
		return base.ExitUsage
	}
	switch planFormat.value {
	case "json":
		err = p.WriteJSON(env.Stdout)
	case "markdown":
		err = p.WriteMarkdown(env.Stdout)
	default:
		err = p.WriteText(env.Stdout)
	}
	if err != nil {
		env.Errorf(cmdPlan, "%v", err)
		return base.ExitUsage
	}
	if p.HeadErrors > 0 {
		return base.ExitProblems
	}
	return base.ExitOK
}

// makePlan loads the merge base of baseRev and headRev, and headRev, from
// git, checks both and compares them.
func makePlan(env *base.Env, root, baseRev, headRev string, asOf date.Date) (*plan.Plan, error) {
	r, err := history.Open(root)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	headH, err := r.Resolve(headRev)
	if err != nil {
		return nil, fmt.Errorf("--head: %w", err)
	}
	baseH, err := r.Resolve(baseRev)
	if err != nil {
		return nil, fmt.Errorf("--base: %w", err)
	}
	from, err := r.MergeBase(baseH, headH)
	if err != nil {
		return nil, err
	}
	// The head first, with check's cache; then the base, which reuses
	// whatever the head decoded for every file the change leaves alone.
	cache := openCache(env, root)
	if cache == nil {
		cache = load.NewCache([]byte("plan"))
	}
	head, err := loadSide(r, headH, cache)
	if err != nil {
		return nil, err
	}
	cache.Save() // best effort, as check: the head is what is checked next
	cache.Reuse()
	// The head is checked, and the change's commits audited, while the
	// base loads: a load spends much of its time on one core (listing,
	// assembling, linking), and so does check between its rules. The
	// audit needs the head's records only, which nothing changes now.
	var wg sync.WaitGroup
	wg.Go(func() { head.check(asOf) })
	var (
		files            []history.FileChange
		res              *history.AuditResult
		filesErr, audErr error
	)
	wg.Go(func() {
		if files, filesErr = r.Changed(from, headH); filesErr != nil {
			return
		}
		// With the rosters of the chain of trust: what the base holds
		// was audited when it was merged.
		res, audErr = r.Audit(history.AuditOptions{Head: headH.String(), Since: from.String(), P: head.P, Judge: true})
	})
	old, err := loadSide(r, from, cache)
	if err == nil {
		old.check(asOf)
	}
	wg.Wait()
	if err != nil {
		return nil, err
	}
	if filesErr != nil {
		return nil, filesErr
	}
	p := plan.Compute(old.Side, head.Side, asOf)
	p.Base, p.Head = from.String()[:7], headH.String()[:7]
	for _, f := range files {
		if f.File != "programs/program.toml" {
			p.Files = append(p.Files, plan.FileChange{File: f.File, Change: f.Change})
		}
	}
	if errors.Is(audErr, history.ErrIncomplete) {
		p.AddAudit([]diag.Diagnostic{history.Incomplete(audErr)})
	} else if audErr != nil {
		return nil, audErr
	} else {
		p.AddAudit(res.Diags)
	}
	return p, nil
}

// treeFS is what loadSide loads a revision through: the tree itself, whose
// files say their blob ids, so that the decode cache serves every file
// it has seen without reading it. A test hides the ids, to compare with
// the path that reads and hashes every file.
var treeFS = func(t *history.FS) fs.FS { return t }

// loaded is one side of a plan, loaded.
type loaded struct {
	plan.Side
	ds []diag.Diagnostic // the load's
}

// loadSide loads the program at commit h from git.
func loadSide(r *history.Repo, h plumbing.Hash, cache *load.Cache) (*loaded, error) {
	tree, err := r.FS(h)
	if err != nil {
		return nil, err
	}
	fsys := treeFS(tree)
	p, ds, err := load.LoadFS(fsys, "revision "+h.String()[:7], load.Options{Cache: cache})
	if errors.Is(err, load.ErrNoProgram) {
		return nil, fmt.Errorf("revision %s has no programs/program.toml under the root", h.String()[:7])
	}
	if err != nil {
		return nil, err
	}
	text, _ := fs.ReadFile(fsys, "programs/program.toml")
	return &loaded{Side: plan.Side{P: p, ProgramTOML: text}, ds: ds}, nil
}

// check computes the side's standing and checks it.
func (s *loaded) check(asOf date.Date) {
	s.S = standing.Compute(s.P)
	var all diag.List
	all.Append(s.ds)
	all.Append(check.Run(s.P, s.S, asOf))
	s.Diags = all.Sorted()
}

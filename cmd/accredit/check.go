package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"sync"
	"time"

	"github.com/accredit/accredit/cmd/internal/base"
	"github.com/accredit/accredit/cmd/internal/check"
	"github.com/accredit/accredit/cmd/internal/checkcache"
	"github.com/accredit/accredit/cmd/internal/date"
	"github.com/accredit/accredit/cmd/internal/diag"
	"github.com/accredit/accredit/cmd/internal/history"
	"github.com/accredit/accredit/cmd/internal/load"
	"github.com/accredit/accredit/cmd/internal/program"
	"github.com/accredit/accredit/cmd/internal/safefs"
	"github.com/accredit/accredit/cmd/internal/standing"
)

var cmdCheck = &base.Command{
	UsageLine: "check [--root DIR] [--as-of DATE] [--format text|json|github] [--strict] [--git [--since REV]]",
	Short:     "check the program's files against its rules",
	Long: `Check loads every file of the program repository (programs/, partners/,
content/), computes the standing of every credential and partner at the
as-of date, and reports every broken rule with its file and line.

Formats:
  text    file:line:col: severity: message [rule], and a summary on stderr
  json    {"diagnostics": [...], "errors": N, "warnings": N}
  github  workflow commands that annotate a pull request's lines
          (the default when GITHUB_ACTIONS=true)

Warnings (bank-coverage, review-stale, expiring) do not fail the check
unless --strict is given.

Check keeps its result in the user's cache directory, with the sizes and
times of the files it read (ACCREDIT_CACHE=off keeps nothing). Run again
at the same date with no file changed, it prints that result without
loading the program; after an edit inside partners/<id>/ folders, it
checks again only the folders the edit can reach. Either way it prints
exactly what a full check would.

With --git, check also audits the repository's history (the root must be
inside a git repository; the history is read with go-git, no git binary).
Every change of every file of the program is judged, key by key, against
the administrators and roles in force at the change's first parent (the
chain of trust from the baseline: the root, or [audit] since):
  unauthorized-grant   a certification record added, changed, moved or
                       removed by an author without the grants role
  unauthorized-change  any other change by an author without the role
                       for it (program, content, partners)
  unsigned-grant, unsigned-change
                       with [policy] signed_grants = true: an audited
                       commit without a valid signature by the key of the
                       administrator it credits
  history-incomplete   a shallow clone: check out with full history
                       (fetch-depth: 0); the audit never guesses
The last change to a key is the one judged: an administrator's later
change or revert supersedes an unauthorized one. A change that a merge
brings in is traced to the branch commit that made it. Credentials not
committed yet are not audited. --since REV trusts REV and everything
before it: only later commits are judged (a pull request's), with the
rosters of the chain of trust.

Exit status: 0 no problems, 1 problems found, 2 usage error or an
unreadable program.`,
	Flag: base.NewFlagSet("check"),
}

var (
	checkProgram = addProgramFlags(cmdCheck.Flag)
	checkFormat  = &choiceFlag{choices: []string{diag.Text, diag.JSON, diag.GitHub}}
	checkStrict  = cmdCheck.Flag.Bool("strict", false, "fail on warnings too")
	checkGit     = cmdCheck.Flag.Bool("git", false, "also audit who granted, revoked and waived, from the git history")
	checkSince   = cmdCheck.Flag.String("since", "", "with --git, audit only the commits after `REV`")
)

func init() {
	cmdCheck.Flag.Var(checkFormat, "format", "output `FORMAT`: text, json or github")
	cmdCheck.Run = runCheck
	register(cmdCheck)
}

func runCheck(env *base.Env, args []string) int {
	if len(args) > 0 {
		env.Errorf(cmdCheck, "unexpected argument %q", args[0])
		cmdCheck.ShortUsage(env.Stderr)
		return base.ExitUsage
	}
	format := checkFormat.value
	if format == "" {
		format = diag.Text
		if env.Getenv("GITHUB_ACTIONS") == "true" {
			format = diag.GitHub
		}
	}
	if *checkSince != "" && !*checkGit {
		env.Errorf(cmdCheck, "--since needs --git")
		cmdCheck.ShortUsage(env.Stderr)
		return base.ExitUsage
	}
	tuneGCPercent(300)
	var r checkcache.Result
	if *checkGit {
		var err, auditErr error
		r, err, auditErr = checkOrReuseAndAudit(env, checkProgram.root, checkProgram.date(), *checkSince)
		if err != nil {
			env.Errorf(cmdCheck, "%v", err)
			return base.ExitUsage
		}
		if auditErr != nil {
			env.Errorf(cmdCheck, "--git: %v", auditErr)
			return base.ExitUsage
		}
	} else {
		var err error
		if r, _, err = checkOrReuse(env, checkProgram.root, checkProgram.date()); err != nil {
			env.Errorf(cmdCheck, "%v", err)
			return base.ExitUsage
		}
	}
	if err := diag.Write(env.Stdout, format, r.Diags); err != nil {
		env.Errorf(cmdCheck, "%v", err)
		return base.ExitUsage
	}
	if format == diag.Text {
		fmt.Fprintln(env.Stderr, diag.Summary(r.Diags, r.Files))
	}
	errs, warns := diag.Count(r.Diags)
	if errs > 0 || (*checkStrict && warns > 0) {
		return base.ExitProblems
	}
	return base.ExitOK
}

// checkOrReuse checks the program at root, or returns the last check's
// result when no file of the program changed since (package
// checkcache). The last result is looked for with the manifest of the
// files it was computed from; the walk that compares them takes the
// new manifest on the way, before the program is loaded, so that a file
// changed while loading never stands for the result. A first check with
// no caches at all (a fresh clone in CI) takes no manifest: nothing
// will read it.
//
// prog returns the whole program, for check --git's audit: the one
// checked in full, or, where the result was reused or only some partner
// folders were checked again, the program loaded then (through the
// decode cache and the walk's listings).
func checkOrReuse(env *base.Env, root string, asOf date.Date) (r checkcache.Result, prog func() (*program.Program, error), err error) {
	path, salt := cacheFile(env, root, ".check"), binaryHash()
	if path == "" || salt == nil {
		res, err := loadAndCheck(env, root, asOf)
		if err != nil {
			return checkcache.Result{}, nil, err
		}
		return checkcache.Result{Files: res.Program.Files, Diags: res.Diags}, programOf(res.Program), nil
	}
	key, day := salt, asOf.String()
	now := checkNow()
	var (
		m    *checkcache.Manifest
		kept bool
	)
	last, lastM, found := checkcache.Load(path, key)
	if found {
		var same bool
		m, same, kept = lastM.Refresh(root, now)
		ds, ok := last.On(day)
		if same && ok {
			checkStats = "the last result reused: no file changed"
			if day != last.AsOf {
				checkStats = "the last result reused: no file changed, and the last check worked out this day's"
			}
			return checkcache.Result{Files: last.Files, Diags: ds, AsOf: day}, loadOnly(env, root, m), nil
		}
		if same && !ok && last.Undated != nil {
			later := 0
			if kept {
				later = laterDays
			}
			if r, p, ok := checkDated(env, root, asOf, &last, m, later); ok {
				checkStats = "the dated rules run again for this day: no file changed"
				if kept {
					checkcache.Save(path, key, r, m) // best effort
				}
				return r, programOf(p), nil
			}
		}
		if m != nil && ok {
			// An edit since, on the last check's day or one it worked
			// out: that day's result is the one the edit changes.
			last.AsOf, last.Diags, last.Later = day, ds, nil
			if ids, ok := m.ChangedPartners(lastM); ok {
				if r, ok := checkEdit(root, asOf, &last, ids, m); ok {
					if kept {
						checkcache.Save(path, key, r, m) // best effort
					}
					return r, loadOnly(env, root, m), nil
				}
			}
		}
	}
	cache := openCache(env, root)
	_, statErr := os.Stat(cacheFile(env, root, ".cache"))
	warm := statErr == nil
	if !found && warm {
		// The decode cache's listings spare the walk listing every
		// folder again, as they spare the load.
		// In CI the next run is a fresh checkout: what each file holds
		// is found out now (git's index), for it to know the files by.
		m, kept = checkcache.Take(root, now, cache.Listing, env.Getenv("CI") == "true")
	}
	var listed func(string) ([]fs.DirEntry, *safefs.Listing, bool)
	if m != nil {
		listed = m.Listed // the walk's listings: no folder is listed twice
	}
	// A check that is not the first here (the decode cache was there)
	// works out the next days too: the dated rules alone, a fraction of
	// the rules, so that the first check of each of those days need not
	// load the program again while nothing changes. A first check (a
	// fresh clone in CI) does not: nothing will ask.
	later := 0
	if kept && warm {
		later = laterDays
	}
	res, err := loadAndCheckWith(env, root, asOf, cache, listed, later)
	if err != nil {
		return checkcache.Result{}, nil, err
	}
	r = checkcache.Result{Files: res.Program.Files, Diags: res.Diags, AsOf: day, Later: res.Later, Undated: res.Undated}
	checkStats = "checked in full"
	if kept {
		r.Partners = checkcache.Summaries(res.Program)
		checkcache.Save(path, key, r, m) // best effort: it only saves time
	}
	return r, programOf(res.Program), nil
}

// checkDated works out the day asOf, which the last result does not
// have, no file having changed since: its undated diagnostics (the
// load's, and the rules' that do not read the date) hold on every day,
// and only the dated rules run again (check.RunDated), on the program
// loaded through the decode cache, for asOf and the later days after it.
// ok is false when the program cannot be loaded (the full check says
// why).
func checkDated(env *base.Env, root string, asOf date.Date, last *checkcache.Result, m *checkcache.Manifest, later int) (r checkcache.Result, p *program.Program, ok bool) {
	cache := openCache(env, root)
	p, _, err := load.LoadWith(root, load.Options{Cache: cache, Listed: m.Listed})
	if err != nil {
		return r, nil, false
	}
	var saved sync.WaitGroup
	if cache != nil {
		saved.Go(func() { cache.Save() }) // best effort: the cache only saves time
	}
	st := standing.Compute(p)
	dated := make([][]diag.Diagnostic, 1+later)
	var wg sync.WaitGroup
	for k := range dated {
		wg.Go(func() { dated[k] = check.RunDated(p, st, asOf.AddDays(k)) })
	}
	wg.Wait()
	on := func(k int) []diag.Diagnostic {
		var l diag.List
		l.Append(last.Undated)
		l.Append(dated[k])
		return l.Sorted()
	}
	r = checkcache.Result{Files: p.Files, Diags: on(0), AsOf: asOf.String(), Partners: last.Partners, Undated: last.Undated}
	for k := 1; k <= later; k++ {
		r.Later = append(r.Later, checkcache.Day{AsOf: asOf.AddDays(k).String(), Diags: on(k)})
	}
	saved.Wait()
	return r, p, true
}

// programOf is checkOrReuse's prog for a program it loaded whole.
func programOf(p *program.Program) func() (*program.Program, error) {
	return func() (*program.Program, error) { return p, nil }
}

// loadOnly is checkOrReuse's prog where no whole program was loaded: it
// loads one, through the decode cache and the listings of the walk that
// took m.
func loadOnly(env *base.Env, root string, m *checkcache.Manifest) func() (*program.Program, error) {
	return func() (*program.Program, error) {
		cache := openCache(env, root)
		p, _, err := load.LoadWith(root, load.Options{Cache: cache, Listed: m.Listed})
		if err != nil {
			return nil, explainRoot(err)
		}
		if cache != nil {
			cache.Save() // best effort: the cache only saves time
		}
		return p, nil
	}
}

// checkOrReuseAndAudit is check --git: the program checked as check
// checks it (its last result reused where no file changed, only the
// partner folders an edit reaches checked again) while the audit walks
// the history; the audit then needs the whole program (its credentials,
// where its marks are), which is loaded for it when the check did not.
// The result is the check's diagnostics and the audit's. err is the
// check's; auditErr the audit's (not a git repository, a revision that
// does not resolve).
func checkOrReuseAndAudit(env *base.Env, root string, asOf date.Date, since string) (r checkcache.Result, err, auditErr error) {
	loaded := make(chan struct{})
	var p *program.Program
	go func() {
		defer close(loaded)
		var prog func() (*program.Program, error)
		if r, prog, err = checkOrReuse(env, root, asOf); err == nil {
			p, err = prog()
		}
	}()
	walked, auditErr := audit(env, root, since, func() *program.Program {
		<-loaded
		return p // nil after an error: the audit reports nothing on it
	})
	<-loaded
	if err != nil {
		return r, err, nil
	}
	c := &checked{Program: p, Diags: r.Diags}
	if _, auditErr = c.addAudit(walked, auditErr); auditErr != nil {
		return r, nil, auditErr
	}
	r.Diags = c.Diags
	return r, nil, nil
}

// laterDays is how many days after its own a full check works out when
// its result is kept: a weekend and a day.
const laterDays = 3

// checkStats says how the last check came by its result, for
// ACCREDIT_STATS.
var checkStats string

// checkEdit checks again, after an edit to the partner folders ids,
// only the folders the edit can change, and keeps the rest of the last
// result (checkcache.Scope says which, and why that is exact). ok is
// false when the edit reaches too far for that to pay (the caller then
// checks in full).
func checkEdit(root string, asOf date.Date, last *checkcache.Result, ids []string, m *checkcache.Manifest) (r checkcache.Result, ok bool) {
	// The credential ids the changed folders hold and name now.
	changed := make([]checkcache.Partner, len(ids))
	for i, id := range ids {
		changed[i] = checkcache.Partner{ID: id}
		if pa, _, _ := load.Partner(root, id); pa != nil {
			changed[i] = checkcache.SummaryOf(pa, 0)
		}
	}
	recheck, loaded := last.Scope(changed)
	// Loaded without the decode cache, whose reading alone costs more
	// than decoding a few folders: past a quarter of the program, a
	// full check with it is faster.
	if len(loaded) > max(16, len(last.Partners)/4) {
		return r, false
	}
	p, ds, err := load.LoadWith(root, load.Options{
		Only:   func(partner, _ string) bool { return loaded[partner] },
		Listed: m.Listed,
	})
	if err != nil {
		return r, false // the full check says why
	}
	st := standing.Compute(p)
	var fresh diag.List
	fresh.Append(ds)
	var partners []*program.Partner
	for _, pa := range p.Partners {
		if recheck[pa.ID] {
			partners = append(partners, pa)
		}
	}
	fresh.Append(check.RunPartners(p, st, asOf, partners))
	checkStats = fmt.Sprintf("%d of %d partner folders checked again (%d loaded), after an edit to %d", len(recheck), len(last.Partners), len(loaded), len(ids))
	return last.Merge(recheck, loaded, fresh.Sorted(), p.Files, checkcache.Summaries(p)), true
}

// checkNow is the time check's result cache counts a change as recent
// from (a test moves it past the racy window of the files it writes).
var checkNow = time.Now

// checked is a program loaded, its standing computed, and checked.
type checked struct {
	Program  *program.Program
	Standing *standing.Standing
	AsOf     date.Date
	Diags    []diag.Diagnostic
	Later    []checkcache.Day // the diagnostics of the days after AsOf asked for
	// Undated is the diagnostics that hold on every day (the load's and
	// the undated rules'), where the days were worked out apart.
	Undated []diag.Diagnostic
}

// loadAndCheck runs the first stages of the pipeline: load, standing, check.
// The error is for a program that cannot be read at all.
func loadAndCheck(env *base.Env, root string, asOf date.Date) (*checked, error) {
	return loadAndCheckWith(env, root, asOf, nil, nil, 0)
}

// loadAndCheckWith is loadAndCheck with the decode cache opened already
// (nil: opened here) and folders listed beforehand (see
// load.Options.Listed), that also works out the diagnostics of the
// later days after asOf (checked.Later): the rules that do not read the
// as-of date once, and those that do once a day (check.RunDated).
func loadAndCheckWith(env *base.Env, root string, asOf date.Date, cache *load.Cache, listed func(string) ([]fs.DirEntry, *safefs.Listing, bool), later int) (*checked, error) {
	if _, err := os.Stat(root); err != nil {
		var pe *os.PathError
		if errors.As(err, &pe) {
			return nil, fmt.Errorf("cannot read the program at %s: %v", root, pe.Err)
		}
		return nil, err
	}
	if cache == nil {
		cache = openCache(env, root)
	}
	p, ds, err := load.LoadWith(root, load.Options{Cache: cache, Listed: listed})
	if err != nil {
		return nil, explainRoot(err)
	}
	// The cache is written while the rules run (a cold check of 100,000
	// people writes 40 MB); nothing reads it meanwhile.
	var saved sync.WaitGroup
	if cache != nil {
		saved.Go(func() { cache.Save() }) // best effort: the cache only saves time
	}
	st := standing.Compute(p)
	res := &checked{Program: p, Standing: st, AsOf: asOf}
	var all diag.List
	all.Append(ds)
	if later == 0 {
		all.Append(check.Run(p, st, asOf))
	} else {
		var undated []diag.Diagnostic
		dated := make([][]diag.Diagnostic, 1+later)
		var wg sync.WaitGroup
		wg.Go(func() { undated = check.RunUndated(p, st) })
		for k := range dated {
			wg.Go(func() { dated[k] = check.RunDated(p, st, asOf.AddDays(k)) })
		}
		wg.Wait()
		var every diag.List
		every.Append(ds)
		every.Append(undated)
		// None is not nil: nil is a result that did not keep them apart.
		res.Undated = append([]diag.Diagnostic{}, every.Sorted()...)
		all.Append(undated)
		all.Append(dated[0])
		for k := 1; k <= later; k++ {
			var day diag.List
			day.Append(ds)
			day.Append(undated)
			day.Append(dated[k])
			res.Later = append(res.Later, checkcache.Day{AsOf: asOf.AddDays(k).String(), Diags: day.Sorted()})
		}
	}
	saved.Wait()
	res.Diags = all.Sorted()
	return res, nil
}

// loadCheckAndAudit is loadAndCheck and the git rules (audit), for build
// --git, which needs the program checked in full: the program is loaded
// and checked while the audit walks the history, which needs it only
// once the walk is done. err is loadAndCheck's; auditErr the audit's.
func loadCheckAndAudit(env *base.Env, root string, asOf date.Date, since string) (res *checked, audited *history.AuditResult, err, auditErr error) {
	loaded := make(chan struct{})
	go func() {
		defer close(loaded)
		res, err = loadAndCheck(env, root, asOf)
	}()
	prog := func() *program.Program {
		<-loaded
		if err != nil {
			return nil
		}
		return res.Program
	}
	walked, auditErr := audit(env, root, since, prog)
	<-loaded
	if err != nil {
		return nil, nil, err, nil
	}
	audited, auditErr = res.addAudit(walked, auditErr)
	return res, audited, nil, auditErr
}

// audit runs the audit of check --git and build --git on the repository
// that holds root; prog gives the program once the walk needs it.
func audit(env *base.Env, root, since string, prog func() *program.Program) (*history.AuditResult, error) {
	r, err := history.Open(root)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	// The diffs of the commits an earlier audit here read are kept (a
	// pull request's check reads its own commits only).
	opts := history.AuditOptions{Since: since, Load: prog, Worktree: root}
	if salt := binaryHash(); salt != nil {
		opts.Cache, opts.Salt = cacheFile(env, root, ".audit"), salt
	}
	return r.Audit(opts)
}

// addAudit adds the diagnostics of an audit's result, or of its error
// when the history is incomplete (history-incomplete: the result is then
// nil). The error is for a root outside git or a revision that does not
// resolve.
func (c *checked) addAudit(res *history.AuditResult, err error) (*history.AuditResult, error) {
	var ds []diag.Diagnostic
	switch {
	case errors.Is(err, history.ErrIncomplete):
		ds, res = []diag.Diagnostic{history.Incomplete(err)}, nil
	case err != nil:
		return nil, err
	default:
		ds = res.Diags
	}
	var all diag.List
	all.Append(c.Diags)
	all.Append(ds)
	c.Diags = all.Sorted()
	return res, nil
}

package history

import (
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/go-git/go-git/v5/plumbing"

	"github.com/accredit/accredit/cmd/internal/diag"
	"github.com/accredit/accredit/cmd/internal/load"
	"github.com/accredit/accredit/cmd/internal/program"
	"github.com/accredit/accredit/cmd/internal/safefs"
)

// AuditOptions say what an audit reads and judges.
type AuditOptions struct {
	// Head is the revision audited ("HEAD" when empty).
	Head string
	// Since, when set, is a revision whose history is trusted: the
	// changes of it and of its ancestors are not judged (a pull request
	// is audited since its base). Rosters still come from the chain of
	// trust, which starts at the root or the baseline.
	Since string
	// P is the program the diagnostics are about: the working tree for
	// check, the head revision for plan. Nil: provenance only.
	P *program.Program
	// Load, when P is nil, gives P once the walk of the history is done
	// (nil: provenance only), so that the caller loads the program while
	// the walk runs: the two take about as long on a large program.
	Load func() *program.Program
	// Worktree, when P was loaded from the working tree, is the folder
	// it was loaded from: a credential in a file that differs from the
	// head commit's is not judged (it has no commit yet). Empty: P is
	// the head revision.
	Worktree string
	// Judge, with Since, asks for the judgement of the changes since
	// Since only, not for provenance: plan. The trusted history is then
	// read only for programs/program.toml (the rosters) and the files the
	// judged changes touch (what was there before them), so that planning
	// a change costs what the change touches, not what the program holds;
	// Prov is nil and an untraced credential is reported only in a file
	// the change touches.
	Judge bool
	// Cache, when set, is the file that keeps the events of each diff
	// of two trees between runs (eventcache.go), for the build of
	// accredit that Salt names.
	Cache string
	Salt  []byte
}

// AuditResult is what one walk finds.
type AuditResult struct {
	Prov  *Provenance
	Diags []diag.Diagnostic
	// Baseline is the commit [audit] since names, when it is in force.
	Baseline *Commit
}

// trust is the roster in force at a commit: who may change what, and
// whether changes must be signed.
type trust struct {
	admins map[string]*program.Administrator // by lower-case e-mail
	signed bool
	since  string // [audit] since, as written
}

func trustOf(p *program.Program) *trust {
	t := &trust{admins: map[string]*program.Administrator{}}
	if p == nil {
		return t
	}
	for _, a := range p.Administrators {
		if a.Email != "" {
			if _, dup := t.admins[strings.ToLower(a.Email)]; !dup {
				t.admins[strings.ToLower(a.Email)] = a
			}
		}
	}
	t.signed = p.Policy.SignedGrants
	t.since = p.Audit.Since
	return t
}

// mark is who last changed a key, and the verdict on that change.
type mark struct {
	ev     event
	by     *Commit
	rule   string // "" when authorized
	why    string // why not
	absent bool   // the key did not exist before this change
}

// The rules of the git audit, as check lists them.
const (
	RuleUnauthorized       = "unauthorized-grant"
	RuleUnauthorizedChange = "unauthorized-change"
	RuleUnsigned           = "unsigned-grant"
	RuleUnsignedChange     = "unsigned-change"
	RuleIncomplete         = "history-incomplete"
)

// Incomplete is the diagnostic for a history the audit cannot read to its
// start. It stands at line 1 of programs/program.toml.
func Incomplete(err error) diag.Diagnostic {
	return diag.Diagnostic{File: "programs/program.toml", Line: 1, Col: 1, Severity: diag.Error, Rule: RuleIncomplete, Msg: err.Error()}
}

const programFile = "programs/program.toml"

// auditor is one audit in progress.
type auditor struct {
	w        *walker
	opts     AuditOptions
	trusted  map[plumbing.Hash]bool // --since: not judged
	rosters  map[string]*trust      // by program.toml blob
	verified map[[2]string]error    // signature checks by commit and key holder
	marks    map[string]*mark
	prov     *Provenance
	diags    []diag.Diagnostic
	// touched, with Judge, is the files whose trusted history was read:
	// those the judged changes touch, and programs/program.toml.
	touched map[string]bool
	// rosterAt is the roster each commit of the chain was judged by in
	// the last pass (nil before the baseline).
	rosterAt []*trust
}

// Audit walks the first-parent history of the head once and judges every
// change of every key of the program (keys.go) against the roster in
// force at the change's first parent, along the chain of trust:
//
//   - The chain starts at the baseline: the commit [audit] since names, or
//     else the oldest commit whose programs/program.toml lists
//     administrators. What the repository holds there is accepted as
//     attested by that commit; the roster it lists is the first.
//   - A commit's roster is its first parent's, unless every change it
//     made to programs/program.toml was authorized: then it is the one
//     that commit wrote. An intruder who adds themself is not obeyed.
//   - A merge's changes are judged as the branch commits that made them
//     (traced as provenance traces them), with the roster of the main
//     line where the branch is merged; what no branch commit made (a
//     conflict's resolution) is the merge's own.
//   - [audit] since counts only when the commit that set it was
//     authorized by the chain that starts without it.
//
// The verdict that stands for a key is that of the last change to it: a
// later authorized change (or an authorized revert) supersedes an
// unauthorized one.
func (r *Repo) Audit(opts AuditOptions) (*AuditResult, error) {
	if opts.Head == "" {
		opts.Head = "HEAD"
	}
	head, err := r.Resolve(opts.Head)
	if err != nil {
		return nil, err
	}
	w := &walker{r: r, main: map[plumbing.Hash]bool{}, worker: newWorker(), cache: openEventCache(opts.Cache, opts.Salt)}
	a := &auditor{w: w, opts: opts, rosters: map[string]*trust{}, verified: map[[2]string]error{}}
	if opts.Since != "" {
		if a.trusted, err = r.Ancestors(opts.Since); err != nil {
			return nil, fmt.Errorf("--since: %w", err)
		}
	}
	var skip func(*link) bool
	if opts.Judge && opts.Since != "" {
		skip = func(l *link) bool { return a.trusted[l.hash] }
	}
	// A full audit reads its large diffs once the baseline is known,
	// those it never judges lean (lean.go); Judge reads its trusted
	// history for the touched files alone already.
	w.deferBig = skip == nil
	chain, all, err := w.walkSkipping(head, skip)
	if err != nil {
		return nil, err
	}
	if skip != nil {
		if a.touched, err = w.trustedEvents(chain, all, skip); err != nil {
			return nil, err
		}
	}
	if a.opts.P == nil && a.opts.Load != nil {
		a.opts.P = a.opts.Load()
	}
	for _, l := range chain {
		w.main[l.hash] = true
	}
	slices.Reverse(chain) // oldest first from here on
	slices.Reverse(all)
	start := a.implicitBaseline(chain, all)
	res := &AuditResult{}
	// The baseline a later commit set counts only when the chain of
	// trust without it authorized that commit.
	if b, sinceDiag := a.explicitBaseline(chain, all, start); b >= 0 {
		start = b
		res.Baseline = chain[b].who
	} else if sinceDiag != nil {
		a.diags = append(a.diags, *sinceDiag)
	}
	if err := a.resolveDeferred(chain, all, start); err != nil {
		return nil, err
	}
	if err := a.pass(chain, all, start, nil, res.Baseline != nil); err != nil {
		return nil, err
	}
	if !opts.Judge {
		res.Prov = a.prov
		res.Prov.Commits = len(chain)
	}
	if a.opts.P != nil {
		a.report()
	}
	w.cache.save() // best effort: it only saves time
	var l diag.List
	l.Append(a.diags)
	res.Diags = l.Sorted()
	return res, nil
}

// roster returns the roster of a version of programs/program.toml, by
// its blob (the value of its text key).
func (a *auditor) roster(blob string) *trust {
	if t, ok := a.rosters[blob]; ok {
		return t
	}
	var p *program.Program
	if h, err := hex.DecodeString(blob); err == nil && len(h) == 20 {
		if b, err := a.w.r.raw(plumbing.BlobObject, plumbing.Hash(h)); err == nil {
			p, _ = load.ProgramFile(b)
		}
	}
	t := trustOf(p)
	a.rosters[blob] = t
	return t
}

// programBlob returns the blob of programs/program.toml that commit i
// wrote, or "" when it left the file alone ("-" when it removed it).
func programBlob(evs []event) string {
	for _, e := range evs {
		if e.key == "t"+sep+programFile {
			if e.gone {
				return "-"
			}
			return e.val
		}
	}
	return ""
}

// implicitBaseline is the index of the oldest commit whose program.toml
// lists administrators (0 when none does: nobody is then authorized).
func (a *auditor) implicitBaseline(chain []*link, all [][]event) int {
	for i := range chain {
		if b := programBlob(all[i]); b != "" && b != "-" && len(a.roster(b).admins) > 0 {
			return i
		}
	}
	return 0
}

// explicitBaseline finds the commit that the head's [audit] since names.
// It returns -1 when there is none or it does not count, with the
// diagnostic that says why.
func (a *auditor) explicitBaseline(chain []*link, all [][]event, start int) (int, *diag.Diagnostic) {
	cur := ""
	for i := range chain {
		if b := programBlob(all[i]); b != "" {
			cur = b
		}
	}
	if cur == "" || cur == "-" {
		return -1, nil
	}
	since := a.roster(cur).since
	if since == "" {
		return -1, nil
	}
	at := func(msg string) *diag.Diagnostic {
		d := diag.Diagnostic{File: programFile, Line: 1, Col: 1, Severity: diag.Error, Rule: RuleUnauthorizedChange, Msg: msg}
		if a.opts.P != nil && a.opts.P.Src != nil {
			pos := a.opts.P.Src.At("audit.since")
			d.Line, d.Col = pos.Line, pos.Col
		}
		return &d
	}
	b := -1
	for i, l := range chain {
		if strings.HasPrefix(l.hash.String(), since) {
			b = i
		}
	}
	if b < 0 {
		d := at(fmt.Sprintf("[audit] since = %q names no commit of the first-parent history of %s: the audit starts at the root instead", since, a.opts.Head))
		d.Rule = "invalid-value"
		return -1, d
	}
	// Judge the chain from the implicit baseline, program.toml alone, to
	// learn whether the commit that set since was authorized.
	key := "f" + sep + programFile + sep + "audit.since"
	if err := a.pass(chain, all, start, func(e event) bool { return e.file == programFile }, false); err != nil {
		return -1, at(err.Error())
	}
	m := a.marks[key]
	if m != nil && m.rule != "" {
		return -1, at(fmt.Sprintf("[audit] since was set in commit %s by %s <%s>, %s: the baseline does not count, and the audit starts at %s",
			m.by.Short(), m.by.Author, m.by.Email, m.why, chain[start].hash.String()[:7]))
	}
	return b, nil
}

// pass judges the chain's changes from the baseline at index start. With
// only set, it judges only the events only accepts.
func (a *auditor) pass(chain []*link, all [][]event, start int, only func(event) bool, imported bool) error {
	// Sized for the largest commit's keys: a program's first commit (an
	// import) can bring millions, and growing the map to them cost more
	// than filling it. Many small commits grow it as usual.
	n := 0
	for _, evs := range all {
		n = max(n, len(evs))
	}
	a.marks = make(map[string]*mark, n)
	a.prov = &Provenance{Head: chain[len(chain)-1].hash, Granted: map[string]*Commit{}, Revoked: map[string]*Commit{}, Waived: map[string]*Commit{}, Imported: map[string]bool{}}
	cur := trustOf(nil)
	a.rosterAt = make([]*trust, len(chain))
	for i, l := range chain {
		if i > start {
			a.rosterAt[i] = cur
		}
		evs := all[i]
		if only != nil {
			var keep []event
			for _, e := range evs {
				if only(e) {
					keep = append(keep, e)
				}
			}
			evs = keep
		}
		if len(evs) == 0 {
			if i == start && imported {
				a.imported(l) // a baseline that changed nothing itself
			}
			continue
		}
		var who []*Commit
		if i > start {
			var err error
			if who, err = a.w.attribute(l, evs, 0); err != nil {
				return err
			}
		}
		programOK := true
		// A large commit's marks in one allocation; a small one's each
		// in its own, so that a mark superseded later is freed alone.
		var block []mark
		if len(evs) >= parallelChanges {
			block = make([]mark, len(evs))
		}
		for k, e := range evs {
			m := &mark{}
			if block != nil {
				m = &block[k]
			}
			*m = mark{ev: e, by: l.who}
			if old := a.marks[e.key]; old == nil || old.ev.gone {
				m.absent = true
			}
			if i > start {
				m.by = who[k]
				if !a.trusted[m.by.Hash] {
					m.rule, m.why = a.judge(cur, m.by, e)
				}
			}
			if e.file == programFile && m.rule != "" {
				programOK = false
			}
			a.marks[e.key] = m
			a.provenance(m)
		}
		if b := programBlob(evs); b != "" && b != "-" && (i <= start || programOK) {
			cur = a.roster(b)
		}
		if i == start && imported {
			a.imported(l)
		}
	}
	return nil
}

// imported marks what the baseline holds as recorded at import.
func (a *auditor) imported(l *link) {
	for id := range a.prov.Granted {
		a.prov.Granted[id] = l.who
		a.prov.Imported[id] = true
	}
}

// provenance keeps who granted, revoked and waived each credential.
func (a *auditor) provenance(m *mark) {
	kind, id, sub := keyParts(m.ev.key)
	if kind != 'c' {
		return
	}
	var into map[string]*Commit
	switch sub {
	case "@":
		if m.ev.gone {
			delete(a.prov.Granted, id)
			delete(a.prov.Imported, id)
			return
		}
		if !m.absent {
			return // moved: the grant stands
		}
		delete(a.prov.Imported, id)
		into = a.prov.Granted
	case "revoked":
		into = a.prov.Revoked
	case "waive":
		into = a.prov.Waived
	default:
		return
	}
	if m.ev.gone {
		delete(into, id)
	} else {
		into[id] = m.by
	}
}

// judge returns the rule a change breaks and why ("" when authorized).
func (a *auditor) judge(t *trust, by *Commit, e event) (rule, why string) {
	grant := e.role == roleGrants || strings.HasPrefix(e.key, "c"+sep)
	ad := t.admins[strings.ToLower(by.Email)]
	if ad == nil {
		if grant {
			return RuleUnauthorized, "who is not among the [[administrators]] of programs/program.toml"
		}
		return RuleUnauthorizedChange, "who is not among the [[administrators]] of programs/program.toml"
	}
	if missing := e.role &^ roles(ad); missing != 0 {
		why := fmt.Sprintf("whose roles (%s) do not include %s", ad.RoleList(), missing)
		if missing&roleGrants != 0 {
			return RuleUnauthorized, why
		}
		return RuleUnauthorizedChange, why
	}
	if !t.signed {
		return "", ""
	}
	k := [2]string{by.Hash.String(), strings.ToLower(ad.Email)}
	err, ok := a.verified[k]
	if !ok {
		err = a.w.r.verifyCommit(by.Hash, ad)
		a.verified[k] = err
	}
	if err == nil {
		return "", ""
	}
	why = fmt.Sprintf("without a valid signature by the administrator's pgp_key or ssh_key, which signed_grants = true requires (%v)", err)
	if grant {
		return RuleUnsigned, why
	}
	return RuleUnsignedChange, why
}

// report turns the marks that stand at the head into diagnostics: one per
// credential and rule, at its [[certifications]] header; one per file
// and rule, at its first changed key still there; removals at line 1 of
// the file they were in, or of programs/program.toml when it is gone.
func (a *auditor) report() {
	p := a.opts.P
	creds := map[string]*program.Credential{}
	for _, c := range p.Credentials {
		if _, dup := creds[c.ID]; !dup {
			creds[c.ID] = c
		}
	}
	srcs := sources(p)
	type group struct {
		pos   program.Pos
		rule  string
		about string
		what  map[*Commit][]string
		order []*Commit
		why   map[*Commit]string
	}
	groups := map[string]*group{}
	var order []string
	add := func(gk string, pos program.Pos, rule, about string, m *mark, what string) {
		g := groups[gk]
		if g == nil {
			g = &group{pos: pos, rule: rule, about: about, what: map[*Commit][]string{}, why: map[*Commit]string{}}
			groups[gk] = g
			order = append(order, gk)
		}
		if _, seen := g.what[m.by]; !seen {
			g.order = append(g.order, m.by)
		}
		if !slices.Contains(g.what[m.by], what) {
			g.what[m.by] = append(g.what[m.by], what)
		}
		g.why[m.by] = m.why
	}
	keys := make([]string, 0, len(a.marks))
	// The files that hold an unauthorized key by a commit: their text
	// marks by that commit add nothing.
	type fileBy struct {
		file string
		by   *Commit
	}
	keyed := map[fileBy]bool{}
	for k, m := range a.marks {
		if m.rule == "" {
			continue
		}
		keys = append(keys, k)
		if k[0] != 't' {
			keyed[fileBy{m.ev.file, m.by}] = true
			if m.ev.from != "" {
				keyed[fileBy{m.ev.from, m.by}] = true
			}
		}
	}
	slices.Sort(keys)
	for _, k := range keys {
		m := a.marks[k]
		kind, name, sub := keyParts(k)
		switch kind {
		case 'c':
			c := creds[name]
			pos := a.filePos(m.ev.file, "", srcs)
			if c != nil {
				pos = c.Pos
			}
			add("c"+name+m.rule, pos, m.rule, "credential "+name, m, credentialChange(m, sub))
		default:
			if kind == 't' && keyed[fileBy{name, m.by}] {
				continue // the file's keys say it better
			}
			what, whole := "", false
			if t := a.marks["t"+sep+name]; t != nil && t.by == m.by && (t.absent || t.ev.gone) {
				// A file added or removed is one change, not one per key.
				what, whole = "the file added", true
				if t.ev.gone {
					what = "the file removed"
				}
			} else {
				switch {
				case kind == 't':
					what = "its text changed (comments or spacing)"
				case sub == "":
					what = "the file changed"
				case m.ev.gone:
					what = sub + " removed"
				case m.absent:
					what = sub + " set"
				default:
					what = sub + " changed"
				}
			}
			pos := a.filePos(name, sub, srcs)
			if whole && pos.File == name {
				pos.Line, pos.Col = 1, 1
			}
			about := name
			if pos.File != name {
				about = "file " + name
			}
			add("f"+name+m.rule, pos, m.rule, about, m, what)
		}
	}
	for _, gk := range order {
		g := groups[gk]
		var parts []string
		for _, c := range g.order {
			parts = append(parts, fmt.Sprintf("%s in commit %s by %s <%s>, %s", summarize(g.what[c]), c.Short(), c.Author, c.Email, g.why[c]))
		}
		msg := g.about + ": " + strings.Join(parts, "; and ")
		a.diags = append(a.diags, diag.Diagnostic{File: g.pos.File, Line: g.pos.Line, Col: g.pos.Col, Severity: diag.Error, Rule: g.rule, Msg: msg})
	}
	a.untraced(creds)
}

// summarize joins what one commit did to one credential or file: a
// grant or a removal says it all, and a long list of keys is cut short.
func summarize(what []string) string {
	switch {
	case slices.Contains(what, "removed"):
		what = []string{"removed"}
	case slices.Contains(what, "granted"):
		keep := []string{"granted"}
		for _, w := range what {
			if w == "revoked" || w == "given its waiver" {
				keep = append(keep, w)
			}
		}
		what = keep
	case slices.Contains(what, "the file added"):
		what = []string{"the file added"}
	case slices.Contains(what, "the file removed"):
		what = []string{"the file removed"}
	}
	const most = 6
	if len(what) > most {
		what = append(what[:most:most], fmt.Sprintf("%d more keys", len(what)-most))
	}
	return strings.Join(what, ", ")
}

// credentialChange says what a change did to a credential.
func credentialChange(m *mark, sub string) string {
	switch {
	case sub == "@" && m.ev.gone:
		return "removed"
	case sub == "@" && m.absent:
		return "granted"
	case sub == "@":
		return "moved to " + m.ev.val
	case sub == "revoked" && m.ev.gone:
		return "its revocation lifted"
	case sub == "revoked":
		return "revoked"
	case sub == "waive" && !m.ev.gone:
		return "given its waiver"
	case m.ev.gone:
		return sub + " removed"
	case m.absent:
		return sub + " set"
	}
	return sub + " changed"
}

// untraced reports committed credentials that no commit introduced: a
// credential the audit cannot see is never skipped.
func (a *auditor) untraced(creds map[string]*program.Credential) {
	for _, c := range a.opts.P.Credentials {
		if creds[c.ID] != c || a.prov.Granted[c.ID] != nil {
			continue
		}
		if a.touched != nil && !a.touched[c.Pos.File] {
			continue // Judge: the trusted history of this file was not read
		}
		if !a.committed(c.Pos.File) {
			continue
		}
		a.diags = append(a.diags, diag.Diagnostic{File: c.Pos.File, Line: c.Pos.Line, Col: c.Pos.Col, Severity: diag.Error, Rule: RuleUnauthorized,
			Msg: fmt.Sprintf("credential %s is committed, but the audit cannot trace it to the commit that granted it: write its [[certifications]] table and its id as the format shows (a one-line string), in a regular file", c.ID)})
	}
}

// sources maps each file of the program to its key positions.
func sources(p *program.Program) map[string]*program.Source {
	m := map[string]*program.Source{}
	if p.Src != nil {
		m[p.Src.File] = p.Src
	}
	for _, t := range p.Tracks {
		m[t.Src.File] = t.Src
	}
	for _, e := range p.Exams {
		m[e.Src.File] = e.Src
		if e.Bank != nil && e.Bank.Src != nil {
			m[e.Bank.Src.File] = e.Bank.Src
		}
	}
	for _, pa := range p.Partners {
		m[pa.Src.File] = pa.Src
		for _, pe := range pa.People {
			m[pe.Src.File] = pe.Src
		}
	}
	for _, pg := range p.Pages {
		if pg.Src != nil {
			m[pg.Src.File] = pg.Src
		}
	}
	return m
}

// atHead reports whether the head commit holds a file.
func (a *auditor) atHead(file string) bool {
	m := a.marks["t"+sep+file]
	return m != nil && !m.ev.gone
}

// filePos is where a diagnostic about a key of a file stands: at the key
// when it is still written, else at the file's line 1, or at line 1 of
// programs/program.toml when the file is gone.
func (a *auditor) filePos(file, key string, srcs map[string]*program.Source) program.Pos {
	src, ok := srcs[file]
	if !ok {
		if a.atHead(file) {
			return program.Pos{File: file, Line: 1, Col: 1}
		}
		return program.Pos{File: programFile, Line: 1, Col: 1}
	}
	if key != "" && !strings.HasPrefix(key, "record ") {
		if src.Has(key) {
			return src.At(key)
		}
	}
	return program.Pos{File: file, Line: 1, Col: 1}
}

// committed reports whether the working tree's file is what the head
// commit holds at its path, as a regular file or as a link: a link is
// compared as a link, never followed, so that a person file committed as
// a symbolic link counts as committed.
func (a *auditor) committed(file string) bool {
	m := a.marks["t"+sep+file]
	if m == nil || m.ev.gone {
		return false
	}
	if a.opts.Worktree == "" {
		return true
	}
	path := filepath.Join(a.opts.Worktree, filepath.FromSlash(file))
	fi, err := os.Lstat(path)
	if err != nil {
		return false
	}
	if fi.Mode()&os.ModeSymlink != 0 {
		target, err := os.Readlink(path)
		return err == nil && m.ev.val == "link "+plumbing.ComputeHash(plumbing.BlobObject, []byte(target)).String()
	}
	if !fi.Mode().IsRegular() {
		return false
	}
	// Only person files hold credentials: read as the loader reads them.
	b, err := safefs.ReadFileAt(a.opts.Worktree, file, load.PersonLimit)
	return err == nil && m.ev.val == plumbing.ComputeHash(plumbing.BlobObject, b).String()
}

// FileChange is a file of the program that differs between two commits.
type FileChange struct {
	File   string // relative to the program root
	Change string // added, removed or changed
}

// Changed lists the files of the program (and its theme) that differ
// between commits a and b, in path order: what plan lists beside the
// credentials.
func (r *Repo) Changed(a, b plumbing.Hash) ([]FileChange, error) {
	var trees [2]plumbing.Hash
	for i, h := range []plumbing.Hash{a, b} {
		c, err := r.commitObject(h)
		if err != nil {
			return nil, err
		}
		trees[i] = c.TreeHash
	}
	changes, err := r.diffRoots(trees[0], trees[1], audited, nil)
	if err != nil {
		return nil, err
	}
	out := make([]FileChange, 0, len(changes))
	for _, c := range changes {
		kind := "changed"
		switch {
		case c.from.IsZero():
			kind = "added"
		case c.to.IsZero():
			kind = "removed"
		}
		out = append(out, FileChange{File: c.path, Change: kind})
	}
	slices.SortFunc(out, func(x, y FileChange) int { return strings.Compare(x.File, y.File) })
	return out, nil
}

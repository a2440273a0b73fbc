package main

import (
	"crypto/ed25519"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"

	"github.com/accredit/accredit"
	"github.com/accredit/accredit/cmd/internal/base"
	"github.com/accredit/accredit/cmd/internal/diag"
	"github.com/accredit/accredit/cmd/internal/history"
	"github.com/accredit/accredit/cmd/internal/program"
	"github.com/accredit/accredit/cmd/internal/publish"
	"github.com/accredit/accredit/cmd/internal/record"
	"github.com/accredit/accredit/cmd/internal/render"
	"github.com/accredit/accredit/cmd/internal/search"
	"github.com/accredit/accredit/cmd/internal/site"
)

var cmdBuild = &base.Command{
	UsageLine: "build [--root DIR] [--as-of DATE] [--out DIR] [--git] [--signing-key FILE] [--shard K/M] [--verbose]",
	Short:     "check the program and publish its static site",
	Long: `Build runs every check first and, when no error is found, writes the
program's public site: the partner directory with its browse pages, a
profile per listed partner, a verification page and JSON per credential,
the program's tracks and tiers, the content pages, a sitemap, robots.txt,
an Atom feed, and the search index (search/, queried in the browser by
search/accredit-search.js). Any static host serves it.

The site is written into a new directory beside --out and swapped in only
when complete, in one step (the two folders are exchanged), so that a
complete site, old or new, is at --out at every instant, even if the
build is killed: after any failure the previous site is left as it was,
and the next build removes what a killed one left beside --out
(.<out>.accredit-*, which the program's .gitignore lists). The same
program and as-of date always give byte-identical output.

Every site holds a marker file, .accredit-site, and a build replaces
only such a folder: an --out that is a file, a folder with other files
and no marker, the program's root or a folder holding it, or a folder
inside programs/, partners/, content/, layouts/ or .git is refused
(exit 2) before anything is read or written; symlinks and relative
paths are resolved first. An empty folder is fine.

Nothing private is published: people's e-mail, evidence, waiver reasons,
question banks, people who are not public and partners that are not listed.

With --git, build first audits the git history as check --git does, and
publishes nothing when the audit finds an error: the publishing workflows
use it, so that no change an administrator did not make is published.

When the program is inside a git repository, each verification page says
who granted the credential and when ("Granted <date> by <name>") with the
short hash of the commit that introduced it, linked to <repository>/commit/
<hash> when [program] repository is set; the credential JSON carries
granted_by (the author's name, never the e-mail) and commit. Outside git
the pages omit it; in a shallow clone they omit it too, with a warning:
check out with full history to publish provenance.

With --signing-key FILE (or ACCREDIT_SIGNING_KEY_FILE), build also
publishes every credential as a signed Open Badges 3.0 credential,
api/v1/credentials/<ID>.ob3.json, which any Open Badges 3.0 verifier
checks from the site alone: a W3C Verifiable Credential with an
eddsa-rdfc-2022 Data Integrity proof by the program's did:web DID,
whose document (did.json, at /.well-known/did.json for a site at a
host's root) lists every [[signing_keys]] entry, and revocation in W3C
Bitstring Status Lists (api/v1/status/<n>.json). FILE is the private key
accredit keygen wrote; it must be the key that [[signing_keys]] lists as
valid on the as-of date, or build stops (exit 2). Signatures are kept in
the user's cache directory (as the decode cache is, and off with it), so
that a build signs only the credentials that changed; in shards mode the
signed credentials' compressed shards are kept there too. Without a key,
build writes no .ob3.json, with a warning when the program lists
[[signing_keys]].

With --shard K/M (shards mode only), build writes one part of the site,
as job K (from 0) of M jobs of a CI matrix: the verification shards whose
index i has i mod M = K, with their signed credentials, and in job 0
also everything else. Each job checks the whole program. The M folders
hold disjoint files (but for the marker, the same in each); copied into
one, they are byte for byte the site one build writes.

A site past what static hosts take (GitHub Pages: 1 GB; Cloudflare
Pages: 20,000 files on its Free plan, 100,000 on paid plans) is written
all the same, with a notice naming each limit it is past.

The default theme is built in; files in the program's layouts/ folder
replace its files one by one. accredit renders pages on its own template
executor, about three times faster than html/template; a template that
uses what the executor does not know (printf, a value in CSS or
JavaScript, range over a map ...) renders on html/template, and build
says which in one line. --verbose lists each construct and where it is.

Exit status: 0 built, 1 the program has errors (nothing written), 2 usage
or I/O error.`,
	Flag: base.NewFlagSet("build"),
}

var (
	buildProgram = addProgramFlags(cmdBuild.Flag)
	buildOut     = cmdBuild.Flag.String("out", "", "write the site to `DIR` (default: build/ under the root)")
	buildGit     = cmdBuild.Flag.Bool("git", false, "audit the git history first, as check --git, and publish nothing on an audit error")
	buildVerbose = cmdBuild.Flag.Bool("verbose", false, "list why templates render on html/template")
	buildKey     = cmdBuild.Flag.String("signing-key", "", "sign Open Badges 3.0 credentials with the private key in `FILE` (default $ACCREDIT_SIGNING_KEY_FILE)")
	buildPart    = &partFlag{}
)

// buildMemory is the heap a build aims to stay within, unless GOMEMLIMIT
// says otherwise. At 10,000 partners x 10 people it holds about 350 MB
// live, and GOGC's 200% stays well below it; at a million credentials it
// holds about 1.5 GB, and the limit, not GOGC, says when to collect. A
// limit below what a program holds live makes the collector run without
// end (a third of a million-credential build's CPU went to it at 1.2 GB);
// the budget for that build is 4 GiB of memory in all.
const buildMemory = 3 << 30

// tuneGC lets a build collect garbage less often than the default, with a
// soft memory limit as a bound: a build holds the whole program and
// allocates much, and with the default GOGC of 100 the collector would
// scan the program's heap again after every 350 MB of pages. The limit is
// soft: a program that needs more memory gets it, at the cost of more
// collections. GOGC and GOMEMLIMIT, when set, win.
func tuneGC() { tuneGCPercent(200) }

// tuneGCPercent is tuneGC with percent instead of 200. check, whose heap
// is the program alone, lets it grow to four times what is live before
// collecting, not twice (300): a cold check of 10,000 partners x 10
// people spent a seventh of its CPU collecting. Measured in one run: warm
// 1.80 s instead of 1.86-2.04 s, cold 7.8 s instead of 7.9-8.3 s, for
// about 850 MB of memory at a cold peak instead of 590 MB. (plan gained
// nothing from it: its time is reading git objects.)
func tuneGCPercent(percent int) {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(percent)
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(buildMemory)
	}
}

func init() {
	cmdBuild.Flag.Var(buildPart, "shard", "write part `K/M` of the site: job K (from 0) of M (shards mode)")
	cmdBuild.Run = runBuild
	register(cmdBuild)
}

func runBuild(env *base.Env, args []string) int {
	if len(args) > 0 {
		env.Errorf(cmdBuild, "unexpected argument %q", args[0])
		cmdBuild.ShortUsage(env.Stderr)
		return base.ExitUsage
	}
	out := *buildOut
	if out == "" {
		out = filepath.Join(buildProgram.root, "build")
	}
	// Before anything is read: refusing a wrong --out must not wait for
	// the checks.
	dest, err := publish.Guard(buildProgram.root, out)
	if err != nil {
		env.Errorf(cmdBuild, "%v", err)
		return base.ExitUsage
	}
	// A grant or import killed while writing: finish or undo it first,
	// or the site would show half of it.
	if record.Pending(buildProgram.root) {
		release, ok := writeLock(env, cmdBuild, buildProgram.root)
		if !ok {
			return base.ExitUsage
		}
		release()
	}
	// A key that cannot be read is a usage error, found before the checks.
	var priv ed25519.PrivateKey
	if file := signingKeyFile(env, *buildKey); file != "" {
		if priv, err = readSigningKey(file); err != nil {
			env.Errorf(cmdBuild, "%v", err)
			return base.ExitUsage
		}
	}
	tuneGC()
	var (
		res      *checked
		audited  *history.AuditResult
		auditErr error
	)
	if *buildGit {
		res, audited, err, auditErr = loadCheckAndAudit(env, buildProgram.root, buildProgram.date(), "")
	} else {
		res, err = loadAndCheck(env, buildProgram.root, buildProgram.date())
	}
	if err != nil {
		env.Errorf(cmdBuild, "%v", err)
		return base.ExitUsage
	}
	if auditErr != nil {
		env.Errorf(cmdBuild, "--git: %v", auditErr)
		return base.ExitUsage
	}
	if errs, _ := diag.Count(res.Diags); errs > 0 {
		var only []diag.Diagnostic
		for _, d := range res.Diags {
			if d.Severity == diag.Error {
				only = append(only, d)
			}
		}
		diag.Write(env.Stderr, diag.Text, only)
		env.Errorf(cmdBuild, "%s: nothing was written", diag.Summary(only, res.Program.Files))
		return base.ExitProblems
	}
	var sig *signing
	switch {
	case priv != nil:
		if sig, err = newSigning(env, buildProgram.root, res.Program, res.AsOf, priv); err != nil {
			env.Errorf(cmdBuild, "%v: nothing was written", err)
			return base.ExitUsage
		}
	case len(res.Program.SigningKeys) > 0:
		printLine(env.Stderr, "accredit build: warning: no --signing-key (or ACCREDIT_SIGNING_KEY_FILE): no signed Open Badges credentials (.ob3.json) are published")
	}
	// Positions serve diagnostics only, and people's records the checks
	// and the standing only: every check has run.
	res.Program.ForgetPositions()
	res.Program.ForgetPrivate()
	// The verification pages' folders need nothing but the credentials'
	// ids: they are made while the site is computed. In shards mode
	// there are none.
	creds := res.Program.Credentials
	switch mode, chosen := res.Program.Verification(); {
	case mode == program.VerifyShards:
		creds = nil
		if !chosen {
			printLine(env.Stderr, "accredit build: notice: %d credentials, more than %d: verification is published in shards (one verification page reads every credential from api/v1/credentials/shards/); set [site] verification in programs/program.toml to choose", len(res.Program.Credentials), program.ShardsAbove)
		}
	case buildPart.part.M > 1:
		env.Errorf(cmdBuild, "--shard %s: a build splits into parts in shards mode only (set [site] verification = \"shards\" in programs/program.toml): nothing was written", buildPart)
		return base.ExitUsage
	}
	b, err := publish.Start(dest, creds)
	if err != nil {
		env.Errorf(cmdBuild, "%v (the previous site is unchanged)", err)
		return base.ExitUsage
	}
	theme, err := render.Load(accredit.Layouts(), filepath.Join(buildProgram.root, "layouts"))
	if err != nil {
		b.Abort()
		env.Errorf(cmdBuild, "%v", err)
		return base.ExitProblems
	}
	st, err := site.Build(res.Program, res.Standing, res.AsOf)
	if err != nil {
		b.Abort()
		env.Errorf(cmdBuild, "%v", err)
		return base.ExitProblems
	}
	st.Grants = grants(env, buildProgram.root, audited)
	opts := publish.Options{Extra: func() (map[string][]byte, error) { return search.SiteFiles(st) }}
	if sig != nil {
		st.Info.Signing = &site.Signing{DID: sig.did, DIDURL: sig.didURL}
		opts.Signed = func(dst []byte, c *program.Credential, cp *site.Credential) ([]byte, error) {
			return sig.credential(dst, st, c, cp)
		}
		if st.Info.Shards != nil {
			// Kept beside the signatures: a rebuild compresses only the
			// shards whose signed credentials changed.
			if path := cacheFile(env, buildProgram.root, ".ob3shards"); path != "" {
				opts.SignedShards = publish.OpenGzipCache(path)
			}
		}
		opts.Extra = func() (map[string][]byte, error) {
			files, err := search.SiteFiles(st)
			if err != nil {
				return nil, err
			}
			signed, err := sig.files(st)
			if err != nil {
				return nil, err
			}
			for name, data := range signed {
				files[name] = data
			}
			return files, nil
		}
	}
	var progress publish.Progress
	if isTerminal(env.Stderr) {
		progress = func(done, total int) {
			fmt.Fprintf(env.Stderr, "\rbuilding: %d/%d", done, total)
		}
	}
	opts.Progress = progress
	opts.Part = buildPart.part
	stats, err := b.Write(st, theme, opts)
	if progress != nil {
		fmt.Fprint(env.Stderr, "\r\033[K")
	}
	if err != nil {
		env.Errorf(cmdBuild, "%v (the previous site is unchanged)", err)
		return base.ExitUsage
	}
	if p := buildPart.part; p.M > 1 {
		printLine(env.Stderr, "built %s, job %d of %d (%s): %s", out, p.K, p.M, jobWrites(p.K), stats)
	} else {
		printLine(env.Stderr, "built %s: %s", out, stats)
		// Hosts refuse a site past their limits only at deploy time.
		notices := stats.HostNotices()
		for _, n := range notices {
			printLine(env.Stderr, "accredit build: notice: %s", n)
		}
		if mode, _ := res.Program.Verification(); len(notices) > 0 && mode == program.VerifyPages {
			printLine(env.Stderr, "accredit build: notice: a page per credential is most of a large site: [site] verification = \"shards\" in programs/program.toml publishes them in shards")
		}
	}
	if sig != nil {
		sig.save()
		hits, misses := sig.signer.Stats()
		printLine(env.Stderr, "signed %d credentials and status lists with %s (%d signed anew, %d from the cache%s)", hits+misses, sig.signer.VerificationMethod, misses, hits, dropped(sig.dropped()))
		if c := opts.SignedShards; c != nil {
			c.Save() // best effort, as the signatures
			hits, compressed, corrupt := c.Stats()
			printLine(env.Stderr, "signed credentials' shards: %d compressed, %d from the cache%s", compressed, hits, dropped(corrupt))
		}
	}
	writeFallbacks(env, theme.Fallbacks(), *buildVerbose)
	return base.ExitOK
}

// writeFallbacks says, in one line, which templates rendered pages on
// html/template instead of accredit's executor (slower, never wrong), and
// with verbose, why: each construct, where it is and how many pages.
func writeFallbacks(env *base.Env, fbs []render.Fallback, verbose bool) {
	if len(fbs) == 0 {
		return
	}
	var names []string
	for _, f := range fbs {
		if len(names) == 0 || names[len(names)-1] != f.Template {
			names = append(names, f.Template)
		}
	}
	hint := " (build --verbose says why)"
	if verbose {
		hint = ":"
	}
	fmt.Fprintf(env.Stderr, "accredit build: note: %s rendered pages on html/template, about 3x slower than accredit's executor%s\n",
		strings.Join(names, ", "), hint)
	if !verbose {
		return
	}
	for _, f := range fbs {
		pages := fmt.Sprintf("%d pages", f.Pages)
		if f.Pages == 1 {
			pages = "1 page"
		}
		if f.Always {
			pages = "does not compile; " + pages
		}
		fmt.Fprintf(env.Stderr, "\t%s: %s (%s)\n", f.Template, f.Reason, pages)
	}
}

// grants reads who granted each credential from the git history of the
// repository that holds root. Outside git, or in a repository without
// commits, there is none and pages simply omit it. A history that cannot
// be read to its start (a shallow clone) is never guessed from: the pages
// omit provenance and a warning says why. An audit that ran already
// gives its provenance.
func grants(env *base.Env, root string, audited *history.AuditResult) map[string]site.Grant {
	if audited != nil {
		return grantsOf(audited.Prov)
	}
	r, err := history.Open(root)
	if errors.Is(err, history.ErrNotRepository) {
		return nil
	}
	if err != nil {
		printLine(env.Stderr, "accredit build: warning: %v; verification pages omit who granted", err)
		return nil
	}
	defer r.Close()
	if _, err := r.Resolve("HEAD"); err != nil {
		return nil // no commit yet
	}
	prov, err := r.Provenance("HEAD")
	if err != nil {
		printLine(env.Stderr, "accredit build: warning: %v; verification pages omit who granted", err)
		return nil
	}
	return grantsOf(prov)
}

func grantsOf(prov *history.Provenance) map[string]site.Grant {
	out := make(map[string]site.Grant, len(prov.Granted))
	for id, c := range prov.Granted {
		out[id] = site.Grant{On: c.Date(), By: c.Author, Commit: c.Hash.String(), Imported: prov.Imported[id]}
	}
	return out
}

// isTerminal reports whether w is a character device (a terminal).
func isTerminal(w any) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// dropped says how many cache entries failed their checksum (and were
// made anew), when any did.
func dropped(n int) string {
	if n == 0 {
		return ""
	}
	return fmt.Sprintf("; %d cache entries failed their checksum and were made anew", n)
}

// jobWrites says what a job of a build split by --shard writes.
func jobWrites(k int) string {
	if k == 0 {
		return "its shards and partners, and every file that is neither"
	}
	return "its shards and partners only"
}

package main

import (
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"

	"github.com/accredit/accredit"
	"github.com/accredit/accredit/cmd/internal/base"
	"github.com/accredit/accredit/cmd/internal/date"
	"github.com/accredit/accredit/cmd/internal/diag"
	"github.com/accredit/accredit/cmd/internal/load"
	"github.com/accredit/accredit/cmd/internal/schema"
)

var cmdInit = &base.Command{
	UsageLine: "init DIR [--name NAME] [--issuer ISSUER] [--site-url URL] [--no-git]",
	Short:     "start a new program repository from the example program",
	Long: `Init writes a new program repository into DIR from the example program
built into accredit, under the names given: --name is the program's name
(default: the issuer's, followed by "Partner Certification Program"),
--issuer the company that issues its credentials (default "Your
Company"), --site-url the address its site will be published at
(default https://partners.example.com/). Every mention of the example's
names, addresses and products in the files it writes takes yours: the
issuer's first word stands for the example's brand, the site's domain
without its first label for its e-mail domain and issuer_url. Init
writes the example's programs/ (program, tracks, exams and question
banks) as a starting point, two of its partners, its content/ pages for
partners and customers (not accredit's own documentation, which is
published with accredit), its CI workflows
(.github/workflows; they install the release of accredit that init is,
pinned, with the setup-accredit action, instead of building it from
source), a README for administrators with the first steps,
a .gitignore for build/, and editor support: JSON Schemas of its files
in schemas/ (see accredit schema) and a .taplo.toml that points TOML
editors at them. The result checks and builds as it is; make it yours
from there (see its README.md).

DIR is created if needed. Init never overwrites: it refuses a DIR that
holds anything but a .git folder (so a fresh clone of an empty repository
is fine). Unless --no-git is given or DIR is already inside a git
repository, DIR is made a git repository with a main branch; nothing is
committed.

Init checks what it wrote and prints the summary.

Exit status: 0 created, 1 the new program does not check clean (a bug),
2 usage or I/O error, or DIR is not empty.`,
	Flag: base.NewFlagSet("init"),
}

var (
	initNoGit   = cmdInit.Flag.Bool("no-git", false, "do not make DIR a git repository")
	initName    = cmdInit.Flag.String("name", "", "the program's `NAME` (default: ISSUER Partner Certification Program)")
	initIssuer  = cmdInit.Flag.String("issuer", "Your Company", "the `ISSUER` of the program's credentials")
	initSiteURL = cmdInit.Flag.String("site-url", "https://partners.example.com/", "the `URL` the program's site is published at")
)

func init() {
	cmdInit.Run = runInit
	register(cmdInit)
}

func runInit(env *base.Env, args []string) int {
	dir, code, ok := firstArgument(env, cmdInit, args, "where? give the new program's folder")
	if !ok {
		return code
	}
	names, err := newNames(*initName, *initIssuer, *initSiteURL)
	if err != nil {
		env.Errorf(cmdInit, "%v", err)
		return base.ExitUsage
	}
	if err := emptyTarget(dir); err != nil {
		env.Errorf(cmdInit, "%v", err)
		return base.ExitUsage
	}
	n, err := writeExample(dir, readBuild(), names)
	if err == nil {
		var k int
		k, err = writeEditorSupport(dir)
		n += k
	}
	if err != nil {
		env.Errorf(cmdInit, "%v", err)
		return base.ExitUsage
	}
	gitNote := ""
	if !*initNoGit {
		if top := gitTop(dir); top != "" {
			gitNote = fmt.Sprintf("; inside the git repository %s", top)
		} else if _, err := git.PlainInitWithOptions(dir, &git.PlainInitOptions{InitOptions: git.InitOptions{DefaultBranch: plumbing.Main}}); err != nil {
			env.Errorf(cmdInit, "git init %s: %v", dir, err)
			return base.ExitUsage
		} else {
			gitNote = "; a git repository on branch main, nothing committed yet"
		}
	}
	printLine(env.Stderr, "created a new program in %s: %d files%s", dir, n, gitNote)
	res, err := loadAndCheck(env, dir, date.Today())
	if err != nil {
		env.Errorf(cmdInit, "%v", err)
		return base.ExitUsage
	}
	fmt.Fprintln(env.Stderr, diag.Summary(res.Diags, res.Program.Files))
	if errs, _ := diag.Count(res.Diags); errs > 0 {
		diag.Write(env.Stderr, diag.Text, res.Diags)
		return base.ExitProblems
	}
	printLine(env.Stderr, "next: read %s, then run accredit serve --root %s", filepath.Join(dir, "README.md"), dir)
	fmt.Fprintln(env.Stderr, "before the first commit, put your own administrators in programs/program.toml: the first commit's roster is where the git audit's chain of trust starts")
	return base.ExitOK
}

// writeEditorSupport writes the JSON Schemas of the new program's files
// (schemas/, as accredit schema writes them) and the .taplo.toml that
// points TOML editors at them, and returns the number of files written.
func writeEditorSupport(dir string) (int, error) {
	p, _, err := load.LoadWith(dir, load.Options{Only: func(string, string) bool { return false }})
	if err != nil {
		return 0, err
	}
	n, err := writeSchemas(filepath.Join(dir, defaultSchemaDir), schema.IDsOf(p))
	if err != nil {
		return n, err
	}
	f, err := os.OpenFile(filepath.Join(dir, ".taplo.toml"), os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return n, err
	}
	_, err = f.Write(taploConfig())
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return n + 1, err
}

// emptyTarget refuses a folder that holds anything but .git.
func emptyTarget(dir string) error {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	var names []string
	for _, e := range entries {
		if e.Name() != ".git" {
			names = append(names, e.Name())
		}
	}
	if len(names) > 0 {
		if len(names) > 3 {
			names = append(names[:3], "...")
		}
		return fmt.Errorf("%s is not empty (%s): init writes a new program only into an empty folder, and never overwrites", dir, strings.Join(names, ", "))
	}
	return nil
}

// newProgram holds the README for administrators and the .gitignore of a
// new program.
//
//go:embed newprogram
var newProgram embed.FS

// exampleFiles is what init writes: the example program and newprogram/.
var exampleFiles fs.FS = unionFS{accredit.Example, newProgram}

// unionFS reads a path from the first file system that has it; a
// directory lists the entries of all of them.
type unionFS []fs.FS

func (u unionFS) Open(name string) (fs.File, error) {
	for _, f := range u {
		if file, err := f.Open(name); err == nil {
			return file, nil
		}
	}
	return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
}

func (u unionFS) ReadDir(name string) ([]fs.DirEntry, error) {
	var out []fs.DirEntry
	found := false
	for _, f := range u {
		es, err := fs.ReadDir(f, name)
		if err == nil {
			found = true
			out = append(out, es...)
		}
	}
	if !found {
		return nil, &fs.PathError{Op: "readdir", Path: name, Err: fs.ErrNotExist}
	}
	slices.SortFunc(out, func(a, b fs.DirEntry) int { return strings.Compare(a.Name(), b.Name()) })
	return out, nil
}

// pinMarker is the line of newprogram/README.md that pinNote replaces.
const pinMarker = "<!-- the version the workflows pin -->"

// writeExample writes the embedded example under dir: programs/,
// content/, the example partners and the workflows as they are embedded,
// newprogram/README.md and newprogram/gitignore as README.md and
// .gitignore. It returns the number of files written.
func writeExample(dir string, b build, names *strings.Replacer) (int, error) {
	n := 0
	err := fs.WalkDir(exampleFiles, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		out := p
		if rest, ok := strings.CutPrefix(p, "newprogram/"); ok {
			out = newProgramFiles[rest]
		}
		if rest, ok := strings.CutPrefix(p, "content/docs/"); ok {
			// accredit's own documentation is this repository's site
			// only; the page on verifying signed credentials is the
			// program's, at /verifying/.
			if rest != "verifying.md" {
				return nil
			}
			out = "content/verifying.md"
		}
		if out == "" || toolOnly[p] {
			return nil
		}
		data, err := fs.ReadFile(exampleFiles, p)
		if err != nil {
			return err
		}
		if strings.HasPrefix(p, ".github/workflows/") {
			data = adaptWorkflow(data, pinnedVersion(b))
		}
		if out == "README.md" {
			data = []byte(strings.Replace(string(data), pinMarker, pinNote(b), 1))
		}
		data = []byte(names.Replace(string(data)))
		dst := filepath.Join(dir, filepath.FromSlash(out))
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			return err
		}
		// O_EXCL: even a file that appeared since the folder was found
		// empty is never overwritten.
		f, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
		if err != nil {
			return err
		}
		_, err = f.Write(data)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		n++
		return err
	})
	return n, err
}

// The example's workflows build accredit from the source beside them; a
// new program has no source, so its workflows install a release with
// .github/actions/setup-accredit instead, pinned to this binary's own
// version: the program is checked in CI by the accredit that made it
// until someone upgrades both on purpose. They need no Go then.
func adaptWorkflow(data []byte, version string) []byte {
	s := string(data)
	s = strings.ReplaceAll(s, "      - uses: actions/setup-go@v5.4.0\n        with:\n          go-version-file: go.mod\n", "")
	s = strings.ReplaceAll(s, buildStep,
		"      # A pinned release, checked against its SHA-256 checksums; see\n"+
			"      # \"Upgrading accredit\" in README.md.\n"+
			"      - name: Install accredit\n"+
			"        uses: "+setupAction+"@"+version+"\n"+
			"        with:\n"+
			"          version: "+version+"\n")
	return []byte(strings.ReplaceAll(s, `"$RUNNER_TEMP/accredit"`, "accredit"))
}

// buildStep is how the example's workflows build accredit: without the
// commit stamped in, which would make a new binary, and so new cache keys,
// at every commit (see "Speed: the decode cache" in format.md).
const buildStep = "      - name: Build accredit\n" +
	"        # Built without its commit stamped in (-buildvcs=false), the binary\n" +
	"        # stays the same until the Go code changes: accredit's cache, restored\n" +
	"        # above, is keyed by the binary and would miss at every commit.\n" +
	"        run: go build -buildvcs=false -o \"$RUNNER_TEMP/accredit\" ./cmd/accredit\n"

// setupAction installs a release of accredit (.github/actions/setup-accredit).
const setupAction = "accredit/accredit/.github/actions/setup-accredit"

// unpinned stands for the version in the workflows of a program made by a
// development build, which has no release to pin: the workflows fail
// until it is replaced, and the README says so.
const unpinned = "vX.Y.Z"

// pinnedVersion is the release the new program's workflows install.
func pinnedVersion(b build) string {
	if b.Release() {
		return b.Version
	}
	return unpinned
}

// pinNote is the README's paragraph on the version its workflows pin.
func pinNote(b build) string {
	v := pinnedVersion(b)
	if v == unpinned {
		return "This program was created by a development build of accredit (" + b.String() + "),\n" +
			"which no release can stand for: the workflows say `" + unpinned + "` where the\n" +
			"version belongs, and fail until you replace it. Pick a release from\n" +
			"https://github.com/accredit/accredit/releases and write its tag in\n" +
			"place of every `" + unpinned + "` under `.github/workflows/`."
	}
	return "The workflows install accredit " + v + ", the release that created this\n" +
		"program, so that a pull request is always checked by the same rules."
}

// newProgramFiles maps the files of newprogram/ to where init writes
// them; the tool's own workflows (its releases) are not the program's.
var (
	newProgramFiles = map[string]string{"README.md": "README.md", "gitignore": ".gitignore"}
	toolOnly        = map[string]bool{".github/workflows/release.yml": true}
)

// newNames checks the names of a new program and returns what replaces
// the example's in every file init writes: its program name, issuer,
// addresses, e-mail domain, repository and brand (the issuer's first
// word, for "Northwind" alone, as in its products' names). The longest
// come first: a Replacer tries its pairs in order at each position.
func newNames(name, issuer, siteURL string) (*strings.Replacer, error) {
	issuer = strings.TrimSpace(issuer)
	name = strings.TrimSpace(name)
	if name == "" {
		name = issuer + " Partner Certification Program"
	}
	for _, v := range []struct{ flag, v string }{{"--issuer", issuer}, {"--name", name}} {
		if v.v == "" {
			return nil, fmt.Errorf("%s must not be empty", v.flag)
		}
		// The names are written into TOML strings and Markdown as
		// they are: nothing there may end a string or a line.
		if i := strings.IndexFunc(v.v, func(r rune) bool { return r == '"' || r == '\\' || r < ' ' || r == 0x7f }); i >= 0 {
			return nil, fmt.Errorf("%s %s: %q cannot be in a name (quotes, backslashes and control characters are refused)", v.flag, diag.Printable(v.v), v.v[i:i+1])
		}
	}
	u, err := url.Parse(siteURL)
	if err != nil || !load.IsURL(siteURL) || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
		return nil, fmt.Errorf("--site-url %s is not an absolute http or https URL without query or fragment", diag.Printable(siteURL))
	}
	if !strings.HasSuffix(siteURL, "/") {
		siteURL += "/"
	}
	host := u.Hostname()
	domain := host
	if labels := strings.Split(host, "."); len(labels) > 2 && net.ParseIP(host) == nil {
		domain = strings.Join(labels[1:], ".")
	}
	brand, _, _ := strings.Cut(issuer, " ")
	slug := slugWord(brand)
	return strings.NewReplacer(
		"Northwind Partner Certification Program", name,
		"Northwind Software", issuer,
		"https://partners.northwind.example/", siteURL,
		"partners.northwind.example/", strings.TrimPrefix(strings.TrimPrefix(siteURL, "https://"), "http://"),
		// The example's repository is not theirs: a wrong link on every
		// credential's commit would be worse than none.
		`repository = "https://github.com/northwind/partner-program"`, `# repository = "https://github.com/OWNER/REPOSITORY"  # links each credential to the commit that granted it`,
		"https://northwind.example", u.Scheme+"://"+domain,
		"northwind.example", domain,
		"Northwind", brand,
		"northwind", slug,
		"NORTHWIND", strings.ToUpper(brand),
	), nil
}

// slugWord is word in lower case, letters and digits only ("example"
// when none is left), for the example's brand in addresses.
func slugWord(word string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(word) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	if b.Len() == 0 {
		return "example"
	}
	return b.String()
}

// gitTop returns the work tree of the git repository holding dir, or "".
func gitTop(dir string) string {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return ""
	}
	for p := abs; ; p = filepath.Dir(p) {
		if _, err := os.Stat(filepath.Join(p, ".git")); err == nil {
			return p
		}
		if filepath.Dir(p) == p {
			return ""
		}
	}
}

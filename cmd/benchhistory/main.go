// Command benchhistory measures accredit's git history reading against
// the git CLI, in one run:
//
//   - audit: a history of -commits commits (default 50,000) over the
//     people files of a generated program is written with git fast-import;
//     accredit's complete audit (package history, in a child process: the
//     program at head loaded, every commit judged key by key, with
//     collision-detecting hashes of what it reads), the same audit again
//     with the diffs of every commit kept by an earlier one (a later
//     check --git), and "git log --first-parent --name-only" each walk
//     it; wall time and peak RSS of each, median of -runs;
//
//   - plan: a generated program is committed, then a change (grants,
//     renewals, revocations, removals) on top; "accredit plan" between
//     the two, cold (no decode cache) and warm.
//
//     go run ./cmd/genprogram -partners 1000 -people 10 -out /tmp/p1k
//     go run ./cmd/genprogram -partners 10000 -people 10 -out /tmp/p10k
//     go run ./cmd/benchhistory -history /tmp/p1k -plan /tmp/p10k
//
// With -before BIN (an accredit built from another revision, such as
// main), plan is measured with both binaries in the same run, their runs
// alternating so that other work on the machine weighs on both alike,
// and their outputs must agree.
package main

import (
	"bufio"
	"bytes"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/pprof"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/accredit/accredit/cmd/internal/credid"
	"github.com/accredit/accredit/cmd/internal/history"
	"github.com/accredit/accredit/cmd/internal/load"
)

func main() {
	var (
		hist    = flag.String("history", "", "a generated program `DIR` whose people files the history touches")
		commits = flag.Int("commits", 50000, "commits in the generated history")
		plan    = flag.String("plan", "", "a generated program `DIR` to plan a change of")
		runs    = flag.Int("runs", 3, "runs per measurement")
		work    = flag.String("work", "", "keep the generated repositories in `DIR` (default: a temporary folder)")
		before  = flag.String("before", "", "with -plan, also measure the accredit `BIN` (built from another revision), alternating with this one")
		walk    = flag.String("walk", "", "internal: walk the repository `DIR` and print what was found")
		profile = flag.String("cpuprofile", "", "write a CPU profile of the audit (in the -walk child) to `FILE`, and its allocations to FILE.allocs")
		diffs   = flag.String("diff-cache", "", "internal: with -walk, the audit's cache of diffs is the `FILE`")
	)
	flag.Parse()
	if *walk != "" {
		walkOnly(*walk, *profile, *diffs)
		return
	}
	if *hist == "" && *plan == "" {
		fmt.Fprintln(os.Stderr, "usage: benchhistory [-history DIR [-commits N] [-cpuprofile FILE]] [-plan DIR [-before BIN]] [-runs N] [-work DIR]")
		os.Exit(2)
	}
	tmp := *work
	if tmp == "" {
		var err error
		if tmp, err = os.MkdirTemp("", "benchhistory"); err != nil {
			fail(err)
		}
		defer os.RemoveAll(tmp)
	}
	self, err := os.Executable()
	if err != nil {
		fail(err)
	}
	if *hist != "" {
		repo := filepath.Join(tmp, "history")
		if _, err := os.Stat(filepath.Join(repo, ".git")); err != nil {
			start := time.Now()
			n := writeHistory(*hist, repo, *commits)
			fmt.Printf("history: %d commits over %d people files, written in %s\n", *commits, n, time.Since(start).Round(time.Millisecond))
		}
		args := []string{"-walk", repo}
		if *profile != "" {
			abs, err := filepath.Abs(*profile)
			if err != nil {
				fail(err)
			}
			args = append(args, "-cpuprofile", abs)
		}
		measure("accredit audit (load + check --git's walk)", *runs, repo, self, args...)
		// A later check --git: the diffs of every commit kept by the
		// first (AuditOptions.Cache).
		diffs := filepath.Join(tmp, "diffs")
		os.Remove(diffs)
		run(repo, nil, self, "-walk", repo, "-diff-cache", diffs) // fills it
		measure("accredit audit, the diffs kept by an earlier one", *runs, repo, self, "-walk", repo, "-diff-cache", diffs)
		measure("git log --first-parent --name-only", *runs, repo, "git", "log", "--first-parent", "--name-only", "--format=%H %an %ae %at")
	}
	if *plan != "" {
		repo := filepath.Join(tmp, "plan")
		if _, err := os.Stat(filepath.Join(repo, ".git")); err != nil {
			start := time.Now()
			writePlanRepo(*plan, repo)
			fmt.Printf("plan: %s committed with a change on top in %s\n", *plan, time.Since(start).Round(time.Millisecond))
		}
		bin := filepath.Join(tmp, "accredit")
		if out, err := exec.Command("go", "build", "-o", bin, "./cmd/accredit").CombinedOutput(); err != nil {
			fail(fmt.Errorf("go build: %v\n%s", err, out))
		}
		args := []string{"plan", "--root", repo, "--base", "HEAD~1", "--head", "HEAD", "--as-of", "2026-11-22", "--format", "json"}
		bins := []struct{ label, bin string }{{"", bin}}
		if *before != "" {
			bins = []struct{ label, bin string }{{"before: ", *before}, {"after:  ", bin}}
		}
		var cold, warm []subject
		for i, bb := range bins {
			label, b := bb.label, bb.bin
			// A cache of its own: the cache file is one per program, and
			// another binary's (another salt) is no cache at all.
			cache := []string{"XDG_CACHE_HOME=" + filepath.Join(tmp, "cache", fmt.Sprint(i))}
			cold = append(cold, subject{label + "accredit plan, cold (ACCREDIT_CACHE=off)", []string{"ACCREDIT_CACHE=off"}, b})
			warm = append(warm, subject{label + "accredit plan, warm decode cache", cache, b})
			run(repo, cache, b, args...) // prime
		}
		measureEach(*runs, repo, cold, args...)
		measureEach(*runs, repo, warm, args...)
		var first []byte
		for i, bb := range bins {
			cmd := exec.Command(bb.bin, args...)
			cmd.Env = append(os.Environ(), warm[i].env...)
			out, err := cmd.Output()
			if ee, ok := err.(*exec.ExitError); err != nil && (!ok || ee.ExitCode() != 1) {
				fail(err)
			}
			if first != nil && !bytes.Equal(out, first) {
				fail(fmt.Errorf("the plans of -before and of this revision differ"))
			}
			first = out
		}
		if *before != "" {
			fmt.Println("plan: before and after print the same JSON")
		}
		cmd := exec.Command(bin, append(args[:len(args)-1], "text")...)
		cmd.Env = append(os.Environ(), warm[len(warm)-1].env...)
		out, _ := cmd.Output()
		if lines := strings.Split(strings.TrimSpace(string(out)), "\n"); len(lines) > 0 {
			fmt.Printf("plan says: %s\n", lines[len(lines)-1])
		}
	}
}

// walkOnly is the child process of the audit measurement: what check
// --git does beyond check, on the program at the repository's head.
func walkOnly(dir, profile, diffs string) {
	start := time.Now()
	p, _, err := load.Load(dir)
	if err != nil {
		fail(err)
	}
	loaded := time.Since(start)
	loadCPU := cpuTime()
	if profile != "" {
		f, err := os.Create(profile)
		if err != nil {
			fail(err)
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			fail(err)
		}
		defer f.Close()
		defer pprof.StopCPUProfile()
	}
	r, err := history.Open(dir)
	if err != nil {
		fail(err)
	}
	defer r.Close()
	res, err := r.Audit(history.AuditOptions{P: p, Worktree: dir, Cache: diffs, Salt: []byte("benchhistory")})
	if err != nil {
		fail(err)
	}
	audit := time.Since(start) - loaded
	auditCPU := cpuTime() - loadCPU
	if profile != "" {
		// Where the audit allocates (go tool pprof -sample_index=alloc_space).
		f, err := os.Create(profile + ".allocs")
		if err != nil {
			fail(err)
		}
		pprof.Lookup("allocs").WriteTo(f, 0)
		f.Close()
	}
	pr := res.Prov
	fmt.Printf("load %.2f s, audit %.2f s (CPU %.2f s): %d commits, %d credentials, %d revocations, %d waivers, %d diagnostics\n",
		loaded.Seconds(), audit.Seconds(), auditCPU.Seconds(), pr.Commits, len(pr.Granted), len(pr.Revoked), len(pr.Waived), len(res.Diags))
}

// cpuTime is the CPU time (user and system) the process has used.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func measure(name string, runs int, dir string, bin string, args ...string) {
	measureEnv(name, runs, dir, nil, bin, args...)
}

func measureEnv(name string, runs int, dir string, env []string, bin string, args ...string) {
	measureEach(runs, dir, []subject{{name, env, bin}}, args...)
}

// subject is one command measured: a name, its environment and binary.
type subject struct {
	name string
	env  []string
	bin  string
}

// measureEach measures every subject runs times, their runs alternating.
func measureEach(runs int, dir string, ss []subject, args ...string) {
	walls := make([][]time.Duration, len(ss))
	cpus := make([][]time.Duration, len(ss))
	rss := make([][]int64, len(ss))
	outs := make([]string, len(ss))
	for range runs {
		for i, s := range ss {
			w, c, m, o := run(dir, s.env, s.bin, args...)
			walls[i] = append(walls[i], w)
			cpus[i] = append(cpus[i], c)
			rss[i] = append(rss[i], m)
			outs[i] = o
		}
	}
	for i, s := range ss {
		w, c, m := walls[i], cpus[i], rss[i]
		slices.Sort(w)
		slices.Sort(c)
		slices.Sort(m)
		fmt.Printf("%-53s wall median %6.2f s (min %.2f, max %.2f)   CPU (user+sys) median %6.2f s   peak RSS median %4d MiB   %s\n", s.name,
			w[len(w)/2].Seconds(), w[0].Seconds(), w[len(w)-1].Seconds(), c[len(c)/2].Seconds(), m[len(m)/2]>>10, outs[i])
	}
}

// run runs a command and returns its wall time, CPU time (user and
// system: less sensitive than wall time to other work on the machine),
// peak RSS in KiB and a one-line summary of its output.
func run(dir string, env []string, bin string, args ...string) (time.Duration, time.Duration, int64, string) {
	cmd := exec.Command(bin, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	var stdout bytes.Buffer
	cmd.Stdout = &stdout
	cmd.Stderr = os.Stderr
	start := time.Now()
	err := cmd.Run()
	wall := time.Since(start)
	if err != nil {
		if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 1 {
			fail(fmt.Errorf("%s %s: %v", bin, strings.Join(args, " "), err))
		}
	}
	summary := fmt.Sprintf("(%d bytes of output)", stdout.Len())
	if lines := strings.Split(strings.TrimSpace(stdout.String()), "\n"); len(lines) == 1 {
		summary = lines[0]
	}
	ps := cmd.ProcessState
	return wall, ps.UserTime() + ps.SystemTime(), ps.SysUsage().(*syscall.Rusage).Maxrss, summary
}

// files lists a program's files, relative and /-separated, sorted.
func files(root string) (people, other []string) {
	filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		rel = filepath.ToSlash(rel)
		if strings.HasPrefix(rel, "partners/") && strings.Contains(rel, "/people/") {
			people = append(people, rel)
		} else {
			other = append(other, rel)
		}
		return nil
	})
	slices.Sort(people)
	slices.Sort(other)
	return people, other
}

var authors = []string{
	"Dana Whitfield <dana.whitfield@northwind.example>",
	"Marcus Oyelaran <marcus.oyelaran@northwind.example>",
	"Priya Raman <priya.raman@northwind.example>",
	"Sam Intern <sam@contractor.example>",
}

// importer writes a git fast-import stream.
type importer struct {
	w    *bufio.Writer
	mark int
	when int64
}

func (im *importer) commit(author, msg string, files map[string][]byte, deletes []string) {
	im.mark++
	im.when += 600
	fmt.Fprintf(im.w, "commit refs/heads/main\nmark :%d\nauthor %s %d +0000\ncommitter %s %d +0000\ndata %d\n%s\n",
		im.mark, author, im.when, author, im.when, len(msg), msg)
	if im.mark > 1 {
		fmt.Fprintf(im.w, "from :%d\n", im.mark-1)
	}
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, n := range deletes {
		fmt.Fprintf(im.w, "D %s\n", n)
	}
	for _, n := range names {
		fmt.Fprintf(im.w, "M 100644 inline %s\ndata %d\n", n, len(files[n]))
		im.w.Write(files[n])
		im.w.WriteByte('\n')
	}
	im.w.WriteByte('\n')
}

// gitImport runs git init and fast-import in dir, feeding it from fn.
func gitImport(dir string, fn func(*importer)) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		fail(err)
	}
	git(dir, "init", "-q", "-b", "main")
	cmd := exec.Command("git", "fast-import", "--quiet")
	cmd.Dir = dir
	cmd.Stderr = os.Stderr
	in, err := cmd.StdinPipe()
	if err != nil {
		fail(err)
	}
	if err := cmd.Start(); err != nil {
		fail(err)
	}
	im := &importer{w: bufio.NewWriterSize(in, 1<<20), when: 1700000000}
	fn(im)
	im.w.Flush()
	in.Close()
	if err := cmd.Wait(); err != nil {
		fail(fmt.Errorf("git fast-import: %v", err))
	}
	// A real repository is packed by git gc; fast-import's pack is not.
	git(dir, "repack", "-a", "-d", "-q")
	git(dir, "reset", "-q", "--hard", "main")
}

func git(dir string, args ...string) {
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		fail(fmt.Errorf("git %s: %v\n%s", strings.Join(args, " "), err, out))
	}
}

func read(root, rel string) []byte {
	b, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(rel)))
	if err != nil {
		fail(err)
	}
	return b
}

// writeHistory imports a history of n commits: the program without its
// people, then each person file added with its results only, then its
// certifications added, then edits, round after round, by administrators
// and now and then by someone else. It returns the number of people files.
func writeHistory(src, dir string, n int) int {
	people, other := files(src)
	if len(people) == 0 {
		fail(fmt.Errorf("%s has no people files", src))
	}
	gitImport(dir, func(im *importer) {
		first := map[string][]byte{}
		for _, rel := range other {
			first[rel] = read(src, rel)
		}
		im.commit(authors[0], "The program and its partners", first, nil)
		for k := 0; k < n-1; k++ {
			rel := people[k%len(people)]
			round := k / len(people)
			full := read(src, rel)
			content := full
			msg := "Grant " + rel
			switch {
			case round == 0:
				if i := bytes.Index(full, []byte("[[certifications]]")); i >= 0 {
					content = full[:i]
				}
				msg = "Results of " + rel
			case round > 1:
				content = fmt.Appendf(bytes.Clone(full), "\n# reviewed in round %d\n", round)
				msg = "Review " + rel
			}
			im.commit(authors[k%len(authors)], msg, map[string][]byte{rel: content}, nil)
		}
	})
	return len(people)
}

// writePlanRepo commits the program, then a change: ten new credentials
// (copies of people with fresh ids, in other partners), five revocations
// and five people removed.
func writePlanRepo(src, dir string) {
	people, other := files(src)
	if len(people) < 40 {
		fail(fmt.Errorf("%s has too few people files", src))
	}
	gitImport(dir, func(im *importer) {
		all := map[string][]byte{}
		for _, rel := range append(slices.Clone(other), people...) {
			all[rel] = read(src, rel)
		}
		im.commit(authors[0], "The program", all, nil)
		change := map[string][]byte{}
		for i := range 10 {
			from := people[i*3]
			body := read(src, from)
			var out []string
			for _, line := range strings.Split(string(body), "\n") {
				if strings.HasPrefix(line, "id = ") {
					line = fmt.Sprintf("id = %q", credid.New())
				}
				if strings.HasPrefix(line, "renews = ") {
					continue // the renewed credential stays where it is
				}
				out = append(out, line)
			}
			to := people[len(people)-1-i]
			rel := filepath.ToSlash(filepath.Join(filepath.Dir(to), fmt.Sprintf("new-hire-%d.toml", i)))
			change[rel] = []byte(strings.Join(out, "\n"))
		}
		for i := range 5 {
			rel := people[100+i*7]
			change[rel] = append(read(src, rel), "revoked = 2026-11-22\nrevoked_reason = \"Exam integrity breach\"\n"...)
		}
		var deletes []string
		for i := range 5 {
			deletes = append(deletes, people[500+i*11])
		}
		im.commit(authors[1], "Grants, revocations and departures", change, deletes)
	})
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "benchhistory:", err)
	os.Exit(1)
}

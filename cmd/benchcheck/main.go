// Command benchcheck measures "accredit check" (or "accredit build") on a
// generated program: wall time, CPU time (user+sys) and peak memory,
// cold (no decode cache), warm (decode cache primed, no last result),
// reuse (check's last result kept, nothing changed: package checkcache),
// edit (the same, with one person's file edited before each run, as
// an administrator's change is checked) and checkout (decode cache
// primed, every file written anew by git checkout before each run, as in
// CI), as the median of several runs.
//
// With -bin, it compares binaries built beforehand (an older commit's
// and this tree's, say) in the same session: each round runs every
// binary once per mode, in an order that rotates from round to round, so
// that the load other users put on a shared machine falls on all of
// them alike. CPU time is reported beside wall time for the same
// reason: it moves less with the machine's load. Without -bin it builds
// ./cmd/accredit and measures it alone.
//
//	go run ./cmd/genprogram -partners 10000 -people 10 -out /tmp/big
//	go run ./cmd/benchcheck -root /tmp/big -runs 5
//	go run ./cmd/benchcheck -root /tmp/big -bin /tmp/acc-old,/tmp/acc-new -runs 7
//	go run ./cmd/benchcheck -root /tmp/big -bin /tmp/acc-old,/tmp/acc-new -cmd build -runs 3
//
// Mode checkout needs a root whose program is committed at the top of a
// git worktree, and the git command:
//
//	cd /tmp/big && git init -q && git add -A && git commit -qm program
//	go run ./cmd/benchcheck -root /tmp/big -modes warm,checkout
//
// With -roots, each binary checks its own program, in the same rounds:
// an older accredit on a program written for it against this tree's on
// one that uses keys the older one does not know (genprogram -assess).
//
//	go run ./cmd/benchcheck -bin /tmp/acc-old,/tmp/acc-new -roots /tmp/big,/tmp/big-assess -runs 5
//
// With -report it measures instead, in the same run and with the cache
// warm, "check", "report --format json" and "report --format html"
// alternately, and prints the report's time over check's (issue 19
// asks at most 1.5) and the HTML report's size (at most 5 MB).
package main

import (
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"
)

// sample is one run's measures.
type sample struct {
	wall, cpu time.Duration
	rss       int64 // KiB
}

func main() {
	root := flag.String("root", "", "a program repository, e.g. written by genprogram")
	runs := flag.Int("runs", 5, "runs per mode and binary")
	asOf := flag.String("as-of", "2026-11-22", "the as-of date to check at")
	bins := flag.String("bin", "", "comma-separated accredit binaries to compare (default: build ./cmd/accredit)")
	command := flag.String("cmd", "check", "the command measured: check or build (build writes its site to a temporary folder, removed after each run)")
	modes := flag.String("modes", "cold,warm,reuse,edit,nextday", "comma-separated modes: cold (empty decode cache), warm (primed decode cache, no last result), reuse (check's last result kept), edit (as reuse, with one person's file edited before each run), nextday (the first check of the day after a warm full check, no file changed), farday (the same, four days on: past the days it worked out); and, for a root that is a git worktree with its program committed: checkout (every file written anew by git, the decode cache kept, no last result), restored (the same, the last result kept too, as CI with its cache restored), pr (as restored, with one person's file changed and in git's index, as a pull request's checkout)")
	withReport := flag.Bool("report", false, "measure report --format json and html against check")
	rootList := flag.String("roots", "", "comma-separated programs, one per -bin binary, in place of -root")
	flag.Parse()
	var roots []string
	if *rootList != "" {
		roots = strings.Split(*rootList, ",")
		*root = roots[0]
	}
	if *root == "" || (*command != "check" && *command != "build") {
		fmt.Fprintln(os.Stderr, "usage: benchcheck -root DIR [-bin A,B] [-cmd check|build] [-runs N] [-modes cold,warm] [-as-of DATE]")
		os.Exit(2)
	}
	tmp, err := os.MkdirTemp("", "benchcheck")
	if err != nil {
		fail(err)
	}
	defer os.RemoveAll(tmp)
	defer restore()
	var binaries []string
	if *bins == "" {
		bin := filepath.Join(tmp, "accredit")
		if out, err := exec.Command("go", "build", "-o", bin, "./cmd/accredit").CombinedOutput(); err != nil {
			fail(fmt.Errorf("go build: %v\n%s", err, out))
		}
		binaries = []string{bin}
	} else {
		binaries = strings.Split(*bins, ",")
	}
	if roots == nil {
		for range binaries {
			roots = append(roots, *root)
		}
	}
	if len(roots) != len(binaries) {
		fail(fmt.Errorf("-roots names %d programs for %d binaries", len(roots), len(binaries)))
	}
	files := 0
	filepath.WalkDir(*root, func(_ string, d os.DirEntry, _ error) error {
		if d != nil && !d.IsDir() {
			files++
		}
		return nil
	})
	fmt.Printf("accredit %s on %s (%d files), %d runs per mode and binary, alternating, GOMAXPROCS default\n", *command, strings.Join(slices.Compact(slices.Clone(roots)), ", "), files, *runs)
	b := &bench{root: *root, asOf: *asOf, command: *command, tmp: tmp}
	if *withReport {
		warmCache := filepath.Join(tmp, "warm")
		b.run(binaries[0], warmCache) // prime
		benchReport(binaries[0], *root, *asOf, warmCache, tmp, *runs)
		return
	}
	warm := make([]string, len(binaries))
	for i, bin := range binaries {
		warm[i] = filepath.Join(tmp, fmt.Sprintf("warm-%d", i))
		if strings.Contains(*modes, "warm") || strings.Contains(*modes, "reuse") || strings.Contains(*modes, "edit") || strings.Contains(*modes, "nextday") || strings.Contains(*modes, "farday") || strings.Contains(*modes, "checkout") || strings.Contains(*modes, "restored") || strings.Contains(*modes, "pr") {
			b.root = roots[i]
			b.run(bin, warm[i]) // prime
		}
	}
	for _, mode := range strings.Split(*modes, ",") {
		got := make([][]sample, len(binaries))
		if mode == "reuse" || mode == "edit" {
			for i, bin := range binaries {
				b.root = roots[i]
				b.run(bin, warm[i]) // keeps the result and its manifest
			}
		}
		for r := range *runs {
			for k := range binaries {
				i := (k + r) % len(binaries)
				cache := warm[i]
				switch mode {
				case "cold":
					cache = filepath.Join(tmp, fmt.Sprintf("cold-%d-%d", i, r))
				case "warm", "checkout":
					// The decode cache only: check's last result goes.
					old, _ := filepath.Glob(filepath.Join(cache, "accredit", "*.check"))
					for _, f := range old {
						os.Remove(f)
					}
					if mode == "checkout" {
						checkout(roots[i])
					}
				case "restored":
					// CI with the whole cache restored (actions/cache):
					// the decode cache and the last result, every file
					// written anew.
					checkout(roots[i])
				case "pr":
					// The same, the checkout of a change to one person's
					// file, as a pull request's.
					checkout(roots[i])
					editPerson(roots[i], r)
					git(roots[i], "add", "--", editedFile)
				case "edit":
					// An administrator's edit: one person's file, written
					// again with a line more than at the last run.
					editPerson(roots[i], r)
				case "nextday", "farday":
					// A full check with the decode cache warm (the last
					// result gone), then the one measured: the next day's.
					old, _ := filepath.Glob(filepath.Join(cache, "accredit", "*.check"))
					for _, f := range old {
						os.Remove(f)
					}
					b.root = roots[i]
					b.run(binaries[i], cache)
				}
				b.root = roots[i]
				day := b.asOf
				switch mode {
				case "nextday":
					b.asOf = nextDay(day)
				case "farday":
					// Past the days a full check works out (3).
					for range 4 {
						b.asOf = nextDay(b.asOf)
					}
				}
				sm := b.run(binaries[i], cache)
				b.asOf = day
				got[i] = append(got[i], sm)
				// Each run as it ends: a long session interrupted
				// still has its figures.
				fmt.Printf("  %s run %d %-28s wall %6.2f s  cpu %6.2f s  peak RSS %4d MiB\n", mode, r+1, filepath.Base(binaries[i]), sm.wall.Seconds(), sm.cpu.Seconds(), sm.rss>>10)
				if mode == "cold" {
					os.RemoveAll(cache)
				}
				if mode == "pr" {
					git(roots[i], "reset", "-q") // the edit out of the index
				}
			}
		}
		var base sample
		for i, bin := range binaries {
			m := medians(got[i])
			if i == 0 {
				base = m
			}
			fmt.Printf("%-5s %-28s wall %6.2f s (min %5.2f, max %5.2f)  cpu %6.2f s (min %5.2f, max %5.2f)  peak RSS %4d MiB",
				mode, filepath.Base(bin), m.wall.Seconds(), minOf(got[i], wallOf).Seconds(), maxOf(got[i], wallOf).Seconds(),
				m.cpu.Seconds(), minOf(got[i], cpuOf).Seconds(), maxOf(got[i], cpuOf).Seconds(), m.rss>>10)
			if i > 0 {
				fmt.Printf("  vs %s: wall %+.1f%%, cpu %+.1f%%", filepath.Base(binaries[0]),
					100*(m.wall.Seconds()/base.wall.Seconds()-1), 100*(m.cpu.Seconds()/base.cpu.Seconds()-1))
			}
			fmt.Println()
		}
	}
}

// checkout writes every file of the program at root anew, as a fresh
// clone in CI has them: new inodes and times, and git's index written
// after them.
func checkout(root string) {
	for _, t := range []string{"programs", "partners", "content", "layouts"} {
		if err := os.RemoveAll(filepath.Join(root, t)); err != nil {
			fail(err)
		}
	}
	git(root, "checkout", "-q", "--", ".")
}

// git runs git in root.
func git(root string, args ...string) {
	cmd := exec.Command("git", append([]string{"-C", root}, args...)...)
	if out, err := cmd.CombinedOutput(); err != nil {
		fail(fmt.Errorf("-modes checkout, restored and pr need %s to be a git worktree with its program committed: git %s: %v\n%s", root, args[0], err, out))
	}
}

// nextDay is the day after day (YYYY-MM-DD).
func nextDay(day string) string {
	t, err := time.Parse(time.DateOnly, day)
	if err != nil {
		fail(fmt.Errorf("-as-of %s: %v", day, err))
	}
	return t.AddDate(0, 0, 1).Format(time.DateOnly)
}

// edited holds the person files editPerson changed, as they were, to
// put back when the benchmark ends.
var edited = map[string][]byte{}

// editedFile is the last file editPerson changed, from its root.
var editedFile string

// editPerson edits the first person file of root: its content as it
// was, and a comment line naming the run.
func editPerson(root string, run int) {
	files, _ := filepath.Glob(filepath.Join(root, "partners", "*", "people", "*.toml"))
	if len(files) == 0 {
		fail(fmt.Errorf("%s: no person file to edit", root))
	}
	f := files[0]
	editedFile, _ = filepath.Rel(root, f)
	orig, ok := edited[f]
	if !ok {
		var err error
		if orig, err = os.ReadFile(f); err != nil {
			fail(err)
		}
		edited[f] = orig
	}
	if err := os.WriteFile(f, fmt.Appendf(slices.Clip(orig), "# edited before run %d\n", run+1), 0o644); err != nil {
		fail(err)
	}
}

// restore puts back the files editPerson changed.
func restore() {
	for f, data := range edited {
		os.WriteFile(f, data, 0o644)
	}
}

type bench struct {
	root, asOf, command, tmp string
}

// run runs the command once with its cache under cacheHome.
func (b *bench) run(bin, cacheHome string) sample {
	args := []string{b.command, "--root", b.root, "--as-of", b.asOf}
	out := filepath.Join(b.tmp, "out")
	if b.command == "check" {
		args = append(args, "--format", "json")
	} else {
		args = append(args, "--out", out)
		defer os.RemoveAll(out)
	}
	cmd := exec.Command(bin, args...)
	cmd.Env = append(os.Environ(), "XDG_CACHE_HOME="+cacheHome)
	start := time.Now()
	err := cmd.Run()
	wall := time.Since(start)
	if err != nil {
		if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 1 || b.command != "check" {
			fail(fmt.Errorf("%s %s: %v", bin, b.command, err))
		}
	}
	ru := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	cpu := time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	return sample{wall: wall, cpu: cpu, rss: ru.Maxrss}
}

func wallOf(s sample) time.Duration { return s.wall }
func cpuOf(s sample) time.Duration  { return s.cpu }

func medians(ss []sample) sample {
	med := func(f func(sample) time.Duration) time.Duration {
		v := make([]time.Duration, len(ss))
		for i, s := range ss {
			v[i] = f(s)
		}
		slices.Sort(v)
		return v[len(v)/2]
	}
	rss := make([]int64, len(ss))
	for i, s := range ss {
		rss[i] = s.rss
	}
	slices.Sort(rss)
	return sample{wall: med(wallOf), cpu: med(cpuOf), rss: rss[len(rss)/2]}
}

func minOf(ss []sample, f func(sample) time.Duration) time.Duration {
	m := f(ss[0])
	for _, s := range ss[1:] {
		m = min(m, f(s))
	}
	return m
}

func maxOf(ss []sample, f func(sample) time.Duration) time.Duration {
	m := f(ss[0])
	for _, s := range ss[1:] {
		m = max(m, f(s))
	}
	return m
}

func fail(err error) {
	restore()
	fmt.Fprintln(os.Stderr, "benchcheck:", err)
	os.Exit(1)
}

// benchReport times check and the report's JSON and HTML in turn, so
// that all three share the machine's load, and compares the medians.
func benchReport(bin, root, asOf, cache, tmp string, runs int) {
	kinds := []struct {
		name string
		args []string
	}{
		{"check", []string{"check", "--format", "json"}},
		{"report json", []string{"report", "--format", "json"}},
		{"report html", []string{"report", "--format", "html", "--out", filepath.Join(tmp, "report")}},
	}
	walls := make([][]time.Duration, len(kinds))
	cpus := make([][]time.Duration, len(kinds)) // user + system: steadier than wall on a shared machine
	for range runs {
		for k, kind := range kinds {
			cmd := exec.Command(bin, append(kind.args, "--root", root, "--as-of", asOf)...)
			cmd.Env = append(os.Environ(), "XDG_CACHE_HOME="+cache)
			start := time.Now()
			if out, err := cmd.CombinedOutput(); err != nil && kind.name != "check" {
				fail(fmt.Errorf("accredit %s: %v\n%.500s", kind.name, err, out))
			}
			walls[k] = append(walls[k], time.Since(start))
			cpus[k] = append(cpus[k], cmd.ProcessState.UserTime()+cmd.ProcessState.SystemTime())
		}
	}
	median := func(ws []time.Duration) time.Duration {
		slices.Sort(ws)
		return ws[len(ws)/2]
	}
	c, cc := median(walls[0]), median(cpus[0])
	for k, kind := range kinds {
		m, mc := median(walls[k]), median(cpus[k])
		fmt.Printf("%-12s wall median %6.2f s (min %.2f, max %.2f) %.2f x check   CPU median %6.2f s %.2f x check\n", kind.name, m.Seconds(),
			walls[k][0].Seconds(), walls[k][len(walls[k])-1].Seconds(), m.Seconds()/c.Seconds(), mc.Seconds(), mc.Seconds()/cc.Seconds())
	}
	if fi, err := os.Stat(filepath.Join(tmp, "report", "index.html")); err == nil {
		fmt.Printf("HTML report %.2f MB\n", float64(fi.Size())/1e6)
	}
}

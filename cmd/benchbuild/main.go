// Command benchbuild measures "accredit build" on a generated program
// against two yardsticks, run alternately (A B C A B C ...) so that machine
// noise hits all three alike:
//
//	A. accredit build with a freshly built binary, decode cache warm;
//	B. Hugo rendering as many bare Markdown pages as A writes HTML pages,
//	   each its own directory page;
//	C. the bare I/O floor: the same directories and files, of the same
//	   sizes, written with filler bytes on GOMAXPROCS goroutines in process.
//
// It reports wall time (median, min, max), pages per second and peak RSS,
// then the ratios A/B (target <= 0.75) and A/C (target <= 1.5).
//
//	go run ./cmd/genprogram -partners 10000 -people 10 -extra 45 -out /tmp/big
//	go run ./cmd/benchbuild -root /tmp/big -runs 3
package main

import (
	"bytes"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

var (
	tmp  string
	keep *bool
)

func main() {
	root := flag.String("root", "", "a program repository, e.g. written by genprogram")
	runs := flag.Int("runs", 3, "rounds (each runs A, B and C once)")
	asOf := flag.String("as-of", "2026-11-22", "the as-of date to build at")
	keep = flag.Bool("keep", false, "keep the temporary directories for inspection")
	settle := flag.Duration("settle", 5*time.Second, "wait after syncing before each timed run")
	flag.Parse()
	if *root == "" || *runs < 1 || flag.NArg() > 0 {
		fmt.Fprintln(os.Stderr, "usage: benchbuild -root DIR [-runs N] [-as-of DATE] [-settle D] [-keep]")
		os.Exit(2)
	}
	hugo, err := exec.LookPath("hugo")
	if err != nil {
		fail(fmt.Errorf("hugo not found: %v", err))
	}
	hv, err := exec.Command(hugo, "version").Output()
	if err != nil {
		fail(fmt.Errorf("hugo version: %v", err))
	}
	tmp, err = os.MkdirTemp("", "benchbuild")
	if err != nil {
		fail(err)
	}
	defer cleanup()
	bin := filepath.Join(tmp, "accredit")
	if out, err := exec.Command("go", "build", "-o", bin, "./cmd/accredit").CombinedOutput(); err != nil {
		fail(fmt.Errorf("go build: %v\n%s", err, out))
	}

	// A, primed: one untimed build warms the decode cache; its output is
	// the reference for B's page count and C's files. No output is
	// removed before the end (see below), so every run has a fresh folder.
	cache := filepath.Join(tmp, "cache")
	first := buildA(bin, *root, *asOf, cache, filepath.Join(tmp, "a0", "site"))
	tree := walk(filepath.Join(tmp, "a0", "site"))
	// On disk, an output takes about twice its bytes (a block per small
	// file and per folder); Hugo's, with its content and caches, about
	// as much again: a round takes about three times A's output (2.5
	// times ran out of space in a third round). A's warm-up output is
	// written already.
	if need := int64(*runs+1)*tree.disk*3 - tree.disk + 2<<30; freeSpace(tmp) < need {
		fail(fmt.Errorf("%s has %s free; %d rounds keep every output until the end and need about %s",
			tmp, size(freeSpace(tmp)), *runs, size(need)))
	}

	// B's site, written once.
	hugoSite := filepath.Join(tmp, "hugo")
	if err := writeHugoSite(hugoSite, tree.pages); err != nil {
		fail(err)
	}
	hugoEnv := append(os.Environ(), "HUGO_CACHEDIR="+filepath.Join(tmp, "hugocache"))
	runB(hugo, hugoSite, filepath.Join(tmp, "b0", "public"), hugoEnv) // warm-up, untimed
	hugoPages := walk(filepath.Join(tmp, "b0", "public")).pages
	writeTree(tree, filepath.Join(tmp, "c0", "site")) // warm-up, untimed

	fmt.Printf("accredit build on %s (as of %s), %d rounds A B C, GOMAXPROCS %d, settle %s, %s\n",
		*root, *asOf, *runs, runtime.GOMAXPROCS(0), *settle, strings.TrimSpace(string(hv)))
	fmt.Printf("A wrote %d pages, %d files in %d directories, %s (accredit: %s)\n",
		tree.pages, len(tree.files), len(tree.dirs), size(tree.bytes), first)
	fmt.Printf("B renders %d Markdown pages (Hugo wrote %d HTML pages, with its home and section lists)\n\n",
		tree.pages, hugoPages)

	// Each run writes into a folder of its own and nothing is removed
	// until the end. Removing a large output slows the next runs' file
	// creation for minutes: ext4 skips, one lookup each, inodes freed in
	// the last 60 s, or the last 360 s when their inode table block is
	// dirty (recently_deleted in fs/ext4/ialloc.c), and the new files
	// make those blocks dirty. That cost falls on whichever tool runs
	// next, not on the tool, so no run follows a removal.
	//
	// Before A and B their inputs are read once, untimed (the program and
	// the decode cache; Hugo's content): a CI job builds right after its
	// checkout, with the inputs in the page cache, whereas here the
	// outputs of the runs before, gigabytes of them, push the inputs'
	// inode tables out of memory, and reading them back cost A anywhere
	// from 0 to 10 s from one run to the next.
	//
	// The outputs kept fill the page cache and the kernel's inode and
	// directory caches with gigabytes; a tool that then allocates memory
	// (A, and Hugo more) pays for reclaiming them, a cost that grew from
	// round to round (A 30 s, then 53 s; Hugo 37 s, then 61 s; the floor,
	// which allocates nothing, not). So before each run the caches are
	// dropped, where the system lets benchbuild (as root).
	fresh := func(inputs ...string) {
		syscall.Sync()
		dropCaches()
		for _, in := range inputs {
			warm(in)
		}
		time.Sleep(*settle)
	}
	load0 := loadavg()
	var a, b, c []sample
	// Each round is printed as it ends, so a run cut short still tells.
	for i := 1; i <= *runs; i++ {
		fresh(*root, cache)
		a = append(a, timeA(bin, *root, *asOf, cache, filepath.Join(tmp, fmt.Sprint("a", i), "site")))
		fresh(hugoSite)
		b = append(b, runB(hugo, hugoSite, filepath.Join(tmp, fmt.Sprint("b", i), "public"), hugoEnv))
		fresh()
		c = append(c, writeTree(tree, filepath.Join(tmp, fmt.Sprint("c", i), "site")))
		fmt.Printf("round %d: A %.2f s (RSS %d MiB), B %.2f s, C %.2f s\n", i,
			a[i-1].wall.Seconds(), a[i-1].rss>>10, b[i-1].wall.Seconds(), c[i-1].wall.Seconds())
	}
	fmt.Println()

	fmt.Printf("%-26s %8s %7s %7s %9s %9s %8s %8s\n", "tool", "median s", "min", "max", "pages/s", "peak RSS", "user s", "sys s")
	ma := row("A accredit build", a, tree.pages)
	mb := row("B hugo", b, tree.pages)
	mc := row(fmt.Sprintf("C I/O floor (%d goroutines)", runtime.GOMAXPROCS(0)), c, tree.pages)
	pub := field(a, func(s sample) time.Duration { return s.publish })
	pre := field(a, func(s sample) time.Duration { return s.wall - s.publish })
	fmt.Printf("A, medians: %.2f s writing the site (as accredit reports it), %.2f s before it (load, check, site data)\n",
		pub[len(pub)/2].Seconds(), pre[len(pre)/2].Seconds())
	fmt.Println()
	ratio("A/B", ma, mb, 0.75)
	ratio("A/C", ma, mc, 1.5)
	fmt.Printf("A output: %d bytes (%s), %d files, %d directories, %d pages\n",
		tree.bytes, size(tree.bytes), len(tree.files), len(tree.dirs), tree.pages)
	fmt.Printf("load average (1, 5, 15 min) before the rounds: %s; after: %s (other work on the machine skews all three alike)\n", load0, loadavg())
	if *keep {
		fmt.Printf("kept %s\n", tmp)
	}
}

// sample is one timed run: wall time, peak RSS in KiB (0 when not
// measured), user and system CPU time.
type sample struct {
	wall, user, sys time.Duration
	rss             int64
	publish         time.Duration // A: the writing phase, as accredit reports it
}

// buildA runs one accredit build and returns its summary line.
func buildA(bin, root, asOf, cacheHome, out string) string {
	cmd, stderr := commandA(bin, root, asOf, cacheHome, out)
	if err := cmd.Run(); err != nil {
		fail(fmt.Errorf("accredit build: %v\n%s", err, stderr))
	}
	return summary(stderr.String())
}

// summary returns the stats of accredit's "built DIR: ..." line.
func summary(stderr string) string {
	line := strings.TrimSpace(stderr)
	if i := strings.LastIndex(line, "\n"); i >= 0 {
		line = line[i+1:]
	}
	if i := strings.Index(line, ": "); i >= 0 {
		line = line[i+2:]
	}
	return line
}

// publishTime returns the time accredit reports for writing the site
// ("..., in 1.234s (N pages/s)"), or 0.
func publishTime(stderr string) time.Duration {
	line := summary(stderr)
	i := strings.LastIndex(line, ", in ")
	if i < 0 {
		return 0
	}
	f := strings.Fields(line[i+len(", in "):])
	if len(f) == 0 {
		return 0
	}
	d, _ := time.ParseDuration(f[0])
	return d
}

func commandA(bin, root, asOf, cacheHome, out string) (*exec.Cmd, *bytes.Buffer) {
	var stderr bytes.Buffer
	cmd := exec.Command(bin, "build", "--root", root, "--as-of", asOf, "--out", out)
	cmd.Env = append(os.Environ(), "XDG_CACHE_HOME="+cacheHome)
	cmd.Stderr = &stderr
	return cmd, &stderr
}

func timeA(bin, root, asOf, cacheHome, out string) sample {
	cmd, stderr := commandA(bin, root, asOf, cacheHome, out)
	start := time.Now()
	err := cmd.Run()
	wall := time.Since(start)
	if err != nil {
		fail(fmt.Errorf("accredit build: %v\n%s", err, stderr))
	}
	s := child(cmd, wall)
	s.publish = publishTime(stderr.String())
	return s
}

func runB(hugo, site, out string, env []string) sample {
	cmd := exec.Command(hugo, "--quiet", "--source", site, "--destination", out)
	cmd.Env = env
	var stderr bytes.Buffer
	cmd.Stdout = &stderr
	cmd.Stderr = &stderr
	start := time.Now()
	err := cmd.Run()
	wall := time.Since(start)
	if err != nil {
		fail(fmt.Errorf("hugo: %v\n%s", err, stderr.Bytes()))
	}
	return child(cmd, wall)
}

func child(cmd *exec.Cmd, wall time.Duration) sample {
	ps := cmd.ProcessState
	return sample{wall: wall, user: ps.UserTime(), sys: ps.SystemTime(), rss: ps.SysUsage().(*syscall.Rusage).Maxrss}
}

// tree is what A wrote: its folders (parents first) and files, relative
// to the output.
type tree struct {
	dirs  []string
	files []sized
	pages int
	bytes int64
	disk  int64 // bytes of disk blocks, folders included
}

type sized struct {
	path string
	size int
}

func walk(dir string) tree {
	var t tree
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil || rel == "." {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		if st, ok := info.Sys().(*syscall.Stat_t); ok {
			t.disk += st.Blocks * 512
		}
		if d.IsDir() {
			t.dirs = append(t.dirs, rel)
			return nil
		}
		t.files = append(t.files, sized{rel, int(info.Size())})
		t.bytes += info.Size()
		if strings.HasSuffix(rel, ".html") {
			t.pages++
		}
		return nil
	})
	if err != nil {
		fail(err)
	}
	return t
}

// writeTree writes t's folders and files, of the same sizes, under out
// with one goroutine per core, and returns the wall time and the process's
// CPU time meanwhile.
func writeTree(t tree, out string) sample {
	biggest := 0
	for _, f := range t.files {
		biggest = max(biggest, f.size)
	}
	filler := bytes.Repeat([]byte("<p>filler</p>\n"), biggest/14+1)[:biggest]
	// Folders by depth, so that every level's parents exist.
	var levels [][]string
	for _, d := range t.dirs {
		n := strings.Count(d, string(filepath.Separator))
		for len(levels) <= n {
			levels = append(levels, nil)
		}
		levels[n] = append(levels[n], d)
	}
	var before syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &before)
	start := time.Now()
	if err := os.MkdirAll(out, 0o755); err != nil {
		fail(err)
	}
	for _, level := range levels {
		parallel(len(level), func(i int) error {
			return os.Mkdir(filepath.Join(out, level[i]), 0o755)
		})
	}
	parallel(len(t.files), func(i int) error {
		f := t.files[i]
		return os.WriteFile(filepath.Join(out, f.path), filler[:f.size], 0o644)
	})
	wall := time.Since(start)
	var after syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &after)
	return sample{
		wall: wall,
		user: time.Duration(after.Utime.Nano() - before.Utime.Nano()),
		sys:  time.Duration(after.Stime.Nano() - before.Stime.Nano()),
	}
}

// dropCaches empties the page cache and the inode and directory caches,
// or says once that it cannot.
func dropCaches() {
	if err := os.WriteFile("/proc/sys/vm/drop_caches", []byte("3"), 0o644); err != nil && !dropWarned {
		fmt.Printf("benchbuild: cannot drop the caches (%v): runs may slow down as outputs pile up\n", err)
		dropWarned = true
	}
}

var dropWarned bool

// warm reads every file under dir, so that a run after finds it in the
// page cache.
func warm(dir string) {
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() {
			if f, err := os.Open(p); err == nil {
				io.Copy(io.Discard, f)
				f.Close()
			}
		}
		return nil
	})
}

// parallel calls f(0..n-1) on GOMAXPROCS goroutines.
func parallel(n int, f func(int) error) {
	var (
		next atomic.Int64
		wg   sync.WaitGroup
		errs = make([]error, runtime.GOMAXPROCS(0))
	)
	for w := range errs {
		wg.Go(func() {
			for {
				i := int(next.Add(1)) - 1
				if i >= n {
					return
				}
				if err := f(i); err != nil {
					errs[w] = err
					return
				}
			}
		})
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			fail(err)
		}
	}
}

// writeHugoSite writes a bare Hugo site of n Markdown pages, each rendered
// to its own folder (content/p/NNNNNN.md becomes p/NNNNNN/index.html).
func writeHugoSite(dir string, n int) error {
	files := map[string]string{
		"hugo.toml": `baseURL = "https://example.org/"
title = "benchbuild"
disableKinds = ["taxonomy", "term", "RSS", "sitemap", "robotsTXT", "404"]
`,
		"layouts/_default/single.html": `<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>{{ .Title }}</title></head>
<body><h1>{{ .Title }}</h1>
{{ .Content }}
</body></html>
`,
		"layouts/_default/list.html": `<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>{{ .Title }}</title></head>
<body><h1>{{ .Title }}</h1>
{{ .Content }}
</body></html>
`,
	}
	for name, data := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			return err
		}
	}
	content := filepath.Join(dir, "content", "p")
	if err := os.MkdirAll(content, 0o755); err != nil {
		return err
	}
	var buf bytes.Buffer
	for i := range n {
		buf.Reset()
		fmt.Fprintf(&buf, "---\ntitle: \"Page %06d\"\n---\n\n", i)
		fmt.Fprintf(&buf, "Page %06d of the benchmark, a *bare* Markdown page.\n\n", i)
		fmt.Fprintf(&buf, "It links to [the next page](/p/%06d/) and has a list:\n\n- one\n- two\n", (i+1)%n)
		if err := os.WriteFile(filepath.Join(content, fmt.Sprintf("%06d.md", i)), buf.Bytes(), 0o644); err != nil {
			return err
		}
	}
	return nil
}

// row prints one tool's line and returns its median wall time.
func row(name string, s []sample, pages int) time.Duration {
	walls := field(s, func(s sample) time.Duration { return s.wall })
	user := field(s, func(s sample) time.Duration { return s.user })
	sys := field(s, func(s sample) time.Duration { return s.sys })
	med := walls[len(walls)/2]
	rss := "-"
	if s[0].rss > 0 {
		r := field(s, func(s sample) time.Duration { return time.Duration(s.rss) })
		rss = fmt.Sprintf("%d MiB", r[len(r)/2]>>10)
	}
	fmt.Printf("%-26s %8.2f %7.2f %7.2f %9.0f %9s %8.2f %8.2f\n", name,
		med.Seconds(), walls[0].Seconds(), walls[len(walls)-1].Seconds(),
		float64(pages)/med.Seconds(), rss, user[len(user)/2].Seconds(), sys[len(sys)/2].Seconds())
	return med
}

// field returns f of every sample, sorted.
func field(s []sample, f func(sample) time.Duration) []time.Duration {
	var v []time.Duration
	for _, x := range s {
		v = append(v, f(x))
	}
	slices.Sort(v)
	return v
}

func ratio(name string, a, b time.Duration, target float64) {
	r := a.Seconds() / b.Seconds()
	verdict := "met"
	if r > target {
		verdict = "MISSED"
	}
	fmt.Printf("%s = %.2f (target <= %.2f: %s)\n", name, r, target, verdict)
}

func size(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.2f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	}
	return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
}

// freeSpace returns the bytes available to us on dir's file system.
func freeSpace(dir string) int64 {
	var st syscall.Statfs_t
	if err := syscall.Statfs(dir, &st); err != nil {
		return 1 << 62 // unknown: do not refuse
	}
	return int64(st.Bavail) * st.Bsize
}

// loadavg returns the system's load averages, or "?".
func loadavg() string {
	b, err := os.ReadFile("/proc/loadavg")
	f := strings.Fields(string(b))
	if err != nil || len(f) < 3 {
		return "?"
	}
	return strings.Join(f[:3], " ")
}

func cleanup() {
	if tmp != "" && !*keep {
		os.RemoveAll(tmp)
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "benchbuild:", err)
	cleanup()
	os.Exit(1)
}

// Command benchcheck measures "accredit check" on a generated program:
// wall time and peak memory, cold (no decode cache) and warm (cache
// primed), as the median of several runs of a freshly built binary.
//
//	go run ./cmd/genprogram -partners 10000 -people 10 -out /tmp/big
//	go run ./cmd/benchcheck -root /tmp/big -runs 5
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
	"syscall"
	"time"
)

func main() {
	root := flag.String("root", "", "a program repository, e.g. written by genprogram")
	runs := flag.Int("runs", 5, "runs per mode")
	asOf := flag.String("as-of", "2026-11-22", "the as-of date to check at")
	withReport := flag.Bool("report", false, "measure report --format json and html against check")
	flag.Parse()
	if *root == "" {
		fmt.Fprintln(os.Stderr, "usage: benchcheck -root DIR [-runs N] [-as-of DATE]")
		os.Exit(2)
	}
	tmp, err := os.MkdirTemp("", "benchcheck")
	if err != nil {
		fail(err)
	}
	defer os.RemoveAll(tmp)
	bin := filepath.Join(tmp, "accredit")
	if out, err := exec.Command("go", "build", "-o", bin, "./cmd/accredit").CombinedOutput(); err != nil {
		fail(fmt.Errorf("go build: %v\n%s", err, out))
	}
	files := 0
	filepath.WalkDir(*root, func(_ string, d os.DirEntry, _ error) error {
		if d != nil && !d.IsDir() {
			files++
		}
		return nil
	})
	fmt.Printf("accredit check on %s (%d files), %d runs per mode, GOMAXPROCS default\n", *root, files, *runs)
	warmCache := filepath.Join(tmp, "warm")
	run(bin, *root, *asOf, warmCache) // prime
	if *withReport {
		benchReport(bin, *root, *asOf, warmCache, tmp, *runs)
		return
	}
	for _, mode := range []string{"cold", "warm"} {
		var walls []time.Duration
		var rss []int64
		for i := range *runs {
			cache := warmCache
			if mode == "cold" {
				cache = filepath.Join(tmp, fmt.Sprintf("cold-%d", i))
			}
			w, m := run(bin, *root, *asOf, cache)
			walls = append(walls, w)
			rss = append(rss, m)
		}
		slices.Sort(walls)
		slices.Sort(rss)
		fmt.Printf("%-5s wall median %6.2f s (min %.2f, max %.2f)   peak RSS median %4d MiB (max %d MiB)\n", mode,
			walls[len(walls)/2].Seconds(), walls[0].Seconds(), walls[len(walls)-1].Seconds(),
			rss[len(rss)/2]>>10, rss[len(rss)-1]>>10)
	}
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

// run runs one check with its cache under cacheHome; it returns the wall
// time and the peak resident set in KiB.
func run(bin, root, asOf, cacheHome string) (time.Duration, int64) {
	cmd := exec.Command(bin, "check", "--root", root, "--as-of", asOf, "--format", "json")
	cmd.Env = append(os.Environ(), "XDG_CACHE_HOME="+cacheHome)
	start := time.Now()
	err := cmd.Run()
	wall := time.Since(start)
	if err != nil {
		if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 1 {
			fail(fmt.Errorf("accredit check: %v", err))
		}
	}
	return wall, cmd.ProcessState.SysUsage().(*syscall.Rusage).Maxrss
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "benchcheck:", err)
	os.Exit(1)
}

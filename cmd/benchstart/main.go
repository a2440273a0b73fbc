// Command benchstart measures how long accredit takes to start: the
// wall and CPU time of short commands (`version`, `check --help`,
// `schema`, `verify`), run many times, medians side by side for each
// binary given, so a change to start-up is measured against its
// baseline in the same run.
//
//	go run ./cmd/benchstart -bin /tmp/old,/tmp/new -runs 51 -- version
//	go run ./cmd/benchstart -bin /tmp/new -cmds 'version;check --help'
package main

import (
	"flag"
	"fmt"
	"os"
	"os/exec"
	"slices"
	"strings"
	"syscall"
	"time"
)

func main() {
	bins := flag.String("bin", "", "comma-separated accredit binaries to compare")
	runs := flag.Int("runs", 51, "runs of each command per binary, interleaved")
	cmds := flag.String("cmds", "version;check --help", "semicolon-separated commands")
	dir := flag.String("dir", ".", "working directory of the runs")
	flag.Parse()
	if *bins == "" {
		fmt.Fprintln(os.Stderr, "usage: benchstart -bin A[,B] [-runs N] [-cmds 'version;check --help'] [-dir DIR]")
		os.Exit(2)
	}
	list := strings.Split(*bins, ",")
	for _, c := range strings.Split(*cmds, ";") {
		args := strings.Fields(c)
		wall := make([][]time.Duration, len(list))
		cpu := make([][]time.Duration, len(list))
		for range *runs {
			// Interleaved, so load that comes and goes falls on every
			// binary alike.
			for i, b := range list {
				w, u, err := run(b, args, *dir)
				if err != nil {
					fmt.Fprintf(os.Stderr, "%s %s: %v\n", b, c, err)
					os.Exit(1)
				}
				wall[i] = append(wall[i], w)
				cpu[i] = append(cpu[i], u)
			}
		}
		for i, b := range list {
			fmt.Printf("%-40s %-22s wall %6.1f ms (min %5.1f)  cpu %6.1f ms\n",
				b, c, ms(median(wall[i])), ms(slices.Min(wall[i])), ms(median(cpu[i])))
		}
	}
}

func run(bin string, args []string, dir string) (wall, cpu time.Duration, err error) {
	cmd := exec.Command(bin, args...)
	cmd.Dir = dir
	start := time.Now()
	err = cmd.Run()
	wall = time.Since(start)
	if cmd.ProcessState == nil {
		return 0, 0, err
	}
	if _, ok := err.(*exec.ExitError); ok {
		err = nil // a refusal is timed like a success: it is start-up we measure
	}
	ru := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	cpu = time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	return wall, cpu, err
}

func median(d []time.Duration) time.Duration {
	s := slices.Clone(d)
	slices.Sort(s)
	return s[len(s)/2]
}

func ms(d time.Duration) float64 { return float64(d) / 1e6 }

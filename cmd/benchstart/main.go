// Command benchstart measures how long accredit takes to start: the
// wall and CPU time of short commands (`version`, `check --help`,
// `schema`, `verify`), run many times, medians side by side for each
// binary given, so a change to start-up is measured against its
// baseline in the same run.
//
//	go run ./cmd/benchstart -bin /tmp/old,/tmp/new -runs 51 -- version
//	go run ./cmd/benchstart -bin /tmp/new -cmds 'version;check --help'
//	go run ./cmd/benchstart -bin /tmp/new -floor
//
// With -floor it also builds and measures three floors beside the
// binaries: a hello world (the Go runtime alone); a program that does
// nothing but import the packages our code imports from the libraries
// the project requires (BurntSushi/toml, goldmark, bleve, go-git,
// fsnotify, and json-gold, which issue 17 names); and one that imports
// every package outside this module that cmd/accredit links. Go runs
// every linked package's init before main, so no accredit can start
// faster than those programs: they are the floors our libraries set, as
// opposed to what our own code adds.
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

func main() {
	bins := flag.String("bin", "", "comma-separated accredit binaries to compare")
	runs := flag.Int("runs", 51, "runs of each command per binary, interleaved")
	cmds := flag.String("cmds", "version;check --help", "semicolon-separated commands")
	dir := flag.String("dir", ".", "working directory of the runs")
	floor := flag.Bool("floor", false, "also measure a hello world and a program importing every library cmd/accredit links")
	flag.Parse()
	if *bins != "" && *floor {
		tmp, err := os.MkdirTemp("", "benchstart")
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		defer os.RemoveAll(tmp)
		floors, err := buildFloors(tmp)
		if err != nil {
			fmt.Fprintln(os.Stderr, "benchstart:", err)
			os.Exit(1)
		}
		*bins = strings.Join(floors, ",") + "," + *bins
	}
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

// buildFloors writes and builds, under dir, the hello world and the
// program that imports every non-internal package outside this module
// that cmd/accredit links, and returns their paths.
func buildFloors(dir string) ([]string, error) {
	out, err := exec.Command("go", "list", "-deps", "-f", "{{if not .Standard}}{{.ImportPath}}{{end}}", "./cmd/accredit").Output()
	if err != nil {
		return nil, fmt.Errorf("go list (run benchstart from the repository): %v", err)
	}
	mod, err := exec.Command("go", "list", "-m").Output()
	if err != nil {
		return nil, fmt.Errorf("go list -m: %v", err)
	}
	self := strings.TrimSpace(string(mod))
	var b strings.Builder
	b.WriteString("package main\n\nimport (\n")
	n := 0
	for _, p := range strings.Fields(string(out)) {
		// Internal and vendored packages cannot be imported from here;
		// the packages that import them are, and link them.
		if p == self || strings.HasPrefix(p, self+"/") || strings.Contains(p, "/internal") || strings.HasPrefix(p, "vendor/") {
			continue
		}
		fmt.Fprintf(&b, "\t_ %q\n", p)
		n++
	}
	b.WriteString(")\n\nfunc main() {}\n")
	imp, err := exec.Command("go", "list", "-f", "{{join .Imports \"\\n\"}}", "./cmd/accredit", "./cmd/internal/...").Output()
	if err != nil {
		return nil, fmt.Errorf("go list: %v", err)
	}
	var r strings.Builder
	r.WriteString("package main\n\nimport (\n")
	seen := map[string]bool{}
	for _, p := range strings.Fields(string(imp)) {
		for _, lib := range required {
			if (p == lib || strings.HasPrefix(p, lib+"/")) && !seen[p] {
				seen[p] = true
				fmt.Fprintf(&r, "\t_ %q\n", p)
			}
		}
	}
	r.WriteString(")\n\nfunc main() {}\n")
	progs := map[string]string{
		"required-floor":  r.String(),
		"hello":           "package main\n\nimport \"os\"\n\nfunc main() { os.Stdout.WriteString(\"hello\\n\") }\n",
		"libraries-floor": b.String(),
	}
	// The floor builds inside this module, so that it links the versions
	// go.mod selects.
	src, err := os.MkdirTemp("cmd", ".benchstart-floor")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(src)
	var bins []string
	for _, name := range []string{"hello", "required-floor", "libraries-floor"} {
		d := filepath.Join(src, name)
		if err := os.MkdirAll(d, 0o755); err != nil {
			return nil, err
		}
		if err := os.WriteFile(filepath.Join(d, "main.go"), []byte(progs[name]), 0o644); err != nil {
			return nil, err
		}
		bin := filepath.Join(dir, name)
		if out, err := exec.Command("go", "build", "-o", bin, "./"+d).CombinedOutput(); err != nil {
			return nil, fmt.Errorf("building the %s floor: %v\n%s", name, err, out)
		}
		bins = append(bins, bin)
	}
	fmt.Printf("floors: hello world; the %d packages we import from the required libraries; all %d library packages cmd/accredit links\n", len(seen), n)
	return bins, nil
}

// required are the libraries the project requires (README,
// Dependencies) and json-gold, which issue 17 names for canonicalization.
var required = []string{
	"github.com/BurntSushi/toml",
	"github.com/yuin/goldmark",
	"github.com/blevesearch/bleve/v2",
	"github.com/go-git/go-git/v5",
	"github.com/fsnotify/fsnotify",
	"github.com/piprate/json-gold",
}

func median(d []time.Duration) time.Duration {
	s := slices.Clone(d)
	slices.Sort(s)
	return s[len(s)/2]
}

func ms(d time.Duration) float64 { return float64(d) / 1e6 }

// Command benchimport measures "accredit import" on a generated program:
// the wall time of importing a CSV export of N results (half exam
// attempts, half course completions, one a person, matched by e-mail as an
// LMS export is), and of importing it a second time (nothing new), as the
// median of several runs of a freshly built binary, beside the floor of
// the file system: the same files read, written and renamed with nothing
// parsed, and the renames alone. The people's files are restored after
// every run.
//
//	go run ./cmd/genprogram -partners 10000 -people 10 -out /tmp/big
//	go run ./cmd/benchimport -root /tmp/big -rows 10000 -runs 5 [-before /tmp/accredit-old]
package main

import (
	"bytes"
	"encoding/csv"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/accredit/accredit/cmd/internal/date"
	"github.com/accredit/accredit/cmd/internal/load"
	"github.com/accredit/accredit/cmd/internal/record"
	"github.com/accredit/accredit/cmd/internal/safefs"
)

func main() {
	root := flag.String("root", "", "a program repository, e.g. written by genprogram")
	rows := flag.Int("rows", 10000, "rows in the CSV export")
	runs := flag.Int("runs", 5, "runs")
	by := flag.String("by", "email", "match people by email or by id (partner and person columns)")
	keep := flag.String("csv", "", "also keep the export at this path")
	before := flag.String("before", "", "also measure this accredit binary (an older build), in the same rounds")
	flag.Parse()
	if *root == "" || (*by != "email" && *by != "id") {
		fmt.Fprintln(os.Stderr, "usage: benchimport -root DIR [-rows N] [-runs N] [-by email|id]")
		os.Exit(2)
	}
	tmp, err := os.MkdirTemp("", "benchimport")
	if err != nil {
		fail(err)
	}
	defer os.RemoveAll(tmp)
	bin := filepath.Join(tmp, "accredit")
	if out, err := exec.Command("go", "build", "-o", bin, "./cmd/accredit").CombinedOutput(); err != nil {
		fail(fmt.Errorf("go build: %v\n%s", err, out))
	}
	csvPath := filepath.Join(tmp, "export.csv")
	originals, err := export(*root, csvPath, *rows, *by)
	if err != nil {
		fail(err)
	}
	if *keep != "" {
		if data, err := os.ReadFile(csvPath); err != nil || os.WriteFile(*keep, data, 0o644) != nil {
			fail(fmt.Errorf("cannot keep the export at %s", *keep))
		}
	}
	restore := func() {
		for path, data := range originals {
			if err := os.WriteFile(path, data, 0o644); err != nil {
				fail(err)
			}
		}
		// The restore's writes reach the disk before the next run, not
		// during it: on a busy disk its writeback doubled a run's time.
		syscall.Sync()
		// Files as an import finds them in a checkout: not all written
		// in the last instant. A file changed within the racy window is
		// read again before it is replaced (record.BaseRead); one an
		// administrator edited just now still is.
		time.Sleep(safefs.RacyWindow)
	}
	defer restore()
	fmt.Printf("accredit import of %d rows (matched by %s) into %s, %d runs\n", *rows, *by, *root, *runs)
	var first, again, firstCPU, againCPU, old, oldCPU []time.Duration
	for range *runs {
		if *before != "" {
			// The older build first in each round, on the same files and
			// with the same e-mail index.
			restore()
			w, c := run(*before, *root, csvPath)
			old, oldCPU = append(old, w), append(oldCPU, c)
		}
		restore()
		w, c := run(bin, *root, csvPath)
		first, firstCPU = append(first, w), append(firstCPU, c)
		w, c = run(bin, *root, csvPath)
		again, againCPU = append(again, w), append(againCPU, c)
	}
	if *before != "" {
		report("before", old, oldCPU)
	}
	report("import", first, firstCPU)
	report("again", again, againCPU)
	floorOf := func(what string, f func(map[string][]byte) (time.Duration, time.Duration)) {
		var walls, cpus []time.Duration
		for range *runs {
			restore()
			w, c := f(originals)
			walls, cpus = append(walls, w), append(cpus, c)
		}
		report(what, walls, cpus)
	}
	// The floor: the same files read, written beside and renamed over,
	// with nothing parsed, as the import's writes are.
	floorOf("floor", ioFloor)
	// The part of the floor no write can overlap with the rest of an
	// all-or-nothing import: renaming the staged files over the old ones
	// (which frees their blocks), every temporary file already written.
	floorOf("rename", renameFloor)
}

// renameFloor writes each file to a temporary file beside it, untimed,
// then times renaming them all over their targets, with
// record.IOWorkers goroutines.
func renameFloor(files map[string][]byte) (wall, cpu time.Duration) {
	tmp := func(p string) string { return filepath.Join(filepath.Dir(p), ".floor-"+filepath.Base(p)) }
	for p, data := range files {
		if err := os.WriteFile(tmp(p), data, 0o644); err != nil {
			fail(err)
		}
	}
	return timed(files, func(p string) error { return os.Rename(tmp(p), p) })
}

// ioFloor reads each file, writes it to a temporary file beside it and
// renames that over it, with record.IOWorkers goroutines.
func ioFloor(files map[string][]byte) (wall, cpu time.Duration) {
	return timed(files, func(p string) error {
		data, err := os.ReadFile(p)
		tmp := filepath.Join(filepath.Dir(p), ".floor-"+filepath.Base(p))
		if err == nil {
			err = os.WriteFile(tmp, data, 0o644)
		}
		if err == nil {
			err = os.Rename(tmp, p)
		}
		return err
	})
}

// timed runs fn on every file with record.IOWorkers goroutines and
// returns the wall time and this process's CPU time it took.
func timed(files map[string][]byte, fn func(path string) error) (wall, cpu time.Duration) {
	var before, after syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &before)
	start := time.Now()
	ch := make(chan string, 64)
	var wg sync.WaitGroup
	for range record.IOWorkers() {
		wg.Go(func() {
			for p := range ch {
				if err := fn(p); err != nil {
					fail(err)
				}
			}
		})
	}
	for p := range files {
		ch <- p
	}
	close(ch)
	wg.Wait()
	wall = time.Since(start)
	syscall.Getrusage(syscall.RUSAGE_SELF, &after)
	tv := func(t syscall.Timeval) time.Duration { return time.Duration(t.Nano()) }
	cpu = tv(after.Utime) - tv(before.Utime) + tv(after.Stime) - tv(before.Stime)
	return wall, cpu
}

// report prints the wall time and the CPU time (user + system) of the
// runs: on a machine shared with other work the CPU time says what the
// wall time would be on an idle one, at most that over the cores.
func report(what string, walls, cpus []time.Duration) {
	slices.Sort(walls)
	slices.Sort(cpus)
	fmt.Printf("%-6s wall median %5.2f s (min %.2f, max %.2f)   cpu median %5.2f s\n", what,
		walls[len(walls)/2].Seconds(), walls[0].Seconds(), walls[len(walls)-1].Seconds(), cpus[len(cpus)/2].Seconds())
}

// run imports once; it returns the wall time and the CPU time.
func run(bin, root, csvPath string) (time.Duration, time.Duration) {
	cmd := exec.Command(bin, "import", csvPath, "--root", root)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	start := time.Now()
	err := cmd.Run()
	wall := time.Since(start)
	if err != nil {
		fail(fmt.Errorf("accredit import: %v\n%s", err, stderr.Bytes()))
	}
	return wall, cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
}

// export writes a CSV of n results for n people picked at random (seeded)
// and returns the original content of their files.
func export(root, csvPath string, n int, by string) (map[string][]byte, error) {
	defs, _, err := load.LoadWith(root, load.Options{Only: func(string, string) bool { return false }})
	if err != nil {
		return nil, err
	}
	var exams, courses []string
	for _, e := range defs.Exams {
		exams = append(exams, e.ID)
	}
	for _, t := range defs.Tracks {
		for _, c := range t.Courses {
			courses = append(courses, c.ID)
		}
	}
	type person struct{ rel, email string }
	var mu sync.Mutex
	var people []person
	err = record.EachPerson(root, func(rel string, data []byte) {
		email, _ := record.TopString(data, "email")
		mu.Lock()
		people = append(people, person{rel, email})
		mu.Unlock()
	})
	if err != nil {
		return nil, err
	}
	if len(people) < n {
		return nil, fmt.Errorf("%d people, fewer than %d rows", len(people), n)
	}
	slices.SortFunc(people, func(a, b person) int { return strings.Compare(a.rel, b.rel) })
	rng := rand.New(rand.NewPCG(1, 2))
	rng.Shuffle(len(people), func(i, j int) { people[i], people[j] = people[j], people[i] })
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	w.Write([]string{"email", "partner", "person", "exam", "course", "date", "score", "proctoring"})
	today := date.Today()
	originals := map[string][]byte{}
	for i, p := range people[:n] {
		data, err := os.ReadFile(filepath.Join(root, p.rel))
		if err != nil {
			return nil, err
		}
		originals[filepath.Join(root, p.rel)] = data
		var partner, id string
		if by == "id" || p.email == "" {
			parts := strings.Split(p.rel, "/") // partners/<partner>/people/<person>.toml
			partner, id = parts[1], strings.TrimSuffix(parts[3], ".toml")
		}
		email := p.email
		if by == "id" {
			email = ""
		}
		d := today.AddDays(-1 - rng.IntN(300)).String()
		for bytes.Contains(data, []byte("date = "+d)) { // another attempt that day would be a conflict
			d = today.AddDays(-1 - rng.IntN(300)).String()
		}
		if i%2 == 0 {
			w.Write([]string{email, partner, id, exams[rng.IntN(len(exams))], "", d, strconv.Itoa(40 + rng.IntN(61)), "live"})
		} else {
			w.Write([]string{email, partner, id, "", courses[rng.IntN(len(courses))], d, "", ""})
		}
	}
	w.Flush()
	return originals, os.WriteFile(csvPath, buf.Bytes(), 0o644)
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "benchimport:", err)
	os.Exit(1)
}

// Command benchserve measures "accredit serve" on a generated program: the
// time from writing a file to the changed page being served with the
// change, for an edit to one partner (its partner.md: the partner's page)
// and to one person (their file: their credential's verification page),
// and the time of a full rebuild in serve mode (an edit to
// programs/program.toml: the home page) against "accredit build" of the
// same program.
//
// The clock starts just before the file is written and stops when an HTTP
// GET of the page returns the changed text; the page is polled every
// millisecond, so the figure includes the watcher's debounce, the rebuild
// and the render of the page. Every edited file is put back at the end.
//
//	go run ./cmd/genprogram -partners 10000 -people 10 -out /tmp/big
//	go run ./cmd/benchserve -root /tmp/big -edits 10
package main

import (
	"bufio"
	"bytes"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"time"
)

var (
	root  = flag.String("root", "", "a program repository, e.g. written by genprogram")
	asOf  = flag.String("as-of", "2026-11-22", "the as-of date to serve at")
	edits = flag.Int("edits", 10, "edits of each kind")
)

func main() {
	flag.Parse()
	if *root == "" || *edits < 1 || flag.NArg() > 0 {
		fmt.Fprintln(os.Stderr, "usage: benchserve -root DIR [-edits N] [-as-of DATE]")
		os.Exit(2)
	}
	tmp, err := os.MkdirTemp("", "benchserve")
	check(err)
	defer os.RemoveAll(tmp)
	bin := filepath.Join(tmp, "accredit")
	if out, err := exec.Command("go", "build", "-o", bin, "./cmd/accredit").CombinedOutput(); err != nil {
		fail(fmt.Errorf("go build: %v\n%s", err, out))
	}

	// accredit build first: it warms the decode cache that serve uses too.
	start := time.Now()
	out, err := exec.Command(bin, "build", "--root", *root, "--as-of", *asOf, "--out", filepath.Join(tmp, "site")).CombinedOutput()
	if err != nil {
		fail(fmt.Errorf("accredit build: %v\n%s", err, out))
	}
	os.RemoveAll(filepath.Join(tmp, "site"))
	start = time.Now()
	out, err = exec.Command(bin, "build", "--root", *root, "--as-of", *asOf, "--out", filepath.Join(tmp, "site")).CombinedOutput()
	if err != nil {
		fail(fmt.Errorf("accredit build: %v\n%s", err, out))
	}
	buildTime := time.Since(start)
	os.RemoveAll(filepath.Join(tmp, "site"))

	cmd := exec.Command(bin, "serve", "--root", *root, "--as-of", *asOf, "--addr", "127.0.0.1:0")
	stderr, err := cmd.StderrPipe()
	check(err)
	start = time.Now()
	check(cmd.Start())
	defer func() {
		cmd.Process.Signal(os.Interrupt)
		cmd.Wait()
	}()
	lines := bufio.NewScanner(stderr)
	addr := ""
	for lines.Scan() {
		if m := regexp.MustCompile(`at (http://\S+)/ `).FindStringSubmatch(lines.Text()); m != nil {
			addr = m[1]
			break
		}
	}
	if addr == "" {
		fail(fmt.Errorf("accredit serve printed no address"))
	}
	indexed := make(chan time.Time, 64) // when serve logs a new search index
	firstIndex := make(chan struct{})   // closed once the startup index is done
	go func() {
		seen := false
		for lines.Scan() {
			if strings.HasPrefix(lines.Text(), "search index rebuilt") {
				if !seen {
					seen = true
					close(firstIndex)
					continue
				}
				select {
				case indexed <- time.Now():
				default:
				}
			}
		}
	}()
	waitPage(addr+"/", func(status int, body []byte) bool { return status == http.StatusOK })
	startup := time.Since(start)

	partners, err := os.ReadDir(filepath.Join(*root, "partners"))
	check(err)
	defer undo()
	edit := func(rel string, f func([]byte) []byte) {
		p := filepath.Join(*root, rel)
		old, err := os.ReadFile(p)
		check(err)
		restore = append(restore, func() { os.WriteFile(p, old, 0o644) })
		check(os.WriteFile(p, f(old), 0o644))
	}
	name := regexp.MustCompile(`(?m)^name = "([^"]*)"`)
	credID := regexp.MustCompile(`(?m)^id = "([0-9A-Z-]+)"`)
	rename := func(tag string) func([]byte) []byte {
		return func(b []byte) []byte {
			loc := name.FindSubmatchIndex(b)
			if loc == nil {
				fail(fmt.Errorf("no name to edit"))
			}
			return slices.Concat(b[:loc[3]], []byte(" "+tag), b[loc[3]:])
		}
	}

	// Listed partners, spread over the program: an unlisted one has no page.
	var listed []string
	for _, e := range partners {
		b, err := os.ReadFile(filepath.Join(*root, "partners", e.Name(), "partner.md"))
		if err == nil && !regexp.MustCompile(`(?m)^listed = false`).Match(b) {
			listed = append(listed, e.Name())
		}
	}
	var partnerT, personT []time.Duration
	step := max(1, len(listed) / *edits)
	for i := 0; i < *edits && i*step < len(listed); i++ {
		id := listed[i*step]
		tag := fmt.Sprintf("Bench%dP", i)
		t := timeEdit(func() { edit("partners/"+id+"/partner.md", rename(tag)) }, addr+"/partners/"+id+"/", tag)
		partnerT = append(partnerT, t)

		people, _ := filepath.Glob(filepath.Join(*root, "partners", id, "people", "*.toml"))
		for _, pf := range people {
			b, _ := os.ReadFile(pf)
			m := credID.FindSubmatch(b)
			if m == nil {
				continue
			}
			rel, _ := filepath.Rel(*root, pf)
			tag := fmt.Sprintf("Bench%dQ", i)
			personT = append(personT, timeEdit(func() { edit(rel, rename(tag)) }, addr+"/verify/"+string(m[1])+"/", tag))
			break
		}
	}
	// The search index, after a partner edit (a partner is always in the
	// index; a person may not be, and serve skips an edit that changes
	// nothing the index holds): from the write to serve's log line for
	// the first index built after it, starting from an idle indexer so
	// that the build measured is the one the edit asked for.
	var searchT []time.Duration
	// The startup index first: a build still running would end during a
	// measurement and cut it short.
	select {
	case <-firstIndex:
	case <-time.After(10 * time.Minute):
		fail(fmt.Errorf("no search index 10 minutes after startup"))
	}
	for i := 0; i < 3; i++ {
		quiet(indexed, 3*time.Second)
		rel := "partners/" + listed[0] + "/partner.md"
		start := time.Now()
		edit(rel, rename(fmt.Sprintf("Bench%dS", i)))
		select {
		case at := <-indexed:
			searchT = append(searchT, at.Sub(start))
		case <-time.After(2 * time.Minute):
			fail(fmt.Errorf("no search index 2 minutes after an edit"))
		}
	}
	fullT := timeEdit(func() { edit("programs/program.toml", rename("BenchFull")) }, addr+"/", "BenchFull")

	fmt.Printf("accredit serve on %s (%d partners), as of %s, %d edits of each kind\n", *root, len(partners), *asOf, *edits)
	fmt.Printf("startup (first page served, decode cache warm): %s\n", startup.Round(time.Millisecond))
	report("partner edit -> partner page", partnerT)
	report("person edit -> credential page", personT)
	report("partner edit -> search index", searchT)
	fmt.Printf("%-34s %8s\n", "full rebuild in serve (program)", fullT.Round(time.Millisecond))
	fmt.Printf("%-34s %8s\n", "accredit build (cache warm)", buildTime.Round(time.Millisecond))
}

// quiet waits until nothing arrives on c for d.
func quiet(c <-chan time.Time, d time.Duration) {
	for {
		select {
		case <-c:
		case <-time.After(d):
			return
		}
	}
}

// timeEdit runs do and returns the time until url serves a page with want.
func timeEdit(do func(), url, want string) time.Duration {
	start := time.Now()
	do()
	waitPage(url, func(status int, body []byte) bool {
		return status == http.StatusOK && bytes.Contains(body, []byte(want))
	})
	return time.Since(start)
}

func waitPage(url string, ok func(int, []byte) bool) {
	deadline := time.Now().Add(5 * time.Minute)
	for time.Now().Before(deadline) {
		resp, err := http.Get(url)
		if err == nil {
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if ok(resp.StatusCode, body) {
				return
			}
		}
		time.Sleep(time.Millisecond)
	}
	fail(fmt.Errorf("%s: no such page within 5 minutes", url))
}

func report(what string, ds []time.Duration) {
	if len(ds) == 0 {
		fmt.Printf("%-34s no samples\n", what)
		return
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	fmt.Printf("%-34s median %s, min %s, max %s (%d edits)\n", what, s[len(s)/2].Round(100*time.Microsecond),
		s[0].Round(100*time.Microsecond), s[len(s)-1].Round(100*time.Microsecond), len(s))
}

func check(err error) {
	if err != nil {
		fail(err)
	}
}

// restore puts back the files the benchmark edited.
var restore []func()

func undo() {
	for _, r := range restore {
		r()
	}
	restore = nil
}

func fail(err error) {
	undo()
	fmt.Fprintln(os.Stderr, "benchserve:", strings.TrimSpace(err.Error()))
	os.Exit(1)
}

// Command benchsearch measures the directory's static search index: the
// time bleve and the exporter take to build it, its files and bytes, and,
// per query, the bytes and requests the JavaScript client fetches, the
// sequential round trips they take, and the CPU it spends in Node once the
// files are there.
//
// Requests count the module and every index file. Round trips are the
// longest chain of requests that wait for one another: each index file
// read takes a simulated latency, and a request waits for every one that
// had finished when it started (files fetched together overlap). The
// module is the first round trip and meta.bin, which the client fetches
// once it runs, the second; the directory home preloads both together
// (home.html), so a page's first query takes one round trip less
// ("page"), and a query after others none of the two. With -pagefind it
// indexes the same built site's partner pages with Pagefind and reports
// Pagefind's build time, files and bytes beside ours.
//
//	go run ./cmd/genprogram -partners 10000 -people 2 -out /tmp/bs10k
//	go run ./cmd/benchsearch -root /tmp/bs10k [-site /tmp/bs10k-site -pagefind node_modules/.bin/pagefind]
package main

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"flag"
	"fmt"
	"io/fs"
	"log"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/accredit/accredit/cmd/internal/check"
	"github.com/accredit/accredit/cmd/internal/date"
	"github.com/accredit/accredit/cmd/internal/diag"
	"github.com/accredit/accredit/cmd/internal/load"
	"github.com/accredit/accredit/cmd/internal/program"
	"github.com/accredit/accredit/cmd/internal/search"
	"github.com/accredit/accredit/cmd/internal/site"
	"github.com/accredit/accredit/cmd/internal/standing"
)

// A benchQuery is one query shape: words, and filters as the UI sends them.
type benchQuery struct {
	Shape   string              `json:"shape"`
	Text    string              `json:"text"`
	Filters map[string][]string `json:"filters,omitempty"`
}

// queries cover every shape the budgets name: one word, a prefix, a typo
// (fuzzy), several words, filters with and without words, a country by
// name and by code.
var queries = []benchQuery{
	{"one word", "granite", nil},
	{"one word", "berlin", nil},
	{"one word", "tanaka", nil},
	{"one word", "zimmer", nil},
	{"prefix", "sil", nil},
	{"fuzzy", "granote", nil},
	{"fuzzy", "kowalsky", nil},
	{"fuzzy", "helthcare", nil},
	{"multi-word", "harbor consulting", nil},
	{"multi-word", "data migration", nil},
	{"multi-word", "sao paulo", nil},
	{"multi-word", "kowalski anna", nil},
	{"multi-word", "healthcare integration", nil},
	{"filtered", "consulting", map[string][]string{"country": {"DE"}}},
	{"filtered", "data migration", map[string][]string{"country": {"DE"}}},
	{"filtered", "", map[string][]string{"tier": {"gold"}, "type": {"partner"}}},
	{"filtered", "integration", map[string][]string{"type": {"partner"}, "tier": {"platinum", "gold"}}},
	{"country", "germany", nil},
	{"country", "deutschland", nil},
	{"country", "de", nil},
}

func main() {
	log.SetFlags(0)
	root := flag.String("root", "", "program `DIR` (from cmd/genprogram)")
	asOf := flag.String("as-of", "2026-11-22", "as-of `DATE`")
	siteDir := flag.String("site", "", "a built site `DIR` (accredit build) for Pagefind")
	pagefind := flag.String("pagefind", "", "the pagefind `binary`; empty: skip Pagefind")
	keep := flag.String("keep", "", "write the index to `DIR` and keep it (default: a temporary folder)")
	verbose := flag.Bool("v", false, "list the files each query reads, first and after the others, with their bytes")
	flag.Parse()
	if *root == "" {
		log.Fatal("usage: benchsearch -root DIR [-site DIR -pagefind BIN]")
	}
	d, err := date.Parse(*asOf)
	if err != nil {
		log.Fatal(err)
	}
	p, ds, err := load.Load(*root)
	if err != nil {
		log.Fatal(err)
	}
	s := standing.Compute(p)
	for _, x := range append(ds, check.Run(p, s, d)...) {
		if x.Severity == diag.Error {
			log.Fatalf("the program has errors: %s", x)
		}
	}
	st, err := site.Build(p, s, d)
	if err != nil {
		log.Fatal(err)
	}
	docs, labels := search.Docs(st)
	partners, people := 0, 0
	for _, d := range docs {
		if d.Type == "partner" {
			partners++
		} else {
			people++
		}
	}
	fmt.Printf("program: %d partners, %d people files; indexed %d partners and %d public people\n", len(p.Partners), countPeople(p.Partners), partners, people)

	var ms0, ms1 runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&ms0)
	start := time.Now()
	ix, err := search.New(docs, labels)
	if err != nil {
		log.Fatal(err)
	}
	indexed := time.Since(start)
	files, err := ix.Export()
	if err != nil {
		log.Fatal(err)
	}
	files[search.ClientFile] = search.Client()
	took := time.Since(start)
	fmt.Printf("bleve index %s, export %s\n", indexed.Round(time.Millisecond), (took - indexed).Round(time.Millisecond))
	// What serve does after an edit to one person: a bleve batch of the
	// changed document, then the export.
	edited := make([]*search.Doc, len(docs))
	for i, d := range docs {
		c := *d
		edited[i] = &c
	}
	for _, d := range edited {
		if d.Type == "person" {
			d.Name += " Bench"
			d.Card.Name = d.Name
			break
		}
	}
	start = time.Now()
	n, err := ix.Update(edited, labels)
	if err != nil {
		log.Fatal(err)
	}
	updated := time.Since(start)
	if _, err := ix.Files(); err != nil {
		log.Fatal(err)
	}
	fmt.Printf("serve's update after one edit: bleve batch of %d document(s) %s, export %s, %s in all\n", n,
		updated.Round(time.Millisecond), (time.Since(start) - updated).Round(time.Millisecond), time.Since(start).Round(time.Millisecond))
	ix.Close()
	runtime.ReadMemStats(&ms1)
	dir := *keep
	if dir == "" {
		if dir, err = os.MkdirTemp("", "benchsearch-"); err != nil {
			log.Fatal(err)
		}
		defer os.RemoveAll(dir)
	}
	var total int64
	for name, data := range files {
		path := filepath.Join(dir, filepath.FromSlash(name))
		os.MkdirAll(filepath.Dir(path), 0o755)
		if err := os.WriteFile(path, data, 0o644); err != nil {
			log.Fatal(err)
		}
		total += int64(len(data))
	}
	moduleGz := gzLen(search.Client())
	fmt.Printf("accredit index: built in %s (bleve + export, %.0f MiB allocated), %d files, %.1f KiB (client %.1f KiB, %.1f KiB gzip)\n",
		took.Round(time.Millisecond), float64(ms1.TotalAlloc-ms0.TotalAlloc)/(1<<20), len(files), float64(total)/1024, float64(len(search.Client()))/1024, float64(moduleGz)/1024)

	// The client in Node: bytes and files per query, cold then warm CPU.
	harness := filepath.Join(dir, "bench.mjs")
	os.WriteFile(harness, []byte(nodeHarness), 0o644)
	in, _ := json.Marshal(queries)
	cmd := exec.Command("node", harness, dir)
	cmd.Stdin = bytes.NewReader(in)
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		log.Fatalf("node: %v", err)
	}
	var rows []struct {
		Shape        string   `json:"shape"`
		Query        string   `json:"query"`
		Total        int      `json:"total"`
		Files        int      `json:"files"`
		Bytes        int      `json:"bytes"`
		Rounds       int      `json:"rounds"`
		CPU          float64  `json:"cpu"`
		Top          []string `json:"top"`
		TopPartners  []string `json:"topPartners"`
		AllPartners  []string `json:"allPartners"`
		Partners     int      `json:"partnersTotal"`
		SessionBytes int      `json:"sessionBytes"`
		SessionFiles int      `json:"sessionFiles"`
		Read         []string `json:"read"`
		SessionRead  []string `json:"sessionRead"`
	}
	if err := json.Unmarshal(out, &rows); err != nil {
		log.Fatalf("node output: %v\n%s", err, out)
	}
	fmt.Printf("\n%-10s %-34s %7s  %-40s  %-22s  %s\n", "shape", "query", "total", "as first query (+module): round trips, page's", "after the others", "CPU/query (warm, Node)")
	worst := map[string][5]float64{} // per shape: first KiB, first requests, first round trips, second KiB, second requests
	var shapes []string
	for _, r := range rows {
		first := float64(r.Bytes+moduleGz) / 1024
		fmt.Printf("%-10s %-34s %7d  %6.1f KiB in %2d requests, %d rt (page %d)  %6.1f KiB in %d requests   %.2f ms\n", r.Shape, r.Query, r.Total,
			first, r.Files+1, r.Rounds, r.Rounds-1, float64(r.SessionBytes)/1024, r.SessionFiles, r.CPU)
		w, ok := worst[r.Shape]
		if !ok {
			shapes = append(shapes, r.Shape)
		}
		if *verbose {
			fmt.Printf("    first: %s\n    after: %s\n", strings.Join(r.Read, " "), strings.Join(r.SessionRead, " "))
		}
		worst[r.Shape] = [5]float64{max(w[0], first), max(w[1], float64(r.Files+1)), max(w[2], float64(r.Rounds)), max(w[3], float64(r.SessionBytes)/1024), max(w[4], float64(r.SessionFiles))}
	}
	fmt.Printf("\nworst per shape: first query KiB / requests / round trips (page's); a query after the others KiB / requests\n")
	for _, sh := range shapes {
		w := worst[sh]
		fmt.Printf("%-10s %6.1f KiB %2.0f req %.0f rt (page %.0f)   %6.1f KiB %2.0f req\n", sh, w[0], w[1], w[2], w[2]-1, w[3], w[4])
	}

	if *pagefind != "" && *siteDir != "" {
		out := filepath.Join(dir, "pagefind")
		start := time.Now()
		cmd := exec.Command(*pagefind, "--site", *siteDir, "--glob", "partners/*/index.html", "--output-path", out)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		cmd.Stdout = &stderr
		if err := cmd.Run(); err != nil {
			log.Fatalf("pagefind: %v\n%s", err, stderr.String())
		}
		took := time.Since(start)
		n, size := 0, int64(0)
		filepath.WalkDir(out, func(p string, d fs.DirEntry, err error) error {
			if err == nil && !d.IsDir() {
				fi, _ := d.Info()
				n++
				size += fi.Size()
			}
			return nil
		})
		fmt.Printf("\npagefind (partner pages of %s): built in %s, %d files, %.1f KiB\n", *siteDir, took.Round(time.Millisecond), n, float64(size)/1024)
		for _, l := range strings.Split(stderr.String(), "\n") {
			if strings.Contains(l, "Indexed") && (strings.Contains(l, "pages") || strings.Contains(l, "words")) {
				fmt.Println("  " + strings.TrimSpace(l))
			}
		}
		harness := filepath.Join(dir, "pagefind.mjs")
		os.WriteFile(harness, []byte(pagefindHarness), 0o644)
		var texts []string
		for _, q := range queries {
			texts = append(texts, q.Text)
		}
		js, _ := json.Marshal(texts)
		cmd = exec.Command("node", harness, out, string(js))
		cmd.Stderr = os.Stderr
		res, err := cmd.Output()
		if err != nil {
			log.Fatalf("node (pagefind): %v", err)
		}
		var pf []struct {
			Query string   `json:"query"`
			Total int      `json:"total"`
			Files int      `json:"files"`
			Bytes int      `json:"bytes"`
			Top   []string `json:"top"`
		}
		if err := json.Unmarshal(res, &pf); err != nil {
			log.Fatal(err)
		}
		module, _ := os.ReadFile(filepath.Join(out, "pagefind.js"))
		pfModule := gzLen(module)
		fmt.Printf("\nfirst query, both over partner pages: bytes (gzip, module included) and requests; top-10 agreement\n")
		fmt.Printf("%-24s %-30s %-30s %s\n", "query", "accredit", "pagefind", "top 10 in common; pagefind's top 10 among accredit's hits")
		for i, r := range pf {
			common, found := 0, 0
			for _, n := range rows[i].TopPartners {
				if slices.Contains(r.Top, n) {
					common++
				}
			}
			for _, n := range r.Top {
				if slices.Contains(rows[i].AllPartners, n) {
					found++
				}
			}
			fmt.Printf("%-24q %6.1f KiB, %2d req, %5d hits  %6.1f KiB, %2d req, %5d hits  %d/%d; %d/%d\n", r.Query,
				float64(rows[i].Bytes+moduleGz)/1024, rows[i].Files+1, rows[i].Partners,
				float64(r.Bytes+pfModule)/1024, r.Files+1, r.Total, common, min(len(r.Top), len(rows[i].TopPartners)), found, len(r.Top))
		}
	}
}

func countPeople(ps []*program.Partner) int {
	n := 0
	for _, pa := range ps {
		n += len(pa.People)
	}
	return n
}

func gzLen(b []byte) int {
	var buf bytes.Buffer
	w, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	w.Write(b)
	w.Close()
	return buf.Len()
}

// pagefindHarness runs Pagefind's own client in Node, reading its files
// through a counting fetch.
const pagefindHarness = `
import { readFile } from "node:fs/promises";
import { pathToFileURL } from "node:url";
const dir = process.argv[2];
let files = 0, bytes = 0;
globalThis.fetch = async (u) => {
  const b = await readFile(new URL(u, pathToFileURL(dir + "/")));
  files++; bytes += b.length;
  return new Response(b);
};
const out = [];
for (const [i, q] of JSON.parse(process.argv[3]).entries()) {
  files = 0; bytes = 0;
  const pf = await import(pathToFileURL(dir + "/pagefind.js").href + "?fresh=" + i);
  await pf.options({ basePath: pathToFileURL(dir + "/").href });
  const r = await pf.search(q);
  const top = await Promise.all(r.results.slice(0, 10).map((x) => x.data()));
  out.push({ query: q, total: r.results.length, files, bytes, top: top.map((d) => d.meta?.title) });
}
process.stdout.write(JSON.stringify(out));
`

// nodeHarness runs each query in a fresh client (first query: every
// file it reads), then all queries in one session (what a query costs
// after others), then each query again warm for its CPU time.
const nodeHarness = `
import fs from "node:fs/promises";
import { syncBuiltinESMExports } from "node:module";
import { readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
const dir = process.argv[2];
const queries = JSON.parse(readFileSync(0, "utf8"));
let files = 0, bytes = 0, reqs = [], read_ = [];
const read = fs.readFile;
// Node's module loader reads the client through readFile too: count only
// the index's files (the module's gzip size is added by the Go side).
// Each index file takes LATENCY ms, so that the files a query fetches
// together overlap and those it fetches after others do not.
const LATENCY = 5;
fs.readFile = async (...a) => {
  if (/\.js($|\?)/.test(String(a[0]))) return read(...a);
  const rec = { start: performance.now(), end: Infinity };
  reqs.push(rec);
  await new Promise((r) => setTimeout(r, LATENCY));
  const b = await read(...a);
  rec.end = performance.now();
  files++; bytes += b.length;
  read_.push(String(a[0]).slice(String(a[0]).indexOf(dir) + dir.length + 1) + ":" + b.length);
  return b;
};
// rounds is the longest chain of requests in reqs, the module first: a
// request waited for every one that had finished when it started.
const rounds = () => {
  let most = 1;
  for (const r of reqs) {
    r.depth = 2;
    for (const x of reqs) if (x !== r && x.end <= r.start) r.depth = Math.max(r.depth, x.depth + 1);
    most = Math.max(most, r.depth);
  }
  return most;
};
syncBuiltinESMExports();
const rows = [];
const opts = (q) => ({ filters: q.filters ?? {} });
const label = (q) => q.text + Object.entries(q.filters ?? {}).map(([k, v]) => " " + k + "=" + v.join(",")).join("");
for (const [i, q] of queries.entries()) {
  files = 0; bytes = 0; reqs = []; read_ = [];
  const c = await import(pathToFileURL(dir + "/accredit-search.js").href + "?fresh=" + i);
  const t0 = performance.now();
  const r = await c.search(q.text, opts(q));
  rows.push({ shape: q.shape, query: label(q), total: r.total, files, bytes, rounds: rounds(), cold: performance.now() - t0, top: r.results.map((x) => x.name), read: [...read_] });
}
for (const [i, q] of queries.entries()) {
  const c = await import(pathToFileURL(dir + "/accredit-search.js").href + "?partners");
  const r = await c.search(q.text, { filters: { ...(q.filters ?? {}), type: ["partner"] }, limit: 1e9 });
  rows[i].partnersTotal = r.total;
  rows[i].topPartners = r.results.slice(0, 10).map((x) => x.name);
  rows[i].allPartners = r.results.map((x) => x.name);
}
const s = await import(pathToFileURL(dir + "/accredit-search.js").href + "?session");
await s.search("warm up");
for (const [i, q] of queries.entries()) {
  files = 0; bytes = 0; read_ = [];
  await s.search(q.text, opts(q));
  rows[i].sessionFiles = files; rows[i].sessionBytes = bytes; rows[i].sessionRead = [...read_];
}
for (const [i, q] of queries.entries()) {
  const times = [];
  for (let k = 0; k < 7; k++) {
    const u0 = process.cpuUsage();
    await s.search(q.text, opts(q));
    const u = process.cpuUsage(u0);
    times.push((u.user + u.system) / 1000);
  }
  times.sort((a, b) => a - b);
  rows[i].cpu = times[3];
}
process.stdout.write(JSON.stringify(rows));
`

package browsertest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/accredit/accredit/cmd/internal/date"
	"github.com/accredit/accredit/cmd/internal/site"
	"github.com/accredit/accredit/cmd/internal/standing"
)

// asOf is the build date of the example site.
const asOf = "2026-11-22"

// env is what TestMain prepares once for every test.
var env struct {
	browser  string          // path of the browser binary; "" when none was found
	setupErr error           // why the site or the browser could not be prepared
	root     string          // module root
	bin      string          // the accredit command, built from root
	site     string          // the built site
	url      string          // the test server's URL, without a trailing slash
	ctx      context.Context // the browser; each test opens its own tabs
	creds    []credential    // api/v1/credentials/*.json, sorted by id
	partners []struct {
		ID string `json:"id"`
	}
}

// credential is the part of api/v1/credentials/<ID>.json the tests use.
type credential struct {
	ID              string `json:"id"`
	Issued          string `json:"issued"`
	Expires         string `json:"expires"`
	Status          string `json:"status"`
	GraceDays       int    `json:"grace_days"`
	StreamlinedDays int    `json:"streamlined_days"`
	Revoked         string `json:"revoked"`
	RenewedBy       string `json:"renewed_by"`
	RenewedOn       string `json:"renewed_on"`
}

// since is the first day of the credential's status, which its page
// says without JavaScript: by site.StatusSince from the JSON's dates
// (whose as_of is the build's date D).
func (c credential) since() string {
	d := func(s string) date.Date {
		v, _ := date.Parse(s)
		return v
	}
	return site.StatusSince(standing.Status(c.Status), d(c.Issued), d(c.Expires), d(c.Revoked), d(c.RenewedOn), c.GraceDays, c.StreamlinedDays).String()
}

// browserNames are the binaries looked up on PATH, in order.
var browserNames = []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"}

func TestMain(m *testing.M) {
	os.Exit(runMain(m))
}

func runMain(m *testing.M) int {
	root, rootErr := moduleRoot()
	env.root = root
	for _, name := range browserNames {
		if p, err := exec.LookPath(name); err == nil {
			env.browser = p
			break
		}
	}
	if env.browser == "" {
		return m.Run() // every test skips, or fails in CI
	}
	if rootErr != nil {
		env.setupErr = rootErr
		return m.Run()
	}
	tmp, err := os.MkdirTemp("", "accredit-browsertest-")
	if err != nil {
		env.setupErr = err
		return m.Run()
	}
	defer os.RemoveAll(tmp)

	if err := buildSite(tmp); err != nil {
		env.setupErr = err
		return m.Run()
	}
	srv := httptest.NewServer(siteHandler(env.site))
	defer srv.Close()
	env.url = srv.URL

	// The flags keep the browser off the network (this machine refuses
	// outside connections) and out of any earlier profile.
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(env.browser),
		chromedp.Headless,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.Flag("disable-default-apps", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("disable-features", "Translate,OptimizationHints,MediaRouter"),
		chromedp.Flag("no-proxy-server", true),
		chromedp.Flag("password-store", "basic"),
		chromedp.WindowSize(1280, 900),
	}
	if os.Geteuid() == 0 {
		opts = append(opts, chromedp.NoSandbox) // Chromium refuses to start as root otherwise
	}
	// A browser that dies while starting (seen on a loaded two-core
	// machine, with every test binary of ./... running beside it) is
	// started again, with a profile of its own, up to three times; what
	// the tests then check is the site, not the start.
	var browserCtx context.Context
	for attempt := 1; ; attempt++ {
		profile := chromedp.UserDataDir(filepath.Join(tmp, fmt.Sprintf("profile-%d", attempt)))
		allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), append(slices.Clip(opts), profile)...)
		defer cancelAlloc()
		ctx, cancelBrowser := chromedp.NewContext(allocCtx)
		defer cancelBrowser()
		// The first Do starts the browser and binds its life to ctx, so
		// the start gets its timeout from a select, not from a context.
		started := make(chan error, 1)
		go func() { started <- chromedp.Do(ctx) }()
		var err error
		select {
		case err = <-started:
			if err != nil {
				err = fmt.Errorf("starting %s (attempt %d of 3): %w", env.browser, attempt, err)
			}
		case <-time.After(30 * time.Second):
			err = fmt.Errorf("starting %s (attempt %d of 3): no answer in 30s", env.browser, attempt)
		}
		if err == nil {
			browserCtx = ctx
			break
		}
		cancelBrowser()
		cancelAlloc()
		if attempt == 3 {
			env.setupErr = err
			return m.Run()
		}
		fmt.Fprintln(os.Stderr, err)
	}
	env.ctx = browserCtx
	return m.Run()
}

// moduleRoot returns the directory of the module's go.mod.
func moduleRoot() (string, error) {
	out, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil {
		return "", fmt.Errorf("go env GOMOD: %w", err)
	}
	gomod := strings.TrimSpace(string(out))
	if gomod == "" || gomod == os.DevNull {
		return "", errors.New("go env GOMOD: not inside the module")
	}
	return filepath.Dir(gomod), nil
}

// buildSite builds the accredit command and with it the example site into
// dir/site, then reads the credentials and partners of its API.
func buildSite(dir string) error {
	bin := filepath.Join(dir, "accredit")
	if err := runCmd(env.root, "go", "build", "-o", bin, "./cmd/accredit"); err != nil {
		return err
	}
	env.bin = bin
	env.site = filepath.Join(dir, "site")
	if err := runCmd(env.root, bin, "build", "--root", env.root, "--as-of", asOf, "--out", env.site); err != nil {
		return err
	}
	files, err := filepath.Glob(filepath.Join(env.site, "api", "v1", "credentials", "*.json"))
	if err != nil {
		return err
	}
	for _, f := range files {
		var c credential
		if err := readJSON(f, &c); err != nil {
			return err
		}
		env.creds = append(env.creds, c)
	}
	slices.SortFunc(env.creds, func(a, b credential) int { return strings.Compare(a.ID, b.ID) })
	if len(env.creds) == 0 {
		return errors.New("the built site has no credentials")
	}
	if err := readJSON(filepath.Join(env.site, "api", "v1", "partners.json"), &env.partners); err != nil {
		return err
	}
	if len(env.partners) == 0 {
		return errors.New("the built site lists no partners")
	}
	return nil
}

// recordInputs shows go test what the result depends on. go test caches a
// result by the files, directories and variables a test reads (from m.Run
// on, so not in TestMain's setup), and the site comes from subprocesses,
// whose reads it does not see: without this a changed template or program,
// or a browser installed since, would reuse a stale result.
func recordInputs(t *testing.T) {
	t.Helper()
	for _, name := range browserNames {
		exec.LookPath(name)
	}
	if env.root == "" {
		return
	}
	if err := watchInputs(env.root); err != nil {
		t.Fatal(err)
	}
}

// watchInputs opens every directory the site is made from.
func watchInputs(root string) error {
	for _, dir := range []string{".", "cmd", "layouts", "programs", "partners", "content"} {
		err := filepath.WalkDir(filepath.Join(root, dir), func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if !d.IsDir() {
				return nil
			}
			switch d.Name() {
			case ".git", "node_modules", "build":
				return filepath.SkipDir
			}
			if dir == "." && p != root {
				return filepath.SkipDir // the root's own files only; the rest below
			}
			return nil
		})
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
	}
	return nil
}

func runCmd(dir, name string, args ...string) error {
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	var buf bytes.Buffer
	cmd.Stdout, cmd.Stderr = &buf, &buf
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("%s %s: %v\n%s", filepath.Base(name), strings.Join(args, " "), err, buf.Bytes())
	}
	return nil
}

func readJSON(name string, v any) error {
	b, err := os.ReadFile(name)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(b, v); err != nil {
		return fmt.Errorf("%s: %v", name, err)
	}
	return nil
}

// siteHandler serves the built site as a static host does: files and
// directory index pages, and 404.html with status 404 for anything missing.
func siteHandler(dir string) http.Handler {
	files := http.FileServer(http.Dir(dir))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name := filepath.Join(dir, filepath.FromSlash(path.Clean("/"+r.URL.Path)))
		fi, err := os.Stat(name)
		if err == nil && fi.IsDir() {
			_, err = os.Stat(filepath.Join(name, "index.html"))
		}
		if err != nil {
			b, err := os.ReadFile(filepath.Join(dir, "404.html"))
			if err != nil {
				http.NotFound(w, r)
				return
			}
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.WriteHeader(http.StatusNotFound)
			if r.Method != http.MethodHead {
				w.Write(b)
			}
			return
		}
		files.ServeHTTP(w, r)
	})
}

// needBrowser skips t when there is no browser, or fails it in CI, and
// fails it when the site or the browser could not be prepared.
func needBrowser(t *testing.T) {
	t.Helper()
	if env.browser == "" {
		msg := fmt.Sprintf("no browser on PATH (looked for %s)", strings.Join(browserNames, ", "))
		if os.Getenv("CI") != "" {
			t.Fatalf("%s; browser tests must run in CI: install chromium", msg)
		}
		t.Skip(msg)
	}
	if env.setupErr != nil {
		t.Fatal(env.setupErr)
	}
}

// TestBrowser runs every browser test against one build of the example site
// and one browser.
func TestBrowser(t *testing.T) {
	recordInputs(t)
	needBrowser(t)
	t.Run("status", testStatus)
	t.Run("lookup", testLookup)
	t.Run("keyboard", testKeyboard)
	t.Run("search", testSearch)
	t.Run("search-corpus", testSearchCorpus)
	t.Run("search-forgives", testSearchForgives)
	t.Run("clean", testClean)
	t.Run("axe", testAxe)
	t.Run("screenshots", testScreenshots)
	t.Run("serve", testServe)
	t.Run("bake", testBake)
	t.Run("print", testPrint)
	t.Run("home", testHome)
	t.Run("status-note", testStatusNote)
	t.Run("share", testShare)
	t.Run("partner", testPartner)
	t.Run("dates", testDates)
	t.Run("shards", testShards)
}

// tab is one browser tab. It records what went wrong while pages loaded:
// exceptions, console errors, failed or refused requests and requests that
// leave the test server.
type tab struct {
	ctx context.Context

	mu       sync.Mutex
	problems []string
	docs     map[network.RequestID]bool // main-frame document requests
}

// newTab opens a tab that closes with t.
func newTab(t *testing.T) *tab {
	t.Helper()
	tb := &tab{docs: map[network.RequestID]bool{}}
	ctx, cancel := chromedp.NewContext(env.ctx, chromedp.WithListener(tb.listen))
	ctx, cancelTimeout := context.WithTimeout(ctx, 60*time.Second)
	t.Cleanup(func() {
		cancelTimeout()
		cancel()
	})
	tb.ctx = ctx
	if err := chromedp.Do(ctx); err != nil { // opens the tab
		t.Fatalf("opening a tab: %v", err)
	}
	return tb
}

// listen runs in the tab's event loop: it must return fast.
func (tb *tab) listen(ev any) {
	tb.mu.Lock()
	defer tb.mu.Unlock()
	add := func(format string, args ...any) { tb.problems = append(tb.problems, fmt.Sprintf(format, args...)) }
	switch ev := ev.(type) {
	case *runtime.EventExceptionThrown:
		d := ev.ExceptionDetails
		text := d.Text
		if d.Exception != nil && d.Exception.Description != "" {
			text += " " + d.Exception.Description
		}
		add("exception at %s:%d:%d: %s", d.URL, d.LineNumber+1, d.ColumnNumber+1, text)
	case *runtime.EventConsoleAPICalled:
		if ev.Type == runtime.ConsoleAPICalledTypeError || ev.Type == runtime.ConsoleAPICalledTypeAssert {
			var args []string
			for _, a := range ev.Args {
				if a.Value != nil {
					args = append(args, string(a.Value))
				} else {
					args = append(args, a.Description)
				}
			}
			add("console.%s: %s", ev.Type, strings.Join(args, " "))
		}
	case *log.EventEntryAdded:
		if e := ev.Entry; e.Level == log.EntryLevelError && !tb.docs[e.NetworkRequestID] {
			add("browser log (%s): %s %s", e.Source, e.Text, e.URL)
		}
	case *network.EventRequestWillBeSent:
		u := ev.Request.URL
		if ev.Type == network.ResourceTypeDocument { // the site has no frames: a page
			tb.docs[ev.RequestID] = true
		}
		if !sameOrigin(u) {
			add("request outside the site: %s %s", ev.Request.Method, u)
		}
	case *network.EventResponseReceived:
		// A page's own 404 is the 404 page's status: the test that opens a
		// page checks that status itself.
		if s := ev.Response.Status; s >= 400 && !(tb.docs[ev.RequestID] && s == http.StatusNotFound) {
			add("HTTP %d for %s", s, ev.Response.URL)
		}
	case *network.EventLoadingFailed:
		add("request failed: %s (%s%s)", ev.Type, ev.ErrorText, blocked(ev))
	}
}

func blocked(ev *network.EventLoadingFailed) string {
	if ev.BlockedReason != "" {
		return ", blocked: " + string(ev.BlockedReason)
	}
	return ""
}

// sameOrigin reports whether u is on the test server (or needs no network).
func sameOrigin(u string) bool {
	for _, p := range []string{"data:", "about:", "blob:"} {
		if strings.HasPrefix(u, p) {
			return true
		}
	}
	if u == env.url || strings.HasPrefix(u, env.url+"/") {
		return true
	}
	others, _ := otherOrigins.Load().([]string)
	for _, o := range others {
		if u == o || strings.HasPrefix(u, o+"/") {
			return true
		}
	}
	return false
}

// otherOrigins are the URLs of more sites that tests serve (a signed
// build, say): requests to them stay on the test's own servers.
var otherOrigins atomic.Value // []string

// allowOrigin adds a server's URL to otherOrigins.
func allowOrigin(u string) {
	others, _ := otherOrigins.Load().([]string)
	otherOrigins.Store(append(slices.Clone(others), u))
}

// takeProblems returns what went wrong since the last call.
func (tb *tab) takeProblems() []string {
	tb.mu.Lock()
	defer tb.mu.Unlock()
	p := tb.problems
	tb.problems = nil
	return p
}

// open loads the page at rel (relative to the site root, "" for home).
func (tb *tab) open(t *testing.T, rel string) {
	t.Helper()
	if err := chromedp.Do(tb.ctx, chromedp.Navigate(env.url+"/"+rel)); err != nil {
		t.Fatalf("opening /%s: %v", rel, err)
	}
}

// eval evaluates a JavaScript expression in the page and decodes its value.
func eval[T any](t *testing.T, tb *tab, expr string) T {
	t.Helper()
	v, err := chromedp.Run(tb.ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		t.Fatalf("evaluating %s: %v", short(expr), err)
	}
	return v
}

// waitFor polls a JavaScript expression until it is truthy and returns its value.
func waitFor[T any](t *testing.T, tb *tab, expr string) T {
	t.Helper()
	v, err := chromedp.Run(tb.ctx, chromedp.Poll[T](expr, chromedp.WithPollingTimeout(10*time.Second), chromedp.WithPollingInterval(20*time.Millisecond)))
	if err != nil {
		t.Fatalf("waiting for %s: %v", short(expr), err)
	}
	return v
}

func short(s string) string {
	if len(s) > 120 {
		return s[:120] + "..."
	}
	return s
}

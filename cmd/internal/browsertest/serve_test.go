package browsertest

import (
	"bufio"
	"context"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// testServe opens a partner's page served by accredit serve, scrolls
// down, edits the partner's file, and expects the open page to reload by
// itself with the change and at the same scroll position; then an error
// replaces the page and its fix brings it back; then Ctrl-C (SIGINT)
// stops the server with exit status 0.
func testServe(t *testing.T) {
	root := t.TempDir()
	for _, dir := range []string{"programs", "partners", "content"} {
		if err := os.CopyFS(filepath.Join(root, dir), os.DirFS(filepath.Join(env.root, dir))); err != nil {
			t.Fatal(err)
		}
	}
	cmd := exec.Command(env.bin, "serve", "--root", root, "--as-of", asOf, "--addr", "127.0.0.1:0")
	cmd.Env = append(os.Environ(), "ACCREDIT_CACHE=off")
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	var log strings.Builder
	addr := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		re := regexp.MustCompile(`at (http://\S+)/ `)
		for sc.Scan() {
			log.WriteString(sc.Text() + "\n")
			if m := re.FindStringSubmatch(sc.Text()); m != nil {
				addr <- m[1]
			}
		}
		io.Copy(io.Discard, stderr)
		exited <- cmd.Wait()
	}()
	t.Cleanup(func() { cmd.Process.Kill() })
	var url string
	select {
	case url = <-addr:
	case <-time.After(30 * time.Second):
		t.Fatalf("accredit serve printed no address:\n%s", log.String())
	}

	ctx, cancel := chromedp.NewContext(env.ctx)
	defer cancel()
	ctx, cancelTimeout := context.WithTimeout(ctx, 90*time.Second)
	defer cancelTimeout()
	page := url + "/partners/aster-nexus/"
	until(t, ctx, page, `document.readyState === "complete" && document.querySelector("h1") && document.querySelector("h1").textContent === "Aster Nexus Technologies"`)

	y, err := chromedp.Run(ctx, chromedp.Evaluate[int](`(() => {
		const y = Math.min(400, document.documentElement.scrollHeight - innerHeight);
		scrollTo(0, y);
		window.beforeEdit = true;
		return Math.round(scrollY);
	})()`))
	if err != nil {
		t.Fatal(err)
	}
	if y < 100 {
		t.Fatalf("the page scrolls only %dpx: too short to tell a kept scroll position", y)
	}
	partner := filepath.Join(root, "partners", "aster-nexus", "partner.md")
	edit(t, partner, `name = "Aster Nexus Technologies"`, `name = "Aster Nexus Reloaded"`)
	until(t, ctx, "", `!window.beforeEdit && document.readyState === "complete" && document.querySelector("h1").textContent === "Aster Nexus Reloaded"`)
	got, err := chromedp.Run(ctx, chromedp.Evaluate[int](`Math.round(scrollY)`))
	if err != nil {
		t.Fatal(err)
	}
	if got < y-2 || got > y+2 {
		t.Errorf("after the reload the page is scrolled to %dpx, want %dpx", got, y)
	}

	// An error replaces the open page; its fix brings the site back.
	edit(t, partner, `name = "Aster Nexus Reloaded"`, `name = "Aster Nexus Reloaded"`+"\nlisted = 3")
	until(t, ctx, "", `document.querySelector("h1") && document.querySelector("h1").textContent === "The program has 1 error" && document.body.textContent.includes("partners/aster-nexus/partner.md:")`)
	edit(t, partner, "\nlisted = 3", "")
	until(t, ctx, "", `document.readyState === "complete" && document.querySelector("h1").textContent === "Aster Nexus Reloaded"`)

	// Ctrl-C: the open page's event stream must not keep the server up.
	if err := cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-exited:
		var ee *exec.ExitError
		if errors.As(err, &ee) || err != nil {
			t.Fatalf("accredit serve exited with %v after SIGINT:\n%s", err, log.String())
		}
		if !strings.Contains(log.String(), "stopped") {
			t.Errorf("no 'stopped' after SIGINT:\n%s", log.String())
		}
	case <-time.After(15 * time.Second):
		t.Fatalf("accredit serve still runs 15s after SIGINT:\n%s", log.String())
	}
}

func edit(t *testing.T, file, old, new string) {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), old) {
		t.Fatalf("%s has no %q", file, old)
	}
	if err := os.WriteFile(file, []byte(strings.Replace(string(b), old, new, 1)), 0o644); err != nil {
		t.Fatal(err)
	}
}

// until opens url (unless empty) and evaluates expr every 50ms until it is
// true. Evaluation fails while the page reloads; that is waited out too.
func until(t *testing.T, ctx context.Context, url, expr string) {
	t.Helper()
	if url != "" {
		if err := chromedp.Do(ctx, chromedp.Navigate(url)); err != nil {
			t.Fatalf("opening %s: %v", url, err)
		}
	}
	deadline := time.Now().Add(20 * time.Second)
	var last error
	for time.Now().Before(deadline) {
		var ok bool
		if ok, last = chromedp.Run(ctx, chromedp.Evaluate[bool](expr)); last == nil && ok {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	html, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.documentElement.outerHTML.slice(0, 3000)`))
	t.Fatalf("still not %s after 20s (last error %v); the page:\n%s", expr, last, html)
}

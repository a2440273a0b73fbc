package serve

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// running starts Run on the example program and returns its root, its
// URL and a stop function that cancels Run and waits for it to return.
func running(t *testing.T) (root, url string, stop func() error) {
	root, url, stop, _ = runningServer(t)
	return root, url, stop
}

func runningServer(t *testing.T) (root, url string, stop func() error, srv *Server) {
	t.Helper()
	root = example(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv = New(Options{Root: root, AsOf: asOfDate(t)})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.Run(ctx, ln) }()
	stopped := false
	stop = func() error {
		if stopped {
			return nil
		}
		stopped = true
		cancel()
		select {
		case err := <-done:
			return err
		case <-time.After(10 * time.Second):
			t.Fatal("Run did not return 10s after its context was cancelled")
			return nil
		}
	}
	t.Cleanup(func() { stop() })
	url = "http://" + ln.Addr().String()
	waitFor(t, url+"/", func(status int, body string) bool { return status == http.StatusOK })
	return root, url, stop, srv
}

func get(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(b)
}

// waitFor polls url until ok holds, for at most 10 seconds.
func waitFor(t *testing.T, url string, ok func(status int, body string) bool) string {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		status, body := get(t, url)
		if ok(status, body) {
			return body
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: still %d after 10s:\n%.2000s", url, status, body)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestServe: an edit reaches the served page; an error replaces every page
// with the error page and its fix brings the site back; cancelling the
// context stops the server cleanly.
func TestServe(t *testing.T) {
	root, url, stop := running(t)

	status, body := get(t, url+"/partners/aster-nexus/")
	if status != http.StatusOK || !strings.Contains(body, "Aster Nexus Technologies") {
		t.Fatalf("partner page: %d\n%.500s", status, body)
	}
	if !strings.Contains(body, `<script src="/_accredit/reload.js" data-gen="1" defer></script></head>`) {
		t.Errorf("the page has no reload script in its head")
	}
	if status, _ := get(t, url+"/_accredit/reload.js"); status != http.StatusOK {
		t.Errorf("reload.js: %d", status)
	}
	if status, body := get(t, url+"/no-such-page/"); status != http.StatusNotFound || !strings.Contains(body, "Page not found") {
		t.Errorf("a missing page: %d, want the 404 page", status)
	}

	t.Run("an edit reaches the page", func(t *testing.T) {
		edit(t, root, "partners/aster-nexus/partner.md", replace(`name = "Aster Nexus Technologies"`, `name = "Aster Nexus Renamed"`))
		waitFor(t, url+"/partners/aster-nexus/", func(status int, body string) bool {
			return status == http.StatusOK && strings.Contains(body, "<h1>Aster Nexus Renamed</h1>")
		})
	})
	t.Run("errors replace every page", func(t *testing.T) {
		edit(t, root, "partners/aster-nexus/people/arvind-joshi.toml", replace("score = 62", "score = 620"))
		for _, page := range []string{"/", "/partners/aster-nexus/", "/verify/", "/no-such-page/"} {
			body := waitFor(t, url+page, func(status int, body string) bool { return status == http.StatusInternalServerError })
			for _, want := range []string{"The program has 1 error", "partners/aster-nexus/people/arvind-joshi.toml:16:1", "&#34;score&#34; must be between 0 and 100, not 620", "[invalid-value]", "score = 620", `src="/_accredit/reload.js"`} {
				if !strings.Contains(body, want) {
					t.Errorf("%s: the error page lacks %q:\n%s", page, want, body)
				}
			}
		}
	})
	t.Run("the fix brings the site back", func(t *testing.T) {
		edit(t, root, "partners/aster-nexus/people/arvind-joshi.toml", replace("score = 620", "score = 62"))
		waitFor(t, url+"/partners/aster-nexus/", func(status int, body string) bool {
			return status == http.StatusOK && strings.Contains(body, "<h1>Aster Nexus Renamed</h1>")
		})
	})
	t.Run("a program file that cannot be read", func(t *testing.T) {
		pf := filepath.Join(root, "programs", "program.toml")
		b, _ := os.ReadFile(pf)
		os.Remove(pf)
		waitFor(t, url+"/", func(status int, body string) bool {
			return status == http.StatusInternalServerError && strings.Contains(body, "The site cannot be built") && strings.Contains(body, "no programs/program.toml")
		})
		os.WriteFile(pf, b, 0o644)
		waitFor(t, url+"/", func(status int, body string) bool { return status == http.StatusOK })
	})
	if err := stop(); err != nil {
		t.Fatalf("Run returned %v", err)
	}
	if _, err := http.Get(url + "/"); err == nil {
		t.Errorf("the server still answers after Run returned")
	}
}

// TestEvents: the event stream sends the site's generation on connecting
// and after every rebuild, and ends when the server stops.
func TestEvents(t *testing.T) {
	root, url, stop := running(t)
	resp, err := http.Get(url + "/_accredit/events")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if ct := resp.Header.Get("Content-Type"); ct != "text/event-stream" {
		t.Fatalf("Content-Type %q", ct)
	}
	r := bufio.NewReader(resp.Body)
	data := func() string {
		t.Helper()
		for {
			line, err := r.ReadString('\n')
			if err != nil {
				t.Fatalf("reading the stream: %v", err)
			}
			if d, ok := strings.CutPrefix(line, "data: "); ok {
				return strings.TrimSpace(d)
			}
		}
	}
	if got := data(); got != "1" {
		t.Fatalf("first generation %q, want 1", got)
	}
	edit(t, root, "content/faq.md", replace("title = ", "title = \"FAQ\"\n#"))
	if got := data(); got != "2" {
		t.Fatalf("after an edit: generation %q, want 2", got)
	}
	done := make(chan error, 1)
	go func() { done <- stop() }()
	if _, err := io.Copy(io.Discard, r); err != nil {
		t.Fatalf("the stream did not end cleanly: %v", err)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

// TestSearchIndex: the search index is served, and follows an edit in the
// background.
func TestSearchIndex(t *testing.T) {
	root, url, _, srv := runningServer(t)
	waitFor(t, url+"/search/accredit-search.js", func(status int, body string) bool {
		return status == http.StatusOK && strings.Contains(body, "export")
	})
	has := func(text string) bool {
		srv.mu.RLock()
		defer srv.mu.RUnlock()
		for _, data := range srv.search {
			// The index's files are gzip-compressed, the client not.
			if zr, err := gzip.NewReader(bytes.NewReader(data)); err == nil {
				data, _ = io.ReadAll(zr)
			}
			if strings.Contains(string(data), text) {
				return true
			}
		}
		return false
	}
	if !has("Aster Nexus Technologies") || has("Aster Nexus Indexed") {
		t.Fatal("the index does not hold the partner's name before the edit")
	}
	edit(t, root, "partners/aster-nexus/partner.md", replace(`name = "Aster Nexus Technologies"`, `name = "Aster Nexus Indexed"`))
	deadline := time.Now().Add(20 * time.Second)
	for !has("Aster Nexus Indexed") {
		if time.Now().After(deadline) {
			t.Fatal("the search index does not have the edit after 20s")
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestServeShardsMode: with [site] verification = "shards", a
// credential's address is served the one verification page, as the
// _redirects the build writes tells Netlify and Cloudflare Pages to; a
// deeper path is still not found.
func TestServeShardsMode(t *testing.T) {
	root := example(t)
	edit(t, root, "programs/program.toml", replace("[program]\n", "[site]\nverification = \"shards\"\n\n[program]\n"))
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := New(Options{Root: root, AsOf: asOfDate(t)})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.Run(ctx, ln) }()
	defer func() { cancel(); <-done }()
	url := "http://" + ln.Addr().String()
	waitFor(t, url+"/", func(status int, body string) bool { return status == http.StatusOK })

	b, err := os.ReadFile(filepath.Join(root, "partners", "aster-nexus", "people", "arvind-joshi.toml"))
	if err != nil {
		t.Fatal(err)
	}
	m := firstID.FindSubmatch(b)
	if m == nil {
		t.Fatal("no credential id in arvind-joshi.toml")
	}
	_, page := get(t, url+"/verify/")
	for _, path := range []string{"/verify/" + string(m[1]) + "/", "/verify/0000-0000-0000/"} {
		status, body := get(t, url+path)
		if status != http.StatusOK || body != page || !strings.Contains(body, "data-shards=") {
			t.Errorf("%s: %d, want the verification page that reads shards:\n%.300s", path, status, body)
		}
	}
	for _, path := range []string{"/verify/" + string(m[1]) + "/extra/", "/verify/" + string(m[1]) + "/badge.svg"} {
		if status, _ := get(t, url+path); status != http.StatusNotFound {
			t.Errorf("%s: %d, want 404", path, status)
		}
	}
}

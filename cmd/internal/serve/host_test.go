package serve

import (
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestHostGuard(t *testing.T) {
	site := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "site") })
	for _, tc := range []struct {
		listen string
		host   string
		ok     bool
	}{
		{"127.0.0.1:8080", "127.0.0.1:8080", true},
		{"127.0.0.1:8080", "localhost:8080", true},
		{"127.0.0.1:8080", "LOCALHOST:8080", true},
		{"127.0.0.1:8080", "localhost.:8080", true},
		{"127.0.0.1:8080", "[::1]:8080", true},
		{"127.0.0.1:8080", "localhost:8081", false},
		{"127.0.0.1:8080", "localhost", false},
		{"127.0.0.1:8080", "evil.example:8080", false},
		{"127.0.0.1:8080", "attacker.localhost.evil.example:8080", false},
		{"127.0.0.1:8080", "", false},
		{"127.0.0.1:8080", "192.168.1.5:8080", false},
		{"[::1]:4000", "[::1]:4000", true},
		{"[::1]:4000", "localhost:4000", true},
		{"127.0.0.1:80", "localhost", true},
		{"192.168.1.5:8080", "192.168.1.5:8080", true},
		{"192.168.1.5:8080", "10.0.0.1:8080", false},
		{"0.0.0.0:8080", "192.168.1.5:8080", true},
		{"0.0.0.0:8080", "[fe80::1]:8080", true},
		{"0.0.0.0:8080", "rebind.example:8080", false},
	} {
		addr, err := net.ResolveTCPAddr("tcp", tc.listen)
		if err != nil {
			t.Fatal(err)
		}
		h := hostGuard(addr, site)
		for _, path := range []string{"/", "/_accredit/events", "/_accredit/reload.js", "/partners/x/"} {
			r := httptest.NewRequest(http.MethodGet, path, nil)
			r.Host = tc.host
			w := httptest.NewRecorder()
			h.ServeHTTP(w, r)
			if tc.ok && (w.Code != http.StatusOK || w.Body.String() != "site") {
				t.Errorf("listening on %s, Host %q %s: %d %q, want the site", tc.listen, tc.host, path, w.Code, w.Body.String())
			}
			if !tc.ok && (w.Code != http.StatusMisdirectedRequest || strings.Contains(w.Body.String(), "site") || !strings.HasPrefix(w.Header().Get("Content-Type"), "text/plain")) {
				t.Errorf("listening on %s, Host %q %s: %d %q, want 421 in plain text", tc.listen, tc.host, path, w.Code, w.Body.String())
			}
		}
	}
}

// The running server refuses a Host that names another machine, on pages
// and on the event stream alike.
func TestServeRefusesOtherHosts(t *testing.T) {
	_, url, _ := running(t)
	for _, path := range []string{"/", "/_accredit/events", "/_accredit/reload.js"} {
		req, _ := http.NewRequest(http.MethodGet, url+path, nil)
		req.Host = "rebind.example"
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusMisdirectedRequest {
			t.Errorf("%s with Host rebind.example: %d, want 421", path, resp.StatusCode)
		}
	}
}

package serve

import (
	"net"
	"net/http"
	"strings"
)

// hostGuard answers only requests whose Host names the address the server
// listens on: that host and port, or localhost, 127.0.0.1 or [::1] with
// that port. Any other name reaches it only through DNS rebinding, a
// page elsewhere that resolves its own name to this machine to read the
// site, its error pages (which show source lines) and the event stream;
// those get 421 Misdirected Request. A server listening on every
// interface (0.0.0.0, ::) also accepts any IP address with its port,
// which no rebinding name can be.
func hostGuard(addr net.Addr, next http.Handler) http.Handler {
	lnHost, lnPort, err := net.SplitHostPort(addr.String())
	if err != nil {
		lnHost, lnPort = addr.String(), ""
	}
	wildcard := false
	if ip := net.ParseIP(lnHost); ip != nil && ip.IsUnspecified() {
		wildcard = true
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !hostAllowed(r.Host, lnHost, lnPort, wildcard) {
			w.Header().Set("Content-Type", "text/plain; charset=utf-8")
			w.Header().Set("X-Content-Type-Options", "nosniff")
			w.WriteHeader(http.StatusMisdirectedRequest)
			w.Write([]byte("421 misdirected request: this server answers only to localhost\n"))
			return
		}
		next.ServeHTTP(w, r)
	})
}

func hostAllowed(host, lnHost, lnPort string, wildcard bool) bool {
	h, p, err := net.SplitHostPort(host)
	if err != nil {
		// No port: the scheme's default.
		h, p = strings.TrimSuffix(strings.TrimPrefix(host, "["), "]"), "80"
	}
	if p != lnPort {
		return false
	}
	h = strings.ToLower(strings.TrimSuffix(h, "."))
	switch {
	case h == "localhost" || h == "127.0.0.1" || h == "::1":
		return true
	case h == strings.ToLower(lnHost):
		return true
	case wildcard && net.ParseIP(h) != nil:
		return true
	}
	return false
}

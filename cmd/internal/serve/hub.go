package serve

import (
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"time"
)

// hub sends the site's generation to every open page over server-sent
// events: on connecting, and after every rebuild. A page reloads when the
// generation differs from the one it was served with, so an edit made
// while a page was loading is not missed.
type hub struct {
	mu     sync.Mutex
	gen    int64
	subs   map[chan int64]bool
	closed bool
	done   chan struct{}
}

func newHub() *hub {
	return &hub{subs: map[chan int64]bool{}, done: make(chan struct{})}
}

func (h *hub) publish(gen int64) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.gen = gen
	for c := range h.subs {
		select {
		case c <- gen:
		default: // the page has a generation to read already; it will see the latest
			select {
			case <-c:
			default:
			}
			c <- gen
		}
	}
}

// close ends every stream, so that the HTTP server can shut down.
func (h *hub) close() {
	h.mu.Lock()
	defer h.mu.Unlock()
	if !h.closed {
		h.closed = true
		close(h.done)
	}
}

func (h *hub) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	fl, ok := w.(http.Flusher)
	if !ok {
		http.Error(w, "streaming unsupported", http.StatusInternalServerError)
		return
	}
	c := make(chan int64, 1)
	h.mu.Lock()
	if h.closed {
		h.mu.Unlock()
		http.Error(w, "shutting down", http.StatusServiceUnavailable)
		return
	}
	h.subs[c] = true
	c <- h.gen
	h.mu.Unlock()
	defer func() {
		h.mu.Lock()
		delete(h.subs, c)
		h.mu.Unlock()
	}()
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-store")
	// A page whose server went away tries again after a second.
	fmt.Fprint(w, "retry: 1000\n\n")
	fl.Flush()
	ping := time.NewTicker(30 * time.Second)
	defer ping.Stop()
	for {
		select {
		case gen := <-c:
			fmt.Fprintf(w, "data: %s\n\n", strconv.FormatInt(gen, 10))
		case <-ping.C:
			fmt.Fprint(w, ": ping\n\n") // keeps proxies from closing an idle stream
		case <-r.Context().Done():
			return
		case <-h.done:
			return
		}
		fl.Flush()
	}
}

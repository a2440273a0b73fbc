package serve

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/accredit/accredit/cmd/internal/date"
	"github.com/accredit/accredit/cmd/internal/diag"
	"github.com/accredit/accredit/cmd/internal/load"
	"github.com/accredit/accredit/cmd/internal/search"
	"github.com/accredit/accredit/cmd/internal/site"
	"github.com/accredit/accredit/cmd/internal/watch"
)

// Watched are the folders of a program that serve watches.
var Watched = []string{"programs", "partners", "content", "layouts"}

// Options configure a Server.
type Options struct {
	Root string
	AsOf date.Date
	// Cache, when set, keeps decoded files between full loads (and runs).
	Cache *load.Cache
	// Grants, when set, reads who granted each credential (from the git
	// history, as build does); it runs at every full load.
	Grants func() map[string]site.Grant
	// Log receives a line per rebuild and the errors found; nil: none.
	Log io.Writer
	// Watch tunes the watcher (tests shorten nothing; the defaults are
	// the ones to measure).
	Watch watch.Options
}

// Server serves a program's site and keeps it up to date.
type Server struct {
	opts Options
	hub  *hub

	mu  sync.RWMutex
	cur *state // nil until the first build is done
	gen int64  // bumped by every rebuild; pages carry the one they show

	// The search index's files (search/...), rebuilt in the background
	// after each rebuild, and the previous ones: a page that loaded the
	// previous index may still ask for its files.
	search, searchPrev map[string][]byte
	kick               chan struct{}
	// ix is the bleve index the search files are exported from, kept
	// between rebuilds and brought up to date with a batch of the
	// documents that changed. Only the indexer touches it.
	ix *search.Index
}

// New returns a server that has built nothing yet: call Rebuild, or Run.
func New(opts Options) *Server {
	if opts.Log == nil {
		opts.Log = io.Discard
	}
	return &Server{opts: opts, hub: newHub(), kick: make(chan struct{}, 1)}
}

// Rebuild loads the whole program again and swaps the new site in.
func (s *Server) Rebuild() {
	start := time.Now()
	st := full(s.opts.Root, s.opts.AsOf, s.opts.Cache, s.opts.Grants)
	s.mu.Lock()
	s.cur = st
	s.gen++
	gen := s.gen
	s.mu.Unlock()
	s.report(st, "loaded the program", start)
	s.hub.publish(gen)
	s.reindex()
}

// reindex asks the indexer for a new search index.
func (s *Server) reindex() {
	select {
	case s.kick <- struct{}{}:
	default: // one is asked for already: it will see this state
	}
}

// indexQuiet is how long the indexer waits for edits to pause.
const indexQuiet = 100 * time.Millisecond

// indexer brings the search index up to date whenever asked, until ctx
// is done: bleve indexes the whole directory once, then only a batch of
// the documents each edit changed (Index.Update) before the files are
// exported again. It works off the lock from documents taken under it, so
// that edits and page views never wait for it.
func (s *Server) indexer(ctx context.Context) {
	defer func() {
		if s.ix != nil {
			s.ix.Close()
			s.ix = nil
		}
	}()
	for {
		select {
		case <-ctx.Done():
			return
		case <-s.kick:
		}
		// Wait for a pause in the edits: bleve takes both cores for a
		// while, and an index built between two saves of a burst would
		// only slow the pages of the next one down.
		for quiet := false; !quiet; {
			select {
			case <-ctx.Done():
				return
			case <-s.kick:
			case <-time.After(indexQuiet):
				quiet = true
			}
		}
		start := time.Now()
		s.mu.RLock()
		cur := s.cur
		if cur == nil || cur.st == nil || cur.errors > 0 {
			s.mu.RUnlock()
			continue
		}
		docs, labels := search.Docs(cur.st)
		s.mu.RUnlock()
		what := "built"
		if s.ix != nil && s.ix.Same(docs, labels) {
			s.logf("search index current: the edit changed nothing it holds")
			continue
		}
		if s.ix == nil {
			ix, err := search.New(docs, labels)
			if err != nil {
				s.logf("search index: %v", err)
				continue
			}
			ix.KeepExports()
			s.ix = ix
		} else {
			n, err := s.ix.Update(docs, labels)
			if err != nil {
				// Start afresh next time rather than serve a half-updated index.
				s.logf("search index: %v", err)
				s.ix.Close()
				s.ix = nil
				continue
			}
			what = fmt.Sprintf("%d documents updated", n)
		}
		files, err := s.ix.Files()
		if err != nil {
			s.logf("search index: %v", err)
			continue
		}
		out := make(map[string][]byte, len(files))
		for name, data := range files {
			out[search.Dir+name] = data
		}
		s.mu.Lock()
		s.searchPrev, s.search = s.search, out
		s.mu.Unlock()
		s.logf("search index rebuilt in %s (%s)", time.Since(start).Round(time.Millisecond), what)
	}
}

// searchFile returns a file of the search index.
func (s *Server) searchFile(rel string) ([]byte, bool) {
	if b, ok := s.search[rel]; ok {
		return b, true
	}
	b, ok := s.searchPrev[rel]
	return b, ok
}

// Apply takes in a batch of changed paths (relative to the root,
// /-separated), rebuilding only what they affect.
func (s *Server) Apply(paths []string) {
	c := classify(paths)
	if !c.layouts && !c.content && !c.full && len(c.partners) == 0 {
		return
	}
	s.mu.RLock()
	cur := s.cur
	s.mu.RUnlock()
	if c.full || cur == nil || cur.fatal != nil || cur.p == nil {
		s.Rebuild()
		return
	}
	start := time.Now()
	s.mu.Lock()
	err := cur.update(s.opts.Root, s.opts.AsOf, c)
	s.mu.Unlock()
	if err != nil {
		s.Rebuild()
		return
	}
	s.mu.Lock()
	s.gen++
	gen := s.gen
	s.mu.Unlock()
	what := fmt.Sprintf("%d changed files", len(paths))
	if len(paths) == 1 {
		what = paths[0]
	}
	s.report(cur, what, start)
	s.hub.publish(gen)
	s.reindex()
}

// logf writes one line to the log through diag.Printable: the lines name
// the files that changed and quote errors about them, and a file name must
// not steer the terminal serve runs in.
func (s *Server) logf(format string, args ...any) {
	fmt.Fprintln(s.opts.Log, diag.Printable(fmt.Sprintf(format, args...)))
}

// report logs a rebuild: how long it took and what is wrong.
func (s *Server) report(st *state, what string, start time.Time) {
	took := time.Since(start).Round(100 * time.Microsecond)
	switch {
	case st.fatal != nil:
		s.logf("%s: %v (the pages show it until it is fixed)", what, st.fatal)
	case st.errors > 0:
		ds := st.diagnostics()
		n := 0
		for _, d := range ds {
			if d.Severity == diag.Error {
				if n < 10 {
					s.logf("%s", d)
				}
				n++
			}
		}
		if n > 10 {
			s.logf("... and %d more", n-10)
		}
		s.logf("%s in %s: %s: the pages show them until they are fixed", what, took, plural(st.errors, "error"))
	default:
		s.logf("%s: site rebuilt in %s", what, took)
	}
}

// Run serves on ln, watching the program and rebuilding as it changes,
// until ctx is done; then it closes the open pages' event streams, shuts
// the server down and returns nil. The first build happens here, after the
// watch is set up, so that no edit made meanwhile is missed; pages asked
// for before it is done say so and reload when it is.
func (s *Server) Run(ctx context.Context, ln net.Listener) error {
	w, err := watch.New(s.opts.Root, Watched, s.opts.Watch)
	if err != nil {
		ln.Close()
		return fmt.Errorf("cannot watch %s: %w", s.opts.Root, err)
	}
	defer w.Close()
	srv := &http.Server{Handler: hostGuard(ln.Addr(), s), ReadHeaderTimeout: 10 * time.Second}
	indexCtx, stopIndex := context.WithCancel(ctx)
	defer stopIndex()
	go s.indexer(indexCtx)
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	s.Rebuild()
	for {
		select {
		case <-ctx.Done():
			s.hub.close()
			shut, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			if err := srv.Shutdown(shut); err != nil {
				srv.Close()
			}
			return nil
		case err := <-served:
			if errors.Is(err, http.ErrServerClosed) {
				return nil
			}
			return err
		case batch, ok := <-w.C:
			if !ok {
				return errors.New("the file watcher stopped")
			}
			s.Apply(batch)
		case err := <-w.Errors:
			s.logf("watch: %v", err)
		}
	}
}

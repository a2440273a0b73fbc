package watch

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/fsnotify/fsnotify"
)

// Options tune a Watcher. Zero values take the defaults.
type Options struct {
	// Quiet is how long the tree must be quiet before a batch goes out
	// (default 20ms): long enough to join an editor's write, rename and
	// chmod into one batch, short enough to stay out of the way of an
	// edit-to-page time measured in tens of milliseconds.
	Quiet time.Duration
	// MaxWait bounds the wait after a batch's first event (default 200ms).
	MaxWait time.Duration
}

// Watcher watches folders of a root recursively.
type Watcher struct {
	// C receives the batches of changed paths.
	C <-chan []string
	// Errors receives errors of the underlying watcher (an overflowing
	// event queue, a folder that cannot be watched). They are not fatal.
	Errors <-chan error

	root string
	dirs map[string]bool // top-level folders to watch
	opts Options
	fw   *fsnotify.Watcher
	c    chan []string
	errs chan error
	done chan struct{}
	wg   sync.WaitGroup
	once sync.Once
}

// New starts watching dirs (names of folders directly under root; any of
// them may not exist yet). Close stops it.
func New(root string, dirs []string, opts Options) (*Watcher, error) {
	if opts.Quiet <= 0 {
		opts.Quiet = 20 * time.Millisecond
	}
	if opts.MaxWait <= 0 {
		opts.MaxWait = 200 * time.Millisecond
	}
	fw, err := fsnotify.NewWatcher()
	if err != nil {
		return nil, err
	}
	w := &Watcher{root: filepath.Clean(root), dirs: map[string]bool{}, opts: opts, fw: fw,
		c: make(chan []string), errs: make(chan error, 16), done: make(chan struct{})}
	w.C, w.Errors = w.c, w.errs
	for _, d := range dirs {
		w.dirs[d] = true
	}
	if err := fw.Add(w.root); err != nil {
		fw.Close()
		return nil, err
	}
	for _, d := range dirs {
		if _, err := w.addTree(filepath.Join(w.root, d)); err != nil && !errors.Is(err, fs.ErrNotExist) {
			fw.Close()
			return nil, err
		}
	}
	w.wg.Add(1)
	go w.loop()
	return w, nil
}

// Close stops the watcher and closes C.
func (w *Watcher) Close() error {
	var err error
	w.once.Do(func() {
		close(w.done)
		err = w.fw.Close()
		w.wg.Wait()
	})
	return err
}

// addTree watches dir and every folder below it, and returns the paths of
// the files and folders found (relative to the root).
func (w *Watcher) addTree(dir string) ([]string, error) {
	var found []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if p == dir {
				return err
			}
			return nil // vanished meanwhile: its own event says so
		}
		if p != dir && Ignored(d.Name()) {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if d.IsDir() {
			if err := w.fw.Add(p); err != nil {
				w.report(err)
			}
		}
		if rel, ok := w.rel(p); ok {
			found = append(found, rel)
		}
		return nil
	})
	return found, err
}

// rel returns p relative to the root, /-separated, when p is inside one of
// the watched folders.
func (w *Watcher) rel(p string) (string, bool) {
	r, err := filepath.Rel(w.root, p)
	if err != nil || r == "." || strings.HasPrefix(r, "..") {
		return "", false
	}
	r = filepath.ToSlash(r)
	top, _, _ := strings.Cut(r, "/")
	return r, w.dirs[top]
}

func (w *Watcher) report(err error) {
	select {
	case w.errs <- err:
	default: // nobody listening: errors are advisory
	}
}

// Ignored reports whether a file or folder name is one that editors and
// tools write beside the real file, or a hidden one, which the program's
// loader skips too.
func Ignored(name string) bool {
	switch {
	case name == "" || name == "4913": // vim probes a folder with "4913"
		return true
	case strings.HasPrefix(name, "."): // .#file (Emacs locks), .file.swp, .git
		return true
	case strings.HasPrefix(name, "#") && strings.HasSuffix(name, "#"): // Emacs autosave
		return true
	case strings.HasSuffix(name, "~"): // backups of many editors
		return true
	}
	for _, s := range []string{".swp", ".swx", ".swo", ".tmp", ".crswap", "___jb_tmp___", "___jb_old___"} {
		if strings.HasSuffix(name, s) {
			return true
		}
	}
	return false
}

// loop turns events into batches.
func (w *Watcher) loop() {
	defer w.wg.Done()
	defer close(w.c)
	pending := map[string]bool{}
	var ready []string // a batch the consumer has not taken yet
	var first time.Time
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	for {
		var send chan []string
		if len(ready) > 0 {
			send = w.c
		}
		select {
		case <-w.done:
			return
		case err, ok := <-w.fw.Errors:
			if ok {
				w.report(err)
			}
		case ev, ok := <-w.fw.Events:
			if !ok {
				return
			}
			paths := w.event(ev)
			if len(paths) == 0 {
				continue
			}
			if len(pending) == 0 {
				first = time.Now()
			}
			for _, p := range paths {
				pending[p] = true
			}
			timer.Reset(min(w.opts.Quiet, max(0, w.opts.MaxWait-time.Since(first))))
		case <-timer.C:
			for p := range pending {
				ready = append(ready, p)
			}
			clear(pending)
			slices.Sort(ready)
			ready = slices.Compact(ready)
		case send <- ready:
			ready = nil
		}
	}
}

// event returns the paths one event changes.
func (w *Watcher) event(ev fsnotify.Event) []string {
	if ev.Op == fsnotify.Chmod || Ignored(filepath.Base(ev.Name)) {
		return nil
	}
	rel, ok := w.rel(ev.Name)
	if !ok {
		return nil
	}
	for _, seg := range strings.Split(rel, "/") {
		if Ignored(seg) { // inside a hidden folder
			return nil
		}
	}
	if ev.Has(fsnotify.Create) {
		if fi, err := os.Stat(ev.Name); err == nil && fi.IsDir() {
			found, err := w.addTree(ev.Name)
			if err != nil && !errors.Is(err, fs.ErrNotExist) {
				w.report(err)
			}
			return found // the folder itself and everything already in it
		}
	}
	return []string{rel}
}

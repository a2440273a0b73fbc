package record

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"

	"github.com/accredit/accredit/cmd/internal/tomlpos"
)

// IOWorkers is how many files to read or write at once: file system calls
// wait on the disk as much as they use a core, so more of them than cores
// keep both busy (measured: 4 beat 2 and 8 on two cores).
func IOWorkers() int { return max(4, runtime.GOMAXPROCS(0)) }

// parallel runs fn for 0..n-1 with IOWorkers goroutines and returns the
// first error; after an error no new call starts.
func parallel(n int, fn func(i int) error) error {
	var (
		mu    sync.Mutex
		first error
		next  int
		wg    sync.WaitGroup
	)
	for range min(n, IOWorkers()) {
		wg.Go(func() {
			for {
				mu.Lock()
				i := next
				next++
				stop := first != nil
				mu.Unlock()
				if stop || i >= n {
					return
				}
				if err := fn(i); err != nil {
					mu.Lock()
					first = cmpErr(first, err)
					mu.Unlock()
				}
			}
		})
	}
	wg.Wait()
	return first
}

// EachPerson reads every person file of the program at root
// (partners/<partner>/people/<person>.toml) with IOWorkers goroutines and calls fn with
// its path relative to root, /-separated, and its content. fn must be safe
// for concurrent use and must not keep data. Files and folders whose names
// start with a dot are skipped, as the loader skips them.
func EachPerson(root string, fn func(rel string, data []byte)) error {
	partners, err := os.ReadDir(filepath.Join(root, "partners"))
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		return err
	}
	ch := make(chan string, 64)
	var wg sync.WaitGroup
	var mu sync.Mutex
	var firstErr error
	for range IOWorkers() {
		wg.Go(func() {
			for pa := range ch {
				dir := filepath.Join(root, "partners", pa, "people")
				people, err := os.ReadDir(dir)
				if err != nil && !errors.Is(err, fs.ErrNotExist) {
					mu.Lock()
					firstErr = cmpErr(firstErr, err)
					mu.Unlock()
					continue
				}
				for _, pe := range people {
					name := pe.Name()
					if strings.HasPrefix(name, ".") || !strings.HasSuffix(name, ".toml") || pe.IsDir() {
						continue
					}
					data, err := os.ReadFile(filepath.Join(dir, name))
					if err != nil {
						mu.Lock()
						firstErr = cmpErr(firstErr, err)
						mu.Unlock()
						continue
					}
					fn("partners/"+pa+"/people/"+name, data)
				}
			}
		})
	}
	for _, pa := range partners {
		if pa.IsDir() && !strings.HasPrefix(pa.Name(), ".") {
			ch <- pa.Name()
		}
	}
	close(ch)
	wg.Wait()
	return firstErr
}

func cmpErr(old, err error) error {
	if old != nil {
		return old
	}
	return err
}

// TopString returns the value of a top-level key holding a one-line
// string ("email"), read without decoding the file: a light scan of the
// lines before the first table header. ok is false when the key is not
// there or is written in a way the scan does not read (a multi-line
// string, an escape it does not know); callers then decode the file.
func TopString(src []byte, key string) (value string, ok bool) {
	for len(src) > 0 {
		var line []byte
		if i := bytes.IndexByte(src, '\n'); i >= 0 {
			line, src = src[:i], src[i+1:]
		} else {
			line, src = src, nil
		}
		t := bytes.TrimSpace(line)
		if len(t) == 0 || t[0] == '#' {
			continue
		}
		if t[0] == '[' {
			return "", false
		}
		rest, found := bytes.CutPrefix(t, []byte(key))
		if !found {
			continue
		}
		rest = bytes.TrimLeft(rest, " \t")
		if len(rest) == 0 || rest[0] != '=' {
			continue // a longer key with the same start ("emails")
		}
		return oneLineString(bytes.TrimSpace(rest[1:]))
	}
	return "", false
}

// oneLineString reads a basic or literal string followed by nothing but
// an optional comment.
func oneLineString(v []byte) (string, bool) {
	if len(v) < 2 || bytes.HasPrefix(v, []byte(`"""`)) || bytes.HasPrefix(v, []byte(`'''`)) {
		return "", false
	}
	q := v[0]
	if q != '"' && q != '\'' {
		return "", false
	}
	end := -1
	for i := 1; i < len(v); i++ {
		if q == '"' && v[i] == '\\' {
			i++
			continue
		}
		if v[i] == q {
			end = i
			break
		}
	}
	if end < 0 {
		return "", false
	}
	if tail := bytes.TrimSpace(v[end+1:]); len(tail) > 0 && tail[0] != '#' {
		return "", false
	}
	body := string(v[1:end])
	if q == '\'' || !strings.Contains(body, `\`) {
		return body, true
	}
	return tomlpos.Unescape(body)
}

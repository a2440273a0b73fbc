package record

import (
	"bytes"
	"errors"
	"io/fs"
	"runtime"
	"strings"
	"sync"

	"github.com/accredit/accredit/cmd/internal/safefs"
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
//
// Files are read as the loader reads them (package safefs): a person
// file, a partner folder or a people folder that is a link, a person
// file that is a FIFO, a device or a folder, or one over PersonLimit, is
// an error naming it (*FileError), the first in path order.
func EachPerson(root string, fn func(rel string, data []byte)) error {
	d, err := safefs.Open(root)
	if err != nil {
		return err
	}
	defer d.Close()
	partners, err := d.ReadDir("partners")
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		return AsFileError(err)
	}
	var names []string
	for _, pa := range partners {
		name := pa.Name()
		switch {
		case strings.HasPrefix(name, "."):
		case pa.IsDir():
			names = append(names, name)
		case pa.Type()&fs.ModeSymlink != 0:
			return &FileError{Path: "partners/" + name, Err: safefs.ErrSymlink}
		}
	}
	// Errors by partner: the first in path order is reported, whatever
	// the order the workers met them.
	errs := make([]error, len(names))
	err = parallel(len(names), func(i int) error {
		errs[i] = eachPersonOf(d, names[i], fn)
		return nil
	})
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return err
}

// eachPersonOf reads the people of one partner.
func eachPersonOf(d *safefs.Dir, partner string, fn func(rel string, data []byte)) error {
	dir := "partners/" + partner + "/people"
	people, err := d.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return AsFileError(err)
	}
	for _, pe := range people {
		name := pe.Name()
		if strings.HasPrefix(name, ".") || !strings.HasSuffix(name, ".toml") {
			continue
		}
		data, err := ReadPersonIn(d, dir+"/"+name)
		if err != nil {
			return err
		}
		fn(dir+"/"+name, data)
	}
	return nil
}

func cmpErr(old, err error) error {
	if old != nil {
		return old
	}
	return err
}

// TopString returns the value of a top-level key holding a one-line
// string ("email"), read without decoding the file. ok is false when the
// key is not there or is written in a way this does not read (a
// multi-line string, an escape it does not know); callers then decode
// the file.
//
// A line "email = ..." inside a multi-line string, array or inline table
// is not the key: where the lines before the key could open one, the
// file is read with tomlpos's scan, which knows where each value ends
// (FuzzTopString checks both ways agree, and agree with the decoder).
func TopString(src []byte, key string) (value string, ok bool) {
	if value, ok, sure := topStringLines(src, key); sure {
		return value, ok
	}
	return topStringScan(src, key)
}

// topStringLines is TopString's fast path, a scan of the lines before
// the first table header: 180 ns for a 1 KB person file where the scan
// takes 50 µs (BenchmarkTopString). sure is false, and the scan must
// decide, when a line before the key is not a bare key with a one-line
// value that opens nothing (a triple-quoted string, [...], {...}), since
// the lines after it may then not be keys.
func topStringLines(src []byte, key string) (value string, ok, sure bool) {
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
			return "", false, true // a table header: the top level ends
		}
		n := 0
		for n < len(t) && isBareKey(t[n]) {
			n++
		}
		rest := bytes.TrimLeft(t[n:], " \t")
		if n == 0 || len(rest) == 0 || rest[0] != '=' {
			return "", false, false // a quoted or dotted key, or not a key
		}
		v := bytes.TrimSpace(rest[1:])
		if string(t[:n]) == key {
			value, ok = oneLineString(v)
			return value, ok, true
		}
		if bytes.ContainsAny(v, "[{") || bytes.Contains(v, []byte(`"""`)) || bytes.Contains(v, []byte("'''")) {
			return "", false, false
		}
	}
	return "", false, true
}

func isBareKey(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_' || c == '-'
}

// topStringScan is TopString by tomlpos's scan: exact, 50 µs for 1 KB.
func topStringScan(src []byte, key string) (value string, ok bool) {
	end := -1
	for _, sp := range tomlpos.Spans(src) {
		if sp.Path == key && !sp.Header {
			end = sp.End
			break
		}
	}
	if end < 0 {
		return "", false
	}
	var raw []byte
	tomlpos.Values(src, func(path string, v []byte) {
		if path == key && raw == nil {
			raw = v
		}
	})
	// The scan reads a value and leaves what follows it on its line to
	// the decoder: anything but a comment there is a syntax error.
	line := src[end:]
	if i := bytes.IndexByte(line, '\n'); i >= 0 {
		line = line[:i]
	}
	if t := bytes.TrimSpace(line); len(t) > 0 && t[0] != '#' {
		return "", false
	}
	return oneLineString(bytes.TrimSpace(raw))
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

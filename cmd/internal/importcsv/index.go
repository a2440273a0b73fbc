package importcsv

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/accredit/accredit/cmd/internal/load"
	"github.com/accredit/accredit/cmd/internal/record"
)

// An Index maps people's e-mails, in lower case, to their files.
//
// Reading every person file of a large program costs seconds, mostly in
// system calls, so the index can be kept in a file between runs. A
// partner's entries are reused while its people/ folder's modification
// time is unchanged: adding, removing or renaming a file changes it, and
// so does an editor's or git's save by rename. What a folder's time does
// not show (a file rewritten in place) is caught where it matters: the
// importer reads every file it writes and checks its e-mail, and looks
// again, without the stored index, before it calls anyone unknown.
type Index struct {
	root    string
	byEmail map[string][]string
	dirs    map[string]dirEntry // by partner id
}

type dirEntry struct {
	mtime  int64 // people/ folder's modification time, ns; 0 when not kept
	emails []fileEmail
}

type fileEmail struct{ file, email string }

const indexMagic = "accredit-emails-1"

// BuildIndex indexes the program at root. When cache names a file, the
// new index is written to it, and with reuse the entries of unchanged
// partners are read from it first; "" indexes from scratch and keeps
// nothing.
func BuildIndex(root, cache string, reuse bool) (*Index, error) {
	old := map[string]dirEntry{}
	if cache != "" && reuse {
		old = readIndex(cache)
	}
	partners, err := os.ReadDir(filepath.Join(root, "partners"))
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	var names []string
	for _, pa := range partners {
		if pa.IsDir() && !strings.HasPrefix(pa.Name(), ".") {
			names = append(names, pa.Name())
		}
	}
	x := &Index{root: root, byEmail: map[string][]string{}, dirs: make(map[string]dirEntry, len(names))}
	entries := make([]dirEntry, len(names))
	changed := len(old) != len(names)
	// On a file system with coarse times, a folder changed within the last
	// seconds may change again within the same tick unseen: it is read but
	// not kept.
	recent := time.Now().Add(-2 * time.Second).UnixNano()
	var mu sync.Mutex
	var firstErr error
	work := make(chan int, len(names))
	for i := range names {
		work <- i
	}
	close(work)
	var wg sync.WaitGroup
	for range record.IOWorkers() {
		wg.Go(func() {
			for i := range work {
				e, fresh, err := indexDir(root, names[i], old[names[i]], recent)
				mu.Lock()
				entries[i] = e
				changed = changed || fresh
				if err != nil && firstErr == nil {
					firstErr = err
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if firstErr != nil {
		return nil, firstErr
	}
	for i, name := range names {
		e := entries[i]
		x.dirs[name] = e
		for _, fe := range e.emails {
			x.byEmail[fe.email] = append(x.byEmail[fe.email], "partners/"+name+"/people/"+fe.file)
		}
	}
	for _, files := range x.byEmail {
		slices.Sort(files)
	}
	if cache != "" && changed {
		x.save(cache) // best effort: the index only saves time
	}
	return x, nil
}

// keep reports whether a folder's time can vouch for its content: it
// can when the file system keeps times finer than a second, or when the
// change is older than the last tick.
func keep(mtime, recent int64) bool {
	return mtime%int64(time.Second) != 0 || mtime < recent
}

// Touched records that the importer itself rewrote files in these
// partners' people folders, renaming over them, without changing anyone's
// e-mail: the folders' new times are stored so that the next run does not
// read them again.
func (x *Index) Touched(partners []string, cache string) {
	if x == nil || cache == "" {
		return
	}
	recent := time.Now().Add(-2 * time.Second).UnixNano()
	for _, name := range partners {
		e, ok := x.dirs[name]
		if !ok {
			continue
		}
		e.mtime = 0
		if fi, err := os.Stat(filepath.Join(x.root, "partners", name, "people")); err == nil && keep(fi.ModTime().UnixNano(), recent) {
			e.mtime = fi.ModTime().UnixNano()
		}
		x.dirs[name] = e
	}
	x.save(cache)
}

// Lookup returns the files of the people with an e-mail.
func (x *Index) Lookup(email string) []string { return x.byEmail[strings.ToLower(email)] }

// indexDir reads one partner's people unless its folder is unchanged
// since the stored entry; fresh reports a read.
func indexDir(root, partner string, old dirEntry, recent int64) (e dirEntry, fresh bool, err error) {
	dir := filepath.Join(root, "partners", partner, "people")
	fi, err := os.Stat(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return dirEntry{}, old.mtime != 0 || len(old.emails) > 0, nil
	}
	if err != nil {
		return e, false, err
	}
	mtime := fi.ModTime().UnixNano()
	if old.mtime != 0 && old.mtime == mtime {
		return old, false, nil
	}
	files, err := os.ReadDir(dir)
	if err != nil {
		return e, false, err
	}
	if keep(mtime, recent) {
		e.mtime = mtime
	}
	for _, f := range files {
		name := f.Name()
		if strings.HasPrefix(name, ".") || !strings.HasSuffix(name, ".toml") || f.IsDir() {
			continue
		}
		data, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			return e, false, err
		}
		if email := personEmail("partners/"+partner+"/people/"+name, data); email != "" {
			e.emails = append(e.emails, fileEmail{name, strings.ToLower(email)})
		}
	}
	return e, true, nil
}

// personEmail reads a person's e-mail with the light scan, or by decoding
// the file when it is written in a way the scan does not read.
func personEmail(rel string, data []byte) string {
	if email, ok := record.TopString(data, "email"); ok {
		return email
	}
	if bytes.Contains(data, []byte("email")) {
		if pe, _ := load.Person(rel, data); pe != nil {
			return pe.Email
		}
	}
	return ""
}

// readIndex reads a stored index; anything unreadable is an empty one.
// A partner is a line "D <time> <quoted id>", each of its people a line
// "P <quoted file name> <quoted e-mail>".
func readIndex(path string) map[string]dirEntry {
	out := map[string]dirEntry{}
	data, err := os.ReadFile(path)
	if err != nil {
		return out
	}
	lines := strings.Split(string(data), "\n")
	if lines[0] != indexMagic {
		return out
	}
	bad := func() map[string]dirEntry { return map[string]dirEntry{} }
	cur := ""
	for _, l := range lines[1:] {
		if l == "" {
			continue
		}
		kind, rest, _ := strings.Cut(l, " ")
		switch kind {
		case "D":
			ts, q, _ := strings.Cut(rest, " ")
			n, err1 := strconv.ParseInt(ts, 10, 64)
			name, err2 := strconv.Unquote(q)
			if err1 != nil || err2 != nil {
				return bad()
			}
			cur = name
			out[cur] = dirEntry{mtime: n}
		case "P":
			qf, err1 := strconv.QuotedPrefix(rest)
			if err1 != nil || cur == "" || len(rest) <= len(qf) {
				return bad()
			}
			file, err2 := strconv.Unquote(qf)
			email, err3 := strconv.Unquote(rest[len(qf)+1:])
			if err2 != nil || err3 != nil {
				return bad()
			}
			e := out[cur]
			e.emails = append(e.emails, fileEmail{file, email})
			out[cur] = e
		default:
			return bad()
		}
	}
	return out
}

// save writes the index atomically.
func (x *Index) save(path string) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	var b bytes.Buffer
	b.WriteString(indexMagic + "\n")
	for _, name := range slices.Sorted(maps.Keys(x.dirs)) {
		e := x.dirs[name]
		fmt.Fprintf(&b, "D %d %s\n", e.mtime, strconv.Quote(name))
		for _, fe := range e.emails {
			fmt.Fprintf(&b, "P %s %s\n", strconv.Quote(fe.file), strconv.Quote(fe.email))
		}
	}
	// People's e-mails are private: the index is readable by its owner only.
	return record.Write([]record.File{{Path: path, Data: b.Bytes(), Perm: 0o600}})
}

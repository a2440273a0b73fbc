package record

import (
	"bytes"
	"errors"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/accredit/accredit/cmd/internal/credid"
	"github.com/accredit/accredit/cmd/internal/load"
	"github.com/accredit/accredit/cmd/internal/mapfile"
	"github.com/accredit/accredit/cmd/internal/safefs"
)

// An Index maps people's e-mails, in lower case, and the credential ids
// written in their files to the files, read with light scans.
//
// Reading every person file of a large program costs seconds, mostly in
// system calls, so the index can be kept in a file between runs. A
// partner's entries are reused while its people/ folder's modification
// time is unchanged: adding, removing or renaming a file changes it, and
// so does an editor's or git's save by rename. What a folder's time does
// not show (a file rewritten in place) is caught by the callers: what the
// index names is a candidate, confirmed by reading the file, and what it
// does not name is looked for again without it.
type Index struct {
	root string
	dirs map[string]dirEntry // by partner id
	// The look-ups, each built on its first use: an import by e-mail
	// needs no credential ids, a grant no e-mails, and a large program's
	// index holds hundreds of thousands of each.
	emails, ids lookup
}

// lookup maps keys (e-mails or credential ids) to the files naming them.
type lookup struct {
	once  sync.Once
	files map[string][]string
}

// get builds the look-up from the index's entries with keys (each
// person's keys of this kind) on the first call, and reads key in it.
func (l *lookup) get(x *Index, key string, keys func(pe *personEntry, add func(string))) []string {
	l.once.Do(func() {
		n := 0
		for _, e := range x.dirs {
			for i := range e.people {
				keys(&e.people[i], func(string) { n++ })
			}
		}
		l.files = make(map[string][]string, n) // grown a dozen times otherwise
		for _, name := range slices.Sorted(maps.Keys(x.dirs)) {
			e := x.dirs[name]
			for i := range e.people {
				rel := "partners/" + name + "/people/" + e.people[i].file
				keys(&e.people[i], func(k string) { l.files[k] = append(l.files[k], rel) })
			}
		}
		for k, files := range l.files {
			if len(files) > 1 { // most keys name one file
				slices.Sort(files)
				l.files[k] = slices.Compact(files)
			}
		}
	})
	return l.files[key]
}

type dirEntry struct {
	mtime  int64 // people/ folder's modification time, ns; 0 when not kept
	people []personEntry
}

// personEntry is what the index knows of one person file.
type personEntry struct {
	file  string
	email string   // lower case; "" when none
	ids   []string // credential ids written in the file (id and renews)
}

const indexMagic = "accredit-people-1"

// BuildIndex indexes the program at root. When cache names a file, the
// new index is written to it, and with reuse the entries of unchanged
// partners are read from it first; "" indexes from scratch and keeps
// nothing.
func BuildIndex(root, cache string, reuse bool) (*Index, error) {
	old := map[string]dirEntry{}
	if cache != "" && reuse {
		old = readIndex(cache)
	}
	// Read as the loader reads (package safefs): a link is refused.
	d, err := safefs.Open(root)
	if err != nil {
		return nil, err
	}
	defer d.Close()
	partners, err := d.ReadDir("partners")
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, AsFileError(err)
	}
	var names []string
	for _, pa := range partners {
		switch name := pa.Name(); {
		case strings.HasPrefix(name, "."):
		case pa.IsDir():
			names = append(names, name)
		case pa.Type()&fs.ModeSymlink != 0:
			return nil, &FileError{Path: "partners/" + name, Err: safefs.ErrSymlink}
		}
	}
	x := &Index{root: root, dirs: make(map[string]dirEntry, len(names))}
	entries := make([]dirEntry, len(names))
	changed := len(old) != len(names)
	// On a file system with coarse times, a folder changed within the last
	// seconds may change again within the same tick unseen: it is read but
	// not kept.
	recent := time.Now().Add(-2 * time.Second).UnixNano()
	var mu sync.Mutex
	errs := make([]error, len(names))
	parallel(len(names), func(i int) error {
		e, fresh, err := indexDir(d, names[i], old[names[i]], recent)
		mu.Lock()
		entries[i], errs[i] = e, err
		changed = changed || fresh
		mu.Unlock()
		return nil
	})
	for _, err := range errs { // the first in path order
		if err != nil {
			return nil, err
		}
	}
	for i, name := range names {
		x.dirs[name] = entries[i]
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
	d, err := safefs.Open(x.root)
	if err != nil {
		return
	}
	defer d.Close()
	// One look a folder (an import names a partner once a file), on all
	// cores: thousands of folders after a large import.
	partners = slices.Compact(slices.Sorted(slices.Values(partners)))
	mtimes := make([]int64, len(partners))
	parallel(len(partners), func(i int) error {
		fi, err := lstat(d, "partners/"+partners[i]+"/people")
		if err == nil && fi.IsDir() && keep(fi.ModTime().UnixNano(), recent) {
			mtimes[i] = fi.ModTime().UnixNano()
		}
		return nil
	})
	for i, name := range partners {
		if e, ok := x.dirs[name]; ok {
			e.mtime = mtimes[i]
			x.dirs[name] = e
		}
	}
	x.save(cache)
}

// ByEmail returns the files of the people with an e-mail.
func (x *Index) ByEmail(email string) []string {
	if strings.Contains(email, "@") {
		return x.emails.get(x, strings.ToLower(email), func(pe *personEntry, add func(string)) {
			if pe.email != "" {
				add(pe.email)
			}
		})
	}
	return nil
}

// ByCredential returns the files that write a credential id (canonical
// form), as the id of a credential or in renews.
func (x *Index) ByCredential(id string) []string {
	if strings.Contains(id, "@") {
		return nil
	}
	return x.ids.get(x, id, func(pe *personEntry, add func(string)) {
		for _, id := range pe.ids {
			add(id)
		}
	})
}

// indexDir reads one partner's people unless its folder is unchanged
// since the stored entry; fresh reports a read. The folder and its
// files are read through d: a link is an error naming it.
func indexDir(d *safefs.Dir, partner string, old dirEntry, recent int64) (e dirEntry, fresh bool, err error) {
	dir := "partners/" + partner + "/people"
	fi, err := lstat(d, dir)
	if errors.Is(err, fs.ErrNotExist) {
		return dirEntry{}, old.mtime != 0 || len(old.people) > 0, nil
	}
	if err != nil {
		return e, false, AsFileError(err)
	}
	if !fi.IsDir() {
		if err := safefs.Check(fi); err != nil {
			return e, false, &FileError{Path: dir, Err: err}
		}
		return e, false, &FileError{Path: dir, Err: safefs.ErrNotDir}
	}
	mtime := fi.ModTime().UnixNano()
	if old.mtime != 0 && old.mtime == mtime {
		return old, false, nil
	}
	files, err := d.ReadDir(dir)
	if err != nil {
		return e, false, AsFileError(err)
	}
	if keep(mtime, recent) {
		e.mtime = mtime
	}
	for _, f := range files {
		name := f.Name()
		if strings.HasPrefix(name, ".") || !strings.HasSuffix(name, ".toml") {
			continue
		}
		rel := dir + "/" + name
		data, err := ReadPersonIn(d, rel)
		if err != nil {
			return e, false, err
		}
		e.people = append(e.people, personEntry{
			file:  name,
			email: strings.ToLower(personEmail(rel, data)),
			ids:   credentialIDs(data),
		})
	}
	return e, true, nil
}

// personEmail reads a person's e-mail with the light scan, or by decoding
// the file when it is written in a way the scan does not read.
func personEmail(rel string, data []byte) string {
	if email, ok := TopString(data, "email"); ok {
		return email
	}
	if bytes.Contains(data, []byte("email")) {
		if pe, _ := load.Person(rel, data); pe != nil {
			return pe.Email
		}
	}
	return ""
}

// credentialIDs finds every quoted credential id in a file: a light scan
// for "XXXX-XXXX-XXXX" with a valid check symbol, wherever it is written.
func credentialIDs(data []byte) []string {
	var ids []string
	for i := 0; i+16 <= len(data); i++ {
		if data[i] != '"' || data[i+15] != '"' || data[i+5] != '-' || data[i+10] != '-' {
			continue
		}
		if id := string(data[i+1 : i+15]); credid.Validate(id) == nil && !slices.Contains(ids, id) {
			ids = append(ids, id)
		}
	}
	return ids
}

// readIndex reads a stored index; anything unreadable is an empty one.
// A partner is a line "D <time> <quoted id>", each of its people a line
// "P <quoted file name> <quoted e-mail> <credential id>...".
func readIndex(path string) map[string]dirEntry {
	out := map[string]dirEntry{}
	text, err := mapfile.ReadString(path)
	if err != nil {
		return out
	}
	first, text, _ := strings.Cut(text, "\n")
	if first != indexMagic {
		return out
	}
	bad := func() map[string]dirEntry { return map[string]dirEntry{} }
	cur := ""
	var e dirEntry
	flush := func() {
		if cur != "" {
			out[cur] = e
		}
	}
	for text != "" {
		var l string
		l, text, _ = strings.Cut(text, "\n")
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
			flush()
			cur, e = name, dirEntry{mtime: n}
		case "P":
			qf, err1 := strconv.QuotedPrefix(rest)
			if err1 != nil || cur == "" || len(rest) <= len(qf)+1 {
				return bad()
			}
			qe, err2 := strconv.QuotedPrefix(rest[len(qf)+1:])
			if err2 != nil {
				return bad()
			}
			file, _ := strconv.Unquote(qf)
			email, _ := strconv.Unquote(qe)
			pe := personEntry{file: file, email: email}
			if ids := rest[len(qf)+1+len(qe):]; ids != "" {
				pe.ids = strings.Fields(ids)
			}
			e.people = append(e.people, pe)
		default:
			return bad()
		}
	}
	flush()
	return out
}

// save writes the index atomically.
func (x *Index) save(path string) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	n := len(indexMagic) + 1
	for _, e := range x.dirs {
		n += 64
		for _, pe := range e.people {
			n += 16 + len(pe.file) + len(pe.email) + 15*len(pe.ids)
		}
	}
	b := make([]byte, 0, n)
	b = append(b, indexMagic+"\n"...)
	for _, name := range slices.Sorted(maps.Keys(x.dirs)) {
		e := x.dirs[name]
		b = append(b, "D "...)
		b = strconv.AppendInt(b, e.mtime, 10)
		b = append(b, ' ')
		b = strconv.AppendQuote(b, name)
		b = append(b, '\n')
		for _, pe := range e.people {
			b = append(b, "P "...)
			b = strconv.AppendQuote(b, pe.file)
			b = append(b, ' ')
			b = strconv.AppendQuote(b, pe.email)
			for _, id := range pe.ids {
				b = append(b, ' ')
				b = append(b, id...)
			}
			b = append(b, '\n')
		}
	}
	// People's e-mails are private: the index is readable by its owner only.
	return writeAtomic(path, b, 0o600)
}

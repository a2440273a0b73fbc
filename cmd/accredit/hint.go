package main

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"

	"github.com/accredit/accredit/cmd/internal/author"
	"github.com/accredit/accredit/cmd/internal/credid"
	"github.com/accredit/accredit/cmd/internal/diag"
	"github.com/accredit/accredit/cmd/internal/load"
	"github.com/accredit/accredit/cmd/internal/record"
)

// grantHint returns "; did you mean --flag X?" for the first id of a grant
// that names nothing in the program while one a letter or two from it
// exists, or "". It runs only after the grant was refused as a usage
// error, so reading the folders and the definitions again costs nothing
// on the way of a grant that works.
func grantHint(root string, g author.Grant) string {
	partners := entries(filepath.Join(root, "partners"), func(e os.DirEntry) (string, bool) { return e.Name(), e.IsDir() })
	if !slices.Contains(partners, g.Partner) {
		return flagHint("partner", g.Partner, partners)
	}
	if g.Name == "" {
		people := entries(filepath.Join(root, "partners", g.Partner, "people"), func(e os.DirEntry) (string, bool) {
			id, ok := strings.CutSuffix(e.Name(), ".toml")
			return id, ok && !e.IsDir()
		})
		if !slices.Contains(people, g.Person) {
			return flagHint("person", g.Person, people)
		}
	}
	p, _, err := load.LoadWith(root, load.Options{Only: func(string, string) bool { return false }})
	if err != nil {
		return ""
	}
	var tracks, levels []string
	for _, t := range p.Tracks {
		tracks = append(tracks, t.ID)
	}
	for _, l := range p.Levels {
		levels = append(levels, l.ID)
	}
	if !slices.Contains(tracks, g.Track) {
		return flagHint("track", g.Track, tracks)
	}
	if !slices.Contains(levels, g.Level) {
		return flagHint("level", g.Level, levels)
	}
	for _, w := range g.Waive {
		if !slices.Contains(load.GrantRules, w) {
			return flagHint("waive", w, load.GrantRules)
		}
	}
	return ""
}

func flagHint(flag, value string, ids []string) string {
	if s := diag.Suggest(value, ids); s != "" {
		return "; did you mean --" + flag + " " + s + "?"
	}
	return ""
}

// entries returns the names of a folder's entries that keep says to keep,
// sorted, leaving out hidden ones; nil when the folder cannot be read.
func entries(dir string, keep func(os.DirEntry) (string, bool)) []string {
	es, err := os.ReadDir(dir)
	if err != nil {
		return nil
	}
	var out []string
	for _, e := range es {
		if strings.HasPrefix(e.Name(), ".") {
			continue
		}
		if name, ok := keep(e); ok {
			out = append(out, name)
		}
	}
	return out
}

// credentialHint returns "; did you mean ID?" for the id given to renew
// or revoke when it is written nowhere in the program (a symbol typed
// wrong: no credential has it, or its check symbol fails) and a
// credential a symbol or two from it is: the suggestion is always an id
// some [[certifications]] block writes, never one made up. It reads
// every person file, but only after the command failed.
func credentialHint(root, typed string) string {
	want := looseID(typed)
	if want == "" {
		return ""
	}
	var mu sync.Mutex
	var ids []string
	err := record.EachPerson(root, func(rel string, data []byte) {
		ms := credentialLine.FindAllSubmatch(data, -1)
		mu.Lock()
		defer mu.Unlock()
		for _, m := range ms {
			ids = append(ids, string(m[1]))
		}
	})
	if err != nil {
		return ""
	}
	slices.Sort(ids)
	ids = slices.Compact(ids)
	keys := make([]string, 0, len(ids))
	for _, id := range ids {
		if credid.Validate(id) != nil {
			continue
		}
		k := strings.ReplaceAll(id, "-", "")
		if k == want {
			return "" // it is written: the failure is about something else
		}
		keys = append(keys, k)
	}
	s := diag.Suggest(want, keys)
	if s == "" {
		return ""
	}
	return "; did you mean " + s[:4] + "-" + s[4:8] + "-" + s[8:] + "?"
}

// credentialLine is a credential's own id line in a person file.
var credentialLine = regexp.MustCompile(`(?m)^[ \t]*id[ \t]*=[ \t]*"([0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4})"`)

// looseID reads an id as a lookup does (lower case, I and L for 1, O for
// 0, hyphens and blanks left out) without judging its check symbol, or
// "" for what is not twelve symbols.
func looseID(s string) string {
	var b strings.Builder
	for _, r := range strings.ToUpper(s) {
		switch r {
		case '-', ' ', '\t':
			continue
		case 'I', 'L':
			r = '1'
		case 'O':
			r = '0'
		}
		if !strings.ContainsRune("0123456789ABCDEFGHJKMNPQRSTVWXYZ", r) {
			return ""
		}
		b.WriteRune(r)
	}
	if b.Len() != 12 {
		return ""
	}
	return b.String()
}

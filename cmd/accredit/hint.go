package main

import (
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/accredit/accredit/cmd/internal/author"
	"github.com/accredit/accredit/cmd/internal/diag"
	"github.com/accredit/accredit/cmd/internal/load"
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

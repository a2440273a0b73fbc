package publish_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/accredit/accredit/cmd/internal/date"
	"github.com/accredit/accredit/cmd/internal/load"
	"github.com/accredit/accredit/cmd/internal/publish"
	"github.com/accredit/accredit/cmd/internal/standing"
)

// changedStatuses returns the ids of the credentials of the program at
// root whose status differs between the days a and b.
func changedStatuses(t *testing.T, root string, a, b date.Date) map[string]bool {
	t.Helper()
	p, _, err := load.Load(root)
	if err != nil {
		t.Fatal(err)
	}
	s := standing.Compute(p)
	ids := map[string]bool{}
	for _, c := range p.Credentials {
		if s.Status(c, a) != s.Status(c, b) {
			ids[c.ID] = true
		}
	}
	return ids
}

type fileID struct {
	ino   uint64
	mtime time.Time
}

func fileIDs(t *testing.T, root string) map[string]fileID {
	t.Helper()
	m := map[string]fileID{}
	for rel := range files(t, root) {
		fi, err := os.Lstat(filepath.Join(root, rel))
		if err != nil {
			t.Fatal(err)
		}
		m[rel] = fileID{fi.Sys().(*syscall.Stat_t).Ino, fi.ModTime()}
	}
	return m
}

// TestStableRebuild: a build a day after the last one writes only the
// as-of file and the files of the credentials whose status changed (and
// the pages that list them); every other file is the previous site's,
// untouched (same inode, same modification time). A file of the old
// site edited by hand, or replaced by a link, is written anew; a file
// the new site has no more is removed.
func TestStableRebuild(t *testing.T) {
	root := "../../.."
	// A quiet day (no status changes) and a busy one, found in the
	// example's own dates.
	var quiet, busy date.Date
	d, _ := date.Parse("2026-11-22")
	for i := 0; i < 400 && (!quiet.Valid() || !busy.Valid()); i, d = i+1, d.AddDays(1) {
		n := len(changedStatuses(t, root, d, d.AddDays(1)))
		switch {
		case n == 0 && !quiet.Valid():
			quiet = d
		case n > 0 && !busy.Valid():
			busy = d
		}
	}
	if !quiet.Valid() || !busy.Valid() {
		t.Fatalf("no quiet day (%s) or busy day (%s) in the example", quiet, busy)
	}
	for _, tc := range []struct {
		day  date.Date
		fast bool
	}{{quiet, true}, {busy, true}, {quiet, false}, {busy, false}} {
		day := tc.day
		name := day.String() + map[bool]string{true: "/fast", false: "/portable"}[tc.fast]
		t.Run(name, func(t *testing.T) {
			publish.SetFastKeep(tc.fast)
			defer publish.SetFastKeep(true)
			out := filepath.Join(t.TempDir(), "site")
			first := build(t, root, out, day.String())
			if first.Kept != 0 || first.Removed != 0 || first.Written != first.Files+1 {
				t.Errorf("a first build: %+v, want every file written (and the marker)", first)
			}
			// Hand edits of the old site: a stale file, a file changed
			// at the same size, a file replaced by a link to its copy.
			os.WriteFile(filepath.Join(out, "stale.txt"), []byte("old"), 0o644)
			css := filepath.Join(out, "assets", "site.css")
			b, _ := os.ReadFile(css)
			os.WriteFile(css, bytes.ToUpper(b), 0o644)
			js := filepath.Join(out, "assets", "site.js")
			b, _ = os.ReadFile(js)
			os.WriteFile(js+".copy", b, 0o644)
			os.Remove(js)
			os.Symlink("site.js.copy", js)
			// A FIFO, which must never be opened for reading (it would
			// block the build).
			robots := filepath.Join(out, "robots.txt")
			os.Remove(robots)
			if err := syscall.Mkfifo(robots, 0o644); err != nil {
				t.Fatal(err)
			}
			before := fileIDs(t, out)
			oldFiles := files(t, out)
			time.Sleep(10 * time.Millisecond) // so a rewritten file's mtime differs

			next := day.AddDays(1)
			stats := build(t, root, out, next.String())
			after := fileIDs(t, out)
			newFiles := files(t, out)
			changed := changedStatuses(t, root, day, next)
			var written []string
			for rel, id := range after {
				if id != before[rel] {
					written = append(written, rel)
					if bytes.Equal(newFiles[rel], oldFiles[rel]) && rel != "assets/site.js" && rel != "robots.txt" {
						t.Errorf("%s was written again with the same bytes", rel)
					}
				}
				if !bytes.Equal(newFiles[rel], oldFiles[rel]) {
					if id == before[rel] {
						t.Errorf("%s changed but kept its inode and mtime", rel)
					}
					if !expectedChange(rel, changed) {
						t.Errorf("%s changed between %s and %s, though no status it shows did", rel, day, next)
					}
				}
			}
			for id := range changed {
				if rel := "verify/" + id + "/index.html"; bytes.Equal(newFiles[rel], oldFiles[rel]) {
					t.Errorf("%s: the status changed, the page did not", rel)
				}
			}
			if fi, err := os.Lstat(js); err != nil || !fi.Mode().IsRegular() {
				t.Errorf("assets/site.js, a link in the old site, is not a regular file now: %v", err)
			}
			if _, err := os.Lstat(filepath.Join(out, "stale.txt")); err == nil {
				t.Error("stale.txt survives")
			}
			if stats.Written != len(written) || stats.Kept+stats.Written != len(after) || stats.Removed != 2 {
				t.Errorf("stats %+v; want %d written, %d kept, 2 removed (stale.txt, site.js.copy)", stats, len(written), len(after)-len(written))
			}
			if fi, err := os.Lstat(robots); err != nil || !fi.Mode().IsRegular() {
				t.Errorf("robots.txt, a FIFO in the old site, is not a regular file now: %v", err)
			}
			// A quiet day writes as-of.json, site.css, site.js, robots.txt
			// and each credential's JSON, whose as_of is D.
			if quiet := 4 + creds(after); len(changed) == 0 && stats.Written != quiet {
				t.Errorf("a quiet day wrote %d files, want %d: %v", stats.Written, quiet, written)
			}
			t.Logf("%s to %s: %d statuses changed; %d files written, %d kept, %d removed", day, next, len(changed), stats.Written, stats.Kept, stats.Removed)
		})
	}
}

// expectedChange reports whether the file rel may change when the
// statuses of the credentials changed change: the as-of file, the
// hand-edited assets, those credentials' own files, and the pages that
// show statuses, tiers or counts of people (partners, lists, the search
// index).
func expectedChange(rel string, changed map[string]bool) bool {
	switch rel {
	case publish.AsOfFile, "assets/site.css", "assets/site.js", "robots.txt":
		return true
	}
	if credentialJSON(rel) {
		return true // its as_of is D (PROGRAM-FORMAT.md)
	}
	if len(changed) == 0 {
		return false
	}
	for id := range changed {
		if strings.HasPrefix(rel, "verify/"+id+"/") || strings.HasPrefix(rel, "api/v1/credentials/"+id+".") {
			return true
		}
	}
	return !strings.HasPrefix(rel, "verify/") && !strings.HasPrefix(rel, "api/v1/credentials/")
}

// credentialJSON reports whether rel is a credential's JSON
// (api/v1/credentials/<ID>.json, not its .ob3.json).
func credentialJSON(rel string) bool {
	name, ok := strings.CutPrefix(rel, "api/v1/credentials/")
	return ok && !strings.Contains(name, "/") && strings.HasSuffix(name, ".json") && !strings.HasSuffix(name, ".ob3.json")
}

// creds counts the credential JSON files among the paths of files.
func creds[V any](files map[string]V) int {
	n := 0
	for rel := range files {
		if credentialJSON(rel) {
			n++
		}
	}
	return n
}

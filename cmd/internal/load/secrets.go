package load

import (
	"io/fs"
	"path"
	"slices"
	"strings"

	"github.com/accredit/accredit/cmd/internal/credential"
)

// Rule private-key: a private key must never be in the repository, where
// anyone who can read it can sign credentials in the program's name.
// Every file the loader reads is looked at (people's and partners' files
// with their cached diagnostics, so a warm load reads nothing more), and
// so is every other file under programs/, partners/, content/ and
// layouts/, which the loader lists anyway and reads for this alone (but
// pictures, fonts and the like, and files over 1 MiB).

// privateKey reports a private key in a file's content.
func (f *file) privateKey(data []byte) {
	if line, what := credential.FindPrivateKey(data); line > 0 {
		f.add(f.rel, line, 1, "private-key", "this file holds %s: a private key must never be in the repository. "+
			"Remove the file (and from the git history), then replace the key: make a new one (accredit keygen), "+
			"list it in [[signing_keys]] and end the old one's dates with until", what)
	}
}

// other notes a listed entry that is no file of the program: a regular
// file is read for private keys, a folder walked for them.
func (l *loader) other(rel string, e fs.DirEntry) {
	switch {
	case e.Type().IsRegular():
		l.addOther(rel)
	case e.IsDir():
		l.otherTree(rel)
	}
}

func (l *loader) addOther(rel string) {
	if mediaExt[strings.ToLower(path.Ext(rel))] {
		return
	}
	l.otherMu.Lock()
	l.others = append(l.others, rel)
	l.otherMu.Unlock()
}

// mediaExt are the kinds of file a theme or page carries by the dozen
// and that hold no text: not read (a check would read every picture
// of the site each time).
var mediaExt = map[string]bool{
	".png": true, ".jpg": true, ".jpeg": true, ".gif": true, ".webp": true, ".avif": true, ".ico": true,
	".woff": true, ".woff2": true, ".ttf": true, ".otf": true, ".eot": true,
	".mp4": true, ".webm": true, ".mp3": true, ".ogg": true, ".pdf": true, ".zip": true, ".gz": true,
}

// otherTree notes every regular file below a folder of no kind, but for
// hidden ones, as the loader skips them everywhere.
func (l *loader) otherTree(root string) {
	fs.WalkDir(l.fsys, root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil // an unreadable folder: reported where it matters, if at all
		}
		if p != root && strings.HasPrefix(d.Name(), ".") {
			if d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if d.Type().IsRegular() {
			l.addOther(p)
		}
		return nil
	})
}

// planOthers notes the files of programs/ that are neither program.toml
// nor in tracks/ and exams/ (which files() lists), and all of layouts/.
func (l *loader) planOthers() {
	if all, err := fs.ReadDir(l.fsys, "programs"); err == nil {
		for _, e := range all {
			switch name := e.Name(); {
			case strings.HasPrefix(name, "."), name == "program.toml", name == "tracks" && e.IsDir(), name == "exams" && e.IsDir():
			default:
				l.other("programs/"+name, e)
			}
		}
	}
	if fi, err := fs.Stat(l.fsys, "layouts"); err == nil && fi.IsDir() {
		l.otherTree("layouts")
	}
}

// otherJobs returns a job per noted file, in path order.
func (l *loader) otherJobs() []*job {
	l.otherMu.Lock()
	defer l.otherMu.Unlock()
	slices.Sort(l.others)
	l.others = slices.Compact(l.others)
	jobs := make([]*job, 0, len(l.others))
	for _, rel := range l.others {
		jobs = append(jobs, &job{kind: kindOther, rel: rel})
	}
	l.others = nil
	return jobs
}

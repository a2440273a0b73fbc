package load

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/accredit/accredit/cmd/internal/diag"
	"github.com/accredit/accredit/cmd/internal/frontmatter"
	"github.com/accredit/accredit/cmd/internal/gitindex"
	"github.com/accredit/accredit/cmd/internal/program"
	"github.com/accredit/accredit/cmd/internal/safefs"
	"github.com/accredit/accredit/cmd/internal/tomlpos"
)

// ErrNoProgram means the root holds no programs/program.toml.
var ErrNoProgram = errors.New("no programs/program.toml: is --root the program repository?")

// Load reads the program under root. The error is non-nil only when no
// program can be read at all (an unreadable root, no program.toml): every
// problem inside the files is a diagnostic, and the program returned then
// holds what could be read.
func Load(root string) (*program.Program, []diag.Diagnostic, error) {
	return LoadWith(root, Options{})
}

// Options tune loading.
type Options struct {
	// Cache, when set, keeps decoded people and partners between runs.
	Cache *Cache
	// Only, when set, limits the partners loaded to those it accepts, asked
	// with person "", and their people to those it accepts by person id.
	// Commands that edit one person's file load just that partner and
	// person with the program's definitions, which stays fast on a program
	// of any size; rules that span partners then see only those.
	Only func(partner, person string) bool
	// Overlay holds file contents by path relative to the root
	// ("partners/acme/people/ann.toml"), read instead of the disk: a file
	// not on disk yet is added (a person file only). Commands check an
	// edit this way before they write it.
	Overlay map[string][]byte
	// Listed, when set, gives folders as listed just before the load
	// (check's manifest walk, package checkcache): entries sorted by name,
	// regular files described, and the folder's Listing. A folder it
	// has is not listed again.
	Listed func(rel string) ([]fs.DirEntry, *safefs.Listing, bool)
}

// LoadWith is Load with options.
func LoadWith(root string, opts Options) (*program.Program, []diag.Diagnostic, error) {
	fi, err := os.Stat(root)
	if err != nil {
		return nil, nil, fmt.Errorf("cannot read the program: %w", err)
	}
	if !fi.IsDir() {
		return nil, nil, fmt.Errorf("cannot read the program: %s is not a directory", root)
	}
	d, err := safefs.Open(root)
	if err != nil {
		return nil, nil, fmt.Errorf("cannot read the program: %w", err)
	}
	defer d.Close()
	pf := filepath.Join(root, "programs", "program.toml")
	// A link or a special file in its place is the file's diagnostic.
	if fi, err := d.Stat("programs/program.toml"); err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, nil, fmt.Errorf("%s: %w", root, ErrNoProgram)
		}
		return nil, nil, fmt.Errorf("cannot read the program: %s: %v", pf, unwrapPath(err))
	} else if fi.IsDir() {
		return nil, nil, fmt.Errorf("cannot read the program: %s is a directory", pf)
	}
	return load(d, root, true, opts)
}

// LoadFS reads the program whose root is fsys's root: a revision of the
// repository read from git without a checkout (accredit plan), or any
// other file system. name says where the program comes from, in errors
// and in Program.Root.
func LoadFS(fsys fs.FS, name string, opts Options) (*program.Program, []diag.Diagnostic, error) {
	fi, err := fs.Stat(fsys, "programs/program.toml")
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil, fmt.Errorf("%s: %w", name, ErrNoProgram)
	}
	if err != nil {
		return nil, nil, fmt.Errorf("%s: cannot read the program: %w", name, err)
	}
	if fi.IsDir() {
		return nil, nil, fmt.Errorf("%s: cannot read the program: programs/program.toml is a directory", name)
	}
	return load(fsys, name, false, opts)
}

// load reads the program in fsys; disk says fsys is a folder on disk,
// whose files' sizes and times the cache may trust.
func load(fsys fs.FS, root string, disk bool, opts Options) (*program.Program, []diag.Diagnostic, error) {
	l := &loader{fsys: fsys, prog: &program.Program{Root: root}, cache: opts.Cache, only: opts.Only, overlay: opts.Overlay, prelisted: opts.Listed, disk: disk, now: clock()}
	if disk {
		// Read once, by the first file the cache has an entry of but
		// whose time is not the entry's: never by a warm load in place.
		l.index = sync.OnceValue(func() *gitindex.Index {
			x, err := gitindex.Open(root)
			if err != nil {
				stats.setIndexErr(err)
			}
			return x
		})
	}
	jobs, err := l.plan()
	if err != nil {
		return nil, nil, err
	}
	l.run(jobs)
	l.assemble(jobs)
	l.prog.Link()
	return l.prog, l.diags.Sorted(), nil
}

// clock is when a load starts, for the cache's racy window: a test
// moves it to trust files and folders it has just written.
var clock = time.Now

type kind int

const (
	kindProgram kind = iota
	kindTrack
	kindExam
	kindBank
	kindPartner
	kindPerson
	kindPage
	kindMetrics
	kindLogo
	kindFolder // a folder, or a file of no kind
	kindOther  // a file of no kind, read only to look for private keys
)

// PersonLimit caps a person file. The writers (package record) read
// person files with the same cap, so that a file check refuses is one
// grant refuses too.
const PersonLimit = 256 << 10

// limits caps each kind of file: a person file is a few KB, a question
// bank the largest file a program has. Documented in content/docs/format.md.
var limits = [...]int64{
	kindProgram: 1 << 20,
	kindTrack:   1 << 20,
	kindExam:    1 << 20,
	kindBank:    8 << 20,
	kindPartner: 256 << 10,
	kindPerson:  PersonLimit,
	kindPage:    1 << 20,
	kindMetrics: 256 << 10,
	kindLogo:    LogoMaxBytes,
	kindOther:   1 << 20, // larger ones are not read
}

var kindNames = [...]string{
	kindProgram: "programs/program.toml",
	kindTrack:   "a track file",
	kindExam:    "an exam file",
	kindBank:    "a question bank",
	kindPartner: "a partner.md",
	kindPerson:  "a person file",
	kindPage:    "a page",
	kindMetrics: "a metrics.toml",
	kindLogo:    "a partner logo",
	kindFolder:  "a file",
	kindOther:   "a file",
}

// job is one file to read and decode; its result lands in the job itself,
// so that assembling keeps file order whatever the order of decoding.
type job struct {
	kind kind
	rel  string // relative, /-separated
	id   string
	// entry is the file's entry in its folder's listing, whose type and
	// Lstat (on Linux) stand for those the read and the decode cache
	// would ask again; nil for a file found otherwise.
	entry fs.DirEntry
	// partner is the index of the partner job a person belongs to.
	partner int

	result any
}

type loader struct {
	// fsys holds the files, relative to the program root: a safefs.Dir
	// for a folder on disk, a git tree. Its Stat and ReadDir describe
	// links as links; files are read through safefs.ReadFile.
	fsys  fs.FS
	prog  *program.Program
	diags diag.List
	cache *Cache
	disk  bool      // fsys is a folder on disk (not a git tree)
	now   time.Time // when the load started, for the cache's racy window
	// index reads git's index of the worktree on disk that holds the
	// program (see Cache); nil for a git tree.
	index func() *gitindex.Index
	// attributes is set while planning when a folder of the program
	// holds a .gitattributes file: git may then convert files between
	// their blobs and the disk, and the index does not name what a
	// file holds (gitindex refuses those above the root itself).
	attributes atomic.Bool

	only    func(partner, person string) bool
	overlay map[string][]byte
	// prelisted is Options.Listed.
	prelisted func(rel string) ([]fs.DirEntry, *safefs.Listing, bool)

	unread map[string]bool // definition files refused while planning

	// others are the files of no kind met while planning (under
	// programs/, partners/, content/ and layouts/): they are read
	// only to look for private keys (rule private-key).
	otherMu sync.Mutex
	others  []string
}

func (l *loader) add(file string, line, col int, rule, format string, args ...any) {
	l.diags.Add(diag.Diagnostic{File: file, Line: line, Col: col, Severity: diag.Error, Rule: rule, Msg: fmt.Sprintf(format, args...)})
}

// plan lists every file to read, in a stable order.
func (l *loader) plan() ([]*job, error) {
	jobs := []*job{{kind: kindProgram, rel: "programs/program.toml", id: "program"}}
	for _, e := range l.files("programs/tracks", ".toml") {
		name := e.Name()
		jobs = append(jobs, &job{kind: kindTrack, rel: "programs/tracks/" + name, id: strings.TrimSuffix(name, ".toml"), entry: e})
	}
	for _, e := range l.files("programs/exams", ".toml") {
		name := e.Name()
		if id, ok := strings.CutSuffix(name, ".bank.toml"); ok {
			jobs = append(jobs, &job{kind: kindBank, rel: "programs/exams/" + name, id: id, entry: e})
		} else {
			jobs = append(jobs, &job{kind: kindExam, rel: "programs/exams/" + name, id: strings.TrimSuffix(name, ".toml"), entry: e})
		}
	}
	es, _ := l.entries("partners")
	var names []string
	for _, e := range es {
		if e.IsDir() && (l.only == nil || l.only(e.Name(), "")) {
			names = append(names, e.Name())
		}
	}
	// Listing 10,000 partner folders through the boundary is a few
	// syscalls each: on all cores, in file order all the same.
	parts := make([][]*job, len(names))
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(ioWorkers(), len(names)) {
		wg.Go(func() {
			for i := int(next.Add(1)) - 1; i < len(names); i = int(next.Add(1)) - 1 {
				parts[i] = l.planPartner(nil, names[i])
			}
		})
	}
	wg.Wait()
	for _, part := range parts {
		off := len(jobs)
		for _, j := range part {
			if j.kind == kindPerson || j.kind == kindMetrics || j.kind == kindLogo {
				j.partner += off
			}
			jobs = append(jobs, j)
		}
	}
	jobs, err := l.planPages(jobs)
	if err != nil {
		return nil, err
	}
	l.planOthers()
	return append(jobs, l.otherJobs()...), nil
}

// planPartner adds the jobs of one partner folder: its partner.md, then
// its people.
func (l *loader) planPartner(jobs []*job, name string) []*job {
	dir := "partners/" + name
	rel := dir + "/partner.md"
	es, ok := l.entries(dir)
	if !ok {
		return jobs // reported: no "has no partner.md" on top
	}
	var md, people, metrics fs.DirEntry
	var logos []fs.DirEntry
	for _, e := range es {
		switch e.Name() {
		case "partner.md":
			md = e
		case "people":
			people = e
		case "metrics.toml":
			metrics = e
		case LogoNames[0], LogoNames[1]:
			logos = append(logos, e)
		default:
			l.other(dir+"/"+e.Name(), e)
		}
	}
	if md == nil {
		l.add(rel, 1, 1, "missing-field", "partner folder %s has no partner.md", dir)
		return jobs
	}
	if md.IsDir() {
		l.refuse(rel, safefs.ErrIsDir, kindPartner)
		return jobs
	}
	if !md.Type().IsRegular() {
		return jobs // a link or special file: reported by entries
	}
	pj := len(jobs)
	jobs = append(jobs, &job{kind: kindPartner, rel: rel, id: name, entry: md})
	// The optional, private scorecard figures (a link or special file
	// there is reported by entries).
	switch {
	case metrics == nil:
	case metrics.IsDir():
		l.refuse(dir+"/metrics.toml", safefs.ErrIsDir, kindMetrics)
	case metrics.Type().IsRegular():
		jobs = append(jobs, &job{kind: kindMetrics, rel: dir + "/metrics.toml", id: name, partner: pj, entry: metrics})
	}
	// The optional logo, one at most.
	if len(logos) > 1 {
		l.add(dir+"/"+logos[1].Name(), 1, 1, "invalid-value", "a partner has one logo: remove %s or %s", logos[0].Name(), logos[1].Name())
	} else if len(logos) == 1 {
		switch lg := logos[0]; {
		case lg.IsDir():
			l.refuse(dir+"/"+lg.Name(), safefs.ErrIsDir, kindLogo)
		case lg.Type().IsRegular():
			jobs = append(jobs, &job{kind: kindLogo, rel: dir + "/" + lg.Name(), id: lg.Name(), partner: pj, entry: lg})
		}
	}
	var files []fs.DirEntry
	switch {
	case people == nil:
	case people.IsDir():
		files = l.files(dir+"/people", ".toml")
	case people.Type().IsRegular():
		l.refuse(dir+"/people", safefs.ErrNotDir, kindFolder)
	}
	k := 0 // files and the names are in the same order
	for _, file := range l.overlaid(dir, files) {
		var e fs.DirEntry
		if k < len(files) && files[k].Name() == file {
			e = files[k]
			k++
		}
		if id, ok := strings.CutSuffix(file, ".toml"); ok && (l.only == nil || l.only(name, id)) {
			jobs = append(jobs, &job{kind: kindPerson, rel: dir + "/people/" + file, id: id, partner: pj, entry: e})
		}
	}
	return jobs
}

// planPages adds a job per content page.
func (l *loader) planPages(jobs []*job) ([]*job, error) {
	pages, err := l.pages()
	if err != nil {
		return nil, err
	}
	for _, pg := range pages {
		jobs = append(jobs, &job{kind: kindPage, rel: pg.rel, entry: pg.entry})
	}
	return jobs, nil
}

// Partner reads one partner folder, partners/<id>, as Load reads it within
// the whole program: for accredit serve, which re-reads only the folder an
// edit touched. The partner is nil when the folder is gone or holds no
// readable partner.md (its people are then left out, as Load leaves them
// out); the diagnostics are those of the folder's files, and files is how
// many files were read. The partner is not linked: Program.SetPartner
// puts it in place.
func Partner(root, id string) (pa *program.Partner, ds []diag.Diagnostic, files int) {
	d, err := safefs.Open(root)
	if err != nil {
		return nil, nil, 0
	}
	defer d.Close()
	l := &loader{fsys: d, prog: &program.Program{Root: root}}
	var jobs []*job
	if fi, err := d.Stat("partners/" + id); err == nil && !strings.HasPrefix(id, ".") {
		if fi.IsDir() {
			jobs = l.planPartner(nil, id)
			jobs = append(jobs, l.otherJobs()...)
		} else {
			l.refuse("partners/"+id, safefs.Check(fi), kindPartner)
		}
	}
	l.run(jobs)
	l.assemble(jobs)
	if len(l.prog.Partners) > 0 {
		pa = l.prog.Partners[0]
	}
	return pa, l.diags.Sorted(), len(jobs)
}

// Pages reads the content pages (content/**/*.md) as Load reads them.
func Pages(root string) ([]*program.Page, []diag.Diagnostic, error) {
	d, err := safefs.Open(root)
	if err != nil {
		return nil, nil, err
	}
	defer d.Close()
	l := &loader{fsys: d, prog: &program.Program{Root: root}}
	jobs, err := l.planPages(nil)
	if err != nil {
		return nil, nil, err
	}
	l.run(jobs)
	l.assemble(jobs)
	return l.prog.Pages, l.diags.Sorted(), nil
}

// entries lists a folder of the program, but for hidden entries, and
// reports the links and special files in it, which accredit never reads
// wherever they are (they stay in the list, for callers to skip
// silently). ok is false when the folder is missing (which is
// no error) or cannot be read (which is reported).
func (l *loader) entries(rel string) (es []fs.DirEntry, ok bool) {
	all, err := l.readDir(rel)
	if err != nil {
		if !errors.Is(err, fs.ErrNotExist) {
			l.refuse(rel, err, kindFolder)
		}
		return nil, false
	}
	for _, e := range all {
		if strings.HasPrefix(e.Name(), ".") {
			if e.Name() == ".gitattributes" {
				l.attributes.Store(true)
			}
			continue
		}
		if t := e.Type(); !t.IsDir() && !t.IsRegular() {
			if strings.HasPrefix(rel, "programs/") {
				l.refuseDef(rel+"/"+e.Name(), safefs.CheckMode(t))
			} else {
				l.refuse(rel+"/"+e.Name(), safefs.CheckMode(t), kindFolder)
			}
		}
		es = append(es, e) // callers skip what is neither file nor folder
	}
	return es, true
}

// readDir lists a folder, through the cache's listing of it where the
// folder is unchanged since the last run (a warm check of 10,000
// partners lists 20,000 folders).
func (l *loader) readDir(rel string) ([]fs.DirEntry, error) {
	d, ok := l.fsys.(*safefs.Dir)
	if !ok || l.cache == nil || !l.disk {
		return fs.ReadDir(l.fsys, rel)
	}
	es, lst, err := l.listDir(d, rel)
	if err == nil && lst.Stamp != (safefs.Stamp{}) {
		l.cache.putListing(rel, lst)
	}
	return es, err
}

// listDir lists a folder: as listed just before the load, when it was,
// else through the cache's listing.
func (l *loader) listDir(d *safefs.Dir, rel string) ([]fs.DirEntry, *safefs.Listing, error) {
	if l.prelisted != nil {
		if es, lst, ok := l.prelisted(rel); ok {
			return es, lst, nil
		}
	}
	return d.ReadDirSince(rel, l.cache.listing(rel), l.now)
}

// files returns the regular files of a folder whose names end with
// suffix, sorted by name; a folder named like one is reported, once, and
// left out.
func (l *loader) files(rel, suffix string) []fs.DirEntry {
	es, _ := l.entries(rel)
	var files []fs.DirEntry
	for _, e := range es {
		if !strings.HasSuffix(e.Name(), suffix) {
			l.other(rel+"/"+e.Name(), e)
			continue
		}
		if !e.IsDir() && !e.Type().IsRegular() {
			continue
		}
		if e.IsDir() {
			if strings.HasPrefix(rel, "programs/") {
				l.refuseDef(rel+"/"+e.Name(), safefs.ErrIsDir)
			} else {
				l.refuse(rel+"/"+e.Name(), safefs.ErrIsDir, kindFolder)
			}
			continue
		}
		files = append(files, e)
	}
	return files
}

// overlaid adds the overlay's new files of a partner's people folder to
// the names of the files on disk.
func (l *loader) overlaid(dir string, files []fs.DirEntry) []string {
	names := make([]string, len(files))
	for i, e := range files {
		names[i] = e.Name()
	}
	added := false
	for rel := range l.overlay {
		name, ok := strings.CutPrefix(rel, dir+"/people/")
		if ok && !strings.Contains(name, "/") && !slices.Contains(names, name) {
			names = append(names, name)
			added = true
		}
	}
	if added {
		slices.Sort(names)
	}
	return names
}

// page is a content page found by pages.
type page struct {
	rel   string
	entry fs.DirEntry
}

func (l *loader) pages() ([]page, error) {
	var found []page
	err := fs.WalkDir(l.fsys, "content", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) && p == "content" {
				return fs.SkipDir
			}
			l.refuse(p, err, kindFolder)
			return nil
		}
		if strings.HasPrefix(d.Name(), ".") && p != "content" {
			if d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		switch t := d.Type(); {
		case !t.IsDir() && !t.IsRegular():
			l.refuse(p, safefs.CheckMode(t), kindFolder)
		case t.IsDir() && strings.HasSuffix(d.Name(), ".md"):
			l.refuse(p, safefs.ErrIsDir, kindFolder)
			return fs.SkipDir
		case !t.IsDir() && strings.HasSuffix(d.Name(), ".md"):
			found = append(found, page{p, d})
		case t.IsRegular():
			l.addOther(p)
		}
		return nil
	})
	slices.SortFunc(found, func(a, b page) int { return strings.Compare(a.rel, b.rel) })
	return found, err
}

// refuse reports a file or folder that accredit will not or cannot read,
// at its line 1.
func (l *loader) refuse(rel string, err error, k kind) {
	l.add(rel, 1, 1, "unreadable-file", "%s", refusal(rel, err, k))
}

// refuseDef is refuse for a path under programs/ while planning: a
// track or exam named like it is then unread, not unknown.
func (l *loader) refuseDef(rel string, err error) {
	l.refuse(rel, err, kindFolder)
	if l.unread == nil {
		l.unread = map[string]bool{}
	}
	l.unread[rel] = true
}

// refusal says why a file was not read.
func refusal(rel string, err error, k kind) string {
	name := strconv.Quote(path.Base(rel))
	var tl *safefs.TooLargeError
	switch {
	case errors.As(err, &tl):
		return fmt.Sprintf("%s is %s: %s may hold at most %s", name, safefs.Bytes(tl.Size), kindNames[k], safefs.Bytes(tl.Limit))
	case safefs.Refused(err):
		return fmt.Sprintf("%s %v", name, unwrapPath(err))
	case errors.Is(err, fs.ErrPermission):
		return fmt.Sprintf("cannot read %s: permission denied", name)
	}
	return fmt.Sprintf("cannot read %s: %v", name, unwrapPath(err))
}

func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// ioWorkers is how many goroutines list folders and read files: more
// than the cores, because a file not in the page cache (a large program
// not read since the machine started) keeps its goroutine waiting on the
// disk, and with one goroutine per core the cores then wait too, and the
// disk serves one small read at a time. The runtime still runs only
// GOMAXPROCS of them at once.
func ioWorkers() int { return max(8, 4*runtime.GOMAXPROCS(0)) }

// run decodes every job on all cores.
func (l *loader) run(jobs []*job) {
	workers := ioWorkers()
	ch := make(chan *job, 256)
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for j := range ch {
				l.decode(j)
			}
		})
	}
	for _, j := range jobs {
		ch <- j
	}
	close(ch)
	wg.Wait()
	n := 0
	l.prog.PartnerFiles = map[string]int{}
	for _, j := range jobs {
		switch j.kind {
		case kindOther:
			continue
		case kindPartner:
			l.prog.PartnerFiles[j.id]++
		case kindPerson, kindMetrics, kindLogo:
			l.prog.PartnerFiles[jobs[j.partner].id]++
		}
		n++
	}
	l.prog.Files = n
}

func (l *loader) decode(j *job) {
	data, overlaid := l.overlay[j.rel]
	cacheable := l.cache != nil && (j.kind == kindPerson || j.kind == kindPartner)
	// A file the cache saw, of the same size and time: not read at all.
	var st fileStat
	if cacheable && !overlaid && l.disk && l.cache.known(j.rel) {
		// The listing's Lstat (on Linux, where safefs lists with one),
		// not asked again: through the boundary, every person file cost
		// its folder reopened (10,000 partners: a second of a warm check
		// of two).
		fi, err := l.listed(j)
		if err == nil {
			st = statOf(fi, l.now)
		}
		if e, ok := l.cache.unchanged(j.rel, st); ok {
			// Only the folder and the path: the closure lives as long
			// as the record, the loader and its cache must not.
			// The load's folder is closed by then: open the root again.
			if res, ds, err := decodeResult(j.rel, nil, e.payload, l.reread(j)); err == nil {
				j.result = res
				l.diags.Append(ds)
				l.cache.put(j.rel, e, false, false)
				stats.unchanged.Add(1)
				return
			}
		}
		// A fresh checkout: every time is new, and git's index, written
		// after the files, says what each holds.
		if err == nil {
			if id, ok := l.worktree().Blob(j.rel, fi); ok && l.fromBlob(j, id, st, l.reread(j)) {
				stats.index.Add(1)
				return
			}
		}
	}
	// A file of a git tree the cache saw, by its blob id: not read at all.
	if cacheable && !overlaid {
		if id, ok := l.blobOf(j); ok && l.fromBlob(j, id, fileStat{}, l.treeReader(j)) {
			stats.tree.Add(1)
			return
		}
	}
	var err error
	if !overlaid {
		var fi fs.FileInfo
		data, fi, err = safefs.ReadListed(l.fsys, j.rel, j.entry, limits[j.kind])
		if err == nil && cacheable && l.disk {
			// Keyed by the file as read, should it have changed since
			// its listing.
			st = statOf(fi, l.now)
		}
	} else if int64(len(data)) > limits[j.kind] {
		err = &safefs.TooLargeError{Size: int64(len(data)), Limit: limits[j.kind]}
	}
	if err != nil {
		if j.kind != kindOther {
			l.refuse(j.rel, err, j.kind)
		}
		return
	}
	if j.kind == kindOther {
		f := &file{rel: j.rel}
		f.privateKey(data)
		l.diags.Append(f.out)
		return
	}
	var id BlobID
	if cacheable {
		stats.read.Add(1)
		var ok bool
		if id, ok = blobIDOf(data); !ok {
			cacheable = false // crafted to collide: decoded, never cached
		} else if e, ok := l.cache.get(j.rel, id); ok {
			if res, ds, err := decodeResult(j.rel, data, e.payload, nil); err == nil {
				j.result = res
				l.diags.Append(ds)
				e.stat = st
				l.cache.put(j.rel, e, false, !l.disk)
				return
			}
		}
	}
	f := &file{rel: j.rel}
	f.privateKey(data)
	defer func() {
		l.diags.Append(f.out)
		if cacheable {
			l.cache.put(j.rel, cacheEntry{id, st, encodeResult(f, j.result)}, true, !l.disk)
		}
		if l.disk && !overlaid {
			// The file's own checks have run: its positions are read
			// again should a later check report on it.
			switch r := j.result.(type) {
			case *program.Person:
				r.Src.Reread(l.reread(j))
			case *program.Partner:
				r.Src.Reread(frontOf(l.reread(j)))
			}
		}
	}()
	switch j.kind {
	case kindProgram:
		j.result = f.program(data)
	case kindTrack:
		j.result = f.track(data, j.id)
	case kindExam:
		j.result = f.exam(data, j.id)
	case kindBank:
		j.result = f.bank(data)
	case kindPartner:
		j.result = f.partner(data, j.id)
	case kindPerson:
		j.result = f.person(data, j.id)
	case kindPage:
		j.result = f.page(data)
	case kindMetrics:
		j.result = f.metrics(data)
	case kindLogo:
		if lg := f.logo(data, j.id); lg != nil {
			j.result = lg
		}
	}
}

// reread returns a function that reads a job's file again, for the
// positions of a record whose Source was made without them. The closure
// holds the folder and the path only: it lives as long as the record,
// and the loader and its cache must not. The load's folder is closed by
// then: it opens the root again.
func (l *loader) reread(j *job) func() []byte {
	root, rel, limit := l.prog.Root, j.rel, limits[j.kind]
	return func() []byte {
		b, _ := safefs.ReadFileAt(root, rel, limit)
		return b
	}
}

// frontOf is read's front matter: the TOML of a partner.md.
func frontOf(read func() []byte) func() []byte {
	return func() []byte {
		doc, err := frontmatter.Split(read())
		if err != nil {
			return nil
		}
		return doc.Front
	}
}

// worktree returns git's index of the worktree that holds the program,
// or nil.
func (l *loader) worktree() *gitindex.Index {
	if l.index == nil || l.attributes.Load() {
		return nil
	}
	return l.index()
}

// listed is the Lstat of a job's file: its listing's where it has one,
// else asked.
func (l *loader) listed(j *job) (fs.FileInfo, error) {
	if j.entry != nil {
		return j.entry.Info()
	}
	return fs.Stat(l.fsys, j.rel)
}

// assemble puts the decoded files together in file order.
func (l *loader) assemble(jobs []*job) {
	p := l.prog
	exams := map[string]*program.Exam{}
	var banks []*job
	for _, j := range jobs {
		if j.result == nil && (j.kind == kindProgram || j.kind == kindTrack || j.kind == kindExam) {
			if l.unread == nil {
				l.unread = map[string]bool{}
			}
			l.unread[j.rel] = true
		}
		switch v := j.result.(type) {
		case *programFile:
			p.Info, p.Policy, p.Src = v.Program, v.Policy, v.src
			p.Levels, p.Assessments, p.EvidenceKinds = v.Levels, v.Assessments, v.EvidenceKinds
			p.Tiers, p.Administrators, p.Audit, p.Site = v.Tiers, v.Administrators, v.Audit, v.Site
			p.SigningKeys, p.Reviewers = v.SigningKeys, v.Reviewers
		case *program.Track:
			p.Tracks = append(p.Tracks, v)
		case *program.Exam:
			p.Exams = append(p.Exams, v)
			exams[j.id] = v
		case *program.Bank:
			banks = append(banks, j)
		case *program.Partner:
			p.Partners = append(p.Partners, v)
		case *program.Person:
			if pa, ok := jobs[j.partner].result.(*program.Partner); ok {
				pa.People = append(pa.People, v)
			}
		case *program.Page:
			p.Pages = append(p.Pages, v)
		case *program.Metrics:
			if pa, ok := jobs[j.partner].result.(*program.Partner); ok {
				pa.Metrics = v
			}
		case *program.Logo:
			if pa, ok := jobs[j.partner].result.(*program.Partner); ok {
				pa.Logo = v
			}
		}
	}
	for _, j := range banks {
		b := j.result.(*program.Bank)
		e, ok := exams[j.id]
		if !ok && l.unread["programs/exams/"+j.id+".toml"] {
			continue // the exam file's own error says why
		}
		if !ok {
			l.add(j.rel, 1, 1, "unknown-reference", "question bank of an exam that does not exist: no programs/exams/%s.toml", j.id)
			continue
		}
		e.Bank = b
	}
	p.Unread = l.unread
	if p.Src == nil { // program.toml did not decode: keep later stages safe
		p.Policy = program.DefaultPolicy()
		p.Src = program.NewSource("programs/program.toml", 0, &tomlpos.Index{}, nil)
	}
}

// pageURL turns content/docs/format.md into /docs/format/.
func pageURL(rel string) string {
	p := strings.TrimSuffix(strings.TrimPrefix(rel, "content/"), ".md")
	if path.Base(p) == "index" {
		p = path.Dir(p)
	}
	if p == "." || p == "" {
		return "/"
	}
	return "/" + p + "/"
}

// Person decodes one person file, rel being its path relative to the root
// (partners/<partner>/people/<person>.toml), and returns the person (nil
// when the file is not valid TOML) and the file's own diagnostics: syntax,
// unknown keys, missing keys and bad values. Rules that span records are
// left to package check. Commands that add records to many files (import)
// read each file this way rather than loading the whole program.
func Person(rel string, data []byte) (*program.Person, []diag.Diagnostic) {
	if n := int64(len(data)); n > limits[kindPerson] {
		err := &safefs.TooLargeError{Size: n, Limit: limits[kindPerson]}
		return nil, []diag.Diagnostic{{File: rel, Line: 1, Col: 1, Severity: diag.Error, Rule: "unreadable-file", Msg: refusal(rel, err, kindPerson)}}
	}
	f := &file{rel: rel}
	id := strings.TrimSuffix(path.Base(rel), ".toml")
	p, _ := f.person(data, id).(*program.Person)
	var l diag.List
	l.Append(f.out)
	return p, l.Sorted()
}

// ProgramFile decodes programs/program.toml alone, as Load decodes it:
// the git audit reads the administrators, their roles and keys, and the
// policy of every revision of it. The program is nil when the file does
// not decode; the diagnostics are the file's own.
func ProgramFile(data []byte) (*program.Program, []diag.Diagnostic) {
	f := &file{rel: "programs/program.toml"}
	v, _ := f.program(data).(*programFile)
	var l diag.List
	l.Append(f.out)
	if v == nil {
		return nil, l.Sorted()
	}
	return &program.Program{Info: v.Program, Policy: v.Policy, Levels: v.Levels, Assessments: v.Assessments,
		EvidenceKinds: v.EvidenceKinds, Tiers: v.Tiers, Administrators: v.Administrators, SigningKeys: v.SigningKeys, Reviewers: v.Reviewers, Audit: v.Audit, Src: v.src}, l.Sorted()
}

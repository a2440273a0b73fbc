// Package publish writes the site to disk.
//
// In: the site's data (package site) and the theme (package render). Out:
// a complete static site in a new directory beside the output, swapped in
// only when every file is written, in one step where the system can
// (swap), so that a failed or killed build leaves the previous site byte
// for byte as it was. A build replaces only a folder that it wrote (with
// its Marker): Guard refuses any other output, and the program's root and
// sources whatever they hold. Start begins with the folders of
// the verification pages, which need only the credentials, while the
// caller computes the site; Write renders and writes the files on all
// cores, the verification pages one at a time from the credentials, never
// all held at once (or, in shards mode, the credentials' shards: see
// shards.go). A file whose bytes equal the previous site's file at the
// same path is that file, kept by a hard link (keep.go): a rebuild on
// another day changes only what changed, for deploys that compare.
package publish

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"hash/fnv"
	"io/fs"
	"maps"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/accredit/accredit/cmd/internal/badge"
	"github.com/accredit/accredit/cmd/internal/date"
	"github.com/accredit/accredit/cmd/internal/program"
	"github.com/accredit/accredit/cmd/internal/render"
	"github.com/accredit/accredit/cmd/internal/site"
)

// Stats sums up a build.
type Stats struct {
	Pages, Files, Dirs int
	Bytes              int64
	Elapsed            time.Duration
	// Of Files, Written were written anew and Kept were the previous
	// site's files, byte for byte the same, kept as they were (hard
	// links: same inode, same modification time), so that rsync, aws s3
	// sync and a host's deploy send only what changed. Removed counts
	// the previous site's files that the new one has no more.
	Written, Kept, Removed int
}

func (s Stats) String() string {
	return fmt.Sprintf("%d pages, %d files in %d directories, %s, in %s (%.0f pages/s); files: %d written, %d kept, %d removed",
		s.Pages, s.Files, s.Dirs, size(s.Bytes), s.Elapsed.Round(time.Millisecond), float64(s.Pages)/max(s.Elapsed.Seconds(), 1e-9),
		s.Written, s.Kept, s.Removed)
}

func size(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.2f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	}
	return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
}

// Progress is called from time to time with the files written so far.
type Progress func(done, total int)

// Write builds the site into out, replacing it only when complete.
func Write(st *site.Site, theme *render.Theme, out string, progress Progress) (Stats, error) {
	return WriteWith(st, theme, out, Options{Progress: progress})
}

// Options are Write's optional parts.
type Options struct {
	Progress Progress
	// Extra makes more files (the search index), keyed by path below
	// out. It runs on one worker while the others render pages.
	Extra func() (map[string][]byte, error)
	// Signed, when set, appends to dst a credential's signed Open Badges
	// 3.0 credential, written beside its JSON as
	// api/v1/credentials/<ID>.ob3.json (or, in shards mode, into the
	// signed credentials' shards). It is called on every worker, with
	// the page data of the credential.
	Signed SignedFunc
	// SignedShards, when not nil, keeps the compressed shards of signed
	// credentials between builds (shards mode): see GzipCache.
	SignedShards *GzipCache
	// Part, when its M is over 1, writes one part of a build split into
	// M jobs (shards mode only): see Part.
	Part Part
}

// Part is job K (from 0) of a build split into M jobs, as the jobs of a
// CI matrix, each writing its own folder: job K writes the shards whose
// index i has i mod M = K (with their signed credentials, and so signs
// only those) and the pages (and logos) of the partners whose id falls
// to it (ownsPartner: a hash of the id, so that a partner added or
// removed moves no other), and job 0 also everything else (the other
// pages, lists, search index, assets, the shard index). The M folders
// hold disjoint files but for the marker (.accredit-site, the same bytes
// in each), and copied into one they are, byte for byte, the site one
// build writes. Every job loads and checks the whole program.
type Part struct{ K, M int }

// Valid reports whether p names a job of its build (or is whole).
func (p Part) Valid() bool { return p.M == 0 || p.M >= 1 && p.K >= 0 && p.K < p.M }

// whole reports whether p is the whole build.
func (p Part) whole() bool { return p.M <= 1 }

// site reports whether p writes the files that are not shards.
func (p Part) site() bool { return p.whole() || p.K == 0 }

// owns reports whether p writes the shard of index i.
func (p Part) owns(i int) bool { return p.whole() || i%p.M == p.K }

// ownsPartner reports whether p writes the pages of the partner id.
func (p Part) ownsPartner(id string) bool {
	if p.whole() {
		return true
	}
	h := fnv.New32a()
	h.Write([]byte(id))
	return int(h.Sum32()%uint32(p.M)) == p.K
}

// SignedFunc appends a credential's signed credential to dst.
type SignedFunc func(dst []byte, c *program.Credential, cp *site.Credential) ([]byte, error)

// WriteWith is Write with options.
func WriteWith(st *site.Site, theme *render.Theme, out string, opts Options) (Stats, error) {
	creds := st.P.Credentials
	if st.Info.Shards != nil {
		creds = nil // no verification pages: no folders to make
	}
	b, err := Start(out, creds)
	if err != nil {
		return Stats{}, err
	}
	return b.Write(st, theme, opts)
}

// A Build is a site being written into a new directory beside out.
type Build struct {
	out   string
	w     *writer
	start time.Time
	creds []*program.Credential
	// folders is closed, chunk by chunk, when the verification pages'
	// folders of that chunk of credentials exist (or failed: foldersErr).
	folders    []chan struct{}
	foldersErr error
	stop       atomic.Bool // Abort: make no more folders
	done       chan struct{}
}

// chunk is the number of credentials a task renders, and a Build's
// background goroutine makes folders for, at a time.
const chunk = 256

// Start makes the new directory of a build into out and starts making,
// on a goroutine of its own, the folders of the verification pages of
// creds, which need nothing but their ids: accredit build computes the
// rest of the site meanwhile. Finish with Write, or Abort. creds must be
// the site's credentials (its program's), in the same order.
//
// Folders are made all in a row: creating entries of one kind in one
// directory in a row costs the file system less than alternating
// folders and files.
//
// out must be absent, an empty folder or a site accredit wrote (with its
// Marker), or Start refuses it (a *RefusedError); accredit build checks
// it against the program's root first (Guard). Folders that killed
// builds left beside out are cleaned up.
func Start(out string, creds []*program.Credential) (*Build, error) {
	start := time.Now()
	abs, err := resolve(out)
	if err != nil {
		return nil, err
	}
	if err := checkTarget(out, abs); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(filepath.Dir(abs), 0o755); err != nil {
		return nil, err
	}
	if err := cleanLeftovers(abs); err != nil {
		return nil, err
	}
	out = abs
	tmp, err := os.MkdirTemp(filepath.Dir(out), newPattern(out))
	if err != nil {
		return nil, err
	}
	hook("started")
	os.Chmod(tmp, 0o755)
	w := &writer{root: tmp, old: openOld(out), oldFD: -1}
	if w.old != nil {
		w.oldFD = oldFD(w.old)
	}
	b := &Build{out: out, w: w, start: start, creds: creds, done: make(chan struct{})}
	for _, dir := range []string{"verify", "api/v1/credentials"} {
		if err := b.w.ensureDir(dir); err != nil {
			os.RemoveAll(tmp)
			return nil, err
		}
	}
	for i := 0; i < len(creds); i += chunk {
		b.folders = append(b.folders, make(chan struct{}))
	}
	go func() {
		defer close(b.done)
		for n, i := 0, 0; i < len(creds); n, i = n+1, i+chunk {
			if b.stop.Load() && b.foldersErr == nil {
				b.foldersErr = errors.New("publish: build aborted")
			}
			if b.foldersErr == nil {
				for _, c := range creds[i:min(len(creds), i+chunk)] {
					if err := os.Mkdir(filepath.Join(tmp, "verify", c.ID), 0o755); err != nil {
						b.foldersErr = err
						break
					}
					b.w.dirs.Add(1)
				}
			}
			close(b.folders[n])
		}
	}()
	return b, nil
}

// Abort removes what the build wrote.
func (b *Build) Abort() {
	b.stop.Store(true)
	<-b.done
	b.w.closeOld()
	os.RemoveAll(b.w.root)
}

// Write renders and writes the site, then puts it in place of out (see
// swap). On an error nothing replaces out and the new directory is
// removed.
func (b *Build) Write(st *site.Site, theme *render.Theme, opts Options) (Stats, error) {
	if st.Info.Shards != nil && len(b.creds) > 0 {
		b.Abort()
		return Stats{}, fmt.Errorf("publish: the build was started for verification pages, the site publishes shards")
	}
	if st.Info.Shards == nil && len(st.P.Credentials) != len(b.creds) {
		b.Abort()
		return Stats{}, fmt.Errorf("publish: the build was started for %d credentials, the site has %d", len(b.creds), len(st.P.Credentials))
	}
	if !opts.Part.Valid() || !opts.Part.whole() && st.Info.Shards == nil {
		b.Abort()
		return Stats{}, fmt.Errorf("publish: part %d of %d: a build splits into parts in shards mode only", opts.Part.K, opts.Part.M)
	}
	w := b.w
	w.theme, w.progress, w.extra, w.signed, w.signedShards, w.part = theme, opts.Progress, opts.Extra, opts.Signed, opts.SignedShards, opts.Part
	stats, err := b.write(st)
	if err == nil {
		// Last: a folder with the marker is a complete site.
		err = w.file(Marker, []byte(markerText), false)
	}
	if err != nil {
		b.Abort()
		return Stats{}, err
	}
	hook("marked")
	// With the marker, which the counts of write did not see yet.
	stats.Written, stats.Kept = int(w.written.Load()), int(w.kept.Load())
	w.closeOld()
	oldFiles, err := swap(w.root, b.out)
	if err != nil {
		os.RemoveAll(w.root)
		return Stats{}, err
	}
	stats.Removed = max(0, oldFiles-stats.Kept-int(w.replaced.Load()))
	stats.Elapsed = time.Since(b.start)
	return stats, nil
}

type writer struct {
	root     string
	theme    *render.Theme
	progress Progress
	extra    func() (map[string][]byte, error)
	signed   SignedFunc
	// signedShards compresses the signed credentials' shards.
	signedShards *GzipCache
	part         Part

	made               sync.Map // folders created, by relative path
	files, dirs, pages atomic.Int64
	// old is the site being replaced, if any, whose files equal to the
	// new ones are kept (see keep).
	old                     *os.Root
	oldFD                   int // old's root for keepFast, or -1
	kept, written, replaced atomic.Int64
	bytes                   atomic.Int64
	total                   int
}

// task writes one or more files with a worker's buffer.
type task func(buf *bytes.Buffer) error

func (b *Build) write(st *site.Site) (Stats, error) {
	w := b.w
	inlineStyle(st, w.theme)
	// The partners' pages and logos are tasks of their own: a part of a
	// build writes its share of them (Part), and job 0 every other file
	// that is not a shard; the rest of a later job's tasks are dropped
	// below.
	var tasks, partnerTasks []task
	page := func(to *[]task, kind string, data any, path string) {
		*to = append(*to, func(buf *bytes.Buffer) error {
			if err := w.theme.Page(buf, kind, data); err != nil {
				return fmt.Errorf("%s: %w", path, err)
			}
			w.pages.Add(1)
			return w.file(path, buf.Bytes(), true)
		})
	}
	eachPage(st, func(kind string, data any, path string) {
		if p, ok := data.(*site.PartnerPage); ok && kind == "partner" {
			if w.part.ownsPartner(p.ID) {
				page(&partnerTasks, kind, data, path)
			}
			return
		}
		page(&tasks, kind, data, path)
	})
	// Partners' logos, as checked.
	partnerTasks = append(partnerTasks, func(*bytes.Buffer) error {
		for _, pa := range st.P.Partners {
			if pa.Listed && pa.Logo != nil && w.part.ownsPartner(pa.ID) {
				// Its folder too: the partner's page, which makes it, is
				// another task and may not have run yet.
				if err := w.file("partners/"+pa.ID+"/"+pa.Logo.File, pa.Logo.Data, true); err != nil {
					return err
				}
			}
		}
		return nil
	})

	for _, name := range sortedKeys(st, w.theme.Assets) {
		data := w.theme.Assets[name]
		tasks = append(tasks, func(*bytes.Buffer) error { return w.file(name, data, true) })
	}
	tasks = append(tasks,
		func(buf *bytes.Buffer) error { return w.file("robots.txt", robots(st), false) },
		func(buf *bytes.Buffer) error {
			for name, data := range sitemaps(st) {
				if err := w.file(name, data, false); err != nil {
					return err
				}
			}
			return nil
		},
		func(buf *bytes.Buffer) error {
			b, err := feed(st)
			if err != nil {
				return err
			}
			return w.file("feed.xml", b, false)
		},
		func(buf *bytes.Buffer) error { return w.file(AsOfFile, asOfJSON(st), true) },
		func(buf *bytes.Buffer) error {
			b, err := partnersJSON(st)
			if err != nil {
				return err
			}
			return w.file("api/v1/partners.json", b, true)
		},
	)
	// One task per image: a PNG takes tens of milliseconds to draw.
	for _, key := range slices.Sorted(maps.Keys(st.Badges)) {
		bi := st.Badges[key]
		for _, img := range badgeImages(bi) {
			tasks = append(tasks, func(*bytes.Buffer) error {
				b, err := img.draw(bi.PNGDesign)
				if err != nil {
					return fmt.Errorf("%s: %w", img.path, err)
				}
				return w.file(img.path, b, true)
			})
		}
	}
	if w.extra != nil {
		// First in the queue: the longest single task.
		tasks = slices.Insert(tasks, 0, func(*bytes.Buffer) error {
			files, err := w.extra()
			if err != nil {
				return err
			}
			for _, name := range slices.Sorted(maps.Keys(files)) {
				if err := w.file(name, files[name], true); err != nil {
					return err
				}
			}
			return nil
		})
	}
	if !w.part.site() {
		tasks = nil // job 0 of the build writes them (Part)
	}
	tasks = append(tasks, partnerTasks...)
	if st.Info.Shards != nil {
		tasks = append(tasks, w.shardTasks(st)...)
		if w.part.site() {
			tasks = append(tasks, func(*bytes.Buffer) error { return w.file("_redirects", redirects(st), false) })
		}
	}
	// Credentials in chunks, so a worker renders many without a task each,
	// once Start's goroutine has made their folders.
	creds := st.P.Credentials
	if st.Info.Shards != nil {
		creds = nil
	}
	for n, i := 0, 0; i < len(creds); n, i = n+1, i+chunk {
		part := creds[i:min(len(creds), i+chunk)]
		ready := b.folders[n]
		tasks = append(tasks, func(buf *bytes.Buffer) error {
			sc := scratch.Get().(*site.Scratch)
			defer scratch.Put(sc)
			var ob3 []byte // the signed credentials', one at a time
			<-ready
			if b.foldersErr != nil {
				return b.foldersErr
			}
			for j, c := range part {
				if c != b.creds[i+j] {
					return fmt.Errorf("publish: credential %s is not the one the build was started for", c.ID)
				}
				cp, err := st.CredentialIn(c, sc) // written out before the next
				if err != nil {
					return fmt.Errorf("credential %s: %w", c.ID, err)
				}
				dir := "verify/" + c.ID
				buf.Reset()
				if err := w.theme.Page(buf, "verify", cp); err != nil {
					return fmt.Errorf("%s: %w", dir, err)
				}
				w.pages.Add(1)
				if err := w.file(dir+"/index.html", buf.Bytes(), false); err != nil {
					return err
				}
				if err := w.file(dir+"/badge.svg", cp.BadgeSVG, false); err != nil {
					return err
				}
				if err := w.file("api/v1/credentials/"+c.ID+".json", cp.JSON, false); err != nil {
					return err
				}
				if w.signed != nil {
					var err error
					if ob3, err = w.signed(ob3[:0], c, cp); err != nil {
						return fmt.Errorf("credential %s: signing: %w", c.ID, err)
					}
					if err := w.file("api/v1/credentials/"+c.ID+".ob3.json", ob3, false); err != nil {
						return err
					}
				}
			}
			return nil
		})
	}
	w.total = len(tasks)
	if err := w.run(tasks); err != nil {
		return Stats{}, err
	}
	return Stats{Pages: int(w.pages.Load()), Files: int(w.files.Load()), Dirs: int(w.dirs.Load()), Bytes: w.bytes.Load(),
		Written: int(w.written.Load()), Kept: int(w.kept.Load())}, nil
}

// badgeImage is one PNG of a certification: its path and how it is drawn.
type badgeImage struct {
	path string
	draw func(badge.PNGDesign) ([]byte, error)
}

func badgeImages(bi *site.BadgeImage) []badgeImage {
	return []badgeImage{{bi.OG, badge.OGPNG}, {bi.Square, badge.SquarePNG}}
}

// scratch holds the workers' site.Scratch: one per worker at a time.
var scratch = sync.Pool{New: func() any { return new(site.Scratch) }}

// eachPage calls f with the template, data and path of every HTML page
// but the verification pages, which are made one by one from the
// credentials.
func eachPage(st *site.Site, f func(kind string, data any, path string)) {
	f("home", st.Home, st.Home.Path)
	for _, l := range st.Lists {
		f("list", l, l.Path)
	}
	for _, p := range st.Partners {
		f("partner", p, p.Path)
	}
	f("program", st.Program, st.Program.Path)
	for _, t := range st.Tracks {
		f("track", t, t.Path)
	}
	for _, p := range st.Pages {
		f("page", p, p.Path)
	}
	f("lookup", st.Lookup, st.Lookup.Path)
	f("404", st.NotFound, st.NotFound.Path)
}

func sortedKeys(_ *site.Site, m map[string][]byte) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// run runs the tasks on all cores and stops at the first error.
func (w *writer) run(tasks []task) error {
	var (
		next     atomic.Int64
		done     atomic.Int64
		firstErr error
		errOnce  sync.Once
		failed   atomic.Bool
		wg       sync.WaitGroup
	)
	stop := make(chan struct{})
	if w.progress != nil {
		ticker := time.NewTicker(200 * time.Millisecond)
		defer ticker.Stop()
		go func() {
			for {
				select {
				case <-ticker.C:
					w.progress(int(done.Load()), len(tasks))
				case <-stop:
					return
				}
			}
		}()
	}
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			var buf bytes.Buffer
			for !failed.Load() {
				i := int(next.Add(1)) - 1
				if i >= len(tasks) {
					return
				}
				buf.Reset()
				if err := tasks[i](&buf); err != nil {
					errOnce.Do(func() { firstErr = err })
					failed.Store(true)
					return
				}
				done.Add(1)
			}
		})
	}
	wg.Wait()
	close(stop)
	if w.progress != nil {
		w.progress(int(done.Load()), len(tasks))
	}
	return firstErr
}

// file writes data at rel (slash-separated), creating its folder when
// mkdir is set.
func (w *writer) file(rel string, data []byte, mkdir bool) error {
	p := filepath.Join(w.root, filepath.FromSlash(rel))
	if mkdir {
		if err := w.ensureDir(path.Dir(rel)); err != nil {
			return err
		}
	}
	switch kept, existed := w.keep(rel, p, data); {
	case kept:
		w.kept.Add(1)
	default:
		if err := writeFile(p, data); err != nil {
			return err
		}
		w.written.Add(1)
		if existed {
			w.replaced.Add(1)
		}
	}
	w.files.Add(1)
	w.bytes.Add(int64(len(data)))
	return nil
}

// ensureDir creates the folder rel and its parents, each once: other
// workers asking for the same folder wait until it exists.
func (w *writer) ensureDir(rel string) error {
	if rel == "." || rel == "" {
		return nil
	}
	v, _ := w.made.LoadOrStore(rel, &dirOnce{})
	d := v.(*dirOnce)
	d.once.Do(func() {
		if d.err = w.ensureDir(path.Dir(rel)); d.err != nil {
			return
		}
		d.err = os.Mkdir(filepath.Join(w.root, filepath.FromSlash(rel)), 0o755)
		if d.err == nil {
			w.dirs.Add(1)
		}
	})
	return d.err
}

type dirOnce struct {
	once sync.Once
	err  error
}

type pathError = fs.PathError

func partnersJSON(st *site.Site) ([]byte, error) {
	b, err := json.MarshalIndent(st.PartnersJSON, "", "  ")
	return append(b, '\n'), err
}

// AsOfFile holds the build's as-of date, the one file of the site that
// changes every day: pages link it (and site.js shows its date) instead
// of carrying the date themselves, so that a page's bytes change only
// when its content does and a nightly rebuild uploads only that.
const AsOfFile = "api/v1/as-of.json"

func asOfJSON(st *site.Site) []byte {
	return []byte(`{"as_of":"` + st.Info.AsOf.String() + `"}` + "\n")
}

func robots(st *site.Site) []byte {
	return []byte("User-agent: *\nAllow: /\n\nSitemap: " + st.Info.SiteURL + "sitemap.xml\n")
}

// sitemapMax is the most URLs one sitemap file may hold (sitemaps.org).
var sitemapMax = 50000

// sitemaps lists the public pages: no verification page (most holders
// share their credential by link, and private ones must never be listed).
// Past 50,000 pages, sitemap.xml becomes an index of sitemap-N.xml files.
func sitemaps(st *site.Site) map[string][]byte {
	urls := []string{st.Home.Canonical}
	for _, l := range st.Lists {
		urls = append(urls, l.Canonical)
	}
	for _, p := range st.Partners {
		urls = append(urls, p.Canonical)
	}
	urls = append(urls, st.Program.Canonical)
	for _, t := range st.Tracks {
		urls = append(urls, t.Canonical)
	}
	for _, p := range st.Pages {
		urls = append(urls, p.Canonical)
	}
	urls = append(urls, st.Lookup.Canonical)
	if len(urls) <= sitemapMax {
		return map[string][]byte{"sitemap.xml": urlset(urls)}
	}
	out := map[string][]byte{}
	var index bytes.Buffer
	index.WriteString(xml.Header)
	index.WriteString(`<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">` + "\n")
	for i := 0; i*sitemapMax < len(urls); i++ {
		name := fmt.Sprintf("sitemap-%d.xml", i+1)
		out[name] = urlset(urls[i*sitemapMax : min(len(urls), (i+1)*sitemapMax)])
		index.WriteString("<sitemap><loc>")
		xml.EscapeText(&index, []byte(st.Info.SiteURL+name))
		index.WriteString("</loc></sitemap>\n")
	}
	index.WriteString("</sitemapindex>\n")
	out["sitemap.xml"] = index.Bytes()
	return out
}

func urlset(urls []string) []byte {
	var b bytes.Buffer
	b.WriteString(xml.Header)
	b.WriteString(`<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">` + "\n")
	for _, u := range urls {
		b.WriteString("<url><loc>")
		xml.EscapeText(&b, []byte(u))
		b.WriteString("</loc></url>\n")
	}
	b.WriteString("</urlset>\n")
	return b.Bytes()
}

type atomLink struct {
	Href string `xml:"href,attr"`
	Rel  string `xml:"rel,attr,omitempty"`
}

type atomEntry struct {
	Title   string   `xml:"title"`
	ID      string   `xml:"id"`
	Link    atomLink `xml:"link"`
	Updated string   `xml:"updated"`
	Summary string   `xml:"summary"`
}

// feedUpdated is the date of the feed's latest entry: the feed changes
// when an entry does, not every day. A feed without entries takes the
// as-of date (Atom requires one).
func feedUpdated(st *site.Site) date.Date {
	var last date.Date
	for _, e := range st.Feed {
		if e.Updated.After(last) {
			last = e.Updated
		}
	}
	if !last.Valid() {
		return st.Info.AsOf
	}
	return last
}

// feed is the Atom feed of new certifications and tier changes.
func feed(st *site.Site) ([]byte, error) {
	type author struct {
		Name string `xml:"name"`
	}
	f := struct {
		XMLName xml.Name    `xml:"http://www.w3.org/2005/Atom feed"`
		Title   string      `xml:"title"`
		ID      string      `xml:"id"`
		Links   []atomLink  `xml:"link"`
		Updated string      `xml:"updated"`
		Author  author      `xml:"author"`
		Entries []atomEntry `xml:"entry"`
	}{
		Title:   st.Info.Name + ": new certifications and tier changes",
		ID:      st.Info.SiteURL,
		Links:   []atomLink{{Href: st.Info.SiteURL}, {Href: st.Info.SiteURL + "feed.xml", Rel: "self"}},
		Updated: feedUpdated(st).String() + "T00:00:00Z",
		Author:  author{st.Info.Issuer},
	}
	for _, e := range st.Feed {
		f.Entries = append(f.Entries, atomEntry{Title: e.Title, ID: e.ID, Link: atomLink{Href: e.URL}, Updated: e.Updated.String() + "T00:00:00Z", Summary: e.Summary})
	}
	b, err := xml.MarshalIndent(f, "", "  ")
	if err != nil {
		return nil, err
	}
	return append([]byte(xml.Header), append(b, '\n')...), nil
}

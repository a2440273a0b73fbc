package importcsv

import (
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"path/filepath"
	"slices"
	"strings"
	"sync"

	"github.com/accredit/accredit/cmd/internal/date"
	"github.com/accredit/accredit/cmd/internal/diag"
	"github.com/accredit/accredit/cmd/internal/load"
	"github.com/accredit/accredit/cmd/internal/program"
	"github.com/accredit/accredit/cmd/internal/record"
	"github.com/accredit/accredit/cmd/internal/safefs"
)

// Plan is what an import would change.
type Plan struct {
	Files    []*FilePlan // files that gain records, by path
	Present  []Row       // rows already recorded (or repeated in the CSV)
	Problems []Problem   // any problem means nothing is written

	root  string
	stale bool          // a row matched by e-mail met a file that says otherwise
	index *record.Index // the e-mail index, when rows were matched by e-mail
	cache string        // where the index is kept
}

// FilePlan is one person file and the records it gains.
type FilePlan struct {
	File  string // relative to the root, /-separated
	Path  string // on disk
	Data  []byte // the new content
	Added []Row

	base *record.Base // the content the plan was made from
}

// Records counts the records the plan adds.
func (p *Plan) Records() int {
	n := 0
	for _, f := range p.Files {
		n += len(f.Added)
	}
	return n
}

// Write writes every file of a plan without problems, all or nothing
// even if the process is killed (record.Write), and only if none of them
// changed since the plan read it. The caller holds the program's lock.
func (p *Plan) Write() error {
	if len(p.Problems) > 0 {
		return errors.New("the import has problems: nothing written")
	}
	files := make([]record.File, len(p.Files))
	for i, f := range p.Files {
		files[i] = record.File{Path: f.Path, Data: f.Data, Base: f.base}
	}
	if err := record.Write(p.root, files); err != nil {
		return err
	}
	var partners []string
	for _, f := range p.Files {
		partners = append(partners, strings.Split(f.File, "/")[1])
	}
	p.index.Touched(partners, p.cache)
	return nil
}

// Options tune an import.
type Options struct {
	// IndexCache, when set, is the file that keeps the e-mail index
	// between runs (see record.Index).
	IndexCache string
}

// PlanImport matches rows to people and to the program's exams and
// courses, and prepares each touched file's new content. Results dated
// after asOf are problems (check would report them as future-date). The
// error is for a program that cannot be read at all.
func PlanImport(root string, rows []Row, asOf date.Date, opts Options) (*Plan, error) {
	// The definitions only: exams and courses to match ids against.
	defs, _, err := load.LoadWith(root, load.Options{Only: func(string, string) bool { return false }})
	if err != nil {
		return nil, err
	}
	var idx *record.Index
	for _, r := range rows {
		if r.Partner == "" || r.Person == "" {
			if idx, err = record.BuildIndex(root, opts.IndexCache, true); err != nil {
				return nil, err
			}
			break
		}
	}
	// Person files are read as the loader reads them (package safefs): a
	// file that is a link, a FIFO or too large stops the import, naming
	// it, before anything is written.
	d, err := safefs.Open(root)
	if err != nil {
		return nil, err
	}
	defer d.Close()
	plan, err := planWith(d, root, defs, idx, rows, asOf)
	if err == nil && opts.IndexCache != "" && plan.stale {
		// The stored index missed a change: look at every file again.
		if idx, err = record.BuildIndex(root, opts.IndexCache, false); err != nil {
			return nil, err
		}
		plan, err = planWith(d, root, defs, idx, rows, asOf)
	}
	if err != nil {
		return nil, err
	}
	plan.index, plan.cache, plan.root = idx, opts.IndexCache, root
	return plan, nil
}

func planWith(d *safefs.Dir, root string, defs *program.Program, idx *record.Index, rows []Row, asOf date.Date) (*Plan, error) {
	plan := &Plan{}
	problem := func(r Row, format string, args ...any) {
		plan.Problems = append(plan.Problems, Problem{Line: r.Line, Msg: fmt.Sprintf(format, args...)})
	}
	// Who and what each row is about.
	byFile := map[string][]Row{}
	for _, r := range rows {
		rel := ""
		switch {
		case r.Partner != "" && r.Person != "":
			if !load.IsSlug(r.Partner) || !load.IsSlug(r.Person) {
				problem(r, "partner %q and person %q must be ids", r.Partner, r.Person)
				continue
			}
			rel = "partners/" + r.Partner + "/people/" + r.Person + ".toml"
		default:
			files := idx.ByEmail(r.Email)
			switch len(files) {
			case 0:
				problem(r, "unknown person: no one's email is %s", r.Email)
				plan.stale = true
				continue
			case 1:
				rel = files[0]
			default:
				problem(r, "%d people have the email %s (%s): add partner and person columns", len(files), r.Email, strings.Join(files, ", "))
				continue
			}
		}
		switch {
		case r.Kind == Exam && defs.Exam(r.ID) == nil:
			problem(r, "unknown exam %q: no programs/exams/%s.toml", r.ID, r.ID)
			continue
		case r.Kind == Course && defs.Course(r.ID) == nil:
			problem(r, "unknown course %q: courses are defined in [[courses]] of a track", r.ID)
			continue
		case r.Date.After(asOf):
			problem(r, "date %s is after today (%s)", r.Date, asOf)
			continue
		}
		byFile[rel] = append(byFile[rel], r)
	}
	// Each touched file, on all cores: read, decode, add what is new.
	rels := slices.Sorted(maps.Keys(byFile))
	results := make([]fileResult, len(rels))
	var wg sync.WaitGroup
	next := make(chan int, len(rels))
	for i := range rels {
		next <- i
	}
	close(next)
	for range record.IOWorkers() {
		wg.Go(func() {
			for i := range next {
				results[i] = planFile(d, root, rels[i], byFile[rels[i]])
			}
		})
	}
	wg.Wait()
	for _, res := range results {
		if res.err != nil { // the first in path order
			return nil, res.err
		}
		plan.Problems = append(plan.Problems, res.problems...)
		plan.Present = append(plan.Present, res.present...)
		plan.stale = plan.stale || res.stale
		if res.file != nil {
			plan.Files = append(plan.Files, res.file)
		}
	}
	slices.SortStableFunc(plan.Problems, func(a, b Problem) int { return a.Line - b.Line })
	slices.SortFunc(plan.Present, func(a, b Row) int { return a.Line - b.Line })
	return plan, nil
}

type fileResult struct {
	file     *FilePlan
	present  []Row
	problems []Problem
	stale    bool
	err      error // a file refused (*record.FileError): no plan at all
}

// planFile adds a file's new rows after the records it already holds.
func planFile(d *safefs.Dir, root, rel string, rows []Row) (res fileResult) {
	problem := func(r Row, format string, args ...any) {
		res.problems = append(res.problems, Problem{r.Line, fmt.Sprintf(format, args...)})
	}
	path := filepath.Join(root, filepath.FromSlash(rel))
	old, err := record.ReadPersonIn(d, rel)
	var fe *record.FileError
	if errors.As(err, &fe) {
		res.err = err
		return res
	}
	if err != nil {
		res.stale = true
		for _, r := range rows {
			if errors.Is(err, fs.ErrNotExist) {
				problem(r, "unknown person %s/%s: no %s", r.Partner, r.Person, rel)
			} else {
				problem(r, "%s: %v", rel, err)
			}
		}
		return res
	}
	pe, before := load.Person(rel, old)
	if pe == nil {
		for _, r := range rows {
			problem(r, "%s cannot be read: %s", rel, before[0])
		}
		return res
	}
	for _, r := range rows {
		byID := r.Partner != "" && r.Person != ""
		// A file without an e-mail cannot contradict a row found by id; a
		// row found by e-mail must find it in the file, or the stored index
		// is out of date.
		if r.Email != "" && !strings.EqualFold(r.Email, pe.Email) && (pe.Email != "" || !byID) {
			problem(r, "%s has email %q, not %s", rel, pe.Email, r.Email)
			res.stale = res.stale || !byID
		}
	}
	if len(res.problems) > 0 {
		return res
	}
	// Results go in date order, whatever the order of the export.
	slices.SortStableFunc(rows, func(a, b Row) int { return a.Date.Compare(b.Date) })
	data := old
	var added []Row
	var changes []record.Change
	for _, r := range rows {
		switch dup, conflict := recorded(pe, added, r); {
		case conflict != "":
			problem(r, "%s already records %s: the export says %s", rel, conflict, r)
			continue
		case dup:
			res.present = append(res.present, r)
			continue
		}
		added = append(added, r)
		data = appendRecord(data, table(r), kvs(r)...)
		changes = append(changes, record.Change{Table: table(r), Index: -1, KVs: kvs(r)})
	}
	if len(added) == 0 || len(res.problems) > 0 {
		return res
	}
	// The appended blocks must leave the file as valid as it was: a file
	// that writes exams = [...] as an inline array cannot take [[exams]].
	// The file decoded, so that is the one way to break it (record's
	// FuzzAppend); where the scan cannot tell, decode the result.
	if !record.Appendable(old, "exams", "training") {
		if _, after := load.Person(rel, data); len(diag.Added(before, after)) > 0 {
			t := "exams"
			if record.Appendable(old, t) {
				t = "training"
			}
			for _, r := range added {
				problem(r, "cannot add to %s: it writes %s in a form that [[%s]] blocks cannot extend", rel, t, t)
			}
			return res
		}
	}
	// The post-condition: the file reads back with exactly the records
	// added and every other value as it was.
	if err := record.VerifyPerson(rel, pe, data, changes...); err != nil {
		for _, r := range added {
			problem(r, "%v", err)
		}
		return res
	}
	slices.SortFunc(added, func(a, b Row) int { return a.Line - b.Line })
	res.file = &FilePlan{File: rel, Path: path, Data: data, Added: added, base: record.BaseOf(old)}
	return res
}

// recorded reports whether r is already in the file or among the rows
// added before it, and names a record that contradicts it: an attempt of
// the same exam on the same day with another score or mode.
func recorded(pe *program.Person, added []Row, r Row) (dup bool, conflict string) {
	if r.Kind == Course {
		for _, t := range pe.Training {
			if t.Course == r.ID && t.Completed == r.Date {
				return true, ""
			}
		}
		for _, a := range added {
			if a.Kind == Course && a.ID == r.ID && a.Date == r.Date {
				return true, ""
			}
		}
		return false, ""
	}
	// A mode missing on either side is not a contradiction: the record is
	// kept as it is.
	same := func(score int, mode string) bool {
		return score == r.Score && (mode == r.Proctoring || mode == "" || r.Proctoring == "")
	}
	for _, a := range pe.Exams {
		if a.Exam == r.ID && a.Date == r.Date {
			if same(a.Score, a.Proctoring) {
				return true, ""
			}
			old := Row{Kind: Exam, ID: a.Exam, Date: a.Date, Score: a.Score, Proctoring: a.Proctoring}
			return false, fmt.Sprintf("%s at line %d", old, a.Pos.Line)
		}
	}
	for _, a := range added {
		if a.Kind == Exam && a.ID == r.ID && a.Date == r.Date {
			if same(a.Score, a.Proctoring) {
				return true, ""
			}
			return false, fmt.Sprintf("%s from CSV line %d", a, a.Line)
		}
	}
	return false, ""
}

// appendRecord is the editor's Append, replaced by a test that checks
// the post-condition catches a faulty edit.
var appendRecord = record.Append

func table(r Row) string {
	if r.Kind == Course {
		return "training"
	}
	return "exams"
}

func kvs(r Row) []record.KV {
	if r.Kind == Course {
		return []record.KV{{Key: "course", Value: r.ID}, {Key: "completed", Value: r.Date}}
	}
	out := []record.KV{{Key: "exam", Value: r.ID}, {Key: "date", Value: r.Date}, {Key: "score", Value: r.Score}}
	if r.Proctoring != "" {
		out = append(out, record.KV{Key: "proctoring", Value: r.Proctoring})
	}
	return out
}

package importcsv

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"path"
	"path/filepath"
	"reflect"
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
	New   bool // the import creates the file (Options.CreatePeople)

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
	// CreatePeople: a row that names a person by partner and person id
	// whose file does not exist creates it, with the name (required)
	// and e-mail the rows give.
	CreatePeople bool
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
	plan, err := planWith(d, root, defs, idx, rows, asOf, opts)
	if err == nil && opts.IndexCache != "" && plan.stale {
		// The stored index missed a change: look at every file again.
		if idx, err = record.BuildIndex(root, opts.IndexCache, false); err != nil {
			return nil, err
		}
		plan, err = planWith(d, root, defs, idx, rows, asOf, opts)
	}
	if err != nil {
		return nil, err
	}
	plan.index, plan.cache, plan.root = idx, opts.IndexCache, root
	return plan, nil
}

func planWith(d *safefs.Dir, root string, defs *program.Program, idx *record.Index, rows []Row, asOf date.Date, opts Options) (*Plan, error) {
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
			if !partnerExists(d, r.Partner) {
				problem(r, "unknown partner %q%s: no partners/%s/partner.md", r.Partner, diag.DidYouMean(r.Partner, partnerIDs(d)), r.Partner)
				continue
			}
			rel = "partners/" + r.Partner + "/people/" + r.Person + ".toml"
		default:
			files := idx.ByEmail(r.Email)
			switch len(files) {
			case 0:
				how := ""
				if opts.CreatePeople {
					how = ": to create them, give their partner and person ids (and name) in the row"
				}
				problem(r, "unknown person: no one's email is %s%s", r.Email, how)
				plan.stale = true
				continue
			case 1:
				rel = files[0]
			default:
				problem(r, "%d people have the email %s (%s): add partner and person columns", len(files), r.Email, strings.Join(files, ", "))
				continue
			}
		}
		k := r.Kind
		switch {
		case !k.Defined(defs, r.ID):
			where := k.Unknown
			if strings.Contains(where, "%s") {
				where = fmt.Sprintf(where, r.ID)
			}
			problem(r, "unknown %s %q%s: %s", k.What, r.ID, diag.DidYouMean(r.ID, sortedIDs(k.Known(defs))), where)
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
				results[i] = planFile(d, root, rels[i], byFile[rels[i]], opts.CreatePeople)
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

// planFile adds a file's new rows after the records it already holds,
// or, with create, makes the file of a person it does not find.
func planFile(d *safefs.Dir, root, rel string, rows []Row, create bool) (res fileResult) {
	problem := func(r Row, format string, args ...any) {
		res.problems = append(res.problems, Problem{r.Line, fmt.Sprintf(format, args...)})
	}
	fpath := filepath.Join(root, filepath.FromSlash(rel))
	old, base, err := record.ReadPersonBase(d, rel)
	var fe *record.FileError
	if errors.As(err, &fe) {
		res.err = err
		return res
	}
	var pe *program.Person
	var before []diag.Diagnostic
	var person []record.KV // the keys of a person the import creates
	switch {
	case errors.Is(err, fs.ErrNotExist) && create && rows[0].Partner != "":
		var msgs []string
		old, person, msgs = newPerson(rows)
		for _, m := range msgs {
			for _, r := range rows {
				problem(r, "cannot create %s: %s", rel, m)
			}
		}
		if len(msgs) > 0 {
			return res
		}
		pe = &program.Person{ID: strings.TrimSuffix(path.Base(rel), ".toml")}
	case err != nil:
		res.stale = true
		for _, r := range rows {
			if errors.Is(err, fs.ErrNotExist) {
				problem(r, "unknown person %s/%s%s: no %s (--create-people creates it from the row's name and email)",
					r.Partner, r.Person, diag.DidYouMean(r.Person, personIDs(d, r.Partner)), rel)
			} else {
				problem(r, "%s: %v", rel, err)
			}
		}
		return res
	default:
		pe, before = load.Person(rel, old)
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
	}
	if len(res.problems) > 0 {
		return res
	}
	// Results go in date order, whatever the order of the export.
	slices.SortStableFunc(rows, func(a, b Row) int { return a.Date.Compare(b.Date) })
	data := old
	var added []Row
	var changes []record.Change
	var tables []string
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
		data = appendRecord(data, r.Kind.Table, r.KVs()...)
		changes = append(changes, record.Change{Table: r.Kind.Table, Index: -1, KVs: r.KVs()})
		if !slices.Contains(tables, r.Kind.Table) {
			tables = append(tables, r.Kind.Table)
		}
	}
	if len(added) == 0 || len(res.problems) > 0 {
		return res
	}
	if person != nil {
		// A new file: nothing to keep, and nothing before the edit.
		base, pe = record.NoFile(), nil
		changes = append(changes, record.Change{KVs: person})
	} else if !record.Appendable(old, tables...) {
		// The appended blocks must leave the file as valid as it was: a
		// file that writes exams = [...] as an inline array cannot take
		// [[exams]]. The file decoded, so that is the one way to break
		// it (record's FuzzAppend); where the scan cannot tell, decode
		// the result.
		if _, after := load.Person(rel, data); len(diag.Added(before, after)) > 0 {
			t := tables[0]
			for _, c := range tables {
				if !record.Appendable(old, c) {
					t = c
					break
				}
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
	res.file = &FilePlan{File: rel, Path: fpath, Data: data, Added: added, New: person != nil, base: base}
	return res
}

// newPerson is the file of a person an import creates: the name and
// e-mail its rows give (the rows must agree), private until the person
// consents, as grant --name writes it. msgs say why it cannot be made.
func newPerson(rows []Row) (data []byte, kvs []record.KV, msgs []string) {
	var name, email string
	for _, r := range rows {
		switch {
		case r.Name == "":
		case name == "":
			name = r.Name
		case r.Name != name:
			msgs = append(msgs, fmt.Sprintf("the rows give two names, %q and %q", name, r.Name))
		}
		switch {
		case r.Email == "":
		case email == "":
			email = r.Email
		case !strings.EqualFold(r.Email, email):
			msgs = append(msgs, fmt.Sprintf("the rows give two e-mails, %s and %s", email, r.Email))
		}
	}
	if name == "" {
		msgs = append(msgs, "no name: a name column (--map name=COLUMN) gives the new person's name")
	}
	if email != "" && !load.IsEmail(email) {
		msgs = append(msgs, fmt.Sprintf("email %q is not an e-mail address", email))
	}
	if len(msgs) > 0 {
		return nil, nil, slices.Compact(msgs)
	}
	var b bytes.Buffer
	b.WriteString(record.KV{Key: "name", Value: name}.Line() + "\n")
	kvs = []record.KV{{Key: "name", Value: name}, {Key: "public", Value: false}}
	if email != "" {
		b.WriteString(record.KV{Key: "email", Value: email}.Line() + "   # private, never published\n")
		kvs = append(kvs, record.KV{Key: "email", Value: email})
	}
	b.WriteString("public = false                       # true only with the person's written consent\n")
	return b.Bytes(), kvs, nil
}

// recorded reports whether r is already in the file or among the rows
// added before it: a record of the same kind, id and date (and the same
// values of its kind's identity columns, such as an evidence title). It
// names a record that contradicts r: the same one with another value
// where both give one (another score; a mode missing on either side is
// no contradiction, and the record is kept as it is).
func recorded(pe *program.Person, added []Row, r Row) (dup bool, conflict string) {
	for _, o := range existing(pe, r.Kind) {
		if same, differ := compare(o, r); same && differ {
			return false, fmt.Sprintf("%s at line %d", o, o.Line)
		} else if same {
			return true, ""
		}
	}
	for _, a := range added {
		if same, differ := compare(a, r); same && differ {
			return false, fmt.Sprintf("%s from CSV line %d", a, a.Line)
		} else if same {
			return true, ""
		}
	}
	return false, ""
}

// compare tells whether two rows are about the same record, and if so
// whether they disagree on a value both give.
func compare(a, b Row) (same, differ bool) {
	if a.Kind != b.Kind || a.ID != b.ID || a.Date != b.Date {
		return false, false
	}
	for _, c := range a.Kind.Cols {
		av, aok := a.Value(c.Key)
		bv, bok := b.Value(c.Key)
		if c.Identity && (aok != bok || !reflect.DeepEqual(av, bv)) {
			return false, false
		}
		if !c.Identity && aok && bok && !reflect.DeepEqual(av, bv) {
			differ = true
		}
	}
	return true, differ
}

// existing reads a person's records of a kind back as rows, the line of
// each in Line, by the toml keys the kind names: the loader's types
// need not change when a kind gains a column.
func existing(pe *program.Person, k *Kind) []Row {
	if pe == nil {
		return nil
	}
	list := tomlField(reflect.ValueOf(pe).Elem(), k.Table)
	if !list.IsValid() {
		return nil
	}
	var out []Row
	for i := range list.Len() {
		rec := list.Index(i)
		if rec.Kind() == reflect.Pointer {
			rec = rec.Elem()
		}
		r := Row{Kind: k}
		r.ID, _ = tomlField(rec, k.IDKey).Interface().(string)
		r.Date, _ = tomlField(rec, k.DateKey).Interface().(date.Date)
		if pos, ok := rec.FieldByName("Pos").Interface().(program.Pos); ok {
			r.Line = pos.Line
		}
		for _, c := range k.Cols {
			if v := tomlField(rec, c.Key); v.IsValid() && (c.Required || !v.IsZero()) {
				r.Values = append(r.Values, record.KV{Key: c.Key, Value: v.Interface()})
			}
		}
		out = append(out, r)
	}
	return out
}

// tomlField is the field of struct v tagged with key.
func tomlField(v reflect.Value, key string) reflect.Value {
	t := v.Type()
	for i := range t.NumField() {
		if name, _, _ := strings.Cut(t.Field(i).Tag.Get("toml"), ","); name == key {
			return v.Field(i)
		}
	}
	return reflect.Value{}
}

// partnerExists reports whether the partner's folder holds its
// partner.md: without it, no person of the partner is read.
func partnerExists(d *safefs.Dir, partner string) bool {
	_, err := d.Stat("partners/" + partner + "/partner.md")
	return err == nil
}

// partnerIDs and personIDs list the ids there are, for a "did you mean"
// after a miss: only on the way of an error.
func partnerIDs(d *safefs.Dir) []string {
	return names(d, "partners", func(e fs.DirEntry) (string, bool) { return e.Name(), e.IsDir() })
}

func personIDs(d *safefs.Dir, partner string) []string {
	return names(d, "partners/"+partner+"/people", func(e fs.DirEntry) (string, bool) {
		id, ok := strings.CutSuffix(e.Name(), ".toml")
		return id, ok && !e.IsDir()
	})
}

func names(d *safefs.Dir, dir string, keep func(fs.DirEntry) (string, bool)) []string {
	es, err := d.ReadDir(dir)
	if err != nil {
		return nil
	}
	var out []string
	for _, e := range es {
		if id, ok := keep(e); ok && !strings.HasPrefix(id, ".") {
			out = append(out, id)
		}
	}
	slices.Sort(out)
	return out
}

func sortedIDs(ids []string) []string {
	ids = slices.Clone(ids)
	slices.Sort(ids)
	return slices.Compact(ids)
}

// appendRecord is the editor's Append, replaced by a test that checks
// the post-condition catches a faulty edit.
var appendRecord = record.Append

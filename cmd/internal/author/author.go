package author

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"slices"
	"strings"
	"sync"

	"github.com/accredit/accredit/cmd/internal/check"
	"github.com/accredit/accredit/cmd/internal/credid"
	"github.com/accredit/accredit/cmd/internal/date"
	"github.com/accredit/accredit/cmd/internal/diag"
	"github.com/accredit/accredit/cmd/internal/load"
	"github.com/accredit/accredit/cmd/internal/program"
	"github.com/accredit/accredit/cmd/internal/record"
	"github.com/accredit/accredit/cmd/internal/safefs"
	"github.com/accredit/accredit/cmd/internal/standing"
)

// Edit is a person file's new content, ready to write.
type Edit struct {
	Root string
	File string // relative to Root, /-separated
	Data []byte // the whole new content
	Old  []byte // the content before (empty for a new file)
	New  bool   // the file did not exist

	// What the edit did, for the command's report.
	Holder  string
	Partner string
	Cred    *program.Credential // the credential granted, renewed or revoked
	Cert    *program.Certification
	Expires date.Date // of a granted or renewing credential
}

// Added returns the lines the edit adds: every edit adds lines in one
// place and changes nothing else.
func (e *Edit) Added() []byte {
	if e.New {
		return e.Data
	}
	a, b := e.Old, e.Data
	i := 0
	for i < len(a) && a[i] == b[i] {
		i++
	}
	for i > 0 && b[i-1] != '\n' { // from the start of the line
		i--
	}
	j := 0
	for j < len(a)-i && a[len(a)-1-j] == b[len(b)-1-j] {
		j++
	}
	return b[i : len(b)-j]
}

// Write puts the edit on disk atomically, only if the file is still what
// the edit was made from. The caller holds the program's lock.
func (e *Edit) Write() error {
	base := record.BaseOf(e.Old)
	if e.New {
		base = record.NoFile()
	}
	return record.Write(e.Root, []record.File{{Path: filepath.Join(e.Root, filepath.FromSlash(e.File)), Data: e.Data, Base: base}})
}

// Refusal is an edit that the rules do not allow. Nothing is written.
type Refusal struct {
	What string // "grant sales/foundation to acme/ann on 2025-06-01"
	// Problems are the errors the file would have, in check's words.
	// Those at or after line Block are in the lines the edit adds.
	Problems []diag.Diagnostic
	Block    int
	// Reason, when set, says why without diagnostics ("already revoked").
	Reason string
	// NewID is the id drawn for the refused credential, which the
	// problems name and nothing ever wrote; "" when it was given (--id).
	NewID string
}

func (r *Refusal) Error() string {
	if r.Reason != "" {
		return "cannot " + r.What + ": " + r.Reason
	}
	return fmt.Sprintf("cannot %s: %d problems", r.What, len(r.Problems))
}

// Grant is a certification to grant to one person.
type Grant struct {
	Partner, Person string
	Track, Level    string
	Issued          date.Date
	Renews          string // the credential this one renews, if any
	Waive           []string
	WaiverReason    string
	// Name and Email, when set, create the person's file.
	Name, Email string
	// ID, when set, is the credential id to write instead of a fresh
	// random one: it must be a valid id that no credential has.
	ID string
}

// PlanGrant prepares a [[certifications]] block with a fresh credential id
// appended to the person's file, and judges the result at asOf. The error
// is a *Refusal when a rule is broken, any other error is a usage or I/O
// problem.
func PlanGrant(root string, g Grant, asOf date.Date) (*Edit, error) {
	if !load.IsSlug(g.Partner) || !load.IsSlug(g.Person) {
		return nil, fmt.Errorf("partner %q and person %q must be ids (lower-case letters, digits and single hyphens)", g.Partner, g.Person)
	}
	// The program's files are read as the loader reads them (package
	// safefs): a person file that is a link, a FIFO or too large is
	// refused, never followed, and so never replaced by the write.
	d, err := safefs.Open(root)
	if err != nil {
		return nil, err
	}
	defer d.Close()
	md := "partners/" + g.Partner + "/partner.md"
	if fi, err := d.Stat(md); safefs.Refused(err) {
		return nil, record.AsFileError(err)
	} else if err != nil {
		return nil, fmt.Errorf("no partner %q: %s: %v", g.Partner, md, unwrapPath(err))
	} else if err := safefs.Check(fi); err != nil {
		return nil, &record.FileError{Path: md, Err: err}
	}
	if !g.Issued.Valid() {
		return nil, errors.New("no issue date")
	}
	rel := "partners/" + g.Partner + "/people/" + g.Person + ".toml"
	old, err := record.ReadPersonIn(d, rel)
	isNew := false
	switch {
	case err == nil && g.Name != "":
		return nil, fmt.Errorf("%s already exists: --name and --email only create a new person", rel)
	case errors.Is(err, fs.ErrNotExist) && g.Name == "":
		return nil, fmt.Errorf("no person %s/%s: %s does not exist (give --name and --email to create it)", g.Partner, g.Person, rel)
	case errors.Is(err, fs.ErrNotExist):
		if g.Email != "" && !load.IsEmail(g.Email) {
			return nil, fmt.Errorf("--email %q is not an e-mail address", g.Email)
		}
		old, isNew = newPerson(g.Name, g.Email), true
	case err != nil:
		return nil, err
	}
	if len(g.Waive) > 0 && strings.TrimSpace(g.WaiverReason) == "" {
		return nil, errors.New("a waiver needs a reason (--waiver-reason)")
	}
	for _, w := range g.Waive {
		if !slices.Contains(load.GrantRules, w) {
			return nil, fmt.Errorf("rule %q cannot be waived: waivable rules are %s", w, strings.Join(load.GrantRules, ", "))
		}
	}
	id, drawn := credid.New(), true
	if g.ID != "" {
		if id, err = unusedID(root, g.ID); err != nil {
			return nil, err
		}
		drawn = false
	}
	kvs := []record.KV{{Key: "id", Value: id}, {Key: "track", Value: g.Track}, {Key: "level", Value: g.Level}, {Key: "issued", Value: g.Issued}}
	if g.Renews != "" {
		kvs = append(kvs, record.KV{Key: "renews", Value: g.Renews})
	}
	if len(g.Waive) > 0 {
		kvs = append(kvs, record.KV{Key: "waive", Value: g.Waive}, record.KV{Key: "waiver_reason", Value: g.WaiverReason})
	}
	data := appendRecord(old, "certifications", kvs...)
	block := bytes.Count(data, []byte("\n")) - len(kvs) // line of the new header

	j, err := judge(root, g.Partner, g.Person, rel, data, asOf)
	if err != nil {
		return nil, err
	}
	ce := j.prog.Certification(g.Track + "/" + g.Level)
	if ce == nil {
		return nil, fmt.Errorf("no certification %s/%s in the program%s", g.Track, g.Level, knownCerts(j.prog))
	}
	what := fmt.Sprintf("grant %s/%s to %s/%s on %s", g.Track, g.Level, g.Partner, g.Person, g.Issued)
	if g.Renews != "" {
		what = fmt.Sprintf("renew %s on %s", g.Renews, g.Issued)
	}
	if len(j.errs) > 0 {
		r := &Refusal{What: what, Problems: j.errs, Block: block}
		if drawn {
			r.NewID = id
		}
		return nil, r
	}
	// The post-condition: the file reads back with exactly one record
	// more, ours, and nothing else changed.
	var before *program.Person
	changes := []record.Change{{Table: "certifications", Index: -1, KVs: kvs}}
	if isNew {
		old = nil
		changes = append(changes, record.Change{KVs: newPersonKVs(g.Name, g.Email)})
	} else if before, _ = load.Person(rel, old); before == nil {
		return nil, fmt.Errorf("%s does not load: fix it first", rel)
	}
	if err := record.VerifyPerson(rel, before, data, changes...); err != nil {
		return nil, &Refusal{What: what, Reason: err.Error()}
	}
	cr := j.person.Certifications[len(j.person.Certifications)-1]
	return &Edit{Root: root, File: rel, Data: data, Old: old, New: isNew, Holder: j.person.Name, Partner: g.Partner,
		Cred: cr, Cert: ce, Expires: j.st.Of(cr).Expires}, nil
}

// The editor's functions, replaced by tests that check the
// post-conditions catch a faulty edit.
var (
	appendRecord = record.Append
	insertKeys   = record.Insert
)

func newPerson(name, email string) []byte {
	var b bytes.Buffer
	b.WriteString(record.KV{Key: "name", Value: name}.Line() + "\n")
	if email != "" {
		b.WriteString(record.KV{Key: "email", Value: email}.Line() + "   # private, never published\n")
	}
	b.WriteString("public = false                       # true only with the person's written consent\n")
	return b.Bytes()
}

// newPersonKVs are the keys newPerson writes.
func newPersonKVs(name, email string) []record.KV {
	kvs := []record.KV{{Key: "name", Value: name}, {Key: "public", Value: false}}
	if email != "" {
		kvs = append(kvs, record.KV{Key: "email", Value: email})
	}
	return kvs
}

func knownCerts(p *program.Program) string {
	var ks []string
	for _, t := range p.Tracks {
		for _, c := range t.Certifications {
			ks = append(ks, c.Key())
		}
	}
	if len(ks) == 0 {
		return ""
	}
	return " (known: " + strings.Join(ks, ", ") + ")"
}

// PlanRenew prepares the renewal of the credential id: a new credential of
// the same track and level, issued on issued, with renews = id.
func PlanRenew(root, id string, issued date.Date, waive []string, reason string, asOf date.Date, cache string) (*Edit, error) {
	f, err := FindCredential(root, id, cache)
	if err != nil {
		return nil, err
	}
	c := f.Cred
	return PlanGrant(root, Grant{Partner: f.Partner, Person: f.Person, Track: c.Track, Level: c.Level,
		Issued: issued, Renews: c.ID, Waive: waive, WaiverReason: reason}, asOf)
}

// PlanRevoke prepares revoked and revoked_reason keys added to the
// credential's own [[certifications]] table. It is refused when the
// credential is already revoked or when the file would have an error it
// did not have before (a revocation dated before the issue, a renewal
// issued after the revocation).
func PlanRevoke(root, id string, on date.Date, reason string, asOf date.Date, cache string) (*Edit, error) {
	if strings.TrimSpace(reason) == "" {
		return nil, errors.New("a revocation needs a reason (--reason)")
	}
	f, err := FindCredential(root, id, cache)
	if err != nil {
		return nil, err
	}
	c := f.Cred
	what := fmt.Sprintf("revoke %s on %s", c.ID, on)
	if !c.Revoked.IsZero() {
		return nil, &Refusal{What: what, Reason: fmt.Sprintf("it is already revoked (%s, %s:%d)", c.Revoked, f.File, c.Pos.Line)}
	}
	kvs := []record.KV{{Key: "revoked", Value: on}, {Key: "revoked_reason", Value: reason}}
	data, err := insertKeys(f.Data, c.Path(), kvs...)
	if err != nil {
		return nil, fmt.Errorf("%s: %v", f.File, err)
	}
	before, err := judge(root, f.Partner, f.Person, f.File, f.Data, asOf)
	if err != nil {
		return nil, err
	}
	after, err := judge(root, f.Partner, f.Person, f.File, data, asOf)
	if err != nil {
		return nil, err
	}
	if fresh := diag.Added(before.errs, after.errs); len(fresh) > 0 {
		return nil, &Refusal{What: what, Problems: fresh, Block: 1 << 30}
	}
	// The post-condition: the credential reads back revoked as asked and
	// nothing else changed (issue 16: the keys once landed inside a
	// multi-line string and revoke reported success).
	was, _ := load.Person(f.File, f.Data)
	if was == nil {
		return nil, fmt.Errorf("%s does not load: fix it first", f.File)
	}
	if err := record.VerifyPerson(f.File, was, data, record.Change{Table: "certifications", Index: c.Index, KVs: kvs}); err != nil {
		return nil, &Refusal{What: what, Reason: err.Error()}
	}
	cr := after.person.Certifications[c.Index]
	return &Edit{Root: root, File: f.File, Data: data, Old: f.Data, Holder: after.person.Name, Partner: f.Partner,
		Cred: cr, Cert: after.prog.CertificationOf(cr)}, nil
}

// judged is a person file checked over the program's definitions.
type judged struct {
	prog   *program.Program
	st     *standing.Standing
	person *program.Person
	errs   []diag.Diagnostic // the file's errors
}

// judge loads the program's definitions with one partner and one person,
// whose file has content data, and checks them at asOf.
func judge(root, partner, person, rel string, data []byte, asOf date.Date) (*judged, error) {
	p, ds, err := load.LoadWith(root, load.Options{
		Only:    func(pa, pe string) bool { return pa == partner && (pe == "" || pe == person) },
		Overlay: map[string][]byte{rel: data},
	})
	if err != nil {
		return nil, err
	}
	st := standing.Compute(p)
	j := &judged{prog: p, st: st}
	all := append(ds, check.Run(p, st, asOf)...)
	for _, d := range all {
		if d.File == rel && d.Severity == diag.Error {
			j.errs = append(j.errs, d)
		}
	}
	if pa := p.Partner(partner); pa != nil {
		for _, pe := range pa.People {
			if pe.ID == person {
				j.person = pe
			}
		}
	}
	if j.person == nil {
		// The person could not be read: their own file's errors say why,
		// or their partner's, without which no person of it is read.
		for _, d := range all {
			if d.File == "partners/"+partner+"/partner.md" && d.Severity == diag.Error {
				j.errs = append(j.errs, d)
			}
		}
		if len(j.errs) == 0 {
			return nil, fmt.Errorf("%s: the person could not be read", rel)
		}
		j.person = &program.Person{ID: person}
	}
	slices.SortFunc(j.errs, diag.Compare)
	return j, nil
}

// unusedID returns id in its canonical form when it is a valid credential
// id that no credential of the program has: an id chosen by hand (one
// from an LMS, one announced before the grant) must still be unique and
// must carry its check symbol.
func unusedID(root, id string) (string, error) {
	norm, err := credid.Normalize(id)
	if err != nil {
		return "", fmt.Errorf("--id %q is not a credential id: %v", id, err)
	}
	var mu sync.Mutex
	var where []string
	err = record.EachPerson(root, func(rel string, data []byte) {
		if bytes.Contains(data, []byte(norm)) {
			for _, h := range holding(rel, data, norm) {
				mu.Lock()
				where = append(where, fmt.Sprintf("%s:%d", h.File, h.Cred.Pos.Line))
				mu.Unlock()
			}
		}
	})
	if err != nil {
		return "", err
	}
	if len(where) > 0 {
		slices.Sort(where)
		return "", fmt.Errorf("--id %s is taken: a credential at %s has it; credential ids are never reused", norm, strings.Join(where, ", "))
	}
	return norm, nil
}

// Found is a credential found by its id.
type Found struct {
	File            string // relative to the root
	Data            []byte // the file's content
	Partner, Person string
	Cred            *program.Credential
}

// FindCredential finds the person file that holds the credential id
// (written any way a lookup accepts: lower case, without hyphens). With a
// cache file (record.Index), it reads only the files the stored index
// names; otherwise, or when none of them holds it, it reads every person
// file, decoding only those whose bytes hold the id.
func FindCredential(root, id, cache string) (*Found, error) {
	norm, err := credid.Normalize(id)
	if err != nil {
		return nil, fmt.Errorf("%q is not a credential id: %v", id, err)
	}
	var hits []*Found
	if cache != "" {
		if idx, err := record.BuildIndex(root, cache, true); err == nil {
			for _, rel := range idx.ByCredential(norm) {
				data, err := record.ReadPerson(root, rel)
				var fe *record.FileError
				if errors.As(err, &fe) {
					return nil, err
				}
				if err == nil {
					hits = append(hits, holding(rel, data, norm)...)
				}
			}
		}
	}
	if len(hits) == 0 {
		var mu sync.Mutex
		err = record.EachPerson(root, func(rel string, data []byte) {
			if bytes.Contains(data, []byte(norm)) {
				h := holding(rel, bytes.Clone(data), norm)
				mu.Lock()
				hits = append(hits, h...)
				mu.Unlock()
			}
		})
		if err != nil {
			return nil, err
		}
	}
	switch len(hits) {
	case 0:
		return nil, fmt.Errorf("no credential %s in the program", norm)
	case 1:
		return hits[0], nil
	}
	slices.SortFunc(hits, func(a, b *Found) int { return strings.Compare(a.File, b.File) })
	var where []string
	for _, h := range hits {
		where = append(where, fmt.Sprintf("%s:%d", h.File, h.Cred.Pos.Line))
	}
	return nil, fmt.Errorf("credential id %s is written %d times (%s): fix the duplicate-id first", norm, len(hits), strings.Join(where, ", "))
}

// holding decodes a person file and returns its credentials with the id
// (not a renews naming it).
func holding(rel string, data []byte, id string) []*Found {
	pe, _ := load.Person(rel, data)
	if pe == nil {
		return nil
	}
	var out []*Found
	for i, c := range pe.Certifications {
		if c.ID == id {
			c.Index = i
			parts := strings.Split(rel, "/") // partners/<partner>/people/<person>.toml
			out = append(out, &Found{File: rel, Data: data, Partner: parts[1], Person: pe.ID, Cred: c})
		}
	}
	return out
}

func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

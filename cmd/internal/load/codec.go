package load

import (
	"encoding/binary"
	"io/fs"
	"maps"
	"slices"

	"github.com/accredit/accredit/cmd/internal/date"
	"github.com/accredit/accredit/cmd/internal/program"
	"github.com/accredit/accredit/cmd/internal/safefs"
)

// A small binary codec for the records the cache keeps: people and
// partners, the files a program has by the thousand. Decoding one is a few
// microseconds, against about fifty for BurntSushi/toml.

type enc struct{ b []byte }

func (e *enc) int(i int)    { e.b = binary.AppendVarint(e.b, int64(i)) }
func (e *enc) str(s string) { e.int(len(s)); e.b = append(e.b, s...) }
func (e *enc) bytes(b []byte) {
	e.int(len(b))
	e.b = append(e.b, b...)
}
func (e *enc) date(d date.Date) { e.int(int(d.Raw())) }
func (e *enc) bool(v bool) {
	if v {
		e.b = append(e.b, 1)
	} else {
		e.b = append(e.b, 0)
	}
}
func (e *enc) strs(ss []string) {
	e.int(len(ss))
	for _, s := range ss {
		e.str(s)
	}
}
func (e *enc) pos(p program.Pos) { e.int(p.Line); e.int(p.Col) }

func (e *enc) listing(l *safefs.Listing) {
	e.int(int(l.Stamp.Dev))
	e.int(int(l.Stamp.Ino))
	e.int(int(l.Stamp.Mtime))
	e.int(int(l.Stamp.Ctime))
	e.int(len(l.Names))
	for i, n := range l.Names {
		e.str(n)
		e.int(int(l.Types[i]))
	}
}

// dec decodes from a string: the cache file is read and turned into one
// string once, and every string decoded is a substring of it, so that a
// warm check of 100,000 people, which decodes a million strings, does
// not allocate them one by one (copied, they were a fifth of its
// allocations), and nothing refers to bytes anyone could write.
type dec struct {
	s   string
	bad bool
}

func (d *dec) int() int {
	// binary.Varint, on a string.
	var ux uint64
	var shift uint
	for i := 0; i < len(d.s) && i < binary.MaxVarintLen64; i++ {
		c := d.s[i]
		if c < 0x80 {
			if i == binary.MaxVarintLen64-1 && c > 1 {
				break // overflows 64 bits
			}
			ux |= uint64(c) << shift
			d.s = d.s[i+1:]
			v := int64(ux >> 1)
			if ux&1 != 0 {
				v = ^v
			}
			return int(v)
		}
		ux |= uint64(c&0x7f) << shift
		shift += 7
	}
	d.bad = true
	d.s = ""
	return 0
}

func (d *dec) len() int {
	n := d.int()
	if n < 0 || n > len(d.s) {
		d.bad = true
		d.s = ""
		return 0
	}
	return n
}

// str reads a string: a substring of the one decoded, not a copy.
func (d *dec) str() string {
	n := d.len()
	s := d.s[:n]
	d.s = d.s[n:]
	return s
}

func (d *dec) bytes() []byte {
	n := d.len()
	b := []byte(d.s[:n])
	d.s = d.s[n:]
	return b
}

func (d *dec) listing() *safefs.Listing {
	l := &safefs.Listing{Stamp: safefs.Stamp{Dev: uint64(d.int()), Ino: uint64(d.int()), Mtime: int64(d.int()), Ctime: int64(d.int())}}
	n := d.count()
	l.Names, l.Types = make([]string, n), make([]fs.FileMode, n)
	for i := range n {
		l.Names[i], l.Types[i] = d.str(), fs.FileMode(d.int())
	}
	return l
}

func (d *dec) date() date.Date { return date.FromRaw(int32(d.int())) }

func (d *dec) bool() bool {
	if len(d.s) == 0 {
		d.bad = true
		return false
	}
	v := d.s[0] == 1
	d.s = d.s[1:]
	return v
}

func (d *dec) strs() []string {
	n := d.len()
	if n == 0 {
		return nil
	}
	ss := make([]string, n)
	for i := range ss {
		ss[i] = d.str()
	}
	return ss
}

// scores writes a result's scores in key order, its length one more
// than the map's so that a missing map (0) stays apart from an empty one
// (scores = {}), as the decoder gives them.
func (e *enc) scores(m map[string]int) {
	if m == nil {
		e.int(0)
		return
	}
	e.int(len(m) + 1)
	for _, k := range slices.Sorted(maps.Keys(m)) {
		e.str(k)
		e.int(m[k])
	}
}

func (d *dec) scores() map[string]int {
	n := d.int()
	if n <= 0 || n-1 > len(d.s) { // each entry takes at least two bytes
		if n != 0 {
			d.bad = true
		}
		return nil
	}
	m := make(map[string]int, n-1)
	for range n - 1 {
		k := d.str()
		m[k] = d.int()
	}
	return m
}

func (d *dec) pos(file string) program.Pos {
	return program.Pos{File: file, Line: d.int(), Col: d.int()}
}

// count reads a slice length; each element takes at least one byte.
func (d *dec) count() int { return d.len() }

func encodePerson(e *enc, p *program.Person) {
	e.str(p.ID)
	e.str(p.Name)
	e.str(p.Email)
	e.bool(p.Public)
	e.int(len(p.Training))
	for _, t := range p.Training {
		e.str(t.Course)
		e.date(t.Completed)
		e.pos(t.Pos)
	}
	e.int(len(p.Exams))
	for _, a := range p.Exams {
		e.str(a.Exam)
		e.date(a.Date)
		e.int(a.Score)
		e.str(a.Proctoring)
		e.str(a.Monitoring)
		e.str(a.Venue)
		e.pos(a.Pos)
	}
	e.int(len(p.Assessments))
	for _, r := range p.Assessments {
		e.str(r.Assessment)
		e.date(r.Date)
		e.bool(r.Passed)
		e.str(r.Reviewer)
		e.scores(r.Scores)
		e.pos(r.Pos)
	}
	e.int(len(p.Evidence))
	for _, v := range p.Evidence {
		e.str(v.Kind)
		e.date(v.Date)
		e.str(v.Title)
		e.str(v.Reviewer)
		e.date(v.Approved)
		e.str(v.Artifact)
		e.str(v.Reference)
		e.pos(v.Pos)
	}
	e.int(len(p.Certifications))
	for _, c := range p.Certifications {
		e.str(c.ID)
		e.str(c.Track)
		e.str(c.Level)
		e.date(c.Issued)
		e.str(c.Renews)
		e.strs(c.Waive)
		e.str(c.WaiverReason)
		e.date(c.Revoked)
		e.str(c.RevokedReason)
		e.pos(c.Pos)
	}
}

// decodePerson allocates each kind of record in one block, not one by
// one: a person holds dozens of records, a program 100,000 people.
func decodePerson(d *dec, file string) *program.Person {
	p := &program.Person{ID: d.str(), Name: d.str(), Email: d.str(), Public: d.bool()}
	training := make([]program.Training, d.count())
	p.Training = make([]*program.Training, len(training))
	for i := range training {
		training[i] = program.Training{Course: d.str(), Completed: d.date(), Pos: d.pos(file)}
		p.Training[i] = &training[i]
	}
	exams := make([]program.Attempt, d.count())
	p.Exams = make([]*program.Attempt, len(exams))
	for i := range exams {
		exams[i] = program.Attempt{Exam: d.str(), Date: d.date(), Score: d.int(), Proctoring: d.str(), Monitoring: d.str(), Venue: d.str(), Pos: d.pos(file)}
		p.Exams[i] = &exams[i]
	}
	results := make([]program.Result, d.count())
	p.Assessments = make([]*program.Result, len(results))
	for i := range results {
		results[i] = program.Result{Assessment: d.str(), Date: d.date(), Passed: d.bool(), Reviewer: d.str(), Scores: d.scores(), Pos: d.pos(file)}
		p.Assessments[i] = &results[i]
	}
	evidence := make([]program.Evidence, d.count())
	p.Evidence = make([]*program.Evidence, len(evidence))
	for i := range evidence {
		evidence[i] = program.Evidence{Kind: d.str(), Date: d.date(), Title: d.str(),
			Reviewer: d.str(), Approved: d.date(), Artifact: d.str(), Reference: d.str(), Pos: d.pos(file)}
		p.Evidence[i] = &evidence[i]
	}
	creds := make([]program.Credential, d.count())
	p.Certifications = make([]*program.Credential, len(creds))
	for i := range creds {
		creds[i] = program.Credential{ID: d.str(), Track: d.str(), Level: d.str(), Issued: d.date(), Renews: d.str(),
			Waive: d.strs(), WaiverReason: d.str(), Revoked: d.date(), RevokedReason: d.str(), Pos: d.pos(file)}
		p.Certifications[i] = &creds[i]
	}
	return p
}

func encodePartner(e *enc, p *program.Partner) {
	e.str(p.ID)
	e.str(p.Name)
	e.str(p.Website)
	e.date(p.Joined)
	e.bool(p.Listed)
	e.strs(p.Specialties)
	e.strs(p.Industries)
	e.str(p.Contact.Email)
	e.str(p.Contact.Phone)
	e.int(len(p.Locations))
	for _, l := range p.Locations {
		e.str(l.City)
		e.str(l.Country)
		e.str(l.Region)
	}
	e.bytes(p.Description)
	e.int(p.BodyLine)
}

func decodePartner(d *dec) *program.Partner {
	p := &program.Partner{ID: d.str(), Name: d.str(), Website: d.str(), Joined: d.date(), Listed: d.bool(),
		Specialties: d.strs(), Industries: d.strs()}
	p.Contact = program.Contact{Email: d.str(), Phone: d.str()}
	p.Locations = make([]program.Location, d.count())
	for i := range p.Locations {
		p.Locations[i] = program.Location{City: d.str(), Country: d.str(), Region: d.str()}
	}
	p.Description = d.bytes()
	p.BodyLine = d.int()
	return p
}

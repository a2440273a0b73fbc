package program

import "strings"

// lookups index the program's records by id. Where ids are duplicated (an
// error that check reports), the first record in file order wins.
type lookups struct {
	levels      map[string]*Level
	tracks      map[string]*Track
	exams       map[string]*Exam
	assessments map[string]*Kind
	evidence    map[string]*Kind
	tiers       map[string]*Tier
	courses     map[string]*Course
	certs       map[string]*Certification    // "track/level"
	certsOf     map[[2]string]*Certification // the same, by track and level
	partners    map[string]*Partner
	creds       map[string]*Credential

	// Credentials lists every credential in file order; Credential.Seq is
	// its index here.
	Credentials []*Credential
}

func first[T any](m map[string]T, id string, v T) {
	if _, ok := m[id]; !ok {
		m[id] = v
	}
}

// Link builds the lookups and the back references between records. The
// loader calls it once; afterwards the program is read-only.
func (p *Program) Link() {
	l := &p.lookups
	l.levels = map[string]*Level{}
	for _, v := range p.Levels {
		first(l.levels, v.ID, v)
	}
	l.assessments = map[string]*Kind{}
	for _, v := range p.Assessments {
		first(l.assessments, v.ID, v)
	}
	l.evidence = map[string]*Kind{}
	for _, v := range p.EvidenceKinds {
		first(l.evidence, v.ID, v)
	}
	l.tiers = map[string]*Tier{}
	for _, v := range p.Tiers {
		first(l.tiers, v.ID, v)
	}
	l.tracks = map[string]*Track{}
	l.courses = map[string]*Course{}
	l.certs = map[string]*Certification{}
	l.certsOf = map[[2]string]*Certification{}
	for _, t := range p.Tracks {
		first(l.tracks, t.ID, t)
		for _, c := range t.Courses {
			c.Track = t
			first(l.courses, c.ID, c)
		}
		for i, c := range t.Certifications {
			c.Track, c.Index = t, i
			first(l.certs, c.Key(), c)
			if k := [2]string{t.ID, c.Level}; !strings.Contains(t.ID, "/") && !strings.Contains(c.Level, "/") && l.certsOf[k] == nil {
				l.certsOf[k] = c
			}
		}
	}
	l.exams = map[string]*Exam{}
	for _, e := range p.Exams {
		first(l.exams, e.ID, e)
	}
	// Sized up front: a program has credentials by the hundred thousand,
	// and growing the map step by step rehashes it a dozen times.
	n := 0
	for _, pa := range p.Partners {
		for _, pe := range pa.People {
			n += len(pe.Certifications)
		}
	}
	l.partners = make(map[string]*Partner, len(p.Partners))
	l.creds = make(map[string]*Credential, n)
	l.Credentials = make([]*Credential, 0, n)
	for _, pa := range p.Partners {
		first(l.partners, pa.ID, pa)
		for _, pe := range pa.People {
			pe.Partner = pa
			for i, a := range pe.Exams {
				a.Index = i
			}
			for i, c := range pe.Certifications {
				c.Person, c.Index, c.Seq = pe, i, len(l.Credentials)
				l.Credentials = append(l.Credentials, c)
				first(l.creds, c.ID, c)
			}
		}
	}
}

func (p *Program) Level(id string) *Level                  { return p.levels[id] }
func (p *Program) Track(id string) *Track                  { return p.tracks[id] }
func (p *Program) Exam(id string) *Exam                    { return p.exams[id] }
func (p *Program) Assessment(id string) *Kind              { return p.assessments[id] }
func (p *Program) EvidenceKind(id string) *Kind            { return p.evidence[id] }
func (p *Program) Tier(id string) *Tier                    { return p.tiers[id] }
func (p *Program) Course(id string) *Course                { return p.courses[id] }
func (p *Program) Partner(id string) *Partner              { return p.partners[id] }
func (p *Program) Credential(id string) *Credential        { return p.creds[id] }
func (p *Program) Certification(key string) *Certification { return p.certs[key] }

// CertificationOf returns the certification a credential grants, or nil.
func (p *Program) CertificationOf(c *Credential) *Certification {
	// Asked for every credential by every rule: looked up by its two
	// parts, with no key made. A part holding a slash is an error
	// reported elsewhere; its key is made, to match as "track/level" does.
	if !strings.Contains(c.Track, "/") && !strings.Contains(c.Level, "/") {
		return p.certsOf[[2]string{c.Track, c.Level}]
	}
	return p.certs[c.Track+"/"+c.Level]
}

// PassingScore returns the exam's passing score: its own, else its level's.
func (p *Program) PassingScore(e *Exam) int {
	if e.HasPassingScore {
		return e.PassingScore
	}
	if l := p.Level(e.Level); l != nil {
		return l.PassingScore
	}
	return 0
}

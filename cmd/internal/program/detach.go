package program

import (
	"strings"
	"unique"
)

// Detach copies every string of a person's record out of the text it was
// decoded from. BurntSushi/toml cuts decoded strings from one copy of the
// whole file, so a record that keeps any of them keeps its file's text
// alive: at a million credentials, 550,000 files' texts (350 MB) beside
// records that need a tenth of it. Values drawn from the program's own
// short lists (tracks, levels, exams, courses, kinds) are interned, one
// copy each; the rest are copied. A loader calls it on a record decoded
// from a file, before the record is shared.
func (p *Person) Detach() {
	p.ID, p.Name, p.Email = clone(p.ID), clone(p.Name), clone(p.Email)
	for _, t := range p.Training {
		t.Course = intern(t.Course)
	}
	for _, a := range p.Exams {
		a.Exam, a.Proctoring, a.Monitoring, a.Venue = intern(a.Exam), intern(a.Proctoring), intern(a.Monitoring), clone(a.Venue)
	}
	for _, r := range p.Assessments {
		r.Assessment, r.Reviewer = intern(r.Assessment), clone(r.Reviewer)
		if r.Scores != nil {
			scores := make(map[string]int, len(r.Scores))
			for k, v := range r.Scores {
				scores[intern(k)] = v
			}
			r.Scores = scores
		}
	}
	for _, e := range p.Evidence {
		e.Kind, e.Title, e.Reviewer = intern(e.Kind), clone(e.Title), clone(e.Reviewer)
		e.Artifact, e.Reference = clone(e.Artifact), clone(e.Reference)
	}
	for _, c := range p.Certifications {
		c.ID, c.Track, c.Level, c.Renews = clone(c.ID), intern(c.Track), intern(c.Level), clone(c.Renews)
		for i, w := range c.Waive {
			c.Waive[i] = intern(w)
		}
		c.WaiverReason, c.RevokedReason = clone(c.WaiverReason), clone(c.RevokedReason)
	}
}

func clone(s string) string { return strings.Clone(s) }

// intern returns the one copy of s that every record shares.
func intern(s string) string {
	if s == "" {
		return ""
	}
	return unique.Make(s).Value()
}

package check

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/accredit/accredit/cmd/internal/diag"
	"github.com/accredit/accredit/cmd/internal/program"
)

// unknownReference: every id a record names must exist.
func unknownReference(c *Context) {
	for _, pa := range c.partners() {
		for _, pe := range pa.People {
			c.personRefs(pe)
		}
	}
	if c.scoped {
		return
	}
	p := c.P
	src := p.Src
	for i, t := range p.Tiers {
		for j, r := range t.Requires {
			at := "tiers[" + strconv.Itoa(i) + "].requires[" + strconv.Itoa(j) + "]"
			c.certRef(src, at, r.Track, r.Level)
		}
	}
	for _, t := range p.Tracks {
		for i, ce := range t.Certifications {
			at := "certifications[" + strconv.Itoa(i) + "]"
			if ce.Level != "" && p.Level(ce.Level) == nil && !c.unreadProgram() {
				c.reportRef(t.Src.At(at+".level"), "level "+ce.Level, "unknown level %q%s%s", ce.Level, c.didYouMean("level", ce.Level), knownLevels(p))
			}
			for _, pre := range ce.Prerequisites {
				if tr, lv, ok := strings.Cut(pre, "/"); ok && p.Certification(pre) == nil && !c.unreadTrack(tr) {
					c.report(t.Src.At(at+".prerequisites"), "unknown-reference", "prerequisite %q: no certification of track %q at level %q%s", pre, tr, lv, c.didYouMean("certification", pre))
				}
			}
			c.requirementRefs(t.Src, at, &ce.Requirements)
			for j, r := range ce.Recertify {
				c.requirementRefs(t.Src, at+".recertify["+strconv.Itoa(j)+"]", r)
			}
		}
	}
	for _, e := range p.Exams {
		if e.Track != "" && p.Track(e.Track) == nil && !c.unreadTrack(e.Track) {
			c.reportRef(e.Src.At("track"), "track "+e.Track, "unknown track %q%s%s", e.Track, c.didYouMean("track", e.Track), knownTracks(p))
		}
		if e.Level != "" && p.Level(e.Level) == nil && !c.unreadProgram() {
			c.reportRef(e.Src.At("level"), "level "+e.Level, "unknown level %q%s%s", e.Level, c.didYouMean("level", e.Level), knownLevels(p))
		}
	}
}

func (c *Context) certRef(src *program.Source, at, track, level string) {
	p := c.P
	switch {
	case track == "" || level == "":
		// missing-field already
	case c.unreadTrack(track) && p.Certification(track+"/"+level) == nil:
		// the track file's own error says why
	case p.Track(track) == nil:
		c.reportRef(src.At(at+".track"), "track "+track, "unknown track %q%s%s", track, c.didYouMean("track", track), knownTracks(p))
	case p.Level(level) == nil && !c.unreadProgram():
		c.reportRef(src.At(at+".level"), "level "+level, "unknown level %q%s%s", level, c.didYouMean("level", level), knownLevels(p))
	case p.Certification(track+"/"+level) == nil:
		c.reportRef(src.At(at+".level"), "certification "+track+"/"+level, "track %q has no certification at level %q", track, level)
	}
}

func (c *Context) requirementRefs(src *program.Source, at string, r *program.Requirements) {
	p := c.P
	for _, id := range r.Courses {
		if p.Course(id) == nil && !c.unreadTracks() {
			c.reportRef(src.At(at+".courses"), "course "+id, "unknown course %q%s: courses are defined in [[courses]] of a track", id, c.didYouMean("course", id))
		}
	}
	if r.Exam != "" && p.Exam(r.Exam) == nil && !c.unreadExam(r.Exam) {
		c.reportRef(src.At(at+".exam"), "exam "+r.Exam, "unknown exam %q%s: no programs/exams/%s.toml", r.Exam, c.didYouMean("exam", r.Exam), r.Exam)
	}
	for _, id := range r.Assessments {
		if p.Assessment(id) == nil && !c.unreadProgram() {
			c.reportRef(src.At(at+".assessments"), "assessment "+id, "unknown assessment kind %q%s: kinds are defined in [[assessments]] of program.toml", id, c.didYouMean("assessment", id))
		}
	}
	for _, id := range sortedKeys(r.Evidence) {
		if p.EvidenceKind(id) == nil && !c.unreadProgram() {
			c.reportRef(src.At(at+".evidence."+id), "evidence "+id, "unknown evidence kind %q%s: kinds are defined in [[evidence_kinds]] of program.toml", id, c.didYouMean("evidence", id))
		}
	}
}

func (c *Context) personRefs(pe *program.Person) {
	p := c.P
	for i, t := range pe.Training {
		if t.Course != "" && p.Course(t.Course) == nil && !c.unreadTracks() {
			c.reportRef(pe.Src.At("training["+strconv.Itoa(i)+"].course"), "course "+t.Course, "unknown course %q%s", t.Course, c.didYouMean("course", t.Course))
		}
	}
	for i, a := range pe.Exams {
		if a.Exam != "" && p.Exam(a.Exam) == nil && !c.unreadExam(a.Exam) {
			c.reportRef(pe.Src.At("exams["+strconv.Itoa(i)+"].exam"), "exam "+a.Exam, "unknown exam %q%s", a.Exam, c.didYouMean("exam", a.Exam))
		}
	}
	for i, r := range pe.Assessments {
		if r.Assessment != "" && p.Assessment(r.Assessment) == nil && !c.unreadProgram() {
			c.reportRef(pe.Src.At("assessments["+strconv.Itoa(i)+"].assessment"), "assessment "+r.Assessment, "unknown assessment kind %q%s", r.Assessment, c.didYouMean("assessment", r.Assessment))
		}
	}
	for i, e := range pe.Evidence {
		if e.Kind != "" && p.EvidenceKind(e.Kind) == nil && !c.unreadProgram() {
			c.reportRef(pe.Src.At("evidence["+strconv.Itoa(i)+"].kind"), "evidence "+e.Kind, "unknown evidence kind %q%s", e.Kind, c.didYouMean("evidence", e.Kind))
		}
	}
	for _, cr := range pe.Certifications {
		c.certRef(pe.Src, cr.Path(), cr.Track, cr.Level)
		if cr.Renews != "" && p.Credential(cr.Renews) == nil {
			c.report(key(cr, "renews"), "unknown-reference", "renews %q: no credential has this id", cr.Renews)
		}
	}
}

// reportRef reports an unknown-reference to what, the kind and id of a
// definition that does not exist ("track sales"): every reference to one
// missing definition has that cause, and the text output folds them
// under the first (diag.Fold), so that a deleted track file reads as one
// problem with its count rather than hundreds.
func (c *Context) reportRef(pos program.Pos, what, format string, args ...any) {
	c.out.Add(diag.Diagnostic{File: pos.File, Line: pos.Line, Col: pos.Col, Severity: severities["unknown-reference"],
		Rule: "unknown-reference", Msg: fmt.Sprintf(format, args...), Cause: "no " + what})
}

// didYouMean returns `; did you mean "X"?` for an id of kind (track,
// level, certification "track/level", course, exam, assessment, evidence) a letter or two from one the
// program defines, or "". The ids are sorted and without repeats: the
// nearest of equally near ones is the first alphabetically.
func (c *Context) didYouMean(kind, id string) string {
	if c.ids == nil {
		p := c.P
		c.ids = map[string][]string{}
		add := func(k, id string) { c.ids[k] = append(c.ids[k], id) }
		for _, t := range p.Tracks {
			add("track", t.ID)
			for _, ce := range t.Certifications {
				add("certification", t.ID+"/"+ce.Level)
			}
			for _, co := range t.Courses {
				add("course", co.ID)
			}
		}
		for _, l := range p.Levels {
			add("level", l.ID)
		}
		for _, e := range p.Exams {
			add("exam", e.ID)
		}
		for _, a := range p.Assessments {
			add("assessment", a.ID)
		}
		for _, k := range p.EvidenceKinds {
			add("evidence", k.ID)
		}
		for k, ids := range c.ids {
			slices.Sort(ids)
			c.ids[k] = slices.Compact(ids)
		}
	}
	return diag.DidYouMean(id, c.ids[kind])
}

// A definition file that is there but could not be read (Program.Unread)
// has its own error: references into it are not reported on top, or a
// folder in place of one track file would be hundreds of errors, none
// naming it.

func (c *Context) unreadTrack(id string) bool {
	return c.P.Unread["programs/tracks/"+id+".toml"]
}

func (c *Context) unreadExam(id string) bool {
	return c.P.Unread["programs/exams/"+id+".toml"]
}

func (c *Context) unreadProgram() bool { return c.P.Unread["programs/program.toml"] }

// unreadTracks reports whether any track file is unread: courses are
// defined in tracks, so any course could be in it.
func (c *Context) unreadTracks() bool {
	for rel := range c.P.Unread {
		if strings.HasPrefix(rel, "programs/tracks/") {
			return true
		}
	}
	return false
}

// known names the ids there are, the first few of them: a program of
// thousands of levels would otherwise repeat them all in each error.
func known(n int, id func(i int) string) string {
	if n == 0 {
		return ""
	}
	ids := make([]string, 0, min(n, knownListed))
	for i := range min(n, knownListed) {
		ids = append(ids, id(i))
	}
	more := ""
	if n > knownListed {
		more = " and " + strconv.Itoa(n-knownListed) + " more"
	}
	return " (known: " + strings.Join(ids, ", ") + more + ")"
}

// knownListed is how many ids known names.
const knownListed = 20

func knownLevels(p *program.Program) string {
	return known(len(p.Levels), func(i int) string { return p.Levels[i].ID })
}

func knownTracks(p *program.Program) string {
	return known(len(p.Tracks), func(i int) string { return p.Tracks[i].ID })
}

// duplicateID: ids are unique where PROGRAM-FORMAT.md says so; level and
// tier ranks too (invalid-value).
func duplicateID(c *Context) {
	// A credential id is reported where it is repeated, naming the first
	// in file order: the one the program's lookup holds.
	c.credentials(func(cr *program.Credential) {
		if first := c.P.Credential(cr.ID); cr.ID != "" && first != nil && first != cr {
			f := key(first, "id")
			c.report(key(cr, "id"), "duplicate-id", "duplicate credential id %q: first defined at %s:%d", cr.ID, f.File, f.Line)
		}
	})
	if c.scoped {
		return
	}
	p := c.P
	src := p.Src
	seen := func(what string) func(id string, pos program.Pos) {
		first := map[string]program.Pos{}
		return func(id string, pos program.Pos) {
			if id == "" {
				return
			}
			if f, dup := first[id]; dup {
				c.report(pos, "duplicate-id", "duplicate %s %q: first defined at %s:%d", what, id, f.File, f.Line)
				return
			}
			first[id] = pos
		}
	}
	ranks := func(what string) func(rank int, pos program.Pos) {
		first := map[int]program.Pos{}
		return func(rank int, pos program.Pos) {
			if f, dup := first[rank]; dup {
				c.report(pos, "invalid-value", "%s rank %d is already used at line %d: ranks must be unique", what, rank, f.Line)
				return
			}
			first[rank] = pos
		}
	}
	lv, lr := seen("level"), ranks("level")
	for i, l := range p.Levels {
		at := "levels[" + strconv.Itoa(i) + "]"
		lv(l.ID, src.At(at+".id"))
		lr(l.Rank, src.At(at+".rank"))
	}
	tv, tr := seen("tier"), ranks("tier")
	for i, t := range p.Tiers {
		at := "tiers[" + strconv.Itoa(i) + "]"
		tv(t.ID, src.At(at+".id"))
		tr(t.Rank, src.At(at+".rank"))
	}
	av := seen("assessment kind")
	for i, k := range p.Assessments {
		av(k.ID, src.At("assessments["+strconv.Itoa(i)+"].id"))
	}
	ev := seen("evidence kind")
	for i, k := range p.EvidenceKinds {
		ev(k.ID, src.At("evidence_kinds["+strconv.Itoa(i)+"].id"))
	}
	sk, pk := seen("signing key"), seen("public_key of a signing key")
	for i, k := range p.SigningKeys {
		at := "signing_keys[" + strconv.Itoa(i) + "]"
		sk(k.ID, src.At(at+".id"))
		pk(k.PublicKey, src.At(at+".public_key"))
	}
	cv := seen("course")
	for _, t := range p.Tracks {
		for i, co := range t.Courses {
			cv(co.ID, t.Src.At("courses["+strconv.Itoa(i)+"].id"))
		}
		lvl := seen("certification level")
		for i, ce := range t.Certifications {
			lvl(ce.Level, t.Src.At("certifications["+strconv.Itoa(i)+"].level"))
		}
	}
	for _, e := range p.Exams {
		tp := seen("blueprint topic")
		for i, b := range e.Blueprint {
			tp(b.Topic, e.Src.At("blueprint["+strconv.Itoa(i)+"].topic"))
		}
		if e.Bank != nil {
			q := seen("question")
			for i, qu := range e.Bank.Questions {
				q(qu.ID, e.Bank.Src.At("questions["+strconv.Itoa(i)+"].id"))
			}
		}
	}
}

func sortedKeys(m map[string]int) []string { return slices.Sorted(maps.Keys(m)) }

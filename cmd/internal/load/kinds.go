package load

import (
	"errors"
	"path"
	"strconv"
	"strings"

	"github.com/accredit/accredit/cmd/internal/credential"
	"github.com/accredit/accredit/cmd/internal/credid"
	"github.com/accredit/accredit/cmd/internal/date"
	"github.com/accredit/accredit/cmd/internal/frontmatter"
	"github.com/accredit/accredit/cmd/internal/program"
	"github.com/accredit/accredit/cmd/internal/tomlpos"
)

// programFile is programs/program.toml as decoded.
type programFile struct {
	Program        program.Info             `toml:"program"`
	Policy         program.Policy           `toml:"policy"`
	Levels         []*program.Level         `toml:"levels"`
	AssessmentsIn  []*assessmentKind        `toml:"assessments"`
	EvidenceIn     []*evidenceKind          `toml:"evidence_kinds"`
	Tiers          []*program.Tier          `toml:"tiers"`
	Administrators []*program.Administrator `toml:"administrators"`
	Reviewers      []*program.Reviewer      `toml:"reviewers"`
	SigningKeys    []*program.SigningKey    `toml:"signing_keys"`
	Audit          program.Audit            `toml:"audit"`
	Site           program.Site             `toml:"site"`

	// Assessments and EvidenceKinds are the kinds as the program keeps
	// them, each table's own keys decoded by its own type.
	Assessments   []*program.Kind `toml:"-"`
	EvidenceKinds []*program.Kind `toml:"-"`

	src *program.Source
}

func (f *file) program(data []byte) any {
	v := &programFile{Policy: program.DefaultPolicy()}
	if !f.decodeTOML(data, 0, v) {
		return nil
	}
	v.src = f.src
	if !f.src.Has("program") {
		f.errAt("", "missing-field", "missing required table [program]")
	} else {
		f.require("program", "name", "issuer", "issuer_url", "site_url")
		i := v.Program
		f.nonEmpty("program.name", i.Name)
		f.nonEmpty("program.issuer", i.Issuer)
		f.url("program.issuer_url", i.IssuerURL)
		f.url("program.site_url", i.SiteURL)
		f.email("program.contact_email", i.ContactEmail)
		f.email("program.notices_from", i.NoticesFrom)
		f.url("program.repository", i.Repository)
		f.oneOf("program.locale", i.Locale, date.Locales)
	}

	f.oneOf("site.verification", v.Site.Verification, []string{program.VerifyPages, program.VerifyShards})

	p := &v.Policy
	for _, k := range []struct {
		key string
		v   *int
	}{{"grace_days", &p.GraceDays}, {"streamlined_days", &p.StreamlinedDays}, {"result_valid_days", &p.ResultValidDays}, {"review_days", &p.ReviewDays}} {
		f.intRange("policy."+k.key, k.v, 0, maxDays)
	}
	f.intRange("policy.bank_factor", &p.BankFactor, 0, maxBankFactor)
	if p.StreamlinedDays < p.GraceDays {
		f.errAt("policy.streamlined_days", "invalid-value", "streamlined_days (%d) must not be shorter than grace_days (%d)", p.StreamlinedDays, p.GraceDays)
	}
	for i, n := range p.NoticeDays {
		if n < 1 || n > maxDays {
			f.errAt("policy.notice_days", "invalid-value", "notice_days must hold numbers of days between 1 and %d, not %d", maxDays, n)
			p.NoticeDays[i] = min(max(n, 1), maxDays)
		}
	}

	if len(v.Levels) == 0 {
		f.errAt("", "missing-field", "the program defines no [[levels]]: at least one is required")
	}
	for i, l := range v.Levels {
		at := at("levels", i)
		l.Pos = f.at(at)
		f.require(at, "id", "name", "rank")
		f.slug(at+".id", l.ID)
		f.nonEmpty(at+".name", l.Name)
		f.intRange(at+".passing_score", &l.PassingScore, 0, 100)
		f.intRange(at+".attempts_included", &l.AttemptsIncluded, 0, maxAttempts)
		f.intRange(at+".retake_wait_days", &l.RetakeWaitDays, 0, maxDays)
		l.HasPassingScore = f.src.Has(at + ".passing_score")
		if !f.src.Has(at + ".proctoring") {
			l.Proctoring = program.ProctoringModes
		}
		for _, m := range l.Proctoring {
			f.oneOf(at+".proctoring", m, program.ProctoringModes)
		}
		f.slugList(at+".monitoring", l.Monitoring)
	}
	v.Assessments = f.assessmentKinds(v.AssessmentsIn)
	v.EvidenceKinds = f.evidenceKinds(v.EvidenceIn)
	f.reviewers(v.Reviewers)
	for i, t := range v.Tiers {
		at := at("tiers", i)
		t.Pos = f.at(at)
		f.require(at, "id", "name", "rank")
		f.slug(at+".id", t.ID)
		f.nonEmpty(at+".name", t.Name)
		f.nonEmptyList(at+".benefits", t.Benefits)
		for j, r := range t.Requires {
			rat := at + ".requires[" + strconv.Itoa(j) + "]"
			r.Pos = f.at(rat)
			f.require(rat, "track", "level", "people")
			f.intRange(rat+".people", &r.People, 1, maxPeople)
		}
	}
	for i, a := range v.Administrators {
		at := at("administrators", i)
		a.Pos = f.at(at)
		f.require(at, "name", "email")
		f.nonEmpty(at+".name", a.Name)
		f.email(at+".email", a.Email)
		seen := map[string]bool{}
		for _, r := range a.Roles {
			f.oneOf(at+".roles", r, program.Roles)
			if seen[r] {
				f.errAt(at+".roles", "invalid-value", "role %q is listed twice", r)
			}
			seen[r] = true
		}
		if f.src.Has(at+".roles") && len(a.Roles) == 0 {
			f.errAt(at+".roles", "invalid-value", "roles is empty: list at least one of %s, or leave the key out for all of them", strings.Join(program.Roles, ", "))
		}
		if a.PGPKey != "" && !strings.Contains(a.PGPKey, "BEGIN PGP PUBLIC KEY BLOCK") {
			f.errAt(at+".pgp_key", "invalid-value", "pgp_key must be an armored public key (-----BEGIN PGP PUBLIC KEY BLOCK-----)")
		}
		if a.SSHKey != "" && !strings.HasPrefix(a.SSHKey, "ssh-") && !strings.HasPrefix(a.SSHKey, "ecdsa-") && !strings.HasPrefix(a.SSHKey, "sk-") {
			f.errAt(at+".ssh_key", "invalid-value", "ssh_key must be an authorized_keys line (ssh-ed25519 AAAA... name)")
		}
	}
	for i, k := range v.SigningKeys {
		at := at("signing_keys", i)
		k.Pos = f.at(at)
		f.require(at, "id", "public_key", "from")
		f.slug(at+".id", k.ID)
		if f.src.Has(at + ".public_key") {
			if _, err := credential.ParseMultikey(k.PublicKey); err != nil {
				f.errAt(at+".public_key", "invalid-value", "public_key must be an Ed25519 public key as a Multikey (z6Mk..., as accredit keygen prints it): %v", err)
			}
		}
		if k.Until.Valid() && k.From.Valid() && !k.From.Before(k.Until) {
			f.errAt(at+".until", "invalid-value", "until (%s) must be after from (%s)", k.Until, k.From)
		}
	}
	if f.src.Has("audit") {
		v.Audit.Pos = f.at("audit")
		if f.src.Has("audit.since") {
			v.Audit.Pos = f.at("audit.since")
			if !isCommitHash(v.Audit.Since) {
				f.errAt("audit.since", "invalid-value", "audit.since must be a commit hash (7 to 40 hexadecimal digits), not %q", v.Audit.Since)
			}
		}
	}
	return v
}

// isCommitHash reports whether s is a full or abbreviated commit hash.
func isCommitHash(s string) bool {
	if len(s) < 7 || len(s) > 40 {
		return false
	}
	for _, c := range s {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}

func (f *file) kinds(table string, ks []*program.Kind) {
	for i, k := range ks {
		at := at(table, i)
		k.Pos = f.at(at)
		f.require(at, "id", "name")
		f.slug(at+".id", k.ID)
		f.nonEmpty(at+".name", k.Name)
	}
}

func (f *file) track(data []byte, id string) any {
	f.fileID(id, "track file")
	t := &program.Track{}
	if !f.decodeTOML(data, 0, t) {
		return nil
	}
	t.Src = f.src
	f.idMatches(t.ID, id)
	t.ID = id
	f.require("", "name")
	f.nonEmpty("name", t.Name)
	f.date("reviewed", t.Reviewed)
	for i, c := range t.Courses {
		at := at("courses", i)
		c.Pos = f.at(at)
		f.require(at, "id", "title")
		f.slug(at+".id", c.ID)
		f.nonEmpty(at+".title", c.Title)
		f.date(at+".reviewed", c.Reviewed)
	}
	for i, c := range t.Certifications {
		at := at("certifications", i)
		c.Pos = f.at(at)
		f.require(at, "level", "name", "validity_months")
		f.nonEmpty(at+".name", c.Name)
		f.intRange(at+".validity_months", &c.ValidityMonths, 1, maxMonths)
		for _, p := range c.Prerequisites {
			if tr, lv, ok := strings.Cut(p, "/"); !ok || !IsSlug(tr) || !IsSlug(lv) {
				f.errAt(at+".prerequisites", "invalid-value", "prerequisite %q must be written track/level, e.g. \"technical/foundation\"", p)
			}
		}
		f.requirements(at, &c.Requirements)
		for j, r := range c.Recertify {
			rat := at + ".recertify[" + strconv.Itoa(j) + "]"
			f.requirements(rat, r)
			if len(r.Courses) == 0 && r.Exam == "" && len(r.Assessments) == 0 && len(r.Evidence) == 0 {
				f.errAt(rat, "invalid-value", "a recertify option must ask for something: courses, exam, assessments or evidence")
			}
		}
	}
	return t
}

func (f *file) requirements(at string, r *program.Requirements) {
	f.nonEmpty(at+".exam", r.Exam)
	for k, n := range r.Evidence {
		if n < 1 || n > maxItems {
			f.errAt(at+".evidence."+k, "invalid-value", "evidence %q must ask for between 1 and %d items, not %d", k, maxItems, n)
			r.Evidence[k] = min(max(n, 1), maxItems)
		}
	}
}

func (f *file) exam(data []byte, id string) any {
	f.fileID(id, "exam file")
	e := &program.Exam{}
	if !f.decodeTOML(data, 0, e) {
		return nil
	}
	e.Src = f.src
	f.idMatches(e.ID, id)
	e.ID = id
	f.require("", "title", "track", "level", "questions", "duration_minutes")
	f.nonEmpty("title", e.Title)
	f.intRange("questions", &e.Questions, 1, maxQuestions)
	f.intRange("duration_minutes", &e.DurationMinutes, 1, maxMinutes)
	f.intRange("passing_score", &e.PassingScore, 0, 100)
	e.HasPassingScore = f.src.Has("passing_score")
	f.date("reviewed", e.Reviewed)
	sum := 0
	for i, t := range e.Blueprint {
		at := at("blueprint", i)
		t.Pos = f.at(at)
		f.require(at, "topic", "weight")
		f.slug(at+".topic", t.Topic)
		f.intRange(at+".weight", &t.Weight, 1, 100)
		sum += t.Weight
	}
	if len(e.Blueprint) > 0 && sum != 100 {
		f.errAt("blueprint[0]", "invalid-value", "blueprint weights add up to %d, not 100", sum)
	}
	f.lifecycle(e)
	return e
}

func (f *file) bank(data []byte) any {
	b := &program.Bank{}
	if !f.decodeTOML(data, 0, b) {
		return nil
	}
	b.Src = f.src
	for i, q := range b.Questions {
		at := at("questions", i)
		q.Pos = f.at(at)
		f.require(at, "id", "topic", "text", "choices", "answer")
		f.nonEmpty(at+".id", q.ID)
		f.nonEmpty(at+".text", q.Text)
		f.nonEmpty(at+".author", q.Author)
		f.date(at+".reviewed", q.Reviewed)
		f.oneOf(at+".status", q.Status, program.QuestionStatuses)
		if q.Status == "" {
			q.Status = program.QuestionActive
		}
	}
	return b
}

// metrics decodes a partner's metrics.toml. Ranges and repeated quarters
// are check's rules (metrics-range, metrics-quarter); only the keys and
// their types are the loader's.
func (f *file) metrics(data []byte) any {
	m := &program.Metrics{}
	if !f.decodeTOML(data, 0, m) {
		return nil
	}
	m.Src = f.src
	for i, q := range m.Quarters {
		at := at("quarters", i)
		q.Pos = f.at(at)
		f.require(at, "quarter")
	}
	return m
}

// frontMatter splits a Markdown file, reporting a missing front matter.
func (f *file) frontMatter(data []byte) (frontmatter.Doc, bool) {
	doc, err := frontmatter.Split(data)
	if err != nil {
		line := 1
		var fe *frontmatter.Error
		if errors.As(err, &fe) {
			line = fe.Line
		}
		f.add(f.rel, line, 1, "syntax", "%v", err)
		return doc, false
	}
	return doc, true
}

func (f *file) partner(data []byte, id string) any {
	f.fileID(id, "partner folder")
	doc, ok := f.frontMatter(data)
	if !ok {
		return nil
	}
	p := &program.Partner{Listed: true}
	if !f.decodeTOML(doc.Front, doc.FrontLine-1, p) {
		return nil
	}
	p.Src = f.src
	f.idMatches(p.ID, id)
	p.ID = id
	p.Description, p.BodyLine = doc.Body, doc.BodyLine
	f.require("", "name")
	f.nonEmpty("name", p.Name)
	f.url("website", p.Website)
	f.date("joined", p.Joined)
	f.nonEmptyList("specialties", p.Specialties)
	f.nonEmptyList("industries", p.Industries)
	f.email("contact.email", p.Contact.Email)
	for i, l := range p.Locations {
		at := at("locations", i)
		f.require(at, "city", "country")
		f.nonEmpty(at+".city", l.City)
		f.country(at+".country", l.Country)
		f.nonEmpty(at+".region", l.Region)
	}
	return p
}

// GrantRules are the rules a certification may waive.
var GrantRules = []string{"prerequisite", "course-missing", "exam-not-passed", "exam-not-live", "retake-limit", "retake-wait", "proctoring", "assessment-missing", "rubric-not-met", "evidence-missing", "evidence-unreviewed", "renewal"}

func (f *file) person(data []byte, id string) any {
	f.fileID(id, "person file")
	p := &program.Person{}
	if !f.decodeTOML(data, 0, p) {
		return nil
	}
	p.Src = f.src
	f.idMatches(p.ID, id)
	p.ID = id
	f.require("", "name")
	f.nonEmpty("name", p.Name)
	f.email("email", p.Email)
	for i, t := range p.Training {
		at := at("training", i)
		t.Pos = f.at(at)
		f.require(at, "course", "completed")
		f.date(at+".completed", t.Completed)
	}
	for i, a := range p.Exams {
		at := at("exams", i)
		a.Pos = f.at(at)
		f.require(at, "exam", "date", "score")
		f.date(at+".date", a.Date)
		f.intRange(at+".score", &a.Score, 0, 100)
		f.oneOf(at+".proctoring", a.Proctoring, program.ProctoringModes)
		f.slugValue(at+".monitoring", a.Monitoring)
		f.nonEmpty(at+".venue", a.Venue)
	}
	for i, r := range p.Assessments {
		at := at("assessments", i)
		r.Pos = f.at(at)
		f.require(at, "assessment", "date")
		f.date(at+".date", r.Date)
	}
	for i, e := range p.Evidence {
		at := at("evidence", i)
		e.Pos = f.at(at)
		f.require(at, "kind", "date")
		f.date(at+".date", e.Date)
		f.review(at, e)
	}
	for i, c := range p.Certifications {
		at := at("certifications", i)
		c.Pos = f.at(at)
		f.require(at, "id", "track", "level", "issued")
		if f.src.Has(at + ".id") {
			if err := credid.Validate(c.ID); err != nil {
				f.errAt(at+".id", "credential-id", "credential id %q: %v", c.ID, err)
			}
		}
		f.date(at+".issued", c.Issued)
		f.date(at+".revoked", c.Revoked)
		if f.src.Has(at + ".renews") {
			if err := credid.Validate(c.Renews); err != nil {
				f.errAt(at+".renews", "credential-id", "renews %q: %v", c.Renews, err)
			}
		}
		for _, w := range c.Waive {
			f.oneOf(at+".waive", w, GrantRules)
		}
		if len(c.Waive) > 0 && strings.TrimSpace(c.WaiverReason) == "" {
			f.errAt(at, "missing-field", "[[certifications]] waives %s but has no waiver_reason", strings.Join(c.Waive, ", "))
		}
		if !c.Revoked.IsZero() && strings.TrimSpace(c.RevokedReason) == "" {
			f.errAt(at, "missing-field", "[[certifications]] is revoked but has no revoked_reason")
		}
		if c.Revoked.IsZero() && f.src.Has(at+".revoked_reason") {
			f.errAt(at+".revoked_reason", "invalid-value", "revoked_reason without a revoked date")
		}
		if c.Revoked.Valid() && c.Issued.Valid() && c.Revoked.Before(c.Issued) {
			f.errAt(at+".revoked", "invalid-value", "revoked %s is before issued %s", c.Revoked, c.Issued)
		}
	}
	p.Detach() // the file's text is not kept for the record's strings
	return p
}

// reserved are the top-level paths the site generates itself.
var reserved = map[string]bool{"partners": true, "verify": true, "api": true, "search": true, "program": true, "browse": true, "assets": true}

func (f *file) page(data []byte) any {
	f.src = program.NewSource(f.rel, 0, &tomlpos.Index{}, nil)
	url := pageURL(f.rel)
	for _, seg := range strings.Split(strings.Trim(url, "/"), "/") {
		if seg != "" && !IsSlug(seg) {
			f.add(f.rel, 1, 1, "invalid-id", "page path %q: %q is not a valid id (lower-case letters, digits and hyphens)", url, seg)
			break
		}
	}
	if url == "/" {
		f.add(f.rel, 1, 1, "invalid-value", "%s is not allowed: the home page is the partner directory", f.rel)
	} else if top, _, _ := strings.Cut(strings.Trim(url, "/"), "/"); reserved[top] {
		f.add(f.rel, 1, 1, "invalid-value", "page path %q is reserved for the generated site (%s)", url, path.Join("/", top)+"/")
	}
	doc, ok := f.frontMatter(data)
	if !ok {
		return nil
	}
	pg := &program.Page{}
	if !f.decodeTOML(doc.Front, doc.FrontLine-1, pg) {
		return nil
	}
	pg.Src, pg.URL, pg.Body, pg.BodyLine = f.src, url, doc.Body, doc.BodyLine
	f.require("", "title")
	f.nonEmpty("title", pg.Title)
	return pg
}

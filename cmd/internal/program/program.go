package program

import (
	"strings"
	"sync"

	"github.com/accredit/accredit/cmd/internal/date"
	"github.com/accredit/accredit/cmd/internal/tomlpos"
)

// Pos is a place in a file of the program: File is relative to the root
// and /-separated, Line and Col are 1-based.
type Pos struct {
	File      string
	Line, Col int
}

// Source is one loaded file and the positions of its keys and tables.
type Source struct {
	File   string // relative to the root, /-separated
	Offset int    // lines before the TOML (front matter starts at line 2)

	text  []byte        // the TOML, indexed on first use when no index was given
	read  func() []byte // reads text when it is first needed, if not given
	once  sync.Once
	index *tomlpos.Index
}

// NewSource returns the source of a file whose TOML starts after offset
// lines. Either index is the TOML's index, or text is the TOML to index
// when a position is first asked for (records loaded from the cache carry
// their own positions, so most files are never indexed).
func NewSource(file string, offset int, index *tomlpos.Index, text []byte) *Source {
	return &Source{File: file, Offset: offset, index: index, text: text}
}

// NewLazySource is NewSource for a file not read yet: read returns its
// TOML when a position is first asked for, or nil when the file cannot be
// read any more (positions then fall back to line 1). Records whose
// file is unchanged since the decode cache saw it come this way.
func NewLazySource(file string, offset int, read func() []byte) *Source {
	return &Source{File: file, Offset: offset, read: read}
}

// Index returns the positions of the file's keys and tables.
func (s *Source) Index() *tomlpos.Index {
	s.once.Do(func() {
		if s.index == nil {
			if s.text == nil && s.read != nil {
				s.text = s.read()
			}
			s.index = tomlpos.Scan(s.text)
			s.text, s.read = nil, nil
		}
	})
	return s.index
}

// Reread drops the positions indexed so far, to be indexed again from
// read (the file read again, as NewLazySource) should a position be
// asked for. A loader calls it once a file's own checks have run: the
// checks after them rarely report, and a program's positions of every
// key of every file would otherwise stay in the heap (half of it, at
// 200,000 credentials) until the build drops them. It must be called
// before the Source is shared with another goroutine.
func (s *Source) Reread(read func() []byte) {
	s.once = sync.Once{}
	s.text, s.read, s.index = nil, read, nil
}

// forget drops the text and positions; At then names the file alone.
func (s *Source) forget() {
	if s == nil {
		return
	}
	s.once.Do(func() {})
	s.text, s.read, s.index = nil, nil, &tomlpos.Index{}
}

// ForgetPositions drops every file's text and key positions, which only
// diagnostics use: a build calls it once the checks have passed, to keep
// them (a sixth of its memory at 100,000 people) out of the heap while it
// renders. Errors after it name files without lines. It must not run while
// another goroutine reads the program.
func (p *Program) ForgetPositions() {
	p.Src.forget()
	for _, t := range p.Tracks {
		t.Src.forget()
	}
	for _, e := range p.Exams {
		e.Src.forget()
	}
	for _, pg := range p.Pages {
		pg.Src.forget()
	}
	for _, pa := range p.Partners {
		pa.Src.forget()
		if pa.Metrics != nil {
			pa.Metrics.Src.forget()
		}
		for _, pe := range pa.People {
			pe.Src.forget()
		}
	}
}

// ForgetPrivate drops what only the checks read and the site must never
// show: partners' metrics, people's e-mail, training, exam attempts,
// assessments and evidence, the waivers of credentials and their
// reasons, and the exams' question banks. A build calls it once the checks have passed and the
// standing is computed, so that nothing private is there to leak into a
// page, and so that the collector does not trace it through 200,000
// pages (a quarter of the program's memory at 100,000 people). It must
// not run while another goroutine reads the program.
func (p *Program) ForgetPrivate() {
	for _, e := range p.Exams {
		e.Bank = nil
	}
	for _, pa := range p.Partners {
		pa.Metrics = nil
		for _, pe := range pa.People {
			pe.Email = ""
			pe.Training, pe.Exams, pe.Assessments, pe.Evidence = nil, nil, nil, nil
			for _, c := range pe.Certifications {
				c.Waive, c.WaiverReason = nil, ""
			}
		}
	}
}

// At returns the position of a key or table path ("certifications[2].issued").
// A path that is not written in the file (a missing key) falls back to its
// closest written parent, and finally to the file's line 1.
func (s *Source) At(path string) Pos {
	for p := path; p != ""; p = parent(p) {
		if tp, ok := s.Index().Lookup(p); ok {
			return Pos{File: s.File, Line: tp.Line + s.Offset, Col: tp.Col}
		}
	}
	return Pos{File: s.File, Line: 1, Col: 1} // the whole file
}

// Has reports whether path is written in the file.
func (s *Source) Has(path string) bool { return s.Index().Has(path) }

// parent strips the last key or index of a path: "a[1].b" -> "a[1]" -> "a".
func parent(p string) string {
	for i := len(p) - 1; i >= 0; i-- {
		switch p[i] {
		case '.':
			return p[:i]
		case '[':
			return p[:i]
		}
	}
	return ""
}

// Program is everything loaded from a program repository.
type Program struct {
	Root string // the repository root as given

	Info           Info
	Policy         Policy
	Levels         []*Level
	Assessments    []*Kind
	EvidenceKinds  []*Kind
	Tiers          []*Tier
	Administrators []*Administrator
	Reviewers      []*Reviewer
	SigningKeys    []*SigningKey
	Audit          Audit
	Site           Site
	Tracks         []*Track
	Exams          []*Exam
	Partners       []*Partner
	Pages          []*Page

	Src   *Source // programs/program.toml
	Files int     // number of files read
	// PartnerFiles is how many of them each partner folder holds, by
	// the folder's name: check takes in an edit to a few folders with
	// the count of the others kept from its last result.
	PartnerFiles map[string]int
	// Unread holds the definition files (programs/program.toml, a track
	// or exam file, by path) that are there but could not be read or
	// decoded: rules do not report references into them, which the
	// file's own error explains.
	Unread map[string]bool

	lookups
}

// Info is the [program] table.
type Info struct {
	Name         string `toml:"name"`
	Issuer       string `toml:"issuer"`
	IssuerURL    string `toml:"issuer_url"`
	SiteURL      string `toml:"site_url"`
	ContactEmail string `toml:"contact_email"`
	Repository   string `toml:"repository"`
	// NoticesFrom is the sender of the e-mails "accredit notices --send"
	// writes (contact_email when unset).
	NoticesFrom string `toml:"notices_from"`
	// Locale is the language of the dates the site writes ("15 March
	// 2025"): en (the default), de, fr or es.
	Locale string `toml:"locale"`
}

// Policy is the [policy] table. Defaults are those of PROGRAM-FORMAT.md.
type Policy struct {
	GraceDays            int   `toml:"grace_days"`
	StreamlinedDays      int   `toml:"streamlined_days"`
	NoticeDays           []int `toml:"notice_days"`
	CountGraceTowardTier bool  `toml:"count_grace_toward_tier"`
	ResultValidDays      int   `toml:"result_valid_days"`
	ReviewDays           int   `toml:"review_days"`
	BankFactor           int   `toml:"bank_factor"`
	SignedGrants         bool  `toml:"signed_grants"`
}

// DefaultPolicy returns the policy of a program that sets no key.
func DefaultPolicy() Policy {
	return Policy{
		GraceDays:            30,
		StreamlinedDays:      90,
		NoticeDays:           []int{60, 30, 7},
		CountGraceTowardTier: true,
		ResultValidDays:      365,
		ReviewDays:           92,
		BankFactor:           3,
	}
}

// MaxNotice is the largest notice period in days (0 without notices).
func (p Policy) MaxNotice() int {
	m := 0
	for _, n := range p.NoticeDays {
		m = max(m, n)
	}
	return m
}

// Proctoring modes of exam attempts.
var ProctoringModes = []string{"self", "live", "in-person"}

// Level is one [[levels]] entry.
type Level struct {
	ID               string   `toml:"id"`
	Name             string   `toml:"name"`
	Rank             int      `toml:"rank"`
	PassingScore     int      `toml:"passing_score"`
	AttemptsIncluded int      `toml:"attempts_included"` // 0: unlimited
	RetakeWaitDays   int      `toml:"retake_wait_days"`
	Proctoring       []string `toml:"proctoring"`
	// Monitoring lists the monitoring a self-proctored attempt of this
	// level must record, any one of them (empty: none required).
	Monitoring []string `toml:"monitoring"`

	HasPassingScore bool `toml:"-"`
	Pos             Pos  `toml:"-"`
}

// Allows reports whether the level allows a proctoring mode.
func (l *Level) Allows(mode string) bool {
	for _, m := range l.Proctoring {
		if m == mode {
			return true
		}
	}
	return false
}

// Kind is an [[assessments]] or [[evidence_kinds]] entry. Criteria and
// Pass are an assessment kind's rubric; RequiresReview and
// RequiresReference an evidence kind's opt-ins (the loader accepts each
// only in its own table).
type Kind struct {
	ID                string       `toml:"id"`
	Name              string       `toml:"name"`
	Criteria          []*Criterion `toml:"criteria"`
	Pass              int          `toml:"pass"`
	RequiresReview    bool         `toml:"requires_review"`
	RequiresReference bool         `toml:"requires_reference"`
	Pos               Pos          `toml:"-"`
}

// Tier is one [[tiers]] entry.
type Tier struct {
	ID       string     `toml:"id"`
	Name     string     `toml:"name"`
	Rank     int        `toml:"rank"`
	Benefits []string   `toml:"benefits"`
	Requires []*Require `toml:"requires"`
	Pos      Pos        `toml:"-"`
}

// Require is one [[tiers.requires]] entry: at least People distinct people
// holding Track at Level or higher.
type Require struct {
	Track  string `toml:"track"`
	Level  string `toml:"level"`
	People int    `toml:"people"`
	Pos    Pos    `toml:"-"`
}

// Administrator may change the parts of the program their roles cover.
type Administrator struct {
	Name   string   `toml:"name"`
	Email  string   `toml:"email"`
	Roles  []string `toml:"roles"` // none: every role
	PGPKey string   `toml:"pgp_key"`
	SSHKey string   `toml:"ssh_key"`
	Pos    Pos      `toml:"-"`
}

// The roles of administrators: what part of the repository each may
// change, as the git audit enforces it (content/docs/format.md maps
// paths to roles).
const (
	RoleProgram  = "program"  // programs/program.toml, the theme (layouts/)
	RoleContent  = "content"  // tracks, exams, question banks, content pages
	RoleGrants   = "grants"   // every certification record
	RolePartners = "partners" // partner profiles, people's other records
)

// Roles lists every role, in the order the docs give them.
var Roles = []string{RoleProgram, RoleContent, RoleGrants, RolePartners}

// Has reports whether the administrator holds a role. An administrator
// listed without roles holds them all, as before roles existed.
func (a *Administrator) Has(role string) bool {
	if len(a.Roles) == 0 {
		return true
	}
	for _, r := range a.Roles {
		if r == role {
			return true
		}
	}
	return false
}

// RoleList is the administrator's roles for messages: "all roles" when
// none are listed.
func (a *Administrator) RoleList() string {
	if len(a.Roles) == 0 {
		return "all roles"
	}
	return strings.Join(a.Roles, ", ")
}

// SigningKey is a [[signing_keys]] entry: a public key that signs the
// program's Open Badges 3.0 credentials from From until Until (exclusive;
// zero: still in use). Old keys stay listed: credentials they signed,
// which holders keep, go on verifying against the DID document.
type SigningKey struct {
	ID        string    `toml:"id"`
	PublicKey string    `toml:"public_key"` // Multikey: z6Mk...
	From      date.Date `toml:"from"`
	Until     date.Date `toml:"until"`
	Pos       Pos       `toml:"-"`
}

// ValidOn reports whether the key signs on day d.
func (k *SigningKey) ValidOn(d date.Date) bool {
	return !d.Before(k.From) && (!k.Until.Valid() || d.Before(k.Until))
}

// SigningKeyOn returns the key that signs on day d, or nil. check makes
// sure no two keys' dates overlap; should they, the first listed wins.
func (p *Program) SigningKeyOn(d date.Date) *SigningKey {
	for _, k := range p.SigningKeys {
		if k.ValidOn(d) {
			return k
		}
	}
	return nil
}

// Site is the [site] table: how the site is published.
type Site struct {
	// Verification is "pages" (a page and JSON file per credential),
	// "shards" (one verification page that reads credentials from
	// files keyed by id prefix) or "" (pages up to ShardsAbove
	// credentials, shards above).
	Verification string `toml:"verification"`
}

// Verification modes of [site] verification.
const (
	VerifyPages  = "pages"
	VerifyShards = "shards"
)

// ShardsAbove is the number of credentials past which a program that
// does not choose publishes its verification in shards: a folder and
// page per credential is 415,459 files and 1.57 GiB at 200,000, past
// what static hosts take (GitHub Pages 1 GB, Cloudflare Pages 20,000
// files).
const ShardsAbove = 200_000

// Verification returns how the site publishes credentials, and whether
// the program left the choice to its size.
func (p *Program) Verification() (mode string, chosen bool) {
	switch p.Site.Verification {
	case VerifyPages, VerifyShards:
		return p.Site.Verification, true
	}
	if len(p.Credentials) > ShardsAbove {
		return VerifyShards, false
	}
	return VerifyPages, false
}

// Audit is the [audit] table: where the git audit starts.
type Audit struct {
	// Since is the commit of a program imported into accredit with
	// records: what the repository holds at it is accepted as recorded
	// at import, and the audit walks the history after it.
	Since string `toml:"since"`
	Pos   Pos    `toml:"-"`
}

// Track is one programs/tracks/<track>.toml file.
type Track struct {
	ID             string           `toml:"id"`
	Name           string           `toml:"name"`
	Audience       string           `toml:"audience"`
	Optional       bool             `toml:"optional"`
	Description    string           `toml:"description"`
	Reviewed       date.Date        `toml:"reviewed"` // last review of the track's content
	Courses        []*Course        `toml:"courses"`
	Certifications []*Certification `toml:"certifications"`

	Src *Source `toml:"-"`
}

// Course is a [[courses]] entry of a track.
type Course struct {
	ID       string    `toml:"id"`
	Title    string    `toml:"title"`
	Reviewed date.Date `toml:"reviewed"` // last review of the course's content
	Track    *Track    `toml:"-"`
	Pos      Pos       `toml:"-"`
}

// Requirements are what a certification or one of its recertification
// options asks for.
type Requirements struct {
	Courses     []string       `toml:"courses"`
	Exam        string         `toml:"exam"`
	Assessments []string       `toml:"assessments"`
	Evidence    map[string]int `toml:"evidence"`
}

// Certification is one [[certifications]] entry of a track: the
// certification of that track at one level.
type Certification struct {
	Level          string          `toml:"level"`
	Name           string          `toml:"name"`
	ValidityMonths int             `toml:"validity_months"`
	Prerequisites  []string        `toml:"prerequisites"`
	Recertify      []*Requirements `toml:"recertify"`
	Requirements

	Track *Track `toml:"-"`
	Index int    `toml:"-"` // position in Track.Certifications
	Pos   Pos    `toml:"-"`
}

// Key is "track/level", the form prerequisites and facets use.
func (c *Certification) Key() string { return c.Track.ID + "/" + c.Level }

// Exam is one programs/exams/<exam>.toml file.
type Exam struct {
	ID              string    `toml:"id"`
	Title           string    `toml:"title"`
	Track           string    `toml:"track"`
	Level           string    `toml:"level"`
	Format          string    `toml:"format"`
	Questions       int       `toml:"questions"`
	DurationMinutes int       `toml:"duration_minutes"`
	PassingScore    int       `toml:"passing_score"`
	Reviewed        date.Date `toml:"reviewed"`
	Blueprint       []*Topic  `toml:"blueprint"`
	// Status is the exam's lifecycle status (the loader defaults it to
	// live); History the statuses it had before, each until a date.
	Status  string          `toml:"status"`
	History []*StatusChange `toml:"history"`

	HasPassingScore bool    `toml:"-"`
	Bank            *Bank   `toml:"-"` // nil when the program keeps no bank here
	Src             *Source `toml:"-"`
}

// Topic is a [[blueprint]] entry.
type Topic struct {
	Topic  string `toml:"topic"`
	Weight int    `toml:"weight"`
	Pos    Pos    `toml:"-"`
}

// Bank is an exam's question bank. It is PRIVATE: checked, never published.
type Bank struct {
	Questions []*Question `toml:"questions"`
	Src       *Source     `toml:"-"`
}

// Question is one [[questions]] entry of a bank.
type Question struct {
	ID      string   `toml:"id"`
	Topic   string   `toml:"topic"`
	Text    string   `toml:"text"`
	Choices []string `toml:"choices"`
	Answer  int      `toml:"answer"`
	// Author is the subject matter expert who wrote the question; the
	// framework asks for experts from product, sales and customer success.
	Author string `toml:"author"`
	// Reviewed is the question's own last review; zero when the exam's
	// reviewed date covers it.
	Reviewed date.Date `toml:"reviewed"`
	// Status is QuestionActive (the default) or QuestionRetired: a retired
	// question stays in the bank, as a record of what was asked, but counts
	// toward no rule and is never drawn onto a form.
	Status string `toml:"status"`
	Pos    Pos    `toml:"-"`
}

// Question statuses.
const (
	QuestionActive  = "active"
	QuestionRetired = "retired"
)

// QuestionStatuses are the values a question's status may take.
var QuestionStatuses = []string{QuestionActive, QuestionRetired}

// Active reports whether the question may be drawn and counts toward the
// bank's size and coverage.
func (q *Question) Active() bool { return q.Status != QuestionRetired }

// Active returns the bank's active questions, in bank order.
func (b *Bank) Active() []*Question {
	qs := make([]*Question, 0, len(b.Questions))
	for _, q := range b.Questions {
		if q.Active() {
			qs = append(qs, q)
		}
	}
	return qs
}

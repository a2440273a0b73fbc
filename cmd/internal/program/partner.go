package program

import (
	"strconv"
	"time"

	"github.com/accredit/accredit/cmd/internal/date"
)

// Partner is one partners/<partner>/partner.md file and its people.
type Partner struct {
	ID          string     `toml:"id"`
	Name        string     `toml:"name"`
	Website     string     `toml:"website"`
	Joined      date.Date  `toml:"joined"`
	Listed      bool       `toml:"listed"`
	Specialties []string   `toml:"specialties"`
	Industries  []string   `toml:"industries"`
	Contact     Contact    `toml:"contact"`
	Locations   []Location `toml:"locations"`

	Description []byte    `toml:"-"` // Markdown body
	BodyLine    int       `toml:"-"` // file line of the body's first line
	People      []*Person `toml:"-"` // sorted by id
	Metrics     *Metrics  `toml:"-"` // PRIVATE; nil without partners/<id>/metrics.toml
	Logo        *Logo     `toml:"-"` // nil without a (valid) partners/<id>/logo.svg or logo.png
	Src         *Source   `toml:"-"`
}

// Logo is a partner's checked logo, published as it is.
type Logo struct {
	File          string // "logo.svg" or "logo.png"
	Data          []byte
	Width, Height int // a PNG's pixels; 0 for an SVG
}

// Metrics is an optional partners/<partner>/metrics.toml: the partner's
// quarterly business figures for its scorecard. It is PRIVATE: checked
// and reported (accredit report), never published.
type Metrics struct {
	Quarters []*Quarter `toml:"quarters"`
	Src      *Source    `toml:"-"`
}

// Quarter is one [[quarters]] entry. Every figure is optional (nil when
// not given); check's metrics rules give their ranges.
type Quarter struct {
	Quarter            string   `toml:"quarter" json:"quarter"`                                   // "2025-Q1"
	WinRate            *float64 `toml:"win_rate" json:"win_rate,omitempty"`                       // percent
	CSAT               *float64 `toml:"csat" json:"csat,omitempty"`                               // percent
	NPS                *float64 `toml:"nps" json:"nps,omitempty"`                                 // -100..100
	InfluencedPipeline *float64 `toml:"influenced_pipeline" json:"influenced_pipeline,omitempty"` // an amount, >= 0
	AttachRate         *float64 `toml:"attach_rate" json:"attach_rate,omitempty"`                 // percent
	FirstPassQuality   *float64 `toml:"first_pass_quality" json:"first_pass_quality,omitempty"`   // percent
	Pos                Pos      `toml:"-" json:"-"`
}

// Figure is one figure of a quarter: its key and range.
type Figure struct {
	Key      string
	Name     string
	Min, Max float64
	Of       func(*Quarter) *float64
}

// Unbounded is the largest figure accepted where no bound makes sense
// (an amount of pipeline): infinity is no amount.
const Unbounded = 1e15

// Figures lists the figures a quarter may hold, in the order of the docs.
var Figures = []Figure{
	{"win_rate", "Win rate (%)", 0, 100, func(q *Quarter) *float64 { return q.WinRate }},
	{"csat", "CSAT (%)", 0, 100, func(q *Quarter) *float64 { return q.CSAT }},
	{"nps", "NPS", -100, 100, func(q *Quarter) *float64 { return q.NPS }},
	{"influenced_pipeline", "Influenced pipeline", 0, Unbounded, func(q *Quarter) *float64 { return q.InfluencedPipeline }},
	{"attach_rate", "Attach rate (%)", 0, 100, func(q *Quarter) *float64 { return q.AttachRate }},
	{"first_pass_quality", "First-pass quality (%)", 0, 100, func(q *Quarter) *float64 { return q.FirstPassQuality }},
}

// Contact is the partner's public contact.
type Contact struct {
	Email string `toml:"email"`
	Phone string `toml:"phone"`
}

// Location is a [[locations]] entry.
type Location struct {
	City    string `toml:"city"`
	Country string `toml:"country"` // ISO 3166-1 alpha-2
	Region  string `toml:"region"`
}

// Person is one partners/<partner>/people/<person>.toml file.
type Person struct {
	ID             string        `toml:"id"`
	Name           string        `toml:"name"`
	Email          string        `toml:"email"` // PRIVATE
	Public         bool          `toml:"public"`
	Training       []*Training   `toml:"training"`
	Exams          []*Attempt    `toml:"exams"`
	Assessments    []*Result     `toml:"assessments"`
	Evidence       []*Evidence   `toml:"evidence"`
	Certifications []*Credential `toml:"certifications"`

	Partner *Partner `toml:"-"`
	Src     *Source  `toml:"-"`
}

// Training is a completed course.
type Training struct {
	Course    string    `toml:"course"`
	Completed date.Date `toml:"completed"`
	Pos       Pos       `toml:"-"`
}

// Attempt is one exam attempt, pass or fail.
type Attempt struct {
	Exam       string    `toml:"exam"`
	Date       date.Date `toml:"date"`
	Score      int       `toml:"score"`
	Proctoring string    `toml:"proctoring"`
	Monitoring string    `toml:"monitoring"` // of a self-proctored attempt: "webcam"
	Venue      string    `toml:"venue"`      // where it was sat or proctored from
	Index      int       `toml:"-"`          // position in Person.Exams
	Pos        Pos       `toml:"-"`
}

// Result is one practical assessment.
type Result struct {
	Assessment string    `toml:"assessment"`
	Date       date.Date `toml:"date"`
	Passed     bool      `toml:"passed"`
	Reviewer   string    `toml:"reviewer"`
	// Scores are the points given per criterion of the kind's rubric.
	// PRIVATE, like the whole result.
	Scores map[string]int `toml:"scores"`
	Pos    Pos            `toml:"-"`
}

// Evidence is one item of evidence. Its details are PRIVATE: title,
// artifact, reference and review are never published.
type Evidence struct {
	Kind      string    `toml:"kind"`
	Date      date.Date `toml:"date"`
	Title     string    `toml:"title"`
	Reviewer  string    `toml:"reviewer"`  // who checked it
	Approved  date.Date `toml:"approved"`  // when they approved it
	Artifact  string    `toml:"artifact"`  // URL of the audited artifact
	Reference string    `toml:"reference"` // customer contact who vouches for it
	Pos       Pos       `toml:"-"`
}

// Credential is one [[certifications]] entry of a person: a granted
// certification with its credential id.
type Credential struct {
	ID            string    `toml:"id"`
	Track         string    `toml:"track"`
	Level         string    `toml:"level"`
	Issued        date.Date `toml:"issued"`
	Renews        string    `toml:"renews"`
	Waive         []string  `toml:"waive"`
	WaiverReason  string    `toml:"waiver_reason"` // PRIVATE
	Revoked       date.Date `toml:"revoked"`
	RevokedReason string    `toml:"revoked_reason"`

	Person *Person `toml:"-"`
	Index  int     `toml:"-"` // position in Person.Certifications
	Seq    int     `toml:"-"` // position among all credentials of the program
	Pos    Pos     `toml:"-"`
}

// Key is "track/level".
func (c *Credential) Key() string { return c.Track + "/" + c.Level }

// Waives reports whether the grant waived a rule.
func (c *Credential) Waives(rule string) bool {
	for _, w := range c.Waive {
		if w == rule {
			return true
		}
	}
	return false
}

// Path is the TOML path of the credential in its person's file.
func (c *Credential) Path() string { return "certifications[" + strconv.Itoa(c.Index) + "]" }

// Page is a content/**/*.md file.
type Page struct {
	Title       string `toml:"title"`
	Description string `toml:"description"`
	Weight      int    `toml:"weight"`
	Menu        bool   `toml:"menu"`
	Draft       bool   `toml:"draft"`

	URL      string  `toml:"-"` // "/faq/"
	Body     []byte  `toml:"-"`
	BodyLine int     `toml:"-"`
	Src      *Source `toml:"-"`
}

// QuarterStart returns the first day of a quarter written "2025-Q1".
func QuarterStart(s string) (date.Date, bool) {
	if len(s) != 7 || s[4] != '-' || s[5] != 'Q' || s[6] < '1' || s[6] > '4' {
		return date.Date{}, false
	}
	y, err := strconv.Atoi(s[:4])
	if err != nil || y < 1900 {
		return date.Date{}, false
	}
	return date.New(y, time.Month(int(s[6]-'1')*3+1), 1), true
}

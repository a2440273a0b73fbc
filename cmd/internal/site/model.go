package site

import (
	"html/template"

	"github.com/accredit/accredit/cmd/internal/badge"
	"github.com/accredit/accredit/cmd/internal/date"
)

// Info is what every page knows of the program and the site.
type Info struct {
	Name         string // program name
	Issuer       string
	IssuerURL    string
	SiteURL      string // absolute, ends in "/"
	Base         string // path prefix of SiteURL, ends in "/": links are Base + "partners/x/"
	ContactEmail string
	Promise      string // the directory's promise in one sentence
	AsOf         date.Date
	Today        string // AsOf as YYYY-MM-DD, for templates
	Nav          []Link
	GraceDays    int
	Streamlined  int
	// Locale is the language of the dates pages write (date.Human): the
	// program's locale, "en" when it has none. Pages carry it in
	// data-locale, for the script that rewrites dates.
	Locale string

	// Shards is set when the site publishes its credentials in shards
	// ([site] verification = "shards"): one verification page, the
	// lookup's, shows every credential from the shard of its id.
	Shards *Shards
	// Signing is set when the build signs Open Badges 3.0 credentials
	// (build --signing-key); nil otherwise, and the pages then offer no
	// signed credential.
	Signing *Signing
}

// Shards describes the credential shards: every credential's JSON in
// ShardDir<key>.json.gz, its key credid.ShardKey(id, Bits).
type Shards struct {
	Bits int
	// Dir is the shards' link path (Base + ShardDir), which the
	// verification page fetches from.
	Dir string
}

// Signing describes the signed credentials a build publishes.
type Signing struct {
	DID    string // the issuer's did:web DID
	DIDURL string // absolute URL of its DID document (did.json)
}

// BadgeImage is one certification's PNGs: one design for every holder.
type BadgeImage struct {
	badge.PNGDesign
	OG, Square       string // paths below the site root
	OGURL, SquareURL string // their absolute URLs
	OGLink           string // OG's link path (Base + OG)
	Alt              string // what the badge shows, in words
}

// Day is a date as a page writes it: ISO for <time datetime>, Text for
// people ("15 March 2025" in the program's locale). Zero for no date.
type Day struct {
	ISO, Text string
}

// Link is a labelled URL.
type Link struct {
	Label, URL string
	Current    bool
	Gap        bool // pages left out of a Pager's window: no URL
}

// Page is what every HTML page has.
type Page struct {
	Info        *Info
	Kind        string // template name: home, partners, partner, browse, verify, lookup, program, track, page, 404
	Path        string // output path relative to the site root: "partners/x/index.html"
	URL         string // link path: Base + "partners/x/"
	Canonical   string // absolute URL
	Title       string
	Description string
	NoIndex     bool
	Crumbs      []Link
	// Style is a <style> element holding the theme's stylesheet, for a
	// page that carries it inline (the home page, whose first paint must
	// not wait for a second request on a slow network), and StyleHash
	// the CSP source of its content ("sha256-..."); both empty for a
	// page that links it. Set by package publish, which has the theme.
	// An element, not CSS: an action in a <style> would send every page
	// of the theme to html/template.
	Style     template.HTML `json:"-"`
	StyleHash string        `json:"-"`
}

// Card is a partner in a list.
type Card struct {
	ID, Name, URL string
	Tier          *TierBadge
	Locations     string // "Berlin, Germany · Munich, Germany"
	Specialties   []string
	Certified     []Count // people holding each track now
	CertifiedAll  int     // distinct people holding any current credential
	// Logo is the link path of the partner's logo (partners/<id>/logo.svg
	// or logo.png), "" without one.
	Logo string
}

// TierBadge is a tier as shown on cards.
type TierBadge struct {
	ID, Name string
	Rank     int
}

// Count is a labelled number.
type Count struct {
	Label string
	N     int
}

// Facet is a browse dimension with its values.
type Facet struct {
	Name   string // "Tier"
	Open   bool   // shown open in the filter panel (the short, ranked ones)
	Values []FacetValue
}

// FacetValue links to a browse page. Facet and Value are the search
// index's facet and value for the same choice ("certification",
// "sales/professional"): the home page's search orders its own facet
// values as the page lists them, so the two panels agree.
type FacetValue struct {
	Label, URL   string
	Facet, Value string
	N            int
}

// Home is the directory home.
type Home struct {
	Page
	Featured []Card
	Total    int
	Facets   []Facet
	AllURL   string
}

// List is a page of partner cards: /partners/ and every browse page.
type List struct {
	Page
	Heading string
	Intro   string
	Cards   []Card
	Total   int
	Pager   Pager
	Facets  []Facet
}

// Pager links the pages of a long list: the previous and the next, and
// a window of page numbers (PagerWindow), not every page: a list of a
// thousand pages linking each from each is a million links, and was most
// of a million-credential site's bytes.
type Pager struct {
	Prev, Next string
	// Number is the current page, from 1, of Count; both 0 for a list
	// of one page.
	Number, Count int
	// Pages are the first and the last page, and the pages within
	// PagerWindow of the current one, in order; a Link with Gap stands
	// for the pages left out between two of them.
	Pages []Link
}

// PagerWindow is how many pages on each side of the current one a Pager
// links.
const PagerWindow = 2

// PartnerPage is one listed partner's profile.
type PartnerPage struct {
	Page
	Card
	Website   string
	Joined    date.Date
	TierSince date.Date
	JoinedOn  Day
	SinceOn   Day
	// ContactURL is where "Contact this partner" goes: a mailto: link
	// to the public contact e-mail, else the website; empty with neither.
	ContactURL  string
	Benefits    []string
	Industries  []string
	Locations   []Location
	Contact     Contact
	Description template.HTML
	ByLevel     []TrackCounts
	People      []PersonRow
}

// Location of a partner.
type Location struct {
	City, Country, CountryName, Region string
}

// Contact is the public contact.
type Contact struct {
	Email, Phone string
}

// TrackCounts is the number of certified people per level of one track.
type TrackCounts struct {
	Track  string
	Levels []Count
}

// PersonRow is a public person with their current credentials.
type PersonRow struct {
	Name        string
	Anchor      string // the row's id, where search results link
	Credentials []CredLink
}

// CredLink links a credential, with the dates the browser needs to show
// its status as of the visitor's day.
type CredLink struct {
	ID, Name, Level, URL string
	Status, StatusLabel  string
	Issued, Expires      date.Date
	Revoked, RenewedOn   date.Date
	// StatusAttrs are the data-status attributes of the fields above
	// (see StatusAttrs).
	StatusAttrs template.HTMLAttr
}

// Credential is one verification page and its JSON.
type Credential struct {
	Page
	ID                     string
	Holder                 string
	PartnerID, PartnerName string // both empty for an unlisted partner
	PartnerURL             string // empty for an unlisted partner
	Track, TrackName       string
	Level, LevelName       string
	Name                   string // certification name
	Issued, Expires        date.Date
	Status, StatusLabel    string    // at D
	Revoked                date.Date // set when revoked at D
	// The dates above as the page writes them.
	IssuedOn, ExpiresOn, RevokedOn, RenewedOnDay, GrantedOnDay Day
	// StatusNote says in one plain sentence what the status means for
	// this credential ("This credential was revoked on 3 May 2025 ...");
	// StatusRole is the ARIA role of the note: "alert" when the
	// credential is no longer valid, "status" otherwise. The browser
	// rewrites both as of its own date (site.js), and the <title>'s
	// status prefix (TitlePrefix; BaseTitle is the title without it).
	StatusNote, StatusRole string
	BaseTitle              string // the <title> without the status prefix
	// MailShare is a mailto: link that shares the page by e-mail.
	MailShare               string
	Renews, RenewsURL       string
	RenewedBy, RenewedByURL string
	RenewedOn               date.Date // issue date of the renewal
	// Provenance, from git: who granted it, in which commit; empty
	// outside git. CommitURL is set when [program] repository is.
	GrantedOn           date.Date
	GrantedBy           string
	GrantImported       bool // recorded at import: GrantedOn is the baseline's date
	Commit, CommitShort string
	CommitURL           string
	QR                  template.HTML
	// BadgeSVG is verify/<ID>/badge.svg: the badge as a standalone
	// image, which the page shows (BadgeURL). Like JSON, its bytes are
	// the Scratch's.
	BadgeSVG []byte `json:"-"`
	BadgeURL string // relative to the page: "badge.svg"
	BadgeAlt string
	// Image and ImageSquare are the absolute URLs of the certification's
	// PNGs (og:image, e-mail signatures); empty for a credential of a
	// certification the program no longer defines.
	Image, ImageSquare string
	ImageURL           string // Image's link path (Base + ...), which scripts fetch
	// Shareable is false when the credential is revoked, expired or
	// lapsed at D: the page then offers nothing to share (the browser
	// decides again as of its own date).
	Shareable bool
	LinkedIn  string
	JSONURL   string
	OB3URL    string // the signed Open Badges 3.0 credential; empty when the build does not sign
	DIDURL    string // the issuer's DID document, with OB3URL
	// VerifyingURL is the page that tells how to verify a signed
	// credential (content/docs/verifying.md), with OB3URL.
	VerifyingURL      string
	JSONLD            template.JS
	Private           bool // holder not public, or partner unlisted
	Issuer, IssuerURL string
	// AsOf is the build's as-of date. The default theme does not show
	// it: a page that did would change every day (see StatusSince).
	AsOf string
	// StatusSince is the first day of Status: the page says "Active
	// since ...", a fact of the record that stays true, so the page
	// changes only when its status does. The as-of date itself is in
	// one file, api/v1/as-of.json.
	StatusSince     string
	GraceDays       int
	StreamlinedDays int
	StatusAttrs     template.HTMLAttr // see StatusAttrs
	JSON            []byte
}

// ProgramPage is the program overview: tracks and tiers.
type ProgramPage struct {
	Page
	Tracks []TrackSummary
	Tiers  []TierRow
	Policy PolicyView
}

// PolicyView is the public policy.
type PolicyView struct {
	GraceDays, StreamlinedDays int
	NoticeDays                 []int
	ResultValidDays            int
}

// TrackSummary is a track in the overview.
type TrackSummary struct {
	Name, URL, Audience string
	Optional            bool
	Levels              []string
}

// TierRow is a tier with what it requires and gives.
type TierRow struct {
	Name     string
	Requires []string
	Benefits []string
}

// TrackPage is one track with its certifications.
type TrackPage struct {
	Page
	Name, Audience string
	Optional       bool
	Description    template.HTML
	Certs          []CertView
}

// CertView is one certification's requirements.
type CertView struct {
	Name, Level   string
	Validity      string
	Prerequisites []string
	Courses       []string
	Exam          *ExamView
	Assessments   []string
	// Rubrics are the rubrics of the assessments the certification or
	// its recertify options ask for: published, as the playbook's
	// "transparent rubrics" want; a result's scores never are.
	Rubrics   []RubricView
	Evidence  []string
	Recertify []string
}

// RubricView is an assessment kind's rubric.
type RubricView struct {
	Name      string // the assessment kind's
	Pass, Max int    // points to pass, of the most there are
	Criteria  []CriterionView
}

// CriterionView is one criterion of a rubric; Min 0 is no floor.
type CriterionView struct {
	Name     string
	Max, Min int
}

// ExamView is what the site tells of an exam: never a question.
type ExamView struct {
	Title, Format               string
	Questions, Minutes, Passing int
	Attempts                    string
	Wait                        int
	Proctoring                  string
}

// Simple is a page with nothing but the common data (lookup, 404).
type Simple struct {
	Page
}

// ContentPage is a page from content/.
type ContentPage struct {
	Page
	Body template.HTML
}

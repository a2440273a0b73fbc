package site

import (
	"bytes"
	"encoding/json"
	"html/template"
	"net/url"
	"strconv"
	"strings"

	"github.com/accredit/accredit/cmd/internal/badge"
	"github.com/accredit/accredit/cmd/internal/date"
	"github.com/accredit/accredit/cmd/internal/program"
	"github.com/accredit/accredit/cmd/internal/standing"
	"github.com/accredit/accredit/cmd/internal/svg"
)

// PartnerJSON is one entry of /api/v1/partners.json.
type PartnerJSON struct {
	ID          string         `json:"id"`
	Name        string         `json:"name"`
	Tier        *string        `json:"tier"`
	TierName    string         `json:"tier_name,omitempty"`
	Locations   []LocationJSON `json:"locations"`
	Specialties []string       `json:"specialties"`
	Industries  []string       `json:"industries"`
	Website     string         `json:"website,omitempty"`
	URL         string         `json:"url"`
	Certified   map[string]int `json:"certified"`
}

// LocationJSON is a partner location in the API.
type LocationJSON struct {
	City    string `json:"city"`
	Country string `json:"country"`
	Region  string `json:"region,omitempty"`
}

func (st *Site) partnerJSON(pa *program.Partner, ps *partnerState) PartnerJSON {
	j := PartnerJSON{ID: pa.ID, Name: pa.Name, Specialties: nonNil(pa.Specialties), Industries: nonNil(pa.Industries),
		Website: pa.Website, URL: st.Info.SiteURL + "partners/" + pa.ID + "/", Certified: map[string]int{}, Locations: []LocationJSON{}}
	if ps.tier != nil {
		j.Tier, j.TierName = &ps.tier.ID, ps.tier.Name
	}
	for _, l := range pa.Locations {
		j.Locations = append(j.Locations, LocationJSON{l.City, l.Country, l.Region})
	}
	for _, creds := range ps.current {
		seen := map[string]bool{}
		for _, c := range creds {
			if !seen[c.Key()] {
				seen[c.Key()] = true
				j.Certified[c.Key()]++
			}
		}
	}
	return j
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// CredentialJSON is /api/v1/credentials/<ID>.json (PROGRAM-FORMAT.md section 12).
type CredentialJSON struct {
	ID     string `json:"id"`
	Holder string `json:"holder"`
	// Partner and PartnerName are left out for a person of an unlisted
	// partner, whose page names no partner either.
	Partner     string `json:"partner,omitempty"`
	PartnerName string `json:"partner_name,omitempty"`
	Track       string `json:"track"`
	TrackName   string `json:"track_name"`
	Level       string `json:"level"`
	LevelName   string `json:"level_name"`
	Name        string `json:"name"`
	Issuer      string `json:"issuer"`
	Issued      string `json:"issued"`
	Expires     string `json:"expires"`
	// Status and AsOf are left out of the shards of shards mode: the
	// page computes the status from the dates, and a shard changes
	// only when a record does.
	Status    string `json:"status,omitempty"`
	AsOf      string `json:"as_of,omitempty"`
	Renews    string `json:"renews,omitempty"`
	RenewedBy string `json:"renewed_by,omitempty"`
	RenewedOn string `json:"renewed_on,omitempty"`
	GrantedBy string `json:"granted_by,omitempty"`
	// RecordedAtImport: the credential predates the audit's baseline;
	// granted_by and commit then name the baseline commit.
	RecordedAtImport bool   `json:"recorded_at_import,omitempty"`
	Commit           string `json:"commit,omitempty"`
	Revoked          string `json:"revoked,omitempty"`
	GraceDays        int    `json:"grace_days"`
	StreamlinedDays  int    `json:"streamlined_days"`
	URL              string `json:"url"`
}

// Credential returns the verification page of c with its JSON.
func (st *Site) Credential(c *program.Credential) (*Credential, error) {
	return st.CredentialIn(c, new(Scratch))
}

// A Scratch is memory for the larger parts of a verification page (its
// QR code, badge, JSON and JSON-LD, about 5 KB), reused from one page to
// the next: a build that allocated each of them anew for each of 200,000
// pages made a third of its garbage with them. A Scratch serves one
// goroutine.
type Scratch struct {
	qr, badge, all []byte
	json, ld       bytes.Buffer
}

// CredentialIn is Credential, its larger parts drawn in sc. Every string
// of the page is its own memory, never written again: the QR code and
// JSON-LD are drawn in sc and copied out in one allocation, so a theme
// may keep any of them (as a partialCached key, say) for as long as it
// likes. Only the bytes of the files beside the page, JSON and BadgeSVG,
// are sc's, valid until sc is used again: a worker writes each page out
// before it makes the next.
func (st *Site) CredentialIn(c *program.Credential, sc *Scratch) (*Credential, error) {
	p, s, info := st.P, st.S, st.Info
	pe := c.Person
	status := s.Status(c, info.AsOf)
	cs := s.Of(c)
	ce := p.CertificationOf(c)
	cp := &Credential{
		ID: c.ID, Holder: pe.Name, Track: c.Track, Level: c.Level,
		Issued: c.Issued, Expires: cs.Expires, Status: string(status), StatusLabel: StatusLabel(status),
		Revoked: c.Revoked, Private: !public(pe),
		Issuer: info.Issuer, IssuerURL: info.IssuerURL, AsOf: info.Today, GraceDays: info.GraceDays, StreamlinedDays: info.Streamlined,
	}
	if status != "revoked" {
		cp.Revoked = date.Date{} // a revocation after D is not yet public
	}
	since := StatusSince(status, c.Issued, cs.Expires, c.Revoked, renewedOn(cs), info.GraceDays, info.Streamlined)
	cp.StatusSince = since.String()
	if pe.Partner.Listed {
		// An unlisted partner is named nowhere: not on the page, not in
		// its data, not in the JSON.
		cp.PartnerID, cp.PartnerName, cp.PartnerURL = pe.Partner.ID, pe.Partner.Name, st.partnerURL(pe.Partner)
	}
	cp.TrackName, cp.LevelName, cp.Name = c.Track, c.Level, c.Key()
	if t := p.Track(c.Track); t != nil {
		cp.TrackName = t.Name
	}
	if l := p.Level(c.Level); l != nil {
		cp.LevelName = l.Name
	}
	if ce != nil {
		cp.Name = ce.Name
	}
	if old := cs.Renews; old != nil && s.Of(old).RenewedBy == c {
		cp.Renews, cp.RenewsURL = old.ID, st.credURL(old)
	}
	if r := cs.RenewedBy; r != nil {
		cp.RenewedBy, cp.RenewedByURL, cp.RenewedOn = r.ID, st.credURL(r), r.Issued
	}
	if g, ok := st.Grants[c.ID]; ok {
		cp.GrantedOn, cp.GrantedBy, cp.Commit, cp.GrantImported = g.On, g.By, g.Commit, g.Imported
		cp.CommitShort = g.Commit[:min(7, len(g.Commit))]
		if repo := strings.TrimSuffix(strings.TrimSuffix(st.P.Info.Repository, "/"), ".git"); repo != "" {
			cp.CommitURL = repo + "/commit/" + g.Commit
		}
	}
	rel := "verify/" + c.ID + "/"
	cp.IssuedOn, cp.ExpiresOn, cp.RevokedOn = st.day(cp.Issued), st.day(cp.Expires), st.day(cp.Revoked)
	cp.RenewedOnDay, cp.GrantedOnDay = st.day(cp.RenewedOn), st.day(cp.GrantedOn)
	cp.BaseTitle = cp.Name + ": " + cp.Holder
	desc := cp.Name + ", " + cp.LevelName + " level, issued by " + info.Issuer + " to " + cp.Holder + " on " + cp.IssuedOn.Text + ". Status: " + cp.StatusLabel + "."
	cp.Page = *st.page("verify", rel, TitlePrefix(string(status))+cp.BaseTitle, desc)
	cp.StatusNote = StatusNote(string(status), cp.Expires, cp.Revoked, cp.RenewedOn, info.GraceDays, info.Streamlined, info.Locale)
	cp.StatusRole = "status"
	cp.NoIndex = cp.Private
	cp.Crumbs = []Link{{Label: "Verify", URL: info.Base + "verify/"}}
	cp.JSONURL = info.Base + "api/v1/credentials/" + c.ID + ".json"
	if info.Signing != nil {
		cp.OB3URL = info.Base + "api/v1/credentials/" + c.ID + ".ob3.json"
		cp.DIDURL = info.Signing.DIDURL
		cp.VerifyingURL = st.verifying
	}
	// Relative to the page, which is the badge's folder: no string to
	// make for each of 200,000 pages.
	cp.BadgeURL = "badge.svg"
	// The design's words and URLs are made once per certification.
	if bi := st.Badges[c.Track+"/"+c.Level]; bi != nil && ce != nil {
		cp.BadgeAlt, cp.Image, cp.ImageSquare, cp.ImageURL = bi.Alt, bi.OGURL, bi.SquareURL, bi.OGLink
	} else {
		cp.BadgeAlt = badgeAlt(cp.Name, cp.LevelName, info.Issuer)
	}
	if Invalid(string(status)) {
		cp.StatusRole = "alert"
	} else {
		cp.Shareable = true
	}
	// Even when not shareable at D: a visitor's date may differ, and
	// site.js shows the share actions as of that date.
	cp.MailShare = mailShare(cp, info)

	// In shards mode a credential has no page of its own: its JSON (and
	// signed credential) is all that is written, and the QR code, badge
	// and JSON-LD, the costly parts of a page, are not made.
	pageParts := info.Shards == nil
	if pageParts {
		var err error
		if sc.qr, err = svg.AppendQR(sc.qr[:0], cp.Canonical); err != nil {
			return nil, err
		}
		sc.badge = badge.AppendSVG(sc.badge[:0], badge.Credential{Design: badge.Design{Issuer: info.Issuer, Name: cp.Name, Level: cp.LevelName},
			Issued: date.Human(c.Issued, info.Locale), Expires: date.Human(cs.Expires, info.Locale), ID: c.ID})
		cp.BadgeSVG = sc.badge
		cp.LinkedIn = linkedIn(cp, info)
	}
	cp.StatusAttrs = StatusAttrs(cp.Issued, cp.Expires, cp.Revoked, cp.RenewedOn, info.GraceDays, info.Streamlined)

	j := CredentialJSON{
		ID: c.ID, Holder: cp.Holder, Partner: cp.PartnerID, PartnerName: cp.PartnerName, Track: c.Track, TrackName: cp.TrackName,
		Level: c.Level, LevelName: cp.LevelName, Name: cp.Name, Issuer: info.Issuer, Issued: c.Issued.String(),
		Expires: cs.Expires.String(), Status: cp.Status, AsOf: info.Today, Renews: cp.Renews, RenewedBy: cp.RenewedBy,
		GraceDays: info.GraceDays, StreamlinedDays: info.Streamlined, URL: cp.Canonical,
		GrantedBy: cp.GrantedBy, Commit: cp.Commit, RecordedAtImport: cp.GrantImported,
	}
	if cp.RenewedOn.Valid() {
		j.RenewedOn = cp.RenewedOn.String()
	}
	if info.Shards != nil {
		j.Status, j.AsOf = "", ""
	}
	if cp.Revoked.Valid() {
		// That it was revoked and when, never why (revoked_reason is
		// private, PROGRAM-FORMAT.md section 9).
		j.Revoked = c.Revoked.String()
	}
	// Compact, for 200,000 files. Encode writes what Marshal returns and
	// the final newline, into one buffer.
	sc.json.Reset()
	if err := json.NewEncoder(&sc.json).Encode(j); err != nil {
		return nil, err
	}
	cp.JSON = sc.json.Bytes()
	if !pageParts {
		return cp, nil
	}
	sc.ld.Reset()
	if err := jsonLD(&sc.ld, cp, info); err != nil {
		return nil, err
	}
	// The strings the page shows, copied out of sc in one allocation.
	ld := bytes.TrimSuffix(sc.ld.Bytes(), []byte("\n"))
	sc.all = append(append(sc.all[:0], sc.qr...), ld...)
	all := string(sc.all)
	nq := len(sc.qr)
	cp.QR, cp.JSONLD = template.HTML(all[:nq]), template.JS(all[nq:])
	return cp, nil
}

// StatusSince returns the first day of status for a credential with
// these dates, by the rules of standing.Status (PROGRAM-FORMAT.md
// section 8): the day the status began, which no later day changes. The
// verification page says it instead of the build's date, so that a
// page changes only when its status does. (The credential JSON's as_of
// stays D, as PROGRAM-FORMAT.md says.)
func StatusSince(status standing.Status, issued, expires, revoked, renewedOn date.Date, grace, streamlined int) date.Date {
	graceEnd := expires.AddDays(max(grace, 0))
	switch status {
	case standing.Revoked:
		return revoked
	case standing.Renewed:
		return renewedOn
	case standing.Active:
		return issued
	case standing.Grace:
		return expires
	case standing.Lapsed:
		return graceEnd
	}
	// Expired: from the end of the streamlined window, or of grace, or
	// the expiry itself, whichever comes last.
	end := expires.AddDays(max(streamlined, 0))
	if end.Before(graceEnd) {
		end = graceEnd
	}
	return end
}

func renewedOn(cs *standing.Cred) date.Date {
	if cs.RenewedBy == nil {
		return date.Date{}
	}
	return cs.RenewedBy.Issued
}

// StatusAttrs returns the attributes from which site.js computes a
// credential's status in the visitor's browser: data-status, then
// data-issued, data-expires, data-revoked and data-renewed-on (dates, or
// empty) and data-grace and data-streamlined (days). Themes write them as
// one action, <span class="status" {{.StatusAttrs}}>, instead of six:
// they are on every verification page and beside every credential of a
// partner page, and each html/template action costs. Dates and numbers
// hold nothing to escape.
func StatusAttrs(issued, expires, revoked, renewedOn date.Date, grace, streamlined int) template.HTMLAttr {
	b := make([]byte, 0, 160)
	attr := func(name, value string) {
		b = append(b, ` data-`...)
		b = append(b, name...)
		b = append(b, `="`...)
		b = append(b, value...)
		b = append(b, '"')
	}
	b = append(b, "data-status"...)
	attr("issued", issued.String())
	attr("expires", expires.String())
	attr("revoked", revoked.String())
	attr("renewed-on", renewedOn.String())
	attr("grace", strconv.Itoa(grace))
	attr("streamlined", strconv.Itoa(streamlined))
	return template.HTMLAttr(b)
}

// Invalid reports whether a credential of status s is no longer valid:
// its page then says so in an alert and in its title, greys out the
// badge and offers nothing to share.
func Invalid(s string) bool { return s == "revoked" || s == "expired" || s == "lapsed" }

// TitlePrefix is what a verification page's title starts with at status
// s: "Revoked – " for a credential no longer valid, else nothing. site.js
// writes the same.
func TitlePrefix(s string) string {
	if Invalid(s) {
		return statusLabels[standing.Status(s)] + " – "
	}
	return ""
}

// StatusNote is the plain sentence that says what status s means for a
// credential that expires on expires (revoked and renewed on the dates
// given, zero if not), dates written in locale. site.js writes the same
// sentences in the visitor's browser as of the visitor's date; the
// browser tests hold the two to each other.
func StatusNote(s string, expires, revoked, renewedOn date.Date, grace, streamlined int, locale string) string {
	h := func(d date.Date) string { return date.Human(d, locale) }
	switch s {
	case "revoked":
		return "This credential was revoked on " + h(revoked) + ". It is no longer valid."
	case "renewed":
		return "This credential was renewed on " + h(renewedOn) + ": its renewal, linked below, carries it on."
	case "active":
		return "This credential is valid. It expires on " + h(expires) + "."
	case "grace":
		return "This credential expired on " + h(expires) + ", but it is in its grace period: it still counts as valid up to and including " +
			h(expires.AddDays(grace-1)) + ", while its holder renews it."
	case "lapsed":
		return "This credential expired on " + h(expires) + " and is no longer valid. Its holder can still renew it without starting over, up to and including " +
			h(expires.AddDays(streamlined-1)) + "."
	case "expired":
		return "This credential expired on " + h(expires) + ". It is no longer valid."
	}
	return ""
}

// mailShare is a mailto: link with the page's title and URL, for "Share
// by e-mail". Spaces are %20: mail programs do not read "+" as a space.
func mailShare(cp *Credential, info *Info) string {
	esc := func(s string) string { return strings.ReplaceAll(url.QueryEscape(s), "+", "%20") }
	// Short: it is on every one of 200,000 pages.
	return "mailto:?subject=" + esc(cp.Name+": "+cp.Holder) + "&body=" + esc(cp.Canonical)
}

// linkedIn is LinkedIn's "Add to profile" link for a certification. The
// parameters are written in sorted order, as url.Values.Encode does,
// without its map and sort: the link is made 200,000 times.
func linkedIn(cp *Credential, info *Info) string {
	var b strings.Builder
	b.Grow(256 + len(cp.Canonical) + len(cp.Name) + len(info.Issuer))
	param := func(key, value string) {
		if b.Len() == 0 {
			b.WriteString("https://www.linkedin.com/profile/add?")
		} else {
			b.WriteByte('&')
		}
		b.WriteString(key)
		b.WriteByte('=')
		b.WriteString(url.QueryEscape(value))
	}
	iy, im, _ := cp.Issued.YMD()
	ey, em, _ := cp.Expires.YMD()
	param("certId", cp.ID)
	param("certUrl", cp.Canonical)
	param("expirationMonth", strconv.Itoa(int(em)))
	param("expirationYear", strconv.Itoa(ey))
	param("issueMonth", strconv.Itoa(int(im)))
	param("issueYear", strconv.Itoa(iy))
	param("name", cp.Name)
	param("organizationName", info.Issuer)
	param("startTask", "CERTIFICATION_NAME")
	return b.String()
}

// jsonLD writes the schema.org description of the credential, and a
// newline.
func jsonLD(w *bytes.Buffer, cp *Credential, info *Info) error {
	type org struct {
		Type string `json:"@type"`
		Name string `json:"name"`
		URL  string `json:"url,omitempty"`
	}
	doc := struct {
		Context      string `json:"@context"`
		Type         string `json:"@type"`
		ID           string `json:"@id"`
		Name         string `json:"name"`
		Category     string `json:"credentialCategory"`
		Level        string `json:"educationalLevel"`
		Identifier   string `json:"identifier"`
		DateCreated  string `json:"dateCreated"`
		Expires      string `json:"expires"`
		RecognizedBy org    `json:"recognizedBy"`
		URL          string `json:"url"`
	}{"https://schema.org", "EducationalOccupationalCredential", cp.Canonical, cp.Name, "certification", cp.LevelName, cp.ID,
		cp.Issued.String(), cp.Expires.String(), org{"Organization", info.Issuer, info.IssuerURL}, cp.Canonical}
	// Escapes <, > and & (as Marshal does), so the block cannot end early.
	return json.NewEncoder(w).Encode(doc)
}

package credential

import (
	"bytes"
	"encoding/json"
	"errors"
	"strconv"

	"github.com/accredit/accredit/cmd/internal/date"
)

// Badge is what an OpenBadgeCredential says: the certification of one
// holder, by the program's issuer. Never an e-mail: the holder is named
// by name alone.
type Badge struct {
	URL         string // the credential's id: its verification page
	Name        string // the certification's name
	Issuer      Issuer
	Holder      string
	ValidFrom   date.Date // the issue date
	ValidUntil  date.Date // the expiry: the first day it is not valid
	Achievement Achievement
	Status      StatusEntry
}

// Issuer is the program's issuing organisation.
type Issuer struct {
	DID  string // did:web of the site
	Name string
	URL  string
}

// Achievement is the certification a badge is for.
type Achievement struct {
	ID          string // the track and level on the site
	Name        string
	Description string
	Narrative   string // the criteria: what the certification requires
	Image       string // the badge image's URL
}

// StatusEntry is where the badge's revocation bit is.
type StatusEntry struct {
	List  string // the status list credential's URL
	Index int
}

// dateTime writes a date as the start of that day in UTC, as VC 2.0's
// validFrom and validUntil want a date-time.
func dateTime(d date.Date) string { return d.String() + "T00:00:00Z" }

// Unsigned returns the badge's OpenBadgeCredential without a proof, as
// compact JSON and a newline.
func (b *Badge) Unsigned() ([]byte, error) {
	return b.AppendUnsigned(make([]byte, 0, 2048)) // a badge is about 1.5 KB
}

// AppendUnsigned appends Unsigned's JSON to dst. Members are in a fixed
// order, so the same badge is always the same bytes: the signature
// cache is keyed by them. It writes what encoding/json writes of the
// document (badge_test.go holds that reference, as structs, and checks
// the two agree).
func (b *Badge) AppendUnsigned(dst []byte) ([]byte, error) {
	switch {
	case b.URL == "" || b.Issuer.DID == "" || b.Achievement.ID == "" || b.Status.List == "":
		return dst, errors.New("badge: a URL, issuer DID, achievement id or status list is missing")
	case !b.ValidFrom.Valid():
		return dst, errors.New("badge: no issue date")
	case b.Status.Index < 0:
		return dst, errors.New("badge: negative status index")
	}
	dst = append(dst, `{"@context":[`...)
	dst = appendJSONString(dst, ContextVC)
	dst = append(dst, ',')
	dst = appendJSONString(dst, ContextOB)
	dst = append(dst, ']')
	dst = appendMember(dst, false, "id", b.URL)
	dst = append(dst, `,"type":["VerifiableCredential","OpenBadgeCredential"]`...)
	dst = appendMember(dst, false, "name", b.Name)
	dst = append(dst, `,"issuer":{`...)
	dst = appendMember(dst, true, "id", b.Issuer.DID)
	dst = append(dst, `,"type":["Profile"]`...)
	dst = appendMember(dst, false, "name", b.Issuer.Name)
	if b.Issuer.URL != "" {
		dst = appendMember(dst, false, "url", b.Issuer.URL)
	}
	// The issue date is the first instant of the day in UTC.
	dst = append(dst, `},"validFrom":"`...)
	dst = appendDateTime(dst, b.ValidFrom)
	if b.ValidUntil.Valid() {
		dst = append(dst, `","validUntil":"`...)
		dst = appendDateTime(dst, b.ValidUntil)
	}
	dst = append(dst, `","credentialSubject":{"type":["AchievementSubject"]`...)
	// Named by name alone, in plain text (hashed: false): Open Badges
	// 3.0's way without an e-mail or a DID.
	dst = appendMember(dst, false, "name", b.Holder)
	dst = append(dst, `,"identifier":[{"type":"IdentityObject"`...)
	dst = appendMember(dst, false, "identityHash", b.Holder)
	dst = append(dst, `,"identityType":"name","hashed":false}],"achievement":{`...)
	a := &b.Achievement
	dst = appendMember(dst, true, "id", a.ID)
	dst = append(dst, `,"type":["Achievement"],"achievementType":"Certification"`...)
	dst = appendMember(dst, false, "name", a.Name)
	dst = appendMember(dst, false, "description", a.Description)
	dst = append(dst, `,"criteria":{`...)
	dst = appendMember(dst, true, "narrative", a.Narrative)
	dst = append(dst, '}')
	if a.Image != "" {
		dst = append(dst, `,"image":{`...)
		dst = appendMember(dst, true, "id", a.Image)
		dst = append(dst, `,"type":"Image"}`...)
	}
	i := strconv.Itoa(b.Status.Index)
	dst = append(dst, `}},"credentialStatus":{"id":`...)
	dst = appendJSONString(dst, b.Status.List)
	dst = append(append(append(dst[:len(dst)-1], '#'), i...), '"') // inside the quotes
	dst = append(dst, `,"type":"BitstringStatusListEntry","statusPurpose":"revocation"`...)
	dst = appendMember(dst, false, "statusListIndex", i)
	dst = appendMember(dst, false, "statusListCredential", b.Status.List)
	return append(dst, "}}\n"...), nil
}

// appendDateTime appends dateTime(d) without its quotes.
func appendDateTime(dst []byte, d date.Date) []byte {
	return append(append(dst, d.String()...), "T00:00:00Z"...)
}

// marshal is compact JSON with a newline, with <, > and & as they are:
// these files are JSON, never inlined into HTML.
func marshal(v any) ([]byte, error) {
	b := bytes.NewBuffer(make([]byte, 0, 2048)) // a badge is about 1.5 KB
	e := json.NewEncoder(b)
	e.SetEscapeHTML(false)
	if err := e.Encode(v); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

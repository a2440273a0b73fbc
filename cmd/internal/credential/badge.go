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

// The JSON of an OpenBadgeCredential. Field order is the document's
// member order: the same badge is always the same bytes.
type obCredential struct {
	Context          []string      `json:"@context"`
	ID               string        `json:"id"`
	Type             []string      `json:"type"`
	Name             string        `json:"name"`
	Issuer           obProfile     `json:"issuer"`
	ValidFrom        string        `json:"validFrom"`
	ValidUntil       string        `json:"validUntil,omitempty"`
	CredentialSubj   obSubject     `json:"credentialSubject"`
	CredentialStatus obStatusEntry `json:"credentialStatus"`
	Proof            []Proof       `json:"proof,omitempty"`
}

type obProfile struct {
	ID   string   `json:"id"`
	Type []string `json:"type"`
	Name string   `json:"name"`
	URL  string   `json:"url,omitempty"`
}

type obSubject struct {
	Type        []string      `json:"type"`
	Name        string        `json:"name"`
	Identifier  []obIdentity  `json:"identifier"`
	Achievement obAchievement `json:"achievement"`
}

// obIdentity names the holder as Open Badges 3.0 does without an e-mail
// or a DID: by name, in plain text (hashed: false).
type obIdentity struct {
	Type         string `json:"type"`
	IdentityHash string `json:"identityHash"`
	IdentityType string `json:"identityType"`
	Hashed       bool   `json:"hashed"`
}

type obAchievement struct {
	ID              string     `json:"id"`
	Type            []string   `json:"type"`
	AchievementType string     `json:"achievementType"`
	Name            string     `json:"name"`
	Description     string     `json:"description"`
	Criteria        obCriteria `json:"criteria"`
	Image           *obImage   `json:"image,omitempty"`
}

type obCriteria struct {
	Narrative string `json:"narrative"`
}

type obImage struct {
	ID   string `json:"id"`
	Type string `json:"type"`
}

type obStatusEntry struct {
	ID                   string `json:"id"`
	Type                 string `json:"type"`
	StatusPurpose        string `json:"statusPurpose"`
	StatusListIndex      string `json:"statusListIndex"`
	StatusListCredential string `json:"statusListCredential"`
}

// dateTime writes a date as the start of that day in UTC, as VC 2.0's
// validFrom and validUntil want a date-time.
func dateTime(d date.Date) string { return d.String() + "T00:00:00Z" }

// Unsigned returns the badge's OpenBadgeCredential without a proof, as
// compact JSON and a newline.
func (b *Badge) Unsigned() ([]byte, error) {
	switch {
	case b.URL == "" || b.Issuer.DID == "" || b.Achievement.ID == "" || b.Status.List == "":
		return nil, errors.New("badge: a URL, issuer DID, achievement id or status list is missing")
	case !b.ValidFrom.Valid():
		return nil, errors.New("badge: no issue date")
	case b.Status.Index < 0:
		return nil, errors.New("badge: negative status index")
	}
	c := obCredential{
		Context: []string{ContextVC, ContextOB},
		ID:      b.URL,
		Type:    []string{"VerifiableCredential", "OpenBadgeCredential"},
		Name:    b.Name,
		Issuer:  obProfile{ID: b.Issuer.DID, Type: []string{"Profile"}, Name: b.Issuer.Name, URL: b.Issuer.URL},
		// The issue date is the first instant of the day in UTC.
		ValidFrom: dateTime(b.ValidFrom),
		CredentialSubj: obSubject{
			Type:       []string{"AchievementSubject"},
			Name:       b.Holder,
			Identifier: []obIdentity{{Type: "IdentityObject", IdentityHash: b.Holder, IdentityType: "name", Hashed: false}},
			Achievement: obAchievement{
				ID: b.Achievement.ID, Type: []string{"Achievement"}, AchievementType: "Certification",
				Name: b.Achievement.Name, Description: b.Achievement.Description,
				Criteria: obCriteria{Narrative: b.Achievement.Narrative},
			},
		},
		CredentialStatus: statusEntry(b.Status),
	}
	if b.ValidUntil.Valid() {
		c.ValidUntil = dateTime(b.ValidUntil)
	}
	if b.Achievement.Image != "" {
		c.CredentialSubj.Achievement.Image = &obImage{ID: b.Achievement.Image, Type: "Image"}
	}
	return marshal(c)
}

func statusEntry(s StatusEntry) obStatusEntry {
	i := strconv.Itoa(s.Index)
	return obStatusEntry{ID: s.List + "#" + i, Type: "BitstringStatusListEntry", StatusPurpose: "revocation",
		StatusListIndex: i, StatusListCredential: s.List}
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

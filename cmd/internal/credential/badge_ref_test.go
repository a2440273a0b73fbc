package credential

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"
	"testing"

	"github.com/accredit/accredit/cmd/internal/date"
)

// The reference for Badge.AppendUnsigned and AppendWithProof: the
// documents as structs, written by encoding/json. The hand-written
// appenders must give the same bytes (the signature cache is keyed by
// them, and verifiers read them).

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

func statusEntry(s StatusEntry) obStatusEntry {
	i := strconv.Itoa(s.Index)
	return obStatusEntry{ID: s.List + "#" + i, Type: "BitstringStatusListEntry", StatusPurpose: "revocation",
		StatusListIndex: i, StatusListCredential: s.List}
}

// referenceUnsigned is Badge.Unsigned through encoding/json.
func referenceUnsigned(b *Badge) []byte {
	out, err := marshal(referenceDoc(b))
	if err != nil {
		panic(err)
	}
	return out
}

// referenceDoc is the badge's document as structs.
func referenceDoc(b *Badge) obCredential {
	c := obCredential{
		Context:   []string{ContextVC, ContextOB},
		ID:        b.URL,
		Type:      []string{"VerifiableCredential", "OpenBadgeCredential"},
		Name:      b.Name,
		Issuer:    obProfile{ID: b.Issuer.DID, Type: []string{"Profile"}, Name: b.Issuer.Name, URL: b.Issuer.URL},
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
	return c
}

// hostile holds every kind of string the appenders escape.
var hostile = []string{
	"", "plain", `quo"te \back\slash`, "tab\tnew\nline\rret\bbs\fff", "\x00\x01\x1f\x7f",
	"<a href='x'>&amp;</a>", "Zoë Ünïcödé 中文 🎓", "line\u2028para\u2029", "bad \xff\xfe utf8 \xc3",
	"truncated \xe2\x80", "\u2027\u202a", "a\\u2028",
}

// TestAppendUnsignedIsEncodingJSON: the badge's JSON is encoding/json's,
// byte for byte, with and without each optional member and with every
// kind of string.
func TestAppendUnsignedIsEncodingJSON(t *testing.T) {
	var badges []*Badge
	badges = append(badges, testBadge())
	for _, edit := range []func(*Badge){
		func(b *Badge) { b.ValidUntil = date.Date{} },
		func(b *Badge) { b.Achievement.Image = "" },
		func(b *Badge) { b.Issuer.URL = "" },
		func(b *Badge) { b.Status.Index = 0 },
		func(b *Badge) { b.Status.Index = 1<<20 - 1 },
	} {
		b := testBadge()
		edit(b)
		badges = append(badges, b)
	}
	for _, s := range hostile {
		b := testBadge()
		b.URL, b.Name, b.Holder, b.Issuer.Name, b.Issuer.URL, b.Issuer.DID = "u"+s, s, s, s, s, "d"+s
		b.Achievement = Achievement{ID: "a" + s, Name: s, Description: s, Narrative: s, Image: s}
		b.Status.List = "l" + s
		badges = append(badges, b)
	}
	for i, b := range badges {
		got, err := b.Unsigned()
		if err != nil {
			t.Fatalf("badge %d: %v", i, err)
		}
		if want := referenceUnsigned(b); !bytes.Equal(got, want) {
			t.Errorf("badge %d:\n got %s\nwant %s", i, got, want)
		}
		// Appending keeps what dst held.
		app, _ := b.AppendUnsigned([]byte("prefix"))
		if string(app) != "prefix"+string(got) {
			t.Errorf("badge %d: AppendUnsigned lost its prefix", i)
		}
	}
}

func TestAppendUnsignedRefuses(t *testing.T) {
	for name, edit := range map[string]func(*Badge){
		"no URL":         func(b *Badge) { b.URL = "" },
		"no DID":         func(b *Badge) { b.Issuer.DID = "" },
		"no achievement": func(b *Badge) { b.Achievement.ID = "" },
		"no list":        func(b *Badge) { b.Status.List = "" },
		"no issue date":  func(b *Badge) { b.ValidFrom = date.Date{} },
		"negative index": func(b *Badge) { b.Status.Index = -1 },
	} {
		b := testBadge()
		edit(b)
		if _, err := b.Unsigned(); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

// FuzzAppendJSONString: any string, valid UTF-8 or not, is written as
// encoding/json writes it.
func FuzzAppendJSONString(f *testing.F) {
	for _, s := range hostile {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		want, err := marshal(s)
		if err != nil {
			t.Fatal(err)
		}
		got := append(appendJSONString(nil, s), '\n')
		if !bytes.Equal(got, want) {
			t.Errorf("%q:\n got %s\nwant %s", s, got, want)
		}
	})
}

// FuzzBadgeJSON: any badge is encoding/json's bytes.
func FuzzBadgeJSON(f *testing.F) {
	f.Add("Jane Doe", "Certified Sales Associate", "did:web:x", "Req\nuirements", 4242, true)
	f.Add("\xff", "\u2028", "did:web:y%3A8080", "<&>", 0, false)
	f.Fuzz(func(t *testing.T, holder, name, did, narrative string, index int, image bool) {
		b := testBadge()
		b.Holder, b.Name, b.Achievement.Narrative = holder, name, narrative
		if did != "" {
			b.Issuer.DID = did
		}
		b.Status.Index = index & (1<<20 - 1)
		if !image {
			b.Achievement.Image = ""
		}
		got, err := b.Unsigned()
		if err != nil {
			t.Fatal(err)
		}
		if want := referenceUnsigned(b); !bytes.Equal(got, want) {
			t.Errorf("\n got %s\nwant %s", got, want)
		}
	})
}

// TestAppendWithProofIsEncodingJSON: the proof spliced into the
// unsigned bytes gives encoding/json's encoding of the whole signed
// document, for every kind of string in the document and the proof.
func TestAppendWithProofIsEncodingJSON(t *testing.T) {
	for i, s := range hostile {
		b := testBadge()
		b.Holder, b.Achievement.Narrative = s, s
		p := NewProof(testVM+s, b.ValidFrom.Time())
		for _, value := range []string{"", "z3yMApqCuCjXDWPrbJvR5hY1nUhH1VnLtNYk1Y3L3XhE", s} {
			p.ProofValue = value
			u, err := b.Unsigned()
			if err != nil {
				t.Fatal(err)
			}
			got, err := AppendWithProof([]byte("prefix"), u, p)
			if err != nil {
				t.Fatal(err)
			}
			doc := referenceDoc(b)
			doc.Proof = []Proof{p}
			want, _ := marshal(doc)
			if string(got) != "prefix"+string(want) {
				t.Errorf("string %d, proofValue %q:\n got %s\nwant %s", i, value, got[len("prefix"):], want)
			}
		}
	}
	// Any object: the proof is its last member.
	p := NewProof(testVM, date.New(2025, 1, 15).Time())
	for in, want := range map[string]string{
		"{}\n":          `{"proof":[`,
		"{ }":           `{ "proof":[`,
		`{"a":1}`:       `{"a":1,"proof":[`,
		"{\"a\":1}\n\n": `{"a":1,"proof":[`,
	} {
		got, err := WithProof([]byte(in), p)
		if err != nil || !strings.HasPrefix(string(got), want) || !json.Valid(got) {
			t.Errorf("WithProof(%q) = %s, %v", in, got, err)
		}
	}
	for _, in := range []string{"", "{", "[]", "1", `"{}"`} {
		if got, err := WithProof([]byte(in), p); err == nil {
			t.Errorf("WithProof(%q) = %s, no error", in, got)
		}
	}
}

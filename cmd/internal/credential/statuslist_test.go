package credential

import (
	"crypto/ed25519"
	"encoding/json"
	"fmt"
	"strconv"
	"testing"

	"github.com/accredit/accredit/cmd/internal/date"
)

func TestAssignStatusStable(t *testing.T) {
	var creds []StatusInput
	for i := range 3000 {
		creds = append(creds, StatusInput{ID: fmt.Sprintf("C%05d", i), Issued: date.New(2024, 1, 1).AddDays(i % 400)})
	}
	first, err := AssignStatus(creds)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[Slot]string{}
	for id, s := range first {
		if s.List < 0 || s.List >= Lists || s.Index < 0 || s.Index >= ListBits {
			t.Fatalf("%s: slot %+v out of range", id, s)
		}
		if other, ok := seen[s]; ok {
			t.Fatalf("%s and %s share %+v", id, other, s)
		}
		seen[s] = id
	}
	// Credentials issued later, even ones that collide, move no one.
	more := append([]StatusInput{}, creds...)
	for i := range 3000 {
		more = append(more, StatusInput{ID: fmt.Sprintf("N%05d", i), Issued: date.New(2025, 6, 1)})
	}
	// ... and neither does the order they are given in.
	for i, j := 0, len(more)-1; i < j; i, j = i+1, j-1 {
		more[i], more[j] = more[j], more[i]
	}
	second, err := AssignStatus(more)
	if err != nil {
		t.Fatal(err)
	}
	for id, s := range first {
		if second[id] != s {
			t.Errorf("%s moved from %+v to %+v", id, s, second[id])
		}
	}
	if _, err := AssignStatus([]StatusInput{{ID: "A"}, {ID: "A"}}); err == nil {
		t.Error("a duplicate id was placed twice")
	}
}

// Two credentials whose ids hash to the same bit get distinct bits: the
// one issued first keeps its own, the other takes the next free one,
// whatever order they are given in.
func TestAssignStatusCollision(t *testing.T) {
	homes := map[Slot]string{}
	var a, b string
	for i := 0; a == ""; i++ { // about 20,000 ids (birthday bound of 2^28)
		id := "ID" + strconv.Itoa(i)
		if other, ok := homes[home(id)]; ok {
			a, b = other, id
		}
		homes[home(id)] = id
	}
	h := home(a)
	next := Slot{h.List, (h.Index + 1) % ListBits}
	for _, c := range []struct {
		first, second string
	}{{a, b}, {b, a}} {
		creds := []StatusInput{{ID: c.second, Issued: date.New(2025, 2, 2)}, {ID: c.first, Issued: date.New(2025, 2, 1)}}
		got, err := AssignStatus(creds)
		if err != nil {
			t.Fatal(err)
		}
		if got[c.first] != h || got[c.second] != next {
			t.Errorf("first %s at %+v, second %s at %+v; want %+v and %+v", c.first, got[c.first], c.second, got[c.second], h, next)
		}
	}
	// Same day: the smaller id first.
	got, _ := AssignStatus([]StatusInput{{ID: b, Issued: date.New(2025, 2, 1)}, {ID: a, Issued: date.New(2025, 2, 1)}})
	lo := min(a, b)
	if got[lo] != h {
		t.Errorf("same day: %s is not at home", lo)
	}
}

func TestStatusListRoundTrip(t *testing.T) {
	l := NewStatusList("https://x.example/api/v1/status/0.json", "did:web:x.example", date.New(2025, 3, 1))
	for _, i := range []int{0, 7, 8, 4242, ListBits - 1} {
		l.Revoke(i)
	}
	u, err := l.Unsigned(nil)
	if err != nil {
		t.Fatal(err)
	}
	s := &Signer{Key: testKey, VerificationMethod: testVM}
	signed, err := s.Sign(u, date.New(2025, 3, 1).Time())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := VerifyKey(signed, testKey.Public().(ed25519.PublicKey)); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Type              []string
		CredentialSubject struct{ Type, StatusPurpose, EncodedList string }
	}
	json.Unmarshal(signed, &doc)
	if doc.CredentialSubject.Type != "BitstringStatusList" || doc.CredentialSubject.StatusPurpose != "revocation" {
		t.Errorf("subject = %+v", doc.CredentialSubject)
	}
	if len(doc.CredentialSubject.EncodedList) > 400 {
		t.Errorf("a list of 5 bits set encodes in %d characters", len(doc.CredentialSubject.EncodedList))
	}
	bits, err := DecodeList(doc.CredentialSubject.EncodedList)
	if err != nil {
		t.Fatal(err)
	}
	if len(bits)*8 != ListBits {
		t.Errorf("%d bits", len(bits)*8)
	}
	for i, want := range map[int]bool{0: true, 1: false, 6: false, 7: true, 8: true, 9: false, 4242: true, 4243: false, ListBits - 1: true, ListBits: false} {
		if BitSet(bits, i) != want {
			t.Errorf("bit %d = %v", i, !want)
		}
	}
}

func TestDecodeListErrors(t *testing.T) {
	small, _ := EncodeList(make([]byte, 100))
	for _, s := range []string{"", "zabc", "u!!!", "uH4sI", small} {
		if _, err := DecodeList(s); err == nil {
			t.Errorf("DecodeList(%.20q): no error", s)
		}
	}
}

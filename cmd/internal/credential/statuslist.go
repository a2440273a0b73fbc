package credential

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/accredit/accredit/cmd/internal/date"
)

// Revocation is published as W3C Bitstring Status Lists: one bit per
// credential, set when it is revoked.
//
// A credential's place (which list, which bit) must never change: a
// holder's wallet keeps the signed credential, with its statusListIndex,
// for years. Nothing in the program stores it, so it is derived from the
// credential's id: SHA-256 of the id picks one of Lists lists (first
// byte) and a bit in it (the next four bytes, modulo ListBits). Two
// credentials that land on the same bit (at 200,000 credentials in
// 2^28 bits, about 70 of them) are settled by probing: credentials are
// placed in the order of their issue date, then id, each on the first
// free bit from its own, going up. A new credential, issued on or after
// those it collides with, never moves one placed before it. Only a
// credential recorded later with an earlier issue date than one it
// collides with, or the removal of a credential that another probed
// past, moves a place: at 200,000 credentials, about one such record in
// 1,300 (the share of bits taken). content/docs/verifying.md says so.
const (
	// ListBits is the size of each list: 2^20 bits (128 KiB before
	// gzip), above the 131,072 the spec asks for as herd privacy.
	ListBits = 1 << 20
	// Lists is how many lists there are.
	Lists = 256
)

// Slot is a credential's place in the status lists.
type Slot struct {
	List  int // 0 .. Lists-1
	Index int // 0 .. ListBits-1
}

// StatusInput is what places a credential.
type StatusInput struct {
	ID     string
	Issued date.Date
}

// home is the bit a credential would have without collisions.
func home(id string) Slot {
	h := sha256.Sum256([]byte("accredit status list\x00" + id))
	return Slot{List: int(h[0]), Index: int(binary.BigEndian.Uint32(h[1:5]) % ListBits)}
}

// AssignStatus places every credential (see above). Ids must be unique.
func AssignStatus(creds []StatusInput) (map[string]Slot, error) {
	order := slices.Clone(creds)
	slices.SortFunc(order, func(a, b StatusInput) int {
		if c := a.Issued.Compare(b.Issued); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
	// A slot as one number (Lists and ListBits are powers of two that
	// fit in 32 bits): a quarter of the memory of a map of Slots.
	taken := make(map[uint32]struct{}, len(order))
	key := func(s Slot) uint32 { return uint32(s.List)*ListBits + uint32(s.Index) }
	used := make([]int, Lists)
	out := make(map[string]Slot, len(order))
	for _, c := range order {
		if _, dup := out[c.ID]; dup {
			return nil, fmt.Errorf("status list: credential %s is listed twice", c.ID)
		}
		s := home(c.ID)
		if used[s.List] == ListBits {
			return nil, fmt.Errorf("status list %d is full", s.List)
		}
		for {
			if _, ok := taken[key(s)]; !ok {
				break
			}
			s.Index = (s.Index + 1) % ListBits
		}
		taken[key(s)] = struct{}{}
		used[s.List]++
		out[c.ID] = s
	}
	return out, nil
}

// StatusList is one list: a bit per index.
type StatusList struct {
	URL       string
	Issuer    string    // the issuer's DID
	ValidFrom date.Date // when its bits last changed
	bits      []byte
}

// NewStatusList returns a list with no bit set.
func NewStatusList(url, issuer string, validFrom date.Date) *StatusList {
	return &StatusList{URL: url, Issuer: issuer, ValidFrom: validFrom, bits: make([]byte, ListBits/8)}
}

// Revoke sets the bit of index.
func (l *StatusList) Revoke(index int) { l.bits[index/8] |= 0x80 >> (index % 8) }

// EncodeList is the spec's encodedList: the bitstring (bit 0 the first
// byte's highest) gzip'd, base64url without padding, multibase "u".
func EncodeList(bits []byte) (string, error) {
	var b bytes.Buffer
	w, err := gzip.NewWriterLevel(&b, gzip.BestCompression)
	if err != nil {
		return "", err
	}
	w.Write(bits)
	if err := w.Close(); err != nil {
		return "", err
	}
	return "u" + base64.RawURLEncoding.EncodeToString(b.Bytes()), nil
}

// DecodeList reverses EncodeList, refusing lists shorter than the spec's
// minimum of 131,072 bits or larger than 16 MiB unpacked.
func DecodeList(encoded string) ([]byte, error) {
	if !strings.HasPrefix(encoded, "u") {
		return nil, errors.New("encodedList is not multibase base64url (u...)")
	}
	gz, err := base64.RawURLEncoding.DecodeString(encoded[1:])
	if err != nil {
		return nil, fmt.Errorf("encodedList: %v", err)
	}
	r, err := gzip.NewReader(bytes.NewReader(gz))
	if err != nil {
		return nil, fmt.Errorf("encodedList: %v", err)
	}
	const max = 16 << 20
	// Sized for the list the spec requires, so that reading it does not
	// grow a buffer from 512 bytes a dozen times.
	var buf bytes.Buffer
	buf.Grow(131072/8 + bytes.MinRead)
	if _, err := buf.ReadFrom(io.LimitReader(r, max+1)); err != nil {
		return nil, fmt.Errorf("encodedList: %v", err)
	}
	bits := buf.Bytes()
	if len(bits) > max {
		return nil, errors.New("encodedList unpacks to more than 16 MiB")
	}
	if len(bits) < 131072/8 {
		return nil, fmt.Errorf("encodedList holds %d bits, fewer than the 131,072 the spec requires", len(bits)*8)
	}
	return bits, nil
}

// BitSet reports whether bit index of a decoded list is set; false past
// its end.
func BitSet(bits []byte, index int) bool {
	return index >= 0 && index/8 < len(bits) && bits[index/8]&(0x80>>(index%8)) != 0
}

type statusListCredential struct {
	Context        []string          `json:"@context"`
	ID             string            `json:"id"`
	Type           []string          `json:"type"`
	Issuer         string            `json:"issuer"`
	ValidFrom      string            `json:"validFrom"`
	CredentialSubj statusListSubject `json:"credentialSubject"`
}

type statusListSubject struct {
	ID            string `json:"id"`
	Type          string `json:"type"`
	StatusPurpose string `json:"statusPurpose"`
	EncodedList   string `json:"encodedList"`
}

// Unsigned returns the list's BitstringStatusListCredential without a
// proof, as compact JSON and a newline. The cache, if not nil, keeps the
// encoded bits.
func (l *StatusList) Unsigned(c *Cache) ([]byte, error) {
	enc, err := c.EncodeList(l.bits)
	if err != nil {
		return nil, err
	}
	return marshal(statusListCredential{
		Context:   []string{ContextVC},
		ID:        l.URL,
		Type:      []string{"VerifiableCredential", "BitstringStatusListCredential"},
		Issuer:    l.Issuer,
		ValidFrom: dateTime(l.ValidFrom),
		CredentialSubj: statusListSubject{ID: l.URL + "#list", Type: "BitstringStatusList",
			StatusPurpose: "revocation", EncodedList: enc},
	})
}

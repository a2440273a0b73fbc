// Package credid implements credential ids: twelve symbols of Crockford
// base32 written XXXX-XXXX-XXXX, the last a Luhn mod 32 check symbol over
// the first eleven (PROGRAM-FORMAT.md section 7).
//
// In: an id as written in a file or typed by a visitor. Out: its canonical
// form, whether it is well formed, and fresh random ids.
package credid

import (
	"crypto/rand"
	"errors"
	"fmt"
	"strings"
)

// Alphabet is Crockford's base32: a symbol's value is its index.
const Alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

// Len is the number of symbols in an id, check symbol included.
const Len = 12

var values = func() (v [256]int8) {
	for i := range v {
		v[i] = -1
	}
	for i := 0; i < len(Alphabet); i++ {
		v[Alphabet[i]] = int8(i)
	}
	return v
}()

// CheckSymbol returns the Luhn mod 32 check symbol over eleven symbol values:
// walking from the last back to the first with factors 2, 1, 2, 1, ...,
// each addend contributes addend/32 + addend%32.
func CheckSymbol(vals []int) byte {
	sum, factor := 0, 2
	for i := len(vals) - 1; i >= 0; i-- {
		a := factor * vals[i]
		sum += a/32 + a%32
		factor = 3 - factor
	}
	return Alphabet[(32-sum%32)%32]
}

// Errors reported by Validate.
var (
	ErrShape = errors.New("a credential id is 12 symbols of Crockford base32 written XXXX-XXXX-XXXX")
	ErrCheck = errors.New("the check symbol does not match: a symbol is mistyped")
)

// Validate reports whether s is a credential id in its canonical written
// form (upper case, hyphens after the 4th and 8th symbols) with a correct
// check symbol. Files must hold the canonical form; lookups use Normalize.
func Validate(s string) error {
	if len(s) != 14 || s[4] != '-' || s[9] != '-' {
		return ErrShape
	}
	vals := make([]int, 0, 11)
	for i := 0; i < len(s); i++ {
		if i == 4 || i == 9 {
			continue
		}
		v := values[s[i]]
		if v < 0 {
			return ErrShape
		}
		if len(vals) == 11 {
			if CheckSymbol(vals) != s[i] {
				return ErrCheck
			}
			break
		}
		vals = append(vals, int(v))
	}
	return nil
}

// Normalize turns what a visitor typed into the canonical form: it accepts
// lower case, I and L for 1, O for 0, and ids with or without hyphens
// (spaces are ignored too). It reports an error when the result is not a
// well-formed id with a correct check symbol.
func Normalize(s string) (string, error) {
	var b strings.Builder
	for _, r := range strings.ToUpper(s) {
		switch r {
		case '-', ' ', '\t':
			continue
		case 'I', 'L':
			r = '1'
		case 'O':
			r = '0'
		}
		if r > 0x7f || values[r] < 0 {
			return "", ErrShape
		}
		b.WriteRune(r)
	}
	raw := b.String()
	if len(raw) != Len {
		return "", ErrShape
	}
	id := raw[0:4] + "-" + raw[4:8] + "-" + raw[8:12]
	if err := Validate(id); err != nil {
		return "", err
	}
	return id, nil
}

// New returns a fresh random id: 55 bits from crypto/rand plus the check symbol.
func New() string {
	var b [11]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(fmt.Sprintf("credid: no randomness: %v", err)) // crypto/rand never fails on supported systems
	}
	vals := make([]int, 11)
	for i, x := range b {
		vals[i] = int(x & 31)
	}
	return format(vals)
}

func format(vals []int) string {
	s := make([]byte, 0, 14)
	for i, v := range vals {
		if i == 4 || i == 8 {
			s = append(s, '-')
		}
		s = append(s, Alphabet[v])
	}
	return string(append(s, CheckSymbol(vals)))
}

// ShardKey names the shard of the canonical id among 1<<bits shards
// (1 <= bits <= 55): the id's leading bits, written as its first
// ceil(bits/5) symbols with the bits past the prefix cleared in the last.
// "7K3M-9Q2P-XW4T" at 12 bits is "7K0" (the third symbol keeps its two
// high bits: 3 = 00011 becomes 00000). Its Index is the number of the
// shard, 0 to 1<<bits - 1. The verification page computes the same in
// site.js. An id that is not canonical has no shard: ok is false.
func ShardKey(id string, bits int) (key string, index int, ok bool) {
	if len(id) != Len+2 || bits < 1 || bits > 5*(Len-1) {
		return "", 0, false
	}
	n := (bits + 4) / 5
	b := make([]byte, 0, n)
	for i := 0; len(b) < n; i++ {
		if id[i] == '-' {
			continue
		}
		v := values[id[i]]
		if v < 0 {
			return "", 0, false
		}
		if len(b) == n-1 {
			drop := 5*n - bits
			v = v >> drop << drop
			index = index<<(5-drop) | int(v)>>drop
		} else {
			index = index<<5 | int(v)
		}
		b = append(b, Alphabet[v])
	}
	return string(b), index, true
}

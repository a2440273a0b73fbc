package credential

import (
	"bytes"
	"crypto/ed25519"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"slices"
	"strings"
)

// Multikey encodes an Ed25519 public key as the W3C Multikey format
// names it: "z" (multibase base58btc) + base58btc(0xed 0x01, the varint
// of the multicodec ed25519-pub, + the 32 key bytes). Such keys start
// with "z6Mk".
func Multikey(pub ed25519.PublicKey) string {
	return "z" + base58Encode(append([]byte{0xed, 0x01}, pub...))
}

// Multikey secret keys: multicodec ed25519-priv (0x1300, varint 0x80
// 0x26) + the 32-byte seed. They start with "z3u2".
var (
	pubHeader  = []byte{0xed, 0x01}
	privHeader = []byte{0x80, 0x26}
)

// ParseMultikey decodes an Ed25519 public key in Multikey form.
func ParseMultikey(s string) (ed25519.PublicKey, error) {
	raw, err := multibase58(s)
	if err != nil {
		return nil, err
	}
	switch {
	case bytes.HasPrefix(raw, privHeader):
		return nil, errors.New("this is a private key (z3u2...), not a public key: never write it into the program; the public key is what accredit keygen printed")
	case !bytes.HasPrefix(raw, pubHeader):
		return nil, errors.New("not an Ed25519 Multikey: it must start with z6Mk")
	case len(raw) != 2+ed25519.PublicKeySize:
		return nil, fmt.Errorf("an Ed25519 Multikey holds 32 key bytes, this one %d", len(raw)-2)
	}
	return ed25519.PublicKey(raw[2:]), nil
}

// MultikeySecret encodes a private key as a Multikey secret key
// ("z3u2..."): the 32-byte seed with the ed25519-priv header.
func MultikeySecret(priv ed25519.PrivateKey) string {
	return "z" + base58Encode(append(bytes.Clone(privHeader), priv.Seed()...))
}

// The private key file: accredit keygen writes one line, the key as a
// Multikey secret key (z3u2..., 32-byte seed), and a newline. ParseKeyFile
// also reads, for keys made elsewhere, a Multikey secret key of 64 bytes
// (seed and public key, as some libraries write it: the public half must
// match) and a PEM "PRIVATE KEY" block holding a PKCS#8 Ed25519 key
// (openssl genpkey -algorithm ed25519).
func ParseKeyFile(data []byte) (ed25519.PrivateKey, error) {
	s := strings.TrimSpace(string(data))
	if s == "" {
		return nil, errors.New("the key file is empty")
	}
	if strings.HasPrefix(s, "-----BEGIN") {
		return parsePEM(data)
	}
	if strings.ContainsAny(s, " \t\r\n") {
		return nil, errors.New("the key file must hold one line: the private key (z3u2...) that accredit keygen wrote")
	}
	raw, err := multibase58(s)
	if err != nil {
		return nil, err
	}
	if bytes.HasPrefix(raw, pubHeader) {
		return nil, errors.New("the key file holds a public key (z6Mk...), not a private key")
	}
	if !bytes.HasPrefix(raw, privHeader) {
		return nil, errors.New("not an Ed25519 private key: a Multikey secret key starts with z3u2")
	}
	raw = raw[2:]
	switch len(raw) {
	case ed25519.SeedSize:
		return ed25519.NewKeyFromSeed(raw), nil
	case ed25519.PrivateKeySize:
		k := ed25519.NewKeyFromSeed(raw[:ed25519.SeedSize])
		if !bytes.Equal(k[ed25519.SeedSize:], raw[ed25519.SeedSize:]) {
			return nil, errors.New("the private key's public half does not match its seed")
		}
		return k, nil
	}
	return nil, fmt.Errorf("an Ed25519 private key holds 32 bytes (or 64 with its public key), this one %d", len(raw))
}

func parsePEM(data []byte) (ed25519.PrivateKey, error) {
	b, rest := pem.Decode(data)
	if b == nil {
		return nil, errors.New("the key file is not valid PEM")
	}
	if len(bytes.TrimSpace(rest)) > 0 {
		return nil, errors.New("the key file holds more than one PEM block")
	}
	if b.Type != "PRIVATE KEY" {
		return nil, fmt.Errorf("the key file holds a %q PEM block; an Ed25519 key is a PKCS#8 \"PRIVATE KEY\"", b.Type)
	}
	k, err := x509.ParsePKCS8PrivateKey(b.Bytes)
	if err != nil {
		return nil, fmt.Errorf("the key file's PKCS#8 key: %v", err)
	}
	priv, ok := k.(ed25519.PrivateKey)
	if !ok {
		return nil, fmt.Errorf("the key file holds a %T key, not Ed25519", k)
	}
	return priv, nil
}

// KeyFile is what accredit keygen writes: the key and a newline.
func KeyFile(priv ed25519.PrivateKey) []byte {
	return []byte(MultikeySecret(priv) + "\n")
}

// LooksLikeSecret reports whether s is a Multikey Ed25519 secret key:
// check uses it to find private keys written into the program.
func LooksLikeSecret(s string) bool {
	raw, err := multibase58(s)
	return err == nil && bytes.HasPrefix(raw, privHeader) && (len(raw) == 2+ed25519.SeedSize || len(raw) == 2+ed25519.PrivateKeySize)
}

// multibase58 decodes a multibase base58btc string ("z...").
func multibase58(s string) ([]byte, error) {
	if s == "" {
		return nil, errors.New("empty key")
	}
	if s[0] != 'z' {
		return nil, fmt.Errorf("not multibase base58btc: it must start with 'z', not %q", s[:1])
	}
	if len(s) > 200 {
		return nil, errors.New("key too long")
	}
	return base58Decode(s[1:])
}

const base58Alphabet = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"

var base58Index = func() (t [256]int8) {
	for i := range t {
		t[i] = -1
	}
	for i, c := range base58Alphabet {
		t[c] = int8(i)
	}
	return t
}()

// base58Encode is base58 with the Bitcoin alphabet: each leading zero
// byte is a '1'. Every proofValue is one, 200,000 a build: the number is
// kept in limbs of base 58^5 and fed 32 bits at a time (base58Slow,
// on big.Int, is the reference the tests compare it with).
func base58Encode(b []byte) string { return string(appendBase58(nil, b)) }

// appendBase58 appends base58Encode(b) to dst; for a signature (64
// bytes), without allocating.
func appendBase58(dst, b []byte) []byte {
	const limbBase = 58 * 58 * 58 * 58 * 58 // 656,356,768 < 2^32
	zeros := 0
	for zeros < len(b) && b[zeros] == 0 {
		zeros++
	}
	rest := b[zeros:]
	var limbArray [32]uint32
	limbs := limbArray[:0] // little-endian
	feed := func(v uint64, shift uint) {
		carry := v
		for i := range limbs {
			carry += uint64(limbs[i]) << shift
			limbs[i] = uint32(carry % limbBase)
			carry /= limbBase
		}
		for carry > 0 {
			limbs = append(limbs, uint32(carry%limbBase))
			carry /= limbBase
		}
	}
	// Leading bytes that do not fill a 32-bit word first.
	head := len(rest) % 4
	for _, c := range rest[:head] {
		feed(uint64(c), 8)
	}
	for i := head; i < len(rest); i += 4 {
		feed(uint64(rest[i])<<24|uint64(rest[i+1])<<16|uint64(rest[i+2])<<8|uint64(rest[i+3]), 32)
	}
	for range zeros {
		dst = append(dst, '1')
	}
	var digitArray [160]byte
	digits := digitArray[:0]
	for i, l := range limbs { // least significant first
		for j := 0; j < 5; j++ {
			if i == len(limbs)-1 && l == 0 {
				break // no leading zero digits of the top limb
			}
			digits = append(digits, base58Alphabet[l%58])
			l /= 58
		}
	}
	for i := len(digits) - 1; i >= 0; i-- {
		dst = append(dst, digits[i])
	}
	return dst
}

// base58Slow is base58Encode on big.Int: plainly right, and slow.
func base58Slow(b []byte) string {
	zeros := 0
	for zeros < len(b) && b[zeros] == 0 {
		zeros++
	}
	n := new(big.Int).SetBytes(b)
	var out []byte
	base, mod := big.NewInt(58), new(big.Int)
	for n.Sign() > 0 {
		n.DivMod(n, base, mod)
		out = append(out, base58Alphabet[mod.Int64()])
	}
	for range zeros {
		out = append(out, '1')
	}
	slices.Reverse(out)
	return string(out)
}

func base58Decode(s string) ([]byte, error) {
	if s == "" {
		return nil, errors.New("empty base58 value")
	}
	zeros := 0
	for zeros < len(s) && s[zeros] == '1' {
		zeros++
	}
	n, base := new(big.Int), big.NewInt(58)
	for i := 0; i < len(s); i++ {
		v := base58Index[s[i]]
		if v < 0 {
			return nil, fmt.Errorf("%q is not a base58 character", s[i])
		}
		n.Mul(n, base)
		n.Add(n, big.NewInt(int64(v)))
	}
	return append(make([]byte, zeros), n.Bytes()...), nil
}

package credential

import (
	"crypto/ed25519"
	"crypto/x509"
	"encoding/pem"
	"strings"
	"testing"
)

func TestFindPrivateKey(t *testing.T) {
	pub := Multikey(testKey.Public().(ed25519.PublicKey))
	secret := MultikeySecret(testKey)
	der, _ := x509.MarshalPKCS8PrivateKey(testKey)
	pemKey := string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}))
	openssh := "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW\n-----END OPENSSH PRIVATE KEY-----\n"
	pgp := "-----BEGIN PGP PRIVATE KEY BLOCK-----\nComment: x\n\nlFgEZ1234567890abcdefghijklmnopqrstuvwxyzABCDEFGH\n-----END PGP PRIVATE KEY BLOCK-----\n"
	for _, c := range []struct {
		name, in string
		line     int
	}{
		{"public key", "public_key = \"" + pub + "\"\n", 0},
		{"secret in toml", "a = 1\n\npublic_key = \"" + secret + "\"\n", 3},
		{"secret alone", secret + "\n", 1},
		{"secret in a word", "x" + secret, 0},
		{"secret prefix only", "the key starts with z3u2 and more\n", 0},
		{"pem", "# key\n" + pemKey, 2},
		{"openssh", openssh, 1},
		{"pgp", "x\n" + pgp, 2},
		{"header named in prose", "a file with -----BEGIN PRIVATE KEY----- in it is refused\n", 0},
		{"nothing", "name = \"Jane\"\n", 0},
	} {
		line, kind := FindPrivateKey([]byte(c.in))
		if line != c.line || (line > 0) != (kind != "") {
			t.Errorf("%s: line %d (%s), want %d", c.name, line, kind, c.line)
		}
	}
	if _, kind := FindPrivateKey([]byte(secret)); !strings.Contains(kind, "z3u2") {
		t.Errorf("kind = %q", kind)
	}
}

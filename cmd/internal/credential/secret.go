package credential

import (
	"bytes"
	"regexp"
	"sync"
)

// pemPrivate is a PEM private key block of any kind (PKCS#8, RSA, EC,
// OpenSSH, PGP): its header and the start of its body, so that a page
// that only names the header is not one.
var pemPrivate = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`-----BEGIN [A-Z0-9 ]*PRIVATE KEY[A-Z ]*-----\r?\n(?:[A-Za-z0-9-]+: [^\n]*\r?\n|\r?\n)*[A-Za-z0-9+/=]{40}`)
})

// FindPrivateKey returns the 1-based line of the first private key in
// data and what kind it is, or line 0: a Multikey Ed25519 secret key
// (z3u2..., what accredit keygen writes) or a PEM private key block.
// check reports every program file that holds one: a private key in the
// repository is a key anyone with the repository can sign with.
func FindPrivateKey(data []byte) (line int, kind string) {
	at, kind := -1, ""
	if i := bytes.Index(data, []byte("PRIVATE KEY")); i >= 0 {
		if loc := pemPrivate().FindIndex(data); loc != nil {
			at, kind = loc[0], "a PEM private key block"
		}
	}
	for off := 0; ; {
		i := bytes.Index(data[off:], []byte("z3u2"))
		if i < 0 {
			break
		}
		start := off + i
		end := start
		for end < len(data) && base58Index[data[end]] >= 0 {
			end++
		}
		if (start == 0 || base58Index[data[start-1]] < 0) && LooksLikeSecret(string(data[start:end])) {
			if at < 0 || start < at {
				at, kind = start, "an Ed25519 private key (z3u2...)"
			}
			break
		}
		off = start + 4
	}
	if at < 0 {
		return 0, ""
	}
	return 1 + bytes.Count(data[:at], []byte("\n")), kind
}

package credential

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/x509"
	"encoding/hex"
	"encoding/pem"
	"strings"
	"testing"
)

func TestMultikeyRoundTrip(t *testing.T) {
	for range 50 {
		pub, priv, err := ed25519.GenerateKey(rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		mk := Multikey(pub)
		if !strings.HasPrefix(mk, "z6Mk") {
			t.Fatalf("Multikey = %s, want z6Mk...", mk)
		}
		got, err := ParseMultikey(mk)
		if err != nil || !bytes.Equal(got, pub) {
			t.Fatalf("ParseMultikey(%s) = %x, %v", mk, got, err)
		}
		f := KeyFile(priv)
		if !bytes.HasPrefix(f, []byte("z3u2")) {
			t.Fatalf("key file %q does not start with z3u2", f)
		}
		k, err := ParseKeyFile(f)
		if err != nil || !bytes.Equal(k, priv) {
			t.Fatalf("ParseKeyFile: %v", err)
		}
		if !LooksLikeSecret(strings.TrimSpace(string(f))) || LooksLikeSecret(mk) {
			t.Fatal("LooksLikeSecret is wrong")
		}
	}
}

// Published keys: the W3C vc-di-eddsa spec's example public key and the
// 1EdTech test vector's decode and encode back to themselves.
func TestMultikeyKnown(t *testing.T) {
	const mk = "z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2"
	pub, err := ParseMultikey(mk)
	if err != nil {
		t.Fatal(err)
	}
	if Multikey(pub) != mk {
		t.Errorf("re-encoded %s as %s", mk, Multikey(pub))
	}
	// The test vector's verification method names a key too.
	if _, err := ParseMultikey("z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi"); err != nil {
		t.Error(err)
	}
	// base58 of leading zero bytes.
	if got := base58Encode([]byte{0, 0, 1}); got != "112" {
		t.Errorf("base58(00 00 01) = %s", got)
	}
	if b, _ := base58Decode("112"); !bytes.Equal(b, []byte{0, 0, 1}) {
		t.Errorf("base58 112 = %x", b)
	}
}

func TestParseMultikeyErrors(t *testing.T) {
	_, priv, _ := ed25519.GenerateKey(rand.Reader)
	secret := MultikeySecret(priv)
	short := "z" + base58Encode(append([]byte{0xed, 0x01}, make([]byte, 31)...))
	for _, c := range []struct{ in, want string }{
		{"", "empty"},
		{"6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2", "start with 'z'"},
		{"z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ0", "not a base58 character"},
		{secret, "private key"},
		{short, "32 key bytes"},
		{"zQ3shokFTS3brHcDQrn82RUDfCZESWL1ZdCEJwekUDPQiYBme", "must start with z6Mk"},
	} {
		_, err := ParseMultikey(c.in)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("ParseMultikey(%q) = %v, want an error with %q", c.in, err, c.want)
		}
	}
}

func TestParseKeyFile(t *testing.T) {
	pub, priv, _ := ed25519.GenerateKey(rand.Reader)
	der, _ := x509.MarshalPKCS8PrivateKey(priv)
	pemKey := pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})
	long := "z" + base58Encode(append([]byte{0x80, 0x26}, priv...))
	badLong := append([]byte{0x80, 0x26}, priv...)
	badLong[len(badLong)-1] ^= 1
	for _, c := range []struct {
		name string
		in   string
		ok   bool
		want string
	}{
		{"multikey", MultikeySecret(priv) + "\n", true, ""},
		{"crlf", MultikeySecret(priv) + "\r\n", true, ""},
		{"64 bytes", long, true, ""},
		{"pem", string(pemKey), true, ""},
		{"empty", "\n", false, "empty"},
		{"public", Multikey(pub), false, "public key"},
		{"two lines", MultikeySecret(priv) + "\n" + MultikeySecret(priv), false, "one line"},
		{"bad public half", "z" + base58Encode(badLong), false, "does not match"},
		{"pem other", "-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----\n", false, "RSA PRIVATE KEY"},
		{"pem junk", "-----BEGIN PRIVATE KEY-----\nnot base64\n", false, "not valid PEM"},
		{"hex", hex.EncodeToString(priv.Seed()), false, "multibase"},
	} {
		k, err := ParseKeyFile([]byte(c.in))
		switch {
		case c.ok && (err != nil || !bytes.Equal(k, priv)):
			t.Errorf("%s: %v", c.name, err)
		case !c.ok && (err == nil || !strings.Contains(err.Error(), c.want)):
			t.Errorf("%s: err = %v, want %q", c.name, err, c.want)
		}
	}
}

func FuzzParseKeyFile(f *testing.F) {
	_, priv, _ := ed25519.GenerateKey(rand.Reader)
	der, _ := x509.MarshalPKCS8PrivateKey(priv)
	f.Add(KeyFile(priv))
	f.Add(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}))
	f.Add([]byte("z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2"))
	f.Add([]byte("z1111"))
	f.Fuzz(func(t *testing.T, data []byte) {
		if k, err := ParseKeyFile(data); err == nil {
			if len(k) != ed25519.PrivateKeySize {
				t.Fatalf("key of %d bytes", len(k))
			}
			// A key read back must survive the file format.
			if k2, err := ParseKeyFile(KeyFile(k)); err != nil || !bytes.Equal(k, k2) {
				t.Fatalf("round trip: %v", err)
			}
		}
		if pub, err := ParseMultikey(string(data)); err == nil {
			if len(pub) != ed25519.PublicKeySize {
				t.Fatalf("public key of %d bytes", len(pub))
			}
			if Multikey(pub) != string(data) {
				// Leading '1's are zero bytes: a parse accepts only the
				// canonical form, or two spellings would name one key.
				t.Fatalf("%q parsed but encodes as %q", data, Multikey(pub))
			}
		}
	})
}

// base58Encode against the plain big.Int encoder, on every length up to
// 80 bytes, with and without leading zeros.
func TestBase58Differential(t *testing.T) {
	buf := make([]byte, 80)
	for n := 0; n <= 80; n++ {
		for trial := range 20 {
			b := buf[:n]
			rand.Read(b)
			for i := 0; i < min(trial%4, n); i++ {
				b[i] = 0
			}
			if trial == 19 {
				clear(b)
			}
			if got, want := base58Encode(b), base58Slow(b); got != want {
				t.Fatalf("%x: %s, want %s", b, got, want)
			}
			if d, err := base58Decode(base58Slow(b)); n > 0 && (err != nil || !bytes.Equal(d, b)) {
				t.Fatalf("decode %x: %x %v", b, d, err)
			}
		}
	}
}

func FuzzBase58(f *testing.F) {
	f.Add([]byte{0, 0, 1})
	f.Fuzz(func(t *testing.T, b []byte) {
		if got, want := base58Encode(b), base58Slow(b); got != want {
			t.Fatalf("%x: %s, want %s", b, got, want)
		}
	})
}

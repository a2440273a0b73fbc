package main

import (
	"bytes"
	"crypto/ed25519"
	"io"
	"strings"
	"testing"

	"github.com/accredit/accredit/cmd/internal/base"
	"github.com/accredit/accredit/cmd/internal/credential"
	"github.com/accredit/accredit/cmd/internal/date"
	"github.com/accredit/accredit/cmd/internal/program"
)

// newSigning takes the private key of the program's key of the day, and
// says what is wrong with any other.
func TestNewSigningKeyOfTheDay(t *testing.T) {
	k1 := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{1}, 32))
	k2 := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{2}, 32))
	k3 := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{3}, 32))
	mk := func(k ed25519.PrivateKey) string { return credential.Multikey(k.Public().(ed25519.PublicKey)) }
	p := &program.Program{Info: program.Info{SiteURL: "https://x.example/program/"}, SigningKeys: []*program.SigningKey{
		{ID: "one", PublicKey: mk(k1), From: date.New(2024, 1, 1), Until: date.New(2025, 1, 1)},
		{ID: "two", PublicKey: mk(k2), From: date.New(2025, 2, 1)},
	}}
	env := &base.Env{Stdout: io.Discard, Stderr: io.Discard, Getenv: func(k string) string {
		if k == "ACCREDIT_CACHE" {
			return "off"
		}
		return ""
	}}
	for _, c := range []struct {
		on   date.Date
		key  ed25519.PrivateKey
		want string // error, or the verification method
	}{
		{date.New(2024, 6, 1), k1, "did:web:x.example:program#one"},
		{date.New(2025, 6, 1), k2, "did:web:x.example:program#two"},
		{date.New(2024, 6, 1), k2, `the signing key is "two" (valid from 2025-02-01), but on 2024-06-01 the program signs with "one"`},
		{date.New(2025, 1, 15), k2, `no [[signing_keys]] entry is valid on 2025-01-15 (the signing key is "two", valid from 2025-02-01)`},
		{date.New(2025, 6, 1), k1, `on 2025-06-01 the program signs with "two" (valid from 2025-02-01)`},
		{date.New(2025, 6, 1), k3, "is not one of the program's [[signing_keys]]"},
	} {
		s, err := newSigning(env, t.TempDir(), p, c.on, c.key)
		switch {
		case err != nil && !strings.Contains(err.Error(), c.want):
			t.Errorf("%s: %v, want %q", c.on, err, c.want)
		case err == nil && s.signer.VerificationMethod != c.want:
			t.Errorf("%s: signs as %s, want %q", c.on, s.signer.VerificationMethod, c.want)
		}
	}
	// A proof is dated on the issue date, or the key's first day.
	s, _ := newSigning(env, t.TempDir(), p, date.New(2025, 6, 1), k2)
	if got := s.created(date.New(2024, 3, 1)); !got.Equal(date.New(2025, 2, 1).Time()) {
		t.Errorf("created = %s", got)
	}
	if got := s.created(date.New(2025, 3, 1)); !got.Equal(date.New(2025, 3, 1).Time()) {
		t.Errorf("created = %s", got)
	}
	empty := &program.Program{Info: p.Info}
	if _, err := newSigning(env, t.TempDir(), empty, date.New(2025, 6, 1), k1); err == nil || !strings.Contains(err.Error(), "lists no [[signing_keys]]") {
		t.Errorf("no keys: %v", err)
	}
}

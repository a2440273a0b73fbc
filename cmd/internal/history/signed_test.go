package history_test

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"io"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ProtonMail/go-crypto/openpgp"
	"github.com/ProtonMail/go-crypto/openpgp/armor"
	"github.com/ProtonMail/go-crypto/openpgp/packet"
	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/hiddeco/sshsig"
	"golang.org/x/crypto/ssh"
)

// sshSigner signs commits as "git -c gpg.format=ssh" does.
type sshSigner struct{ s ssh.Signer }

func (s sshSigner) Sign(m io.Reader) ([]byte, error) {
	sig, err := sshsig.Sign(m, s.s, sshsig.HashSHA512, "git")
	if err != nil {
		return nil, err
	}
	return sshsig.Armor(sig), nil
}

func pgpKey(t *testing.T, name, email string) (*openpgp.Entity, string) {
	t.Helper()
	// Ed25519: an RSA key takes seconds to make.
	e, err := openpgp.NewEntity(name, "", email, &packet.Config{Algorithm: packet.PubKeyAlgoEdDSA})
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	w, err := armor.Encode(&b, openpgp.PublicKeyType, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.Serialize(w); err != nil {
		t.Fatal(err)
	}
	w.Close()
	return e, b.String()
}

func sshKey(t *testing.T) (sshSigner, string) {
	t.Helper()
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	s, err := ssh.NewSignerFromKey(priv)
	if err != nil {
		t.Fatal(err)
	}
	return sshSigner{s}, strings.TrimSpace(string(ssh.MarshalAuthorizedKey(s.PublicKey())))
}

// goGitCommit commits files with go-git, signed as opts says.
func (g *gitRepo) goGitCommit(author string, files map[string]string, opts git.CommitOptions) string {
	g.t.Helper()
	g.write(files)
	r, err := git.PlainOpen(g.dir)
	if err != nil {
		g.t.Fatal(err)
	}
	wt, err := r.Worktree()
	if err != nil {
		g.t.Fatal(err)
	}
	for name := range files {
		if _, err := wt.Add(name); err != nil {
			g.t.Fatal(err)
		}
	}
	name, email, _ := strings.Cut(author, " <")
	g.tick++
	opts.Author = &object.Signature{Name: name, Email: strings.TrimSuffix(email, ">"), When: time.Date(2025, 3, g.tick, 10, 0, 0, 0, time.UTC)}
	h, err := wt.Commit("grant", &opts)
	if err != nil {
		g.t.Fatal(err)
	}
	return h.String()
}

func TestAuditSigned(t *testing.T) {
	danaPGP, danaArmored := pgpKey(t, "Dana Admin", "dana@vendor.example")
	mallory, _ := pgpKey(t, "Mallory", "mallory@elsewhere.example")
	danaSSH, danaAuthorized := sshKey(t)
	otherSSH, _ := sshKey(t)

	g := newGitRepo(t)
	files := program("signed_grants = true")
	files["programs/program.toml"] = strings.Replace(files["programs/program.toml"], `email = "dana@vendor.example"`,
		"email = \"dana@vendor.example\"\npgp_key = '''\n"+danaArmored+"'''\nssh_key = \""+danaAuthorized+"\"", 1)
	g.commit(dana, "Program", files)
	g.goGitCommit(dana, map[string]string{"partners/acme/people/ann.toml": person("Ann", cert(idA))}, git.CommitOptions{SignKey: danaPGP})
	g.goGitCommit(dana, map[string]string{"partners/acme/people/bob.toml": person("Bob", cert(idB))}, git.CommitOptions{Signer: danaSSH})
	cy := g.commit(dana, "Cy, unsigned", map[string]string{"partners/acme/people/cy.toml": person("Cy", cert(idC))})
	dee := g.goGitCommit(dana, map[string]string{"partners/globex/people/dee.toml": person("Dee", cert(idD))}, git.CommitOptions{SignKey: mallory})
	eddy := g.goGitCommit(dana, map[string]string{"partners/globex/people/eddy.toml": person("Eddy", cert("MDDB-X1XM-GGDF"))}, git.CommitOptions{Signer: otherSSH})
	fay := g.goGitCommit(eve, map[string]string{"partners/globex/people/fay.toml": person("Fay", cert("4A74-7X9A-7V44"))}, git.CommitOptions{Signer: otherSSH})

	got := audit(t, g.dir, "")
	unsigned := func(file, line, id, c, why string) []string {
		w := " in commit " + short(c) + " by Dana Admin <dana@vendor.example>, without a valid signature by the administrator's pgp_key or ssh_key, which signed_grants = true requires (" + why + ")"
		return []string{
			file + ":1:1: error: " + file + ": the file added" + w + " [unsigned-change]",
			file + ":" + line + ": error: credential " + id + ": granted" + w + " [unsigned-grant]",
		}
	}
	var want []string
	want = append(want, unsigned("partners/acme/people/cy.toml", "13:1", "P48E-V3RC-XA3F", cy, "the commit is not signed")...)
	want = append(want, unsigned("partners/globex/people/dee.toml", "13:1", "6D0C-4C4Z-0KK6", dee, "its PGP signature is not by the administrator's pgp_key (openpgp: signature made by unknown entity)")...)
	want = append(want, unsigned("partners/globex/people/eddy.toml", "13:1", "MDDB-X1XM-GGDF", eddy, "its SSH signature is not by the administrator's ssh_key (public key does not match)")...)
	want = append(want,
		"partners/globex/people/fay.toml:1:1: error: partners/globex/people/fay.toml: the file added in commit "+short(fay)+" by Eve Outsider <eve@elsewhere.example>, who is not among the [[administrators]] of programs/program.toml [unauthorized-change]",
		"partners/globex/people/fay.toml:13:1: error: credential 4A74-7X9A-7V44: granted in commit "+short(fay)+" by Eve Outsider <eve@elsewhere.example>, who is not among the [[administrators]] of programs/program.toml [unauthorized-grant]")
	if !slices.Equal(got, want) {
		t.Errorf("audit:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

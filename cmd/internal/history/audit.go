package history

import (
	"bytes"
	"errors"
	"fmt"
	"strings"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/hiddeco/sshsig"
	"golang.org/x/crypto/ssh"

	"github.com/accredit/accredit/cmd/internal/diag"
	"github.com/accredit/accredit/cmd/internal/program"
)

// The rules of the git audit, as check lists them.
const (
	RuleUnauthorized = "unauthorized-grant"
	RuleUnsigned     = "unsigned-grant"
	RuleIncomplete   = "history-incomplete"
)

// Incomplete is the diagnostic for a history the audit cannot read to its
// start. It stands at line 1 of programs/program.toml, where the
// administrators whose grants could not be checked are listed.
func Incomplete(err error) diag.Diagnostic {
	return diag.Diagnostic{File: "programs/program.toml", Line: 1, Col: 1, Severity: diag.Error, Rule: RuleIncomplete, Msg: err.Error()}
}

// Auditor checks who made each grant, revocation and waiver of a program.
type Auditor struct {
	R *Repo
	P *program.Program
	// Trusted, when set, is the set of commits whose changes are not
	// audited (check --git --since: history before the audit began).
	Trusted map[plumbing.Hash]bool

	verified map[plumbing.Hash]error // signature check per commit
}

// Audit reports unauthorized-grant and, when the policy asks for signed
// grants, unsigned-grant: at most one diagnostic of each per credential,
// at its [[certifications]] header. A credential with no commit (not
// committed yet) is not audited: the audit is of history.
func (a *Auditor) Audit(prov *Provenance) []diag.Diagnostic {
	admins := map[string]*program.Administrator{}
	for _, ad := range a.P.Administrators {
		if ad.Email != "" {
			admins[strings.ToLower(ad.Email)] = ad
		}
	}
	a.verified = map[plumbing.Hash]error{}
	var out []diag.Diagnostic
	for _, c := range a.P.Credentials {
		type act struct {
			what string
			by   *Commit
		}
		var acts []act
		if g := prov.Granted[c.ID]; g != nil {
			acts = append(acts, act{"granted", g})
		}
		if c.Revoked.Valid() {
			if g := prov.Revoked[c.ID]; g != nil {
				acts = append(acts, act{"revoked", g})
			}
		}
		if len(c.Waive) > 0 {
			if g := prov.Waived[c.ID]; g != nil {
				acts = append(acts, act{"given its waiver of " + strings.Join(c.Waive, ", "), g})
			}
		}
		var unauth, unsigned []string
		for _, x := range acts {
			if a.Trusted[x.by.Hash] {
				continue
			}
			ad := admins[strings.ToLower(x.by.Email)]
			if ad == nil {
				unauth = append(unauth, fmt.Sprintf("%s in commit %s by %s <%s>", x.what, x.by.Short(), x.by.Author, x.by.Email))
				continue
			}
			if !a.P.Policy.SignedGrants {
				continue
			}
			if err := a.verify(x.by.Hash, ad); err != nil {
				unsigned = append(unsigned, fmt.Sprintf("%s in commit %s by %s: %v", x.what, x.by.Short(), ad.Name, err))
			}
		}
		if len(unauth) > 0 {
			who := "the author is"
			if len(unauth) > 1 {
				who = "the authors are"
			}
			out = append(out, diagAt(c.Pos, RuleUnauthorized, fmt.Sprintf("credential %s was %s: %s not among the [[administrators]] of programs/program.toml",
				c.ID, strings.Join(unauth, ", and "), who)))
		}
		if len(unsigned) > 0 {
			out = append(out, diagAt(c.Pos, RuleUnsigned, fmt.Sprintf("credential %s was %s; with signed_grants = true a grant must be signed with the administrator's pgp_key or ssh_key",
				c.ID, strings.Join(unsigned, ", and "))))
		}
	}
	return out
}

func diagAt(pos program.Pos, rule, msg string) diag.Diagnostic {
	return diag.Diagnostic{File: pos.File, Line: pos.Line, Col: pos.Col, Severity: diag.Error, Rule: rule, Msg: msg}
}

// errUnsigned and friends say why a signature does not count.
var (
	errUnsigned = errors.New("the commit is not signed")
	errNoKey    = errors.New("no pgp_key or ssh_key is listed for this administrator")
)

// verify checks that commit h carries a valid signature by one of the
// administrator's keys: PGP with go-git's Commit.Verify, SSH with
// hiddeco/sshsig over the commit without its signature (namespace "git",
// as git signs).
func (a *Auditor) verify(h plumbing.Hash, ad *program.Administrator) error {
	if err, ok := a.verified[h]; ok {
		return err
	}
	err := a.verifyCommit(h, ad)
	a.verified[h] = err
	return err
}

func (a *Auditor) verifyCommit(h plumbing.Hash, ad *program.Administrator) error {
	c, err := a.R.commitObject(h)
	if err != nil {
		return err
	}
	sig := strings.TrimSpace(c.PGPSignature)
	switch {
	case sig == "":
		return errUnsigned
	case ad.PGPKey == "" && ad.SSHKey == "":
		return errNoKey
	case strings.HasPrefix(sig, "-----BEGIN SSH SIGNATURE-----"):
		if ad.SSHKey == "" {
			return errors.New("the commit has an SSH signature, but no ssh_key is listed for this administrator")
		}
		return verifySSH(c, sig, ad.SSHKey)
	case strings.HasPrefix(sig, "-----BEGIN PGP SIGNATURE-----"):
		if ad.PGPKey == "" {
			return errors.New("the commit has a PGP signature, but no pgp_key is listed for this administrator")
		}
		if _, err := c.Verify(ad.PGPKey); err != nil {
			return fmt.Errorf("its PGP signature is not by the administrator's pgp_key (%v)", err)
		}
		return nil
	}
	return errors.New("the commit's signature is neither PGP nor SSH")
}

func verifySSH(c *object.Commit, armored, authorized string) error {
	pub, _, _, _, err := ssh.ParseAuthorizedKey([]byte(authorized))
	if err != nil {
		return fmt.Errorf("the administrator's ssh_key cannot be read: %v", err)
	}
	sig, err := sshsig.Unarmor([]byte(armored))
	if err != nil {
		return fmt.Errorf("its SSH signature cannot be read: %v", err)
	}
	var msg plumbing.MemoryObject
	if err := c.EncodeWithoutSignature(&msg); err != nil {
		return err
	}
	rd, err := msg.Reader()
	if err != nil {
		return err
	}
	defer rd.Close()
	var buf bytes.Buffer
	buf.ReadFrom(rd)
	if err := sshsig.Verify(&buf, sig, pub, sig.HashAlgorithm, "git"); err != nil {
		return fmt.Errorf("its SSH signature is not by the administrator's ssh_key (%v)", err)
	}
	return nil
}

// Ancestors returns rev and every commit it descends from: the commits
// that check --git --since REV trusts.
func (r *Repo) Ancestors(rev string) (map[plumbing.Hash]bool, error) {
	h, err := r.Resolve(rev)
	if err != nil {
		return nil, err
	}
	seen := map[plumbing.Hash]bool{}
	todo := []plumbing.Hash{h}
	for len(todo) > 0 {
		h := todo[len(todo)-1]
		todo = todo[:len(todo)-1]
		if seen[h] {
			continue
		}
		seen[h] = true
		c, err := r.commitObject(h)
		if err != nil {
			return nil, err
		}
		if r.shallow[h] {
			continue // what lies beyond is not here, and not audited either
		}
		todo = append(todo, c.ParentHashes...)
	}
	return seen, nil
}

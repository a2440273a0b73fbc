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

	"github.com/accredit/accredit/cmd/internal/program"
)

// errUnsigned and friends say why a signature does not count.
var (
	errUnsigned = errors.New("the commit is not signed")
	errNoKey    = errors.New("no pgp_key or ssh_key is listed for this administrator")
)

// verifyCommit checks that commit h carries a valid signature by one of the
// administrator's keys: PGP with go-git's Commit.Verify, SSH with
// hiddeco/sshsig over the commit without its signature (namespace "git",
// as git signs).
func (r *Repo) verifyCommit(h plumbing.Hash, ad *program.Administrator) error {
	c, err := r.commitObject(h)
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

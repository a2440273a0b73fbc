package main

import (
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"fmt"
	"io/fs"
	"os"

	"github.com/accredit/accredit/cmd/internal/base"
	"github.com/accredit/accredit/cmd/internal/credential"
)

var cmdKeygen = &base.Command{
	UsageLine: "keygen FILE",
	Short:     "make a key that signs the program's Open Badges credentials",
	Long: `Keygen makes a new Ed25519 key pair for signing the program's Open
Badges 3.0 credentials (build --signing-key). It writes the private key
to FILE, readable by its owner only (mode 0600), and never over an
existing file; it prints the public key, a Multikey (z6Mk...), on
stdout, and on stderr the [[signing_keys]] entry that lists it in
programs/program.toml.

FILE holds one line: the private key as a Multikey secret key (z3u2...).
Keep it out of the repository (check reports a private key in any file
of the program, rule private-key): store its content as a repository
secret (the workflows read ACCREDIT_SIGNING_KEY) and keep a copy where
the organisation keeps its secrets. Whoever holds it can sign
credentials in the program's name.

Exit status: 0 written, 2 usage error or FILE exists or cannot be written.`,
	Flag: base.NewFlagSet("keygen"),
}

func init() {
	cmdKeygen.Run = runKeygen
	register(cmdKeygen)
}

func runKeygen(env *base.Env, args []string) int {
	if len(args) != 1 || args[0] == "" {
		env.Errorf(cmdKeygen, "expects one argument, the file to write the private key to")
		cmdKeygen.ShortUsage(env.Stderr)
		return base.ExitUsage
	}
	file := args[0]
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		env.Errorf(cmdKeygen, "%v", err)
		return base.ExitUsage
	}
	// O_EXCL: never over a file, a link or a key that exists, even one
	// made between a check and the write.
	f, err := os.OpenFile(file, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) {
		env.Errorf(cmdKeygen, "%s exists: keygen never overwrites a key (delete it first if it is really unused)", file)
		return base.ExitUsage
	}
	if err != nil {
		env.Errorf(cmdKeygen, "%v", err)
		return base.ExitUsage
	}
	_, err = f.Write(credential.KeyFile(priv))
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(file)
		env.Errorf(cmdKeygen, "%v", err)
		return base.ExitUsage
	}
	mk := credential.Multikey(pub)
	fmt.Fprintln(env.Stdout, mk)
	fmt.Fprintf(env.Stderr, `accredit keygen: wrote the private key to %s (keep it secret, out of the repository).
List the public key in programs/program.toml, with the date it starts signing:

[[signing_keys]]
id = "key-1"
public_key = %q
from = YYYY-MM-DD
`, file, mk)
	return base.ExitOK
}

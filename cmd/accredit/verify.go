package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"time"

	"github.com/accredit/accredit/cmd/internal/base"
	"github.com/accredit/accredit/cmd/internal/credential"
	"github.com/accredit/accredit/cmd/internal/credid"
	"github.com/accredit/accredit/cmd/internal/date"
	"github.com/accredit/accredit/cmd/internal/diag"
	"github.com/accredit/accredit/cmd/internal/load"
	"github.com/accredit/accredit/cmd/internal/program"
	"github.com/accredit/accredit/cmd/internal/safefs"
	"github.com/accredit/accredit/cmd/internal/verifier"
)

var cmdVerify = &base.Command{
	UsageLine: "verify [--site DIR] [--root DIR] [--as-of DATE] [--format text|json] FILE|URL|ID",
	Short:     "check a signed Open Badges credential as any verifier would",
	Long: `Verify checks a signed Open Badges 3.0 credential (an .ob3.json that
build --signing-key publishes) the way a third-party verifier does,
trusting nothing but the documents and the issuer's DID:

  schema   the credential validates against 1EdTech's AchievementCredential
           JSON Schema (embedded);
  issuer   the issuer is a did:web DID whose DID document (did.json on the
           issuer's site) lists keys for assertions;
  proof    the eddsa-rdfc-2022 Data Integrity proof is a valid signature,
           by one of those keys, of the credential as it is: any change to
           a name, a date, the achievement or the status entry fails it;
  dates    validFrom is past and validUntil (the expiry) is not;
  status   the revocation bit of the Bitstring Status List the credential
           names is clear, and that list is signed by the same issuer.

The credential is a FILE, a URL (of the .ob3.json, or of its verification
page /verify/<ID>/), or a credential ID. With --site DIR, every document is
read from that built site folder (the credential by ID, and the DID
document and status list by their URLs below the site's root); nothing
goes over the network. Without it, documents are fetched over HTTPS; an
ID is looked up on the program's site_url.

Verify also checks that the signing key was the issuer's key of the day
the proof was made, as the program's [[signing_keys]] say: a DID
document says which keys are the issuer's, not since when. It reads the
keys' days from the program when its repository is at hand (--root, or
found above the working directory) and the credential's issuer is the
program's site, and otherwise from the site's api/v1/signing-keys.json,
which build --signing-key publishes; a site without it is checked on
its documents alone.

--as-of checks validity at the start of that day (UTC) instead of now.
--format json prints {"id", "valid", "reason", "checks": [{"name", "ok",
"detail"}]}.

Exit status: 0 valid, 1 not valid (revoked, expired, bad signature,
tampered, or a document it names is missing), 2 usage error or the
credential itself cannot be read.`,
	Flag: base.NewFlagSet("verify"),
}

var (
	verifyProgram = addProgramFlags(cmdVerify.Flag)
	verifySite    = cmdVerify.Flag.String("site", "", "read every document from the built site folder `DIR` instead of HTTPS")
	verifyFormat  = &choiceFlag{value: "text", choices: []string{"text", "json"}}
)

func init() {
	cmdVerify.Flag.Var(verifyFormat, "format", "output `FORMAT`: text or json")
	cmdVerify.Run = runVerify
	register(cmdVerify)
}

func runVerify(env *base.Env, args []string) int {
	if len(args) != 1 || args[0] == "" {
		env.Errorf(cmdVerify, "expects one argument: a credential file, URL or ID")
		cmdVerify.ShortUsage(env.Stderr)
		return base.ExitUsage
	}
	// One credential and the few documents it names, each at most
	// verifier.MaxDocument: the heap stays small, and collecting it
	// would cost a short-lived process more than it frees. The limit
	// still collects should a hostile document make it grow.
	debug.SetGCPercent(-1)
	debug.SetMemoryLimit(256 << 20)
	// The checks' set-up (the schema, the JSON-LD contexts) runs on
	// another core while this one reads program.toml and the credential.
	go verifier.Prepare()
	now := time.Now()
	if verifyProgram.asOf.set {
		now = verifyProgram.asOf.d.Time()
	}
	p := verifyProgramFile(env)
	doc, err := readCredential(args[0], *verifySite, p)
	if err != nil {
		env.Errorf(cmdVerify, "%v", err)
		return base.ExitUsage
	}
	did := verifier.Issuer(doc)

	var src verifier.Source = verifier.HTTPS{}
	if *verifySite != "" {
		root, err := verifier.SiteRoot(did)
		if err != nil {
			// The issuer check says why; nothing else can be read.
			root = "https://invalid.invalid/"
		}
		src = verifier.Site{Dir: *verifySite, Root: root}
	}
	opts := verifier.Options{Now: now, KeyDates: verifyKeyDates(p, did)}
	if opts.KeyDates == nil {
		opts.KeyDates = siteKeyDates(src, did)
	}
	r := verifier.Verify(doc, src, opts)

	if verifyFormat.value == "json" {
		type check struct {
			Name   string `json:"name"`
			OK     bool   `json:"ok"`
			Detail string `json:"detail"`
		}
		out := struct {
			ID     string  `json:"id"`
			Valid  bool    `json:"valid"`
			Reason string  `json:"reason,omitempty"`
			Checks []check `json:"checks"`
		}{ID: r.ID, Valid: r.Valid(), Reason: r.Reason(), Checks: []check{}}
		for _, c := range r.Checks {
			out.Checks = append(out.Checks, check{c.Name, c.OK, c.Detail})
		}
		e := json.NewEncoder(env.Stdout)
		e.SetIndent("", "  ")
		e.Encode(out)
	} else {
		fmt.Fprintf(env.Stdout, "credential %s\n", diag.Printable(orUnknown(r.ID)))
		for _, c := range r.Checks {
			mark := "ok  "
			if !c.OK {
				mark = "FAIL"
			}
			fmt.Fprintf(env.Stdout, "  %s  %-17s %s\n", mark, c.Name, diag.Printable(c.Detail))
		}
		if r.Valid() {
			fmt.Fprintln(env.Stdout, "valid")
		} else {
			fmt.Fprintf(env.Stdout, "not valid: %s\n", diag.Printable(r.Reason()))
		}
	}
	if !r.Valid() {
		return base.ExitProblems
	}
	return 0
}

func orUnknown(s string) string {
	if s == "" {
		return "(no id)"
	}
	return s
}

// verifyProgramFile reads the program's program.toml when there is one
// at --root: verify works without a program (a third party's credential
// file), and then checks what the documents alone can say.
func verifyProgramFile(env *base.Env) *program.Program {
	root := verifyProgram.root
	if root == "" {
		root = "."
	}
	b, err := safefs.ReadFileAt(root, "programs/program.toml", 1<<20)
	if err != nil {
		return nil
	}
	p, diags := load.ProgramFile(b)
	for _, d := range diags {
		if d.Severity == diag.Error {
			fmt.Fprintf(env.Stderr, "accredit verify: %s has errors; not using its signing keys\n", filepath.Join(root, "programs", "program.toml"))
			return nil
		}
	}
	return p
}

// verifyKeyDates are the program's signing keys' dates, by DID URL, when the
// credential's issuer is the program's site.
func verifyKeyDates(p *program.Program, did string) map[string]verifier.Period {
	if p == nil || p.Info.SiteURL == "" {
		return nil
	}
	own, _, _, err := credential.DIDWeb(p.Info.SiteURL)
	if err != nil || own != did {
		return nil
	}
	m := map[string]verifier.Period{}
	for _, k := range p.SigningKeys {
		m[own+"#"+k.ID] = verifier.Period{From: k.From, Until: k.Until}
	}
	return m
}

// siteKeyDates are the key dates the issuer's site publishes
// (api/v1/signing-keys.json, beside the DID document's keys), or nil when
// it publishes none: then only the documents count.
func siteKeyDates(src verifier.Source, did string) map[string]verifier.Period {
	root, err := verifier.SiteRoot(did)
	if err != nil {
		return nil
	}
	b, err := src.Fetch(root + "api/v1/signing-keys.json")
	if err != nil {
		return nil
	}
	var keys []credential.KeyDays
	if json.Unmarshal(b, &keys) != nil {
		return nil
	}
	m := map[string]verifier.Period{}
	for _, k := range keys {
		var pd verifier.Period
		var err error
		if pd.From, err = date.Parse(k.From); err != nil {
			return nil
		}
		if k.Until != "" {
			if pd.Until, err = date.Parse(k.Until); err != nil {
				return nil
			}
		}
		m[k.VerificationMethod] = pd
	}
	return m
}

// readCredential reads the credential arg names: a file, a URL (of the
// credential, or of its verification page) or an ID, from the site
// folder when there is one.
func readCredential(arg, site string, p *program.Program) ([]byte, error) {
	if strings.HasPrefix(arg, "https://") || strings.HasPrefix(arg, "http://") {
		u := credentialURL(arg)
		if site == "" {
			return verifier.HTTPS{}.Fetch(u)
		}
		root, ok := siteRootOf(u)
		if !ok {
			return nil, fmt.Errorf("%s is not the URL of a credential (…/api/v1/credentials/<ID>.ob3.json or …/verify/<ID>/)", arg)
		}
		s := verifier.Site{Dir: site, Root: root}
		b, err := s.Fetch(u)
		if err != nil {
			// A site in shards mode has no file per credential: the
			// credential is in its shard.
			name := strings.TrimSuffix(u[len(root)+len("api/v1/credentials/"):], ".ob3.json")
			if id, nerr := credid.Normalize(name); nerr == nil {
				if _, ierr := s.Read(verifier.ShardIndex); ierr == nil {
					return verifier.SignedFromShards(s.Read, id)
				}
			}
		}
		return b, err
	}
	if f, err := os.Open(arg); err == nil {
		defer f.Close()
		if fi, err := f.Stat(); err != nil || !fi.Mode().IsRegular() {
			return nil, fmt.Errorf("%s is not a regular file", arg)
		}
		return verifier.ReadDocument(f)
	} else if !errors.Is(err, fs.ErrNotExist) || strings.ContainsAny(arg, `/\`) || strings.HasSuffix(arg, ".json") {
		return nil, err
	}
	id, err := credid.Normalize(arg)
	if err != nil {
		return nil, fmt.Errorf("%q is neither a file, a URL nor a credential ID", arg)
	}
	rel := "api/v1/credentials/" + id + ".ob3.json"
	if site != "" {
		s := verifier.Site{Dir: site}
		b, err := s.Read(rel)
		if errors.Is(err, fs.ErrNotExist) {
			// A site in shards mode has no file per credential.
			if _, ierr := s.Read(verifier.ShardIndex); ierr == nil {
				return verifier.SignedFromShards(s.Read, id)
			}
			return nil, fmt.Errorf("no signed credential %s in %s (was the site built with --signing-key?)", id, site)
		}
		return b, err
	}
	if p == nil || p.Info.SiteURL == "" {
		return nil, fmt.Errorf("to look up %s, give --site DIR, or run verify in the program's repository (its site_url says where the site is)", id)
	}
	siteURL := strings.TrimSuffix(p.Info.SiteURL, "/") + "/"
	b, err := verifier.HTTPS{}.Fetch(siteURL + rel)
	if err != nil {
		// Perhaps a site in shards mode: the credential is in its shard.
		if sb, serr := verifier.SignedFromShards(func(rel string) ([]byte, error) { return verifier.HTTPS{}.Fetch(siteURL + rel) }, id); serr == nil {
			return sb, nil
		}
	}
	return b, err
}

// credentialURL is the .ob3.json of a verification page's URL, and any
// other URL as it is.
func credentialURL(u string) string {
	if i := strings.LastIndex(u, "/verify/"); i >= 0 && strings.HasSuffix(u, "/") {
		id := strings.TrimSuffix(u[i+len("/verify/"):], "/")
		if id != "" && !strings.Contains(id, "/") {
			return u[:i+1] + "api/v1/credentials/" + id + ".ob3.json"
		}
	}
	return u
}

// siteRootOf is the site's root URL of a credential's URL.
func siteRootOf(u string) (string, bool) {
	i := strings.LastIndex(u, "/api/v1/credentials/")
	if i < 0 {
		return "", false
	}
	return u[:i+1], true
}

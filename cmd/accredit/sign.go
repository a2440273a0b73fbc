package main

import (
	"bytes"
	"crypto/ed25519"
	"encoding/json"
	"fmt"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/accredit/accredit/cmd/internal/base"
	"github.com/accredit/accredit/cmd/internal/credential"
	"github.com/accredit/accredit/cmd/internal/date"
	"github.com/accredit/accredit/cmd/internal/program"
	"github.com/accredit/accredit/cmd/internal/site"
)

// signing is what a build needs to publish signed Open Badges 3.0
// credentials: the key, the issuer's did:web, every credential's place
// in the status lists, and the signatures kept from the last build.
//
// Which key signs: the one [[signing_keys]] lists as valid on the
// build's as-of date D, and the build must be given its private half.
// Every credential is signed again by it (an old key's private half is
// not at hand; copies signed by it, in holders' wallets, keep verifying
// since the DID document keeps listing it). A proof is dated (created)
// on the credential's issue date, or the key's from if the credential
// is older than the key: a verifier that checks the key was in use on
// the proof's date finds it was, and the date does not change from one
// build to the next, which keeps the signature cache warm.
type signing struct {
	key    *program.SigningKey
	signer *credential.Signer
	cache  *credential.Cache
	asOf   date.Date

	did, didURL, didFile string
	achievements         map[string]credential.Achievement // by track/level

	// Made on a goroutine of their own (see prepare): slots and cache,
	// and the signer's Cache.
	prepared chan struct{}
	prepErr  error
	slots    map[string]credential.Slot
}

// signingKeyFile returns the key file a build signs with: --signing-key,
// or else $ACCREDIT_SIGNING_KEY_FILE; "" for none.
func signingKeyFile(env *base.Env, flag string) string {
	if flag != "" {
		return flag
	}
	return env.Getenv("ACCREDIT_SIGNING_KEY_FILE")
}

// readSigningKey reads a private key file (credential.ParseKeyFile says
// which forms): a regular file of one line, not a link to a folder or a
// device, and no larger than a key file could be.
func readSigningKey(file string) (ed25519.PrivateKey, error) {
	fi, err := os.Stat(file)
	if err != nil {
		return nil, fmt.Errorf("signing key: %v", err)
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("signing key %s is not a regular file", file)
	}
	if fi.Size() > 16<<10 {
		return nil, fmt.Errorf("signing key %s is %d bytes: a key file is one line", file, fi.Size())
	}
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("signing key: %v", err)
	}
	k, err := credential.ParseKeyFile(data)
	if err != nil {
		return nil, fmt.Errorf("signing key %s: %v", file, err)
	}
	return k, nil
}

// newSigning matches the private key with the program's key of D and
// prepares the build's signing. The error says what to do.
func newSigning(env *base.Env, root string, p *program.Program, asOf date.Date, priv ed25519.PrivateKey) (*signing, error) {
	pub := credential.Multikey(priv.Public().(ed25519.PublicKey))
	key := p.SigningKeyOn(asOf)
	if key == nil || key.PublicKey != pub {
		var listed *program.SigningKey
		for _, k := range p.SigningKeys {
			if k.PublicKey == pub {
				listed = k
			}
		}
		switch {
		case len(p.SigningKeys) == 0:
			return nil, fmt.Errorf("the program lists no [[signing_keys]]: add the signing key's public key, %s, to programs/program.toml (see accredit help keygen)", pub)
		case listed == nil:
			return nil, fmt.Errorf("the signing key (public key %s) is not one of the program's [[signing_keys]]", pub)
		case key == nil:
			return nil, fmt.Errorf("no [[signing_keys]] entry is valid on %s (the signing key is %q, %s): list the key that signs on that day", asOf, listed.ID, keyDates(listed))
		default:
			return nil, fmt.Errorf("the signing key is %q (%s), but on %s the program signs with %q (%s): build with that key", listed.ID, keyDates(listed), asOf, key.ID, keyDates(key))
		}
	}
	did, didURL, didFile, err := credential.DIDWeb(p.Info.SiteURL)
	if err != nil {
		return nil, err
	}
	ins := make([]credential.StatusInput, 0, len(p.Credentials))
	for _, c := range p.Credentials {
		ins = append(ins, credential.StatusInput{ID: c.ID, Issued: c.Issued})
	}
	s := &signing{key: key, asOf: asOf, did: did, didURL: didURL, didFile: didFile, prepared: make(chan struct{}),
		signer: &credential.Signer{Key: priv, VerificationMethod: did + "#" + key.ID}}
	s.achievements = achievements(p)
	// Placing 200,000 credentials in the status lists and reading their
	// signatures take a second, which the build spends computing the
	// site meanwhile, on the other core.
	cachePath := cacheFile(env, root, ".signatures")
	go func() {
		defer close(s.prepared)
		if s.slots, s.prepErr = credential.AssignStatus(ins); s.prepErr != nil {
			return
		}
		if cachePath != "" {
			s.cache = credential.OpenCache(cachePath)
			s.signer.Cache = s.cache
		}
	}()
	return s, nil
}

// prepare waits until the status lists and the signatures of newSigning
// are ready; it returns why they could not be.
func (s *signing) prepare() error {
	<-s.prepared
	return s.prepErr
}

func keyDates(k *program.SigningKey) string {
	if k.Until.Valid() {
		return "valid from " + k.From.String() + " until " + k.Until.String()
	}
	return "valid from " + k.From.String()
}

// created is the date of a proof made on d by the build's key.
func (s *signing) created(d date.Date) time.Time {
	if d.Before(s.key.From) {
		d = s.key.From
	}
	return d.Time()
}

// statusURL is the URL of status list n.
func statusURL(info *site.Info, n int) string {
	return info.SiteURL + "api/v1/status/" + strconv.Itoa(n) + ".json"
}

// unsignedBufs hold the workers' unsigned documents, a credential at a
// time.
var unsignedBufs = sync.Pool{New: func() any { return new([]byte) }}

// credential appends to dst the signed Open Badges credential of c,
// whose page data is cp: called on every worker of the build.
func (s *signing) credential(dst []byte, st *site.Site, c *program.Credential, cp *site.Credential) ([]byte, error) {
	if err := s.prepare(); err != nil {
		return dst, err
	}
	info := st.Info
	a, ok := s.achievements[c.Key()]
	if !ok {
		return nil, fmt.Errorf("no certification %s", c.Key())
	}
	a.Image = info.SiteURL + "verify/" + c.ID + "/badge.svg"
	slot := s.slots[c.ID]
	b := credential.Badge{
		URL:         cp.Canonical,
		Name:        cp.Name,
		Issuer:      credential.Issuer{DID: s.did, Name: info.Issuer, URL: info.IssuerURL},
		Holder:      cp.Holder, // the name: never the e-mail
		ValidFrom:   c.Issued,
		ValidUntil:  cp.Expires,
		Achievement: a,
		Status:      credential.StatusEntry{List: statusURL(info, slot.List), Index: slot.Index},
	}
	ub := unsignedBufs.Get().(*[]byte)
	defer unsignedBufs.Put(ub)
	u, err := b.AppendUnsigned((*ub)[:0])
	*ub = u
	if err != nil {
		return dst, err
	}
	return s.signer.AppendSign(dst, u, s.created(c.Issued))
}

// files returns the signed status lists (api/v1/status/<n>.json, each
// list that holds a credential) and the DID document.
func (s *signing) files(st *site.Site) (map[string][]byte, error) {
	if err := s.prepare(); err != nil {
		return nil, err
	}
	p, info := st.P, st.Info
	out := map[string][]byte{}
	// The revoked bits of each list that holds a credential; the lists
	// themselves (128 KB each, 256 of them) are made one at a time
	// below, while the rest of the build holds its heap.
	type list struct {
		revoked []int
		changed date.Date
	}
	lists := map[int]*list{}
	for _, c := range p.Credentials {
		slot := s.slots[c.ID]
		l := lists[slot.List]
		if l == nil {
			l = &list{}
			lists[slot.List] = l
		}
		// A revocation after D is not public yet (as on its page).
		if c.Revoked.Valid() && !c.Revoked.After(s.asOf) {
			l.revoked = append(l.revoked, slot.Index)
			if c.Revoked.After(l.changed) {
				l.changed = c.Revoked
			}
		}
	}
	for n, l := range lists {
		// Valid from the last day its bits changed, so that a list no
		// revocation touched keeps its signature from build to build.
		from := l.changed
		if !from.Valid() || from.Before(s.key.From) {
			from = s.key.From
		}
		sl := credential.NewStatusList(statusURL(info, n), s.did, from)
		for _, i := range l.revoked {
			sl.Revoke(i)
		}
		u, err := sl.Unsigned(s.cache)
		if err != nil {
			return nil, err
		}
		signed, err := s.signer.Sign(u, s.created(from))
		if err != nil {
			return nil, fmt.Errorf("status list %d: %w", n, err)
		}
		out["api/v1/status/"+strconv.Itoa(n)+".json"] = signed
	}
	var keys []credential.VerificationKey
	dates := []credential.KeyDays{}
	for _, k := range p.SigningKeys {
		keys = append(keys, credential.VerificationKey{ID: k.ID, Multikey: k.PublicKey})
		kj := credential.KeyDays{ID: k.ID, VerificationMethod: s.did + "#" + k.ID, PublicKey: k.PublicKey, From: k.From.String()}
		if k.Until.Valid() {
			kj.Until = k.Until.String()
		}
		dates = append(dates, kj)
	}
	doc, err := credential.DIDDocument(s.did, keys)
	if err != nil {
		return nil, err
	}
	out[s.didFile] = doc
	// The DID document cannot say when each key signed (a verification
	// method marked revoked fails every proof it ever made, in the
	// reference verifier): accredit verify reads the days from here.
	kb, err := json.MarshalIndent(dates, "", "  ")
	if err != nil {
		return nil, err
	}
	out["api/v1/signing-keys.json"] = append(kb, '\n')
	return out, nil
}

// save keeps the signatures for the next build: best effort, as the
// decode cache, since the cache only saves time.
func (s *signing) save() {
	if s.prepare() == nil && s.cache != nil {
		s.cache.Save()
	}
}

// dropped is the number of signature cache entries that failed their
// checksum (see credential.Cache.Dropped).
func (s *signing) dropped() int {
	if s.prepare() != nil {
		return 0
	}
	return s.cache.Dropped()
}

// achievements returns the Achievement of every certification: its
// page on the site, and what it requires, in words.
func achievements(p *program.Program) map[string]credential.Achievement {
	out := map[string]credential.Achievement{}
	base := strings.TrimSuffix(p.Info.SiteURL, "/") + "/"
	for _, t := range p.Tracks {
		for _, ce := range t.Certifications {
			level := ce.Level
			if l := p.Level(ce.Level); l != nil {
				level = l.Name
			}
			desc := fmt.Sprintf("%s: the %s level of the %s track of the %s, issued by %s.", ce.Name, level, t.Name, p.Info.Name, p.Info.Issuer)
			if a := strings.TrimSpace(t.Audience); a != "" {
				desc += " For " + lowerFirst(strings.TrimSuffix(a, ".")) + "."
			}
			out[ce.Key()] = credential.Achievement{
				ID:          base + "program/" + t.ID + "/#" + ce.Level,
				Name:        ce.Name,
				Description: desc,
				Narrative:   narrative(p, ce),
			}
		}
	}
	return out
}

// narrative says what a certification requires, one sentence a
// requirement.
func narrative(p *program.Program, ce *program.Certification) string {
	var b bytes.Buffer
	say := func(format string, args ...any) {
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		fmt.Fprintf(&b, format, args...)
	}
	var pre []string
	for _, key := range ce.Prerequisites {
		name := key
		if c := p.Certification(key); c != nil {
			name = c.Name
		}
		pre = append(pre, name)
	}
	if len(pre) > 0 {
		say("Hold %s (or higher), active.", list(pre))
	}
	var courses []string
	for _, id := range ce.Courses {
		name := id
		if co := p.Course(id); co != nil {
			name = co.Title
		}
		courses = append(courses, name)
	}
	if len(courses) == 1 {
		say("Complete the course %s.", courses[0])
	} else if len(courses) > 1 {
		say("Complete the courses %s.", list(courses))
	}
	if ce.Exam != "" {
		if e := p.Exam(ce.Exam); e != nil {
			say("Pass the %s with a score of at least %d%%.", e.Title, p.PassingScore(e))
		} else {
			say("Pass the exam %s.", ce.Exam)
		}
	}
	var as []string
	for _, id := range ce.Assessments {
		name := id
		if k := p.Assessment(id); k != nil {
			name = k.Name
		}
		as = append(as, name)
	}
	if len(as) > 0 {
		word := "the practical assessment"
		if len(as) > 1 {
			word += "s"
		}
		say("Pass %s %s.", word, list(as))
	}
	var ev []string
	kinds := make([]string, 0, len(ce.Evidence))
	for k := range ce.Evidence {
		kinds = append(kinds, k)
	}
	sort.Strings(kinds)
	for _, id := range kinds {
		name := id
		if k := p.EvidenceKind(id); k != nil {
			name = k.Name
		}
		ev = append(ev, fmt.Sprintf("%d × %s", ce.Evidence[id], name))
	}
	if len(ev) > 0 {
		say("Provide evidence: %s.", list(ev))
	}
	if len(ce.Recertify) > 0 {
		say("Valid for %d months, and renewable.", ce.ValidityMonths)
	} else {
		say("Valid for %d months.", ce.ValidityMonths)
	}
	return b.String()
}

func list(s []string) string {
	switch len(s) {
	case 0:
		return ""
	case 1:
		return s[0]
	}
	return strings.Join(s[:len(s)-1], ", ") + " and " + s[len(s)-1]
}

func lowerFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToLower(s[:1]) + s[1:]
}

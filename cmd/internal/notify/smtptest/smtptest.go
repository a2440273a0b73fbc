// Package smtptest runs a real SMTP server (github.com/emersion/go-smtp)
// inside a test and keeps what it receives, so that tests of notices see
// the e-mails as a mail server sees them. Options give it STARTTLS or TLS
// from the start, with a self-signed certificate made for the test, and
// logins with PLAIN, LOGIN or CRAM-MD5.
package smtptest

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/hmac"
	"crypto/md5"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/hex"
	"errors"
	"io"
	"log"
	"math/big"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// Mail is one message the server accepted.
type Mail struct {
	From string
	To   []string
	Data []byte
	Auth string // the mechanism the session logged in with, if any
}

// TLS modes of Options.
const (
	NoTLS       = iota // plain text only
	StartTLS           // offers STARTTLS
	ImplicitTLS        // TLS from the start (smtps)
)

// Options configure a server of StartWith.
type Options struct {
	// Addr is where to listen, 127.0.0.1:0 by default.
	Addr string
	TLS  int
	// Auth are the mechanisms offered, of PLAIN, LOGIN and CRAM-MD5,
	// for the user User with the password Password. Without TLS they are
	// offered in plain text too.
	Auth           []string
	User, Password string
}

// Server is a running test server.
type Server struct {
	// URL is the server's, for notify.Dial: smtp+insecure://, smtp:// or
	// smtps:// after the TLS mode, without a user.
	URL string
	// Roots trust the server's certificate (nil without TLS).
	Roots *x509.CertPool
	// Refuse, when set, makes the server refuse a recipient.
	Refuse func(to string) bool

	opts  Options
	mu    sync.Mutex
	mail  []Mail
	tried []string
}

// Start runs a plain-text server without logins on a free local port
// until the test ends.
func Start(t testing.TB) *Server { return StartWith(t, Options{}) }

// StartWith runs a server with options until the test ends.
func StartWith(t testing.TB, o Options) *Server {
	t.Helper()
	if o.Addr == "" {
		o.Addr = "127.0.0.1:0"
	}
	ln, err := net.Listen("tcp", o.Addr)
	if err != nil {
		t.Fatal(err)
	}
	s := &Server{opts: o}
	srv := smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) { return &session{s: s}, nil }))
	srv.Domain = "localhost"
	srv.ErrorLog = log.New(io.Discard, "", 0) // clients that give up, as some tests want
	srv.AllowInsecureAuth = o.TLS == NoTLS
	scheme := "smtp+insecure://"
	if o.TLS != NoTLS {
		host, _, _ := net.SplitHostPort(ln.Addr().String())
		cert, roots := certificate(t, host)
		s.Roots = roots
		cfg := &tls.Config{Certificates: []tls.Certificate{cert}}
		if o.TLS == StartTLS {
			scheme = "smtp://"
			srv.TLSConfig = cfg
		} else {
			scheme = "smtps://"
			ln = tls.NewListener(ln, cfg)
		}
	}
	s.URL = scheme + ln.Addr().String()
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return s
}

// certificate makes a self-signed certificate for host (an IP address
// or a name) and a pool that trusts it.
func certificate(t testing.TB, host string) (tls.Certificate, *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "smtptest"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	if ip := net.ParseIP(host); ip != nil {
		tmpl.IPAddresses = []net.IP{ip}
	} else {
		tmpl.DNSNames = []string{host}
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	c, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	roots := x509.NewCertPool()
	roots.AddCert(c)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}, roots
}

// Mail returns what the server received so far.
func (s *Server) Mail() []Mail {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Mail(nil), s.mail...)
}

// Tried returns the mechanisms of the AUTH commands received so far,
// whether or not they succeeded.
func (s *Server) Tried() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.tried...)
}

type session struct {
	s    *Server
	auth string
	from string
	to   []string
}

func (ss *session) Reset()        { ss.from, ss.to = "", nil }
func (ss *session) Logout() error { return nil }

var errBadLogin = &smtp.SMTPError{Code: 535, EnhancedCode: smtp.EnhancedCode{5, 7, 8}, Message: "bad user or password"}

func (ss *session) AuthMechanisms() []string { return ss.s.opts.Auth }

func (ss *session) Auth(mech string) (sasl.Server, error) {
	ss.s.mu.Lock()
	ss.s.tried = append(ss.s.tried, mech)
	ss.s.mu.Unlock()
	o := ss.s.opts
	check := func(user, password string) error {
		if user != o.User || password != o.Password {
			return errBadLogin
		}
		ss.auth = mech
		return nil
	}
	offered := false
	for _, m := range o.Auth {
		offered = offered || m == mech
	}
	if !offered {
		return nil, smtp.ErrAuthUnknownMechanism
	}
	switch mech {
	case sasl.Plain:
		return sasl.NewPlainServer(func(identity, user, password string) error {
			if identity != "" && identity != user {
				return errBadLogin
			}
			return check(user, password)
		}), nil
	case sasl.Login:
		return &loginServer{check: check}, nil
	case "CRAM-MD5":
		return &cramServer{user: o.User, password: o.Password, ok: func() { ss.auth = mech }}, nil
	}
	return nil, smtp.ErrAuthUnknownMechanism
}

// loginServer is the server side of LOGIN, which go-sasl no longer has.
type loginServer struct {
	step  int
	user  string
	check func(user, password string) error
}

func (l *loginServer) Next(response []byte) ([]byte, bool, error) {
	l.step++
	switch {
	case l.step == 1 && response == nil:
		return []byte("Username:"), false, nil
	case l.step == 1:
		l.step++ // an initial response is the user name
		fallthrough
	case l.step == 2:
		l.user = string(response)
		return []byte("Password:"), false, nil
	case l.step == 3:
		return nil, true, l.check(l.user, string(response))
	}
	return nil, false, errors.New("LOGIN: too many responses")
}

// cramServer is the server side of CRAM-MD5 (RFC 2195).
type cramServer struct {
	user, password string
	challenge      []byte
	ok             func()
}

func (c *cramServer) Next(response []byte) ([]byte, bool, error) {
	if c.challenge == nil {
		var r [8]byte
		rand.Read(r[:])
		c.challenge = []byte("<" + hex.EncodeToString(r[:]) + "@localhost>")
		return c.challenge, false, nil
	}
	user, digest, _ := strings.Cut(string(response), " ")
	mac := hmac.New(md5.New, []byte(c.password))
	mac.Write(c.challenge)
	if user != c.user || !hmac.Equal([]byte(digest), []byte(hex.EncodeToString(mac.Sum(nil)))) {
		return nil, true, errBadLogin
	}
	c.ok()
	return nil, true, nil
}

func (ss *session) Mail(from string, _ *smtp.MailOptions) error {
	if len(ss.s.opts.Auth) > 0 && ss.auth == "" {
		return smtp.ErrAuthRequired
	}
	ss.from = from
	return nil
}

func (ss *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	if ss.s.Refuse != nil && ss.s.Refuse(to) {
		return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "no such mailbox"}
	}
	ss.to = append(ss.to, to)
	return nil
}

func (ss *session) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	ss.s.mu.Lock()
	ss.s.mail = append(ss.s.mail, Mail{From: ss.from, To: ss.to, Data: b, Auth: ss.auth})
	ss.s.mu.Unlock()
	return nil
}

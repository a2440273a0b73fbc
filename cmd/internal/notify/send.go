package notify

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"net/smtp"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

func isNotExist(err error) bool { return errors.Is(err, fs.ErrNotExist) }

func sortedKeys(m map[string]int) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	return ks
}

// Sender sends messages over one SMTP connection.
type Sender struct {
	from   string
	conn   net.Conn // the TCP connection under client, for deadlines
	client *smtp.Client
}

// sendTimeout bounds each message once connected, so that a server that
// stops answering cannot hold the nightly job forever. The context of
// Dial bounds only the connection and the login: a night with many
// notices may take longer than it.
const sendTimeout = time.Minute

// testRoots, when set (by the package's tests only), are the certificate
// authorities trusted instead of the system's: the test server's
// self-signed certificate. Production never skips verification.
var testRoots *x509.CertPool

// Dial connects to the SMTP server of a URL:
//
//	smtp://user:password@host:587        STARTTLS, required (port 587 by default)
//	smtps://user:password@host:465       TLS from the start (port 465 by default)
//	smtp+insecure://host:port            no TLS: a relay on the same host, or tests
//
// User and password are optional; with them, the client logs in with the
// strongest mechanism the server offers of CRAM-MD5, PLAIN and LOGIN.
// Like net/smtp, it never sends credentials over a connection without
// TLS, except to localhost, 127.0.0.1 or ::1. from is the sender's
// address. The context bounds the connection, TLS and the login; its
// errors never show the password.
func Dial(ctx context.Context, rawURL, from string) (*Sender, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, errors.New("the SMTP URL does not parse") // the error would print the password
	}
	var port string
	switch u.Scheme {
	case "smtp":
		port = "587"
	case "smtps":
		port = "465"
	case "smtp+insecure":
		port = "25"
	default:
		return nil, fmt.Errorf("the SMTP URL's scheme is %q: want smtp, smtps or smtp+insecure", u.Scheme)
	}
	host := u.Hostname()
	if host == "" {
		return nil, errors.New("the SMTP URL names no host")
	}
	if p := u.Port(); p != "" {
		if _, err := strconv.ParseUint(p, 10, 16); err != nil {
			return nil, fmt.Errorf("the SMTP URL's port %q is not a number", p)
		}
		port = p
	}
	addr := net.JoinHostPort(host, port)
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("cannot reach the SMTP server %s: %w", addr, err)
	}
	s, err := dialSMTP(ctx, conn, u, host)
	if err != nil {
		conn.Close()
		return nil, fmt.Errorf("SMTP server %s: %w", addr, err)
	}
	s.from = from
	return s, nil
}

// dialSMTP greets the server on conn, starts TLS as the scheme wants and
// logs in, all within ctx.
func dialSMTP(ctx context.Context, conn net.Conn, u *url.URL, host string) (*Sender, error) {
	// The context's deadline holds for every read and write until logged
	// in; its cancellation interrupts them.
	deadline, ok := ctx.Deadline()
	if !ok {
		deadline = time.Now().Add(sendTimeout)
	}
	conn.SetDeadline(deadline)
	stop := context.AfterFunc(ctx, func() { conn.SetDeadline(time.Unix(1, 0)) })
	defer stop()

	// A timeout says so, not only "i/o timeout".
	why := func(err error) error {
		if ctx.Err() != nil {
			return fmt.Errorf("%w (%w)", ctx.Err(), err)
		}
		return err
	}
	tlsConfig := &tls.Config{ServerName: host, RootCAs: testRoots, MinVersion: tls.VersionTLS12}
	var text net.Conn = conn
	if u.Scheme == "smtps" {
		tc := tls.Client(conn, tlsConfig)
		if err := tc.HandshakeContext(ctx); err != nil {
			return nil, why(fmt.Errorf("TLS: %w", err))
		}
		text = tc
	}
	c, err := smtp.NewClient(text, host)
	if err != nil {
		return nil, why(err)
	}
	fail := func(err error) (*Sender, error) {
		c.Close()
		return nil, why(err)
	}
	// EHLO now, so that its errors are not taken for a missing extension.
	if err := c.Hello("localhost"); err != nil {
		return fail(err)
	}
	if u.Scheme == "smtp" {
		if ok, _ := c.Extension("STARTTLS"); !ok {
			return fail(errors.New("the server does not offer STARTTLS, which smtp:// requires (smtps:// is TLS from the start; smtp+insecure:// is no TLS, for a relay on the same host)"))
		}
		if err := c.StartTLS(tlsConfig); err != nil {
			return fail(fmt.Errorf("STARTTLS: %w", err))
		}
	}
	if u.User != nil {
		password, _ := u.User.Password()
		_, isTLS := c.TLSConnectionState()
		_, offered := c.Extension("AUTH") // its mechanisms
		auth, err := chooseAuth(offered, u.User.Username(), password, host, isTLS)
		if err != nil {
			return fail(err)
		}
		if err := c.Auth(auth); err != nil {
			return fail(fmt.Errorf("login: %w", err)) // not the user either: the URL is a secret
		}
	}
	if ctx.Err() != nil {
		return fail(ctx.Err())
	}
	conn.SetDeadline(time.Time{})
	return &Sender{conn: conn, client: c}, nil
}

// chooseAuth picks the strongest mechanism that the server offers (its
// EHLO AUTH parameter) and this package implements: CRAM-MD5, which never
// sends the password, then PLAIN, then LOGIN (the only one of some
// providers). Without TLS it refuses them all unless host is local: even
// CRAM-MD5 would let an eavesdropper guess the password offline.
func chooseAuth(offered, user, password, host string, isTLS bool) (smtp.Auth, error) {
	if !isTLS && !isLocalhost(host) {
		return nil, errors.New("refusing to send the SMTP user and password over a connection without TLS: use smtp:// or smtps://")
	}
	if offered == "" {
		return nil, errors.New("the URL has a user but the server offers no login (no AUTH)")
	}
	mechs := strings.Fields(strings.ToUpper(offered))
	switch {
	case slices.Contains(mechs, "CRAM-MD5"):
		return smtp.CRAMMD5Auth(user, password), nil
	case slices.Contains(mechs, "PLAIN"):
		return smtp.PlainAuth("", user, password, host), nil
	case slices.Contains(mechs, "LOGIN"):
		return &loginAuth{user: user, password: password, host: host}, nil
	}
	return nil, fmt.Errorf("the server offers to log in with %s, none of CRAM-MD5, PLAIN or LOGIN", strings.Join(mechs, ", "))
}

// isLocalhost is net/smtp's notion of a host that credentials may reach
// without TLS.
func isLocalhost(host string) bool {
	return host == "localhost" || host == "127.0.0.1" || host == "::1"
}

// loginAuth is the LOGIN mechanism (draft-murchison-sasl-login), which
// net/smtp lacks: the user name, then the password, each answering a
// challenge. The challenges' wording varies between servers, so the
// answers go by their order.
type loginAuth struct {
	user, password, host string
	step                 int
}

func (a *loginAuth) Start(server *smtp.ServerInfo) (string, []byte, error) {
	// The same guards as smtp.PlainAuth's.
	if !server.TLS && !isLocalhost(server.Name) {
		return "", nil, errors.New("unencrypted connection")
	}
	if server.Name != a.host {
		return "", nil, errors.New("wrong host name")
	}
	a.step = 0
	return "LOGIN", nil, nil
}

func (a *loginAuth) Next(fromServer []byte, more bool) ([]byte, error) {
	if !more {
		return nil, nil
	}
	a.step++
	switch a.step {
	case 1:
		return []byte(a.user), nil
	case 2:
		return []byte(a.password), nil
	}
	return nil, fmt.Errorf("LOGIN: unexpected challenge %q after the password", fromServer)
}

// Send sends one message: to its holder alone, plain text with an HTML
// alternative. A refused message leaves the connection ready for the
// next one.
func (s *Sender) Send(m Message) error {
	e, err := Build(m, s.from)
	if err != nil {
		return err
	}
	s.conn.SetDeadline(time.Now().Add(sendTimeout))
	if err := s.send(e); err != nil {
		s.client.Reset() // ends the transaction; if the connection is gone, the next Send says so
		return err
	}
	return nil
}

func (s *Sender) send(e *Email) error {
	if err := s.client.Mail(e.From); err != nil {
		return fmt.Errorf("the SMTP server refused the sender %s: %w", e.From, err)
	}
	if err := s.client.Rcpt(e.To); err != nil {
		return fmt.Errorf("the SMTP server refused the recipient: %w", err)
	}
	w, err := s.client.Data()
	if err != nil {
		return fmt.Errorf("the SMTP server refused the message: %w", err)
	}
	if _, err := w.Write(e.Data); err != nil {
		w.Close()
		return fmt.Errorf("sending the message: %w", err)
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("the SMTP server refused the message: %w", err)
	}
	return nil
}

// Close ends the session (QUIT) and the connection.
func (s *Sender) Close() error {
	s.conn.SetDeadline(time.Now().Add(10 * time.Second))
	if err := s.client.Quit(); err != nil {
		s.client.Close()
		return err
	}
	return nil
}

package notify_test

import (
	"bytes"
	"context"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/accredit/accredit/cmd/internal/notify"
	"github.com/accredit/accredit/cmd/internal/notify/smtptest"
	"github.com/accredit/accredit/cmd/internal/program"
)

var clock = time.Date(2024, 3, 31, 6, 0, 0, 0, time.UTC)

func message(toName, to, subject, text, html string) notify.Message {
	return notify.Message{Notice: notify.Notice{Notice: "30", Cred: &program.Credential{ID: "MJKP-N451-22DE"}},
		ToName: toName, To: to, Subject: subject, Text: text, HTML: html}
}

// parsed is a built e-mail read back as a mail reader sees it.
type parsed struct {
	header                 mail.Header
	from, to               *mail.Address
	subject                string
	text, html             string
	textHeader, htmlHeader map[string]string
}

// parse reads an e-mail back with net/mail and mime/multipart, checking
// the framing on the way: CRLF lines of at most 998 characters, 7-bit.
func parse(t *testing.T, data []byte) parsed {
	t.Helper()
	if !bytes.HasSuffix(data, []byte("\r\n")) {
		t.Errorf("the message does not end in CRLF")
	}
	for i, l := range bytes.Split(data, []byte("\r\n")) {
		if bytes.ContainsAny(l, "\r\n") {
			t.Errorf("line %d holds a bare CR or LF: %q", i+1, l)
		}
		if len(l) > 998 {
			t.Errorf("line %d is %d long", i+1, len(l))
		}
		for _, c := range l {
			if c >= 0x80 {
				t.Fatalf("line %d is not 7-bit: %q", i+1, l)
			}
		}
	}
	msg, err := mail.ReadMessage(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	p := parsed{header: msg.Header, textHeader: map[string]string{}, htmlHeader: map[string]string{}}
	if p.from, err = mail.ParseAddress(msg.Header.Get("From")); err != nil {
		t.Errorf("From %q: %v", msg.Header.Get("From"), err)
	}
	if p.to, err = mail.ParseAddress(msg.Header.Get("To")); err != nil {
		t.Errorf("To %q: %v", msg.Header.Get("To"), err)
	}
	if p.subject, err = new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject")); err != nil {
		t.Errorf("Subject %q: %v", msg.Header.Get("Subject"), err)
	}
	mt, params, err := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	if err != nil || mt != "multipart/alternative" {
		t.Fatalf("Content-Type %q", msg.Header.Get("Content-Type"))
	}
	mr := multipart.NewReader(msg.Body, params["boundary"])
	for n := 0; ; n++ {
		part, err := mr.NextRawPart() // NextPart would hide Content-Transfer-Encoding
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		h := map[string]string{"Content-Type": part.Header.Get("Content-Type"), "Content-Transfer-Encoding": part.Header.Get("Content-Transfer-Encoding")}
		b, err := io.ReadAll(quotedprintable.NewReader(part))
		if err != nil {
			t.Fatal(err)
		}
		switch n {
		case 0:
			p.text, p.textHeader = string(b), h
		case 1:
			p.html, p.htmlHeader = string(b), h
		default:
			t.Errorf("part %d: %q", n, b)
		}
	}
	return p
}

// crlf is a body as it comes back: quoted-printable sends line breaks as
// CRLF.
func crlf(s string) string { return strings.ReplaceAll(s, "\n", "\r\n") }

// TestBuild: headers and bodies read back as written, non-ASCII names
// and subjects encoded, dots and long lines intact.
func TestBuild(t *testing.T) {
	notify.ClockForTest(t, clock)
	long := strings.Repeat("Renew at https://partners.vendor.example/verify/MJKP-N451-22DE/ ", 30)
	for _, tc := range []struct {
		name, from           string
		m                    notify.Message
		wantFrom, wantFromAt string
	}{
		{"plain", "certification@vendor.example",
			message("Ann Lee", "ann@acme.example", "Your Sales Associate expires on 2024-04-30", "Dear Ann,\nrenew.\n", "<p>Dear Ann,</p>\n"),
			"", "certification@vendor.example"},
		{"non-ASCII", "Zertifizierung Müller <cert@vendor.example>",
			message("Zoë Ångström-Łukasik", "zoe@acme.example", "Ваш сертификат Sales Associate истекает 2024-04-30 — продлите его", "Grüße, Zoë ✓\n", "<p>Grüße, Zoë ✓</p>"),
			"Zertifizierung Müller", "cert@vendor.example"},
		{"dots", "cert@vendor.example",
			message("Dan", "dan@globex.example", "Dots", ".\n.. two\n. one\nend.\n.", "<p>\n.\n</p>"),
			"", "cert@vendor.example"},
		{"long lines", "cert@vendor.example",
			message("A \"quoted\" name, with a comma", "a@b.example", strings.Repeat("A long subject ", 20), long+"\n"+strings.Repeat("x", 3000)+"\n", strings.Repeat("<b>=</b>", 500)),
			"", "cert@vendor.example"},
		{"trailing spaces and tabs", "cert@vendor.example",
			message("Eve", "eve@acme.example", "Tabs\tand = signs ?=", "line with spaces   \n\ttabbed\t\n", "a=b"),
			"", "cert@vendor.example"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e, err := notify.Build(tc.m, tc.from)
			if err != nil {
				t.Fatal(err)
			}
			if e.From != tc.wantFromAt || e.To != tc.m.To {
				t.Errorf("envelope %s -> %s", e.From, e.To)
			}
			p := parse(t, e.Data)
			if p.from == nil || p.from.Name != tc.wantFrom || p.from.Address != tc.wantFromAt {
				t.Errorf("From %+v", p.from)
			}
			if p.to == nil || p.to.Name != tc.m.ToName || p.to.Address != tc.m.To {
				t.Errorf("To %+v, want %q <%s>", p.to, tc.m.ToName, tc.m.To)
			}
			if p.subject != strings.TrimSpace(tc.m.Subject) {
				t.Errorf("Subject %q, want %q", p.subject, tc.m.Subject)
			}
			if d, err := mail.ParseDate(p.header.Get("Date")); err != nil || !d.Equal(clock) {
				t.Errorf("Date %q: %v", p.header.Get("Date"), err)
			}
			if id := p.header.Get("Message-ID"); !regexp.MustCompile(`^<[0-9a-f]{32}@vendor\.example>$`).MatchString(id) {
				t.Errorf("Message-ID %q", id)
			}
			if v := p.header.Get("MIME-Version"); v != "1.0" {
				t.Errorf("MIME-Version %q", v)
			}
			for _, k := range []string{"Cc", "Bcc", "Reply-To"} {
				if v := p.header.Get(k); v != "" {
					t.Errorf("%s %q", k, v)
				}
			}
			if p.text != crlf(tc.m.Text) || p.html != crlf(tc.m.HTML) {
				t.Errorf("bodies:\n%q\n%q\nwant\n%q\n%q", p.text, p.html, tc.m.Text, tc.m.HTML)
			}
			for typ, h := range map[string]map[string]string{"text/plain": p.textHeader, "text/html": p.htmlHeader} {
				if h["Content-Type"] != typ+"; charset=UTF-8" || h["Content-Transfer-Encoding"] != "quoted-printable" {
					t.Errorf("part %s: %q", typ, h)
				}
			}
		})
	}
	// Two messages: two Message-IDs and two boundaries.
	a, _ := notify.Build(message("A", "a@b.example", "s", "t", "h"), "c@vendor.example")
	b, _ := notify.Build(message("A", "a@b.example", "s", "t", "h"), "c@vendor.example")
	if pa, pb := parse(t, a.Data), parse(t, b.Data); pa.header.Get("Message-ID") == pb.header.Get("Message-ID") || pa.header.Get("Content-Type") == pb.header.Get("Content-Type") {
		t.Errorf("the same Message-ID or boundary twice: %q %q", pa.header.Get("Message-ID"), pa.header.Get("Content-Type"))
	}
}

// TestBuildRefuses: a line break in any header value, and addresses that
// are not.
func TestBuildRefuses(t *testing.T) {
	ok := message("Ann", "ann@acme.example", "Subject", "t", "h")
	for _, tc := range []struct {
		name, from string
		edit       func(*notify.Message)
		want       string
	}{
		{"subject LF", "c@vendor.example", func(m *notify.Message) { m.Subject = "Hi\nBcc: all@acme.example" }, "the subject of the message about MJKP-N451-22DE holds a line break"},
		{"subject CR", "c@vendor.example", func(m *notify.Message) { m.Subject = "Hi\rBcc: all@acme.example" }, "the subject"},
		{"name CRLF", "c@vendor.example", func(m *notify.Message) { m.ToName = "Ann\r\nBcc: all@acme.example" }, "the recipient's name"},
		{"address LF", "c@vendor.example", func(m *notify.Message) { m.To = "ann@acme.example\nBcc: x@y.example" }, "the recipient's address"},
		{"sender LF", "c@vendor.example\r\nBcc: x@y.example", func(*notify.Message) {}, "the sender"},
		{"address with a name", "c@vendor.example", func(m *notify.Message) { m.To = "Other <x@y.example>" }, "is not an address"},
		{"two addresses", "c@vendor.example", func(m *notify.Message) { m.To = "ann@acme.example, x@y.example" }, "is not an address"},
		{"no address", "c@vendor.example", func(m *notify.Message) { m.To = "ann" }, "is not an address"},
		{"bad sender", "vendor", func(*notify.Message) {}, "the sender \"vendor\" is not an e-mail address"},
	} {
		m := ok
		tc.edit(&m)
		e, err := notify.Build(m, tc.from)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want an error with %q", tc.name, err, tc.want)
		}
		if e != nil {
			t.Errorf("%s: an e-mail with the error", tc.name)
		}
	}
}

const (
	user     = "notices@vendor.example"
	password = "s3cret-Pa55"
)

// withUser puts the test user and a password into a server's URL.
func withUser(u, pw string) string {
	scheme, rest, _ := strings.Cut(u, "://")
	return scheme + "://" + strings.ReplaceAll(user, "@", "%40") + ":" + pw + "@" + rest
}

// TestSendAuth: logins over STARTTLS, TLS and a local plain connection,
// each with the strongest mechanism offered; a message sent after, its
// body dot-stuffed on the way and read back whole.
func TestSendAuth(t *testing.T) {
	for _, tc := range []struct {
		name     string
		opts     smtptest.Options
		login    bool
		password string // when not the server's
		want     string // the mechanism used, or a piece of Dial's or Send's error
	}{
		{"STARTTLS, PLAIN or LOGIN", smtptest.Options{TLS: smtptest.StartTLS, Auth: []string{"LOGIN", "PLAIN"}}, true, "", "PLAIN"},
		{"STARTTLS, LOGIN alone", smtptest.Options{TLS: smtptest.StartTLS, Auth: []string{"LOGIN"}}, true, "", "LOGIN"},
		{"STARTTLS, CRAM-MD5 first", smtptest.Options{TLS: smtptest.StartTLS, Auth: []string{"PLAIN", "LOGIN", "CRAM-MD5"}}, true, "", "CRAM-MD5"},
		{"TLS, PLAIN", smtptest.Options{TLS: smtptest.ImplicitTLS, Auth: []string{"PLAIN"}}, true, "", "PLAIN"},
		{"TLS, LOGIN", smtptest.Options{TLS: smtptest.ImplicitTLS, Auth: []string{"LOGIN"}}, true, "", "LOGIN"},
		{"STARTTLS, no login", smtptest.Options{TLS: smtptest.StartTLS}, false, "", ""},
		{"plain text to 127.0.0.1, LOGIN", smtptest.Options{Auth: []string{"LOGIN"}}, true, "", "LOGIN"},
		{"a wrong password", smtptest.Options{TLS: smtptest.StartTLS, Auth: []string{"LOGIN"}}, true, "wrong-Pa55", "login: 535"},
		{"a wrong password, PLAIN", smtptest.Options{TLS: smtptest.StartTLS, Auth: []string{"PLAIN"}}, true, "wrong-Pa55", "535"},
		{"a login needed, none given", smtptest.Options{TLS: smtptest.StartTLS, Auth: []string{"PLAIN"}}, false, "", "refused the sender"},
		{"a user, no AUTH", smtptest.Options{TLS: smtptest.StartTLS}, true, "", "offers no login"},
		{"a user, no mechanism known", smtptest.Options{TLS: smtptest.StartTLS, Auth: []string{"XOAUTH2"}}, true, "", "none of CRAM-MD5, PLAIN or LOGIN"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.opts.User, tc.opts.Password = user, password
			srv := smtptest.StartWith(t, tc.opts)
			notify.TrustForTest(t, srv.Roots)
			url := srv.URL
			if tc.login {
				pw := password
				if tc.password != "" {
					pw = tc.password
				}
				url = withUser(url, pw)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			body := ".\n.. two dots\nend.\n."
			err := func() error {
				s, err := notify.Dial(ctx, url, "certification@vendor.example")
				if err != nil {
					return err
				}
				defer s.Close()
				return s.Send(message("Ann", "ann@acme.example", "Subject", body, "<p>.</p>"))
			}()
			mails := srv.Mail()
			if !slices.Contains([]string{"", "PLAIN", "LOGIN", "CRAM-MD5"}, tc.want) {
				if err == nil || !strings.Contains(err.Error(), tc.want) {
					t.Fatalf("%v, want an error with %q", err, tc.want)
				}
				for _, secret := range []string{password, tc.password, user} {
					if secret != "" && strings.Contains(err.Error(), secret) {
						t.Errorf("the error shows the user or password: %v", err)
					}
				}
				if len(mails) != 0 {
					t.Errorf("%d messages received", len(mails))
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(mails) != 1 || mails[0].Auth != tc.want {
				t.Fatalf("received %+v, want one message after a login with %q", mails, tc.want)
			}
			m := mails[0]
			if m.From != "certification@vendor.example" || len(m.To) != 1 || m.To[0] != "ann@acme.example" {
				t.Errorf("envelope %s -> %q", m.From, m.To)
			}
			if p := parse(t, m.Data); p.text != crlf(body) || p.html != "<p>.</p>" {
				t.Errorf("bodies %q %q", p.text, p.html)
			}
		})
	}
}

// TestDialRefuses: no password in plain text to another host, no smtp://
// without STARTTLS, no certificate but a trusted one; the server sees no
// login attempt in either case.
func TestDialRefuses(t *testing.T) {
	other := "127.0.0.2:0" // not local to net/smtp's eyes, though it is
	if ln, err := net.Listen("tcp", other); err != nil {
		t.Skipf("cannot listen on %s: %v", other, err)
	} else {
		ln.Close()
	}
	for _, tc := range []struct {
		name  string
		opts  smtptest.Options
		url   func(string) string
		trust bool
		want  string
	}{
		{"plain text to another host", smtptest.Options{Addr: other, Auth: []string{"PLAIN", "LOGIN", "CRAM-MD5"}}, func(u string) string { return withUser(u, password) }, true,
			"refusing to send the SMTP user and password over a connection without TLS"},
		{"smtp:// without STARTTLS", smtptest.Options{Auth: []string{"PLAIN"}}, func(u string) string {
			return withUser(strings.Replace(u, "smtp+insecure://", "smtp://", 1), password)
		}, true, "does not offer STARTTLS, which smtp:// requires"},
		{"smtp:// without STARTTLS, no user", smtptest.Options{}, func(u string) string { return strings.Replace(u, "smtp+insecure://", "smtp://", 1) }, true,
			"does not offer STARTTLS"},
		{"STARTTLS, an untrusted certificate", smtptest.Options{TLS: smtptest.StartTLS, Auth: []string{"PLAIN"}}, func(u string) string { return withUser(u, password) }, false,
			"certificate"},
		{"TLS, an untrusted certificate", smtptest.Options{TLS: smtptest.ImplicitTLS, Auth: []string{"PLAIN"}}, func(u string) string { return withUser(u, password) }, false,
			"certificate"},
		{"smtps:// to a plain-text server", smtptest.Options{}, func(u string) string {
			return withUser(strings.Replace(u, "smtp+insecure://", "smtps://", 1), password)
		}, true, "TLS"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.opts.User, tc.opts.Password = user, password
			srv := smtptest.StartWith(t, tc.opts)
			if tc.trust {
				notify.TrustForTest(t, srv.Roots)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			s, err := notify.Dial(ctx, tc.url(srv.URL), "certification@vendor.example")
			if err == nil {
				s.Close()
				t.Fatalf("Dial = nil, want an error with %q", tc.want)
			}
			if !strings.Contains(err.Error(), tc.want) || strings.Contains(err.Error(), password) {
				t.Errorf("Dial: %v, want an error with %q and without the password", err, tc.want)
			}
			if tried := srv.Tried(); len(tried) != 0 {
				t.Errorf("the server saw AUTH %q", tried)
			}
		})
	}
}

// TestDialContext: a server that never greets holds Dial only until the
// context's deadline.
func TestDialContext(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			defer c.Close() // silent until the test ends
		}
	}()
	for _, tc := range []struct {
		name string
		url  string
	}{
		{"plain text", "smtp+insecure://" + ln.Addr().String()},
		{"TLS", "smtps://" + ln.Addr().String()},
	} {
		ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
		start := time.Now()
		_, err := notify.Dial(ctx, tc.url, "certification@vendor.example")
		cancel()
		if err == nil || time.Since(start) > 5*time.Second {
			t.Errorf("%s: Dial = %v after %v, want a timeout after 200ms", tc.name, err, time.Since(start))
		}
	}
	// Cancelled, not timed out.
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(100*time.Millisecond, cancel)
	start := time.Now()
	if _, err := notify.Dial(ctx, "smtp+insecure://"+ln.Addr().String(), "c@vendor.example"); err == nil || time.Since(start) > 5*time.Second {
		t.Errorf("cancelled: Dial = %v after %v", err, time.Since(start))
	}
}

package notify

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"slices"
	"strconv"

	"github.com/wneessen/go-mail"
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
	client *mail.Client
}

// Dial connects to the SMTP server of a URL:
//
//	smtp://user:password@host:587        STARTTLS, required (port 587 by default)
//	smtps://user:password@host:465       TLS from the start (port 465 by default)
//	smtp+insecure://host:port            no TLS: a relay on the same host, or tests
//
// User and password are optional; with them, the client picks the
// strongest mechanism the server offers. from is the sender's address.
func Dial(ctx context.Context, rawURL, from string) (*Sender, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, errors.New("the SMTP URL does not parse") // the error would print the password
	}
	var opts []mail.Option
	port := 0
	switch u.Scheme {
	case "smtp":
		port = 587
		opts = append(opts, mail.WithTLSPortPolicy(mail.TLSMandatory))
	case "smtps":
		port = 465
		opts = append(opts, mail.WithSSL())
	case "smtp+insecure":
		port = 25
		opts = append(opts, mail.WithTLSPolicy(mail.NoTLS))
	default:
		return nil, fmt.Errorf("the SMTP URL's scheme is %q: want smtp, smtps or smtp+insecure", u.Scheme)
	}
	if p := u.Port(); p != "" {
		if port, err = strconv.Atoi(p); err != nil {
			return nil, fmt.Errorf("the SMTP URL's port %q is not a number", p)
		}
	}
	opts = append(opts, mail.WithPort(port))
	if u.User != nil {
		pw, _ := u.User.Password()
		opts = append(opts, mail.WithSMTPAuth(mail.SMTPAuthAutoDiscover), mail.WithUsername(u.User.Username()), mail.WithPassword(pw))
	}
	c, err := mail.NewClient(u.Hostname(), opts...)
	if err != nil {
		return nil, err
	}
	if err := c.DialWithContext(ctx); err != nil {
		return nil, fmt.Errorf("cannot reach the SMTP server %s: %w", u.Host, err)
	}
	return &Sender{from: from, client: c}, nil
}

// Send sends one message: to its holder alone, plain text with an HTML
// alternative.
func (s *Sender) Send(m Message) error {
	msg, err := Build(m, s.from)
	if err != nil {
		return err
	}
	return s.client.Send(msg)
}

// Build makes the e-mail of a message.
func Build(m Message, from string) (*mail.Msg, error) {
	msg := mail.NewMsg()
	if err := msg.From(from); err != nil {
		return nil, fmt.Errorf("sender %q: %w", from, err)
	}
	if err := msg.AddToFormat(m.ToName, m.To); err != nil {
		return nil, fmt.Errorf("recipient of %s: %w", m.Notice.Cred.ID, err)
	}
	msg.Subject(m.Subject)
	msg.SetDate()
	msg.SetMessageID()
	msg.SetBodyString(mail.TypeTextPlain, m.Text)
	msg.AddAlternativeString(mail.TypeTextHTML, m.HTML)
	return msg, nil
}

// Close ends the connection.
func (s *Sender) Close() error { return s.client.Close() }

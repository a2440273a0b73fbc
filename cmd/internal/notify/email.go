package notify

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"net/textproto"
	"strings"
	"time"
)

// Email is a message ready for SMTP: the envelope's sender and its one
// recipient (bare addresses) and the message itself, headers and body,
// lines ending in CRLF. The SMTP client dot-stuffs it.
type Email struct {
	From, To string
	Data     []byte
}

// now is the clock of the Date header; the tests fix it.
var now = time.Now

// Build makes the e-mail of a message from the sender from (an address,
// with or without a display name): plain text with an HTML alternative,
// both quoted-printable UTF-8, to the holder alone. A line break in the
// sender, the holder's name or address, or the subject is refused: it
// would let a template or a person file add headers.
func Build(m Message, from string) (*Email, error) {
	id := "a credential"
	if m.Notice.Cred != nil {
		id = m.Notice.Cred.ID
	}
	for _, f := range []struct{ what, v string }{
		{"the sender", from}, {"the recipient's name", m.ToName}, {"the recipient's address", m.To}, {"the subject", m.Subject},
	} {
		if strings.ContainsAny(f.v, "\r\n") {
			return nil, fmt.Errorf("%s of the message about %s holds a line break: refused, it would add headers", f.what, id)
		}
	}
	sender, err := mail.ParseAddress(from)
	if err != nil {
		return nil, fmt.Errorf("the sender %q is not an e-mail address: %w", from, err)
	}
	// The holder's address must be a bare address, the name apart: the
	// person file gives both.
	to, err := mail.ParseAddress(m.To)
	if err != nil || to.Name != "" || to.Address != m.To {
		return nil, fmt.Errorf("the e-mail address of the holder of %s is not an address", id)
	}
	to.Name = m.ToName
	msgID, err := messageID(sender.Address)
	if err != nil {
		return nil, err
	}

	var b bytes.Buffer
	mw := multipart.NewWriter(&b) // a random boundary; writes nothing yet
	header := func(name, value string) { b.WriteString(fold(name, value)) }
	header("From", sender.String())
	header("To", to.String())
	header("Subject", mime.QEncoding.Encode("utf-8", m.Subject))
	header("Date", now().Format(time.RFC1123Z))
	header("Message-ID", msgID)
	header("MIME-Version", "1.0")
	header("Content-Type", mime.FormatMediaType("multipart/alternative", map[string]string{"boundary": mw.Boundary()}))
	b.WriteString("\r\n")
	for _, part := range []struct{ typ, body string }{{"text/plain", m.Text}, {"text/html", m.HTML}} {
		pw, err := mw.CreatePart(textproto.MIMEHeader{
			"Content-Type":              {part.typ + "; charset=UTF-8"},
			"Content-Transfer-Encoding": {"quoted-printable"},
		})
		if err != nil {
			return nil, err
		}
		qw := quotedprintable.NewWriter(pw) // CRLF line ends, lines of at most 76
		if _, err := qw.Write([]byte(part.body)); err != nil {
			return nil, err
		}
		if err := qw.Close(); err != nil {
			return nil, err
		}
	}
	if err := mw.Close(); err != nil { // the closing boundary, then CRLF
		return nil, err
	}
	return &Email{From: sender.Address, To: to.Address, Data: b.Bytes()}, nil
}

// messageID is a random Message-ID at the sender's domain, which is
// where RFC 5322 wants its right side to be unique.
func messageID(sender string) (string, error) {
	at := strings.LastIndexByte(sender, '@')
	if at < 0 || at == len(sender)-1 {
		return "", fmt.Errorf("the sender %q has no domain", sender)
	}
	var r [16]byte
	if _, err := rand.Read(r[:]); err != nil {
		return "", errors.New("no randomness for the Message-ID")
	}
	return "<" + hex.EncodeToString(r[:]) + "@" + sender[at+1:] + ">", nil
}

// fold makes a header line ending in CRLF, folded before spaces in the
// value so that its lines keep to 78 characters where a space allows (RFC
// 5322 2.2.3). It folds only at a space between two other characters,
// which unfolding turns back into that one space, and never right after
// the name.
func fold(name, value string) string {
	const limit = 78
	line := name + ": " + value
	var out strings.Builder
	start := 0             // of the current output line in line
	last := -1             // the last place to fold at in the current line
	first := len(name) + 2 // the first place it may fold at
	for i := 0; i < len(line); i++ {
		if i-start >= limit && last >= first && last > start {
			out.WriteString(line[start:last])
			out.WriteString("\r\n")
			start, last = last, -1
		}
		if line[i] == ' ' && i > start && line[i-1] != ' ' && i+1 < len(line) && line[i+1] != ' ' {
			last = i
		}
	}
	out.WriteString(line[start:])
	out.WriteString("\r\n")
	return out.String()
}

package notify

import (
	"net/smtp"
	"strings"
	"testing"
)

// TestChooseAuth: the strongest mechanism offered of those implemented,
// whatever the order or case of the server's list, and no credentials
// over plain text to a host that is not this one.
func TestChooseAuth(t *testing.T) {
	for _, tc := range []struct {
		offered string
		host    string
		tls     bool
		want    string // a mechanism, or a piece of the error
	}{
		{"PLAIN LOGIN", "mail.example", true, "PLAIN"},
		{"LOGIN PLAIN", "mail.example", true, "PLAIN"},
		{"LOGIN", "smtp.office365.com", true, "LOGIN"},
		{"login", "mail.example", true, "LOGIN"},
		{"LOGIN PLAIN CRAM-MD5", "mail.example", true, "CRAM-MD5"},
		{"XOAUTH2 PLAIN", "mail.example", true, "PLAIN"},
		{"XOAUTH2 GSSAPI", "mail.example", true, "offers to log in with XOAUTH2, GSSAPI, none of"},
		{"", "mail.example", true, "offers no login"},
		// Without TLS: only to this host, as net/smtp has it.
		{"PLAIN LOGIN", "mail.example", false, "without TLS"},
		{"CRAM-MD5", "mail.example", false, "without TLS"},
		{"LOGIN", "127.0.0.2", false, "without TLS"},
		{"PLAIN", "127.0.0.1", false, "PLAIN"},
		{"LOGIN", "localhost", false, "LOGIN"},
		{"LOGIN", "::1", false, "LOGIN"},
	} {
		a, err := chooseAuth(tc.offered, "user", "s3cret", tc.host, tc.tls)
		got := ""
		if err != nil {
			got = err.Error()
		} else {
			mech, _, err := a.Start(&smtp.ServerInfo{Name: tc.host, TLS: tc.tls, Auth: strings.Fields(tc.offered)})
			if err != nil {
				t.Errorf("%q %s tls=%v: Start: %v", tc.offered, tc.host, tc.tls, err)
				continue
			}
			got = mech
		}
		if !strings.Contains(got, tc.want) || (err == nil) != (tc.want == got) {
			t.Errorf("%q %s tls=%v: %s, want %s", tc.offered, tc.host, tc.tls, got, tc.want)
		}
		if strings.Contains(got, "s3cret") {
			t.Errorf("%q: the error shows the password: %s", tc.offered, got)
		}
	}
}

// TestLoginAuth: the user name, then the password, whatever the
// challenges say; and the guards of smtp.PlainAuth.
func TestLoginAuth(t *testing.T) {
	a := &loginAuth{user: "u@example.com", password: "pw", host: "mail.example"}
	if _, _, err := a.Start(&smtp.ServerInfo{Name: "mail.example"}); err == nil {
		t.Error("LOGIN starts over plain text to another host")
	}
	if _, _, err := a.Start(&smtp.ServerInfo{Name: "other.example", TLS: true}); err == nil {
		t.Error("LOGIN starts with another server's name")
	}
	mech, ir, err := a.Start(&smtp.ServerInfo{Name: "mail.example", TLS: true})
	if mech != "LOGIN" || ir != nil || err != nil {
		t.Fatalf("Start = %q, %q, %v", mech, ir, err)
	}
	for i, step := range []struct {
		challenge string
		more      bool
		want      string
		err       bool
	}{
		{"Username:", true, "u@example.com", false},
		{"Password:", true, "pw", false},
		{"What?", true, "", true},
	} {
		got, err := a.Next([]byte(step.challenge), step.more)
		if string(got) != step.want || (err != nil) != step.err {
			t.Errorf("step %d: %q, %v", i, got, err)
		}
	}
	if got, err := a.Next(nil, false); got != nil || err != nil {
		t.Errorf("done: %q, %v", got, err)
	}
}

// TestFold: header lines keep to 78 characters where a space allows, end
// in CRLF, and unfold to the line folded.
func TestFold(t *testing.T) {
	long := strings.Repeat("word ", 40) + "end"
	for _, h := range []struct{ name, value string }{
		{"Subject", "short"},
		{"Subject", long},
		{"Subject", strings.Repeat("x", 200) + " tail"},
		{"Subject", "two  spaces " + strings.Repeat("ab  ", 40)},
		{"Subject", "=?utf-8?q?" + strings.Repeat("=D0=92", 11) + "?= =?utf-8?q?" + strings.Repeat("=D0=92", 11) + "?="},
		{"To", "=?utf-8?q?" + strings.Repeat("=C3=A9", 10) + "?= =?utf-8?q?" + strings.Repeat("=C3=A9", 10) + "?= <a@b.example>"},
	} {
		line := h.name + ": " + h.value
		got := fold(h.name, h.value)
		if first, _, _ := strings.Cut(got, "\r\n"); first == h.name+":" {
			t.Errorf("%q: folded right after the name", line)
		}
		if !strings.HasSuffix(got, "\r\n") {
			t.Errorf("%q: no CRLF at the end", got)
		}
		lines := strings.Split(strings.TrimSuffix(got, "\r\n"), "\r\n")
		for i, l := range lines {
			if i > 0 && !strings.HasPrefix(l, " ") {
				t.Errorf("%q: continuation line %q does not start with a space", line, l)
			}
			from := 1
			if i == 0 {
				from = len(h.name) + 2
			}
			if len(l) > 78 && foldable(l, from) {
				t.Errorf("%q: line %q is longer than 78 with a space to fold at", line, l)
			}
		}
		if unfolded := strings.ReplaceAll(strings.TrimSuffix(got, "\r\n"), "\r\n", ""); unfolded != line {
			t.Errorf("fold(%q) unfolds to %q", line, unfolded)
		}
	}
}

// foldable says whether a line has a space between two other characters
// at from or after.
func foldable(l string, from int) bool {
	for i := max(from, 1); i+1 < len(l); i++ {
		if l[i] == ' ' && l[i-1] != ' ' && l[i+1] != ' ' {
			return true
		}
	}
	return false
}

package notify_test

import (
	"bytes"
	"mime"
	"net/mail"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/accredit/accredit/cmd/internal/notify"
)

// FuzzLedger: any file is read as a ledger or refused, never a panic; a
// ledger read holds no more entries than it has lines.
func FuzzLedger(f *testing.F) {
	f.Add([]byte(`{"key":"GPMS-7VMY-E8VW/30","credential":"GPMS-7VMY-E8VW","notice":"30","due":"2025-12-16","sent":"2025-12-16"}` + "\n"))
	f.Add([]byte("\n\n"))
	f.Add([]byte(`{"key":"x","due":"2025-02-30"}`))
	f.Add([]byte(`{"key":"x"}{"key":"y"}`))
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte) {
		path := filepath.Join(dir, "ledger.jsonl")
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		l, err := notify.OpenLedger(path)
		if err == nil && l.Len() > len(data) {
			t.Fatalf("%d entries from %d bytes", l.Len(), len(data))
		}
	})
}

// FuzzBuild: whatever the holder's name and address and the subject,
// Build refuses the message or makes one whose headers are exactly its
// own, to that one address, with the name and subject read back.
func FuzzBuild(f *testing.F) {
	f.Add("Ann Lee", "ann@acme.example", "Your Sales Associate expires on 2024-04-30")
	f.Add("Zoë \"Z\" Ångström", "zoe@acme.example", "Ваш сертификат истекает =?utf-8?q?x?=")
	f.Add("Ann\r\nBcc: x@y.example", "ann@acme.example", "s")
	f.Add("Ann", "ann@acme.example, x@y.example", "s")
	f.Add("A, B <c@d>", "\"a b\"@acme.example", strings.Repeat("long subject ", 30))
	want := []string{"Content-Type", "Date", "From", "Message-Id", "Mime-Version", "Subject", "To"}
	f.Fuzz(func(t *testing.T, name, to, subject string) {
		e, err := notify.Build(message(name, to, subject, "text", "<p>html</p>"), "certification@vendor.example")
		if err != nil {
			return
		}
		msg, err := mail.ReadMessage(bytes.NewReader(e.Data))
		if err != nil {
			t.Fatalf("the message does not parse: %v\n%s", err, e.Data)
		}
		var keys []string
		for k := range msg.Header {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		if !slices.Equal(keys, want) {
			t.Fatalf("headers %q\n%s", keys, e.Data)
		}
		list, err := mail.ParseAddressList(msg.Header.Get("To"))
		if err != nil || len(list) != 1 || list[0].Address != to || e.To != to {
			t.Fatalf("To %q (%v), want %q alone", msg.Header.Get("To"), err, to)
		}
		// Unfolding and trimming change only white space.
		norm := func(s string) string { return strings.Join(strings.Fields(s), " ") }
		if utf8.ValidString(name) && list[0].Name != name && norm(list[0].Name) != norm(name) {
			t.Errorf("the name %q reads back as %q", name, list[0].Name)
		}
		got, err := new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
		if err != nil {
			t.Fatalf("Subject %q: %v", msg.Header.Get("Subject"), err)
		}
		// A subject in plain ASCII that looks like an encoded word is
		// decoded, as by any mail reader.
		if utf8.ValidString(subject) && !strings.Contains(subject, "=?") && norm(got) != norm(subject) {
			t.Errorf("the subject %q reads back as %q", subject, got)
		}
	})
}

package notify_test

import (
	"bytes"
	"context"
	"io"
	"mime"
	"mime/multipart"
	"net/mail"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/accredit/accredit"
	"github.com/accredit/accredit/cmd/internal/date"
	"github.com/accredit/accredit/cmd/internal/load"
	"github.com/accredit/accredit/cmd/internal/notify"
	"github.com/accredit/accredit/cmd/internal/notify/smtptest"
	"github.com/accredit/accredit/cmd/internal/program"
	"github.com/accredit/accredit/cmd/internal/standing"
)

const root = "../report/testdata/small"

func day(t *testing.T, s string) date.Date {
	t.Helper()
	d, err := date.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// run is one night: the notices due and not in the ledger are sent and
// recorded. It returns their keys.
func run(t *testing.T, p *program.Program, st *standing.Standing, tmpl *notify.Templates, srv *smtptest.Server, ledger string, d date.Date) []string {
	t.Helper()
	l, err := notify.OpenLedger(ledger)
	if err != nil {
		t.Fatal(err)
	}
	s, err := notify.Dial(context.Background(), srv.URL, "certification@vendor.example")
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var keys []string
	for _, n := range notify.Due(p, st, d) {
		if l.Sent(n) {
			continue
		}
		m, err := notify.Compose(p, tmpl, n, d)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Send(m); err != nil {
			t.Fatal(err)
		}
		if err := l.Record(n, d); err != nil {
			t.Fatal(err)
		}
		keys = append(keys, n.Key())
	}
	return keys
}

// TestSendOverGaps runs the nightly send on scattered days, as a
// workflow that missed nights would. Stages of testdata/small (notice
// days 60, 30, 7; grace 30):
//
//	ann  MJKP expires 2024-03-15: 30 on 02-14, 7 on 03-08, grace 03-15, lapsed 04-14
//	cara DF0N expires 2024-03-31: 30 on 03-01, 7 on 03-24, grace 03-31, lapsed 04-30
//	dan  27P7 expires 2024-01-31: lapsed on 2024-03-01
//
// (052C is renewed, eve's is revoked, frank's expired: none.) Each night
// sends only the latest stage due; one missed is skipped, never sent
// late after a later one; a night run twice sends nothing more.
func TestSendOverGaps(t *testing.T) {
	p, _, err := load.Load(root)
	if err != nil {
		t.Fatal(err)
	}
	st := standing.Compute(p)
	tmpl, err := notify.LoadTemplates(accredit.Layouts(), root)
	if err != nil {
		t.Fatal(err)
	}
	srv := smtptest.Start(t)
	ledger := filepath.Join(t.TempDir(), "ledger.jsonl")
	for _, night := range []struct {
		day  string
		want []string
	}{
		{"2024-03-01", []string{"MJKP-N451-22DE/30", "DF0N-10GZ-FPPZ/30", "27P7-8EMT-1RKZ/lapsed"}},
		{"2024-03-10", []string{"MJKP-N451-22DE/7"}},
		{"2024-03-31", []string{"MJKP-N451-22DE/grace", "DF0N-10GZ-FPPZ/grace"}},
		{"2024-03-31", nil},
		{"2024-04-20", []string{"MJKP-N451-22DE/lapsed"}},
		{"2024-05-05", []string{"DF0N-10GZ-FPPZ/lapsed"}},
		{"2024-05-06", nil},
	} {
		got := run(t, p, st, tmpl, srv, ledger, day(t, night.day))
		if !slices.Equal(got, night.want) {
			t.Errorf("%s: sent %q, want %q", night.day, got, night.want)
		}
	}
	mails := srv.Mail()
	if len(mails) != 8 {
		t.Fatalf("the server received %d messages, want 8", len(mails))
	}
	var emails []string
	for _, pa := range p.Partners {
		for _, pe := range pa.People {
			emails = append(emails, pe.Email)
		}
	}
	for _, m := range mails {
		checkMail(t, m, emails)
	}
}

// checkMail: one recipient, the holder, in the envelope and the To
// header; the sender; a subject; a plain-text and an HTML body with the
// verification link; and no one else's address anywhere.
func checkMail(t *testing.T, m smtptest.Mail, everyone []string) {
	t.Helper()
	if len(m.To) != 1 {
		t.Fatalf("envelope recipients %q, want one", m.To)
	}
	to := m.To[0]
	msg, err := mail.ReadMessage(bytes.NewReader(m.Data))
	if err != nil {
		t.Fatal(err)
	}
	h := msg.Header
	if addr, err := mail.ParseAddress(h.Get("To")); err != nil || addr.Address != to {
		t.Errorf("To %q, envelope %s", h.Get("To"), to)
	}
	if addr, err := mail.ParseAddress(h.Get("From")); err != nil || addr.Address != "certification@vendor.example" || m.From != addr.Address {
		t.Errorf("From %q, envelope %s", h.Get("From"), m.From)
	}
	if h.Get("Cc") != "" || h.Get("Bcc") != "" {
		t.Errorf("Cc %q Bcc %q", h.Get("Cc"), h.Get("Bcc"))
	}
	subject, _ := new(mime.WordDecoder).DecodeHeader(h.Get("Subject"))
	if !strings.HasPrefix(subject, "Your Sales Associate ") {
		t.Errorf("Subject %q", subject)
	}
	mt, params, err := mime.ParseMediaType(h.Get("Content-Type"))
	if err != nil || mt != "multipart/alternative" {
		t.Fatalf("Content-Type %q", h.Get("Content-Type"))
	}
	bodies := map[string]string{}
	mr := multipart.NewReader(msg.Body, params["boundary"])
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		ct, _, _ := mime.ParseMediaType(part.Header.Get("Content-Type"))
		b, _ := io.ReadAll(part) // NextPart decodes quoted-printable
		bodies[ct] = string(b)
	}
	text, html := bodies["text/plain"], bodies["text/html"]
	if !strings.Contains(text, "https://partners.vendor.example/verify/") || !strings.Contains(html, `href="https://partners.vendor.example/verify/`) {
		t.Errorf("a body lacks the verification link:\n%s\n%s", text, html)
	}
	if !strings.Contains(text, "Pass the Sales Foundation exam") || !strings.Contains(html, "<li>Pass the Sales Foundation exam</li>") {
		t.Errorf("a body lacks the steps to renew:\n%s\n%s", text, html)
	}
	for _, e := range everyone {
		if e != to && bytes.Contains(bytes.ToLower(m.Data), []byte(strings.ToLower(e))) {
			t.Errorf("the message to %s holds %s", to, e)
		}
	}
}

// TestLedgerCorrupt: a ledger line that is not an entry stops the run.
func TestLedgerCorrupt(t *testing.T) {
	path := filepath.Join(t.TempDir(), "ledger.jsonl")
	for _, bad := range []string{"not json\n", `{"key": "X/30", "extra": 1}` + "\n", `{"notice": "30"}` + "\n"} {
		if err := writeFile(path, bad); err != nil {
			t.Fatal(err)
		}
		if _, err := notify.OpenLedger(path); err == nil || !strings.Contains(err.Error(), ":1: not a ledger entry") {
			t.Errorf("OpenLedger(%q) = %v, want an error at line 1", bad, err)
		}
	}
}

// TestDialURL: the schemes, and no password in an error.
func TestDialURL(t *testing.T) {
	for _, u := range []string{"http://x", "smtp://user:s3cret@127.0.0.1:notaport", "smtp+insecure://user:s3cret@127.0.0.1:1"} {
		_, err := notify.Dial(context.Background(), u, "a@b.example")
		if err == nil {
			t.Errorf("Dial(%s) = nil", u)
		} else if strings.Contains(err.Error(), "s3cret") {
			t.Errorf("Dial(%s) = %v: the error shows the password", u, err)
		}
	}
}

// TestEvents: grant, renewal and revocation messages within EventDays,
// each once, to the holder, with their own subjects; none for records
// older than the window.
func TestEvents(t *testing.T) {
	p, _, err := load.Load(root)
	if err != nil {
		t.Fatal(err)
	}
	st := standing.Compute(p)
	tmpl, err := notify.LoadTemplates(accredit.Layouts(), root)
	if err != nil {
		t.Fatal(err)
	}
	ledger := filepath.Join(t.TempDir(), "ledger.jsonl")
	l, err := notify.OpenLedger(ledger)
	if err != nil {
		t.Fatal(err)
	}
	for _, night := range []struct {
		day  string
		want []string
	}{
		// Ann's grant of 2023-03-15 and Cara's renewal of 2023-03-20;
		// eve's revocation of 2023-12-01.
		{"2023-03-25", []string{"MJKP-N451-22DE/issued", "DF0N-10GZ-FPPZ/renewed"}},
		{"2023-03-26", nil},
		{"2023-12-14", []string{"4S8X-WG33-WS38/revoked"}},
		// Bob's grants of 02-29 and 03-10; 13 and 3 days old on 03-13.
		{"2024-03-13", []string{"GQJS-K30N-2HDW/issued", "HR1R-J8V5-S261/issued"}},
		{"2024-03-14", nil},
	} {
		var got []string
		for _, n := range notify.Events(p, st, day(t, night.day)) {
			if l.Sent(n) {
				continue
			}
			m, err := notify.Compose(p, tmpl, n, day(t, night.day))
			if err != nil {
				t.Fatal(err)
			}
			if m.To != n.Cred.Person.Email || !strings.Contains(m.Text, n.Cred.ID) || !strings.Contains(m.HTML, n.Cred.ID) {
				t.Errorf("%s: message %+v", n.Key(), m)
			}
			wantSubject := map[string]string{"issued": "You are now a ", "renewed": " is renewed until ", "revoked": " was revoked on 2023-12-01"}[n.Notice]
			if !strings.Contains(m.Subject, wantSubject) {
				t.Errorf("%s: subject %q", n.Key(), m.Subject)
			}
			if n.Notice == "revoked" && (strings.Contains(m.Text, "To renew") || strings.Contains(m.Text, "Shared the exam")) {
				t.Errorf("the revocation message offers renewal or gives the reason:\n%s", m.Text)
			}
			if err := l.Record(n, day(t, night.day)); err != nil {
				t.Fatal(err)
			}
			got = append(got, n.Key())
		}
		if !slices.Equal(got, night.want) {
			t.Errorf("%s: %q, want %q", night.day, got, night.want)
		}
	}
	// Out of the window: nothing, even with an empty ledger.
	if ev := notify.Events(p, st, day(t, "2024-03-24")); len(ev) != 0 {
		t.Errorf("2024-03-24: %d events, want none (bob's newest grant is 14 days old)", len(ev))
	}
}

package main

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/accredit/accredit/cmd/internal/notify/smtptest"
)

// accreditCmd runs the test binary as the accredit command in root (see
// asAccredit), with extra environment, and returns its output and exit
// code.
func accreditCmd(t *testing.T, root string, env []string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	barrier := filepath.Join(t.TempDir(), "go")
	os.WriteFile(barrier, nil, 0o644)
	cmd := exec.Command(os.Args[0], append(args, "--root", root)...)
	cmd.Env = append(append(os.Environ(), asAccredit+"="+barrier, "ACCREDIT_CACHE=off"), env...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return out.String(), errb.String(), code
}

// TestNoticesSend: notices --send against a real SMTP server, across a gap
// of five weeks, with a dry run first and a night run twice; the ledger
// keeps every notice to one message (issue 19 item 3).
func TestNoticesSend(t *testing.T) {
	root := t.TempDir()
	if err := os.CopyFS(root, os.DirFS("../internal/report/testdata/small")); err != nil {
		t.Fatal(err)
	}
	srv := smtptest.Start(t)
	env := []string{"ACCREDIT_SMTP_URL=" + srv.URL}
	ledger := filepath.Join(t.TempDir(), "ledger", "sent.jsonl")
	os.MkdirAll(filepath.Dir(ledger), 0o755)

	out, _, code := accreditCmd(t, root, env, "notices", "--dry-run", "--as-of", "2024-03-31")
	if code != 0 || strings.Count(out, "would send") != 3 || len(srv.Mail()) != 0 {
		t.Fatalf("dry run: exit %d, %d received, output:\n%s", code, len(srv.Mail()), out)
	}
	if strings.Contains(out, "@") {
		t.Errorf("the dry run prints an e-mail address:\n%s", out)
	}
	if _, err := os.Stat(ledger); err == nil {
		t.Error("the dry run wrote the ledger")
	}

	for _, night := range []struct {
		day  string
		sent []string
	}{
		{"2024-03-31", []string{"grace  MJKP-N451-22DE", "grace  DF0N-10GZ-FPPZ", "lapsed 27P7-8EMT-1RKZ"}},
		// Ann lapsed on 04-14 and Cara on 04-30: no run saw either day.
		{"2024-05-05", []string{"lapsed MJKP-N451-22DE", "lapsed DF0N-10GZ-FPPZ"}},
		{"2024-05-05", nil},
	} {
		out, errs, code := accreditCmd(t, root, env, "notices", "--send", "--ledger", ledger, "--as-of", night.day)
		if code != 0 || strings.Count(out, "sent ") != len(night.sent) {
			t.Fatalf("%s: exit %d, output:\n%s%s", night.day, code, out, errs)
		}
		for _, s := range night.sent {
			if !strings.Contains(out, "sent "+s) {
				t.Errorf("%s: %q not sent:\n%s", night.day, s, out)
			}
		}
	}
	if n := len(srv.Mail()); n != 5 {
		t.Errorf("the server received %d messages, want 5", n)
	}
	if b, _ := os.ReadFile(ledger); bytes.Count(b, []byte("\n")) != 5 || bytes.Contains(b, []byte("@")) {
		t.Errorf("ledger:\n%s", b)
	}

	// A refused recipient: the others go out, the refused one is not
	// recorded (the next night tries it again), and the exit is 1.
	srv.Refuse = func(to string) bool { return to == "dan@globex.example" }
	ledger2 := filepath.Join(filepath.Dir(ledger), "other.jsonl")
	out, errs, code := accreditCmd(t, root, env, "notices", "--send", "--ledger", ledger2, "--as-of", "2024-03-31")
	if code != 1 || strings.Count(out, "sent ") != 2 || !strings.Contains(errs, "lapsed notice of 27P7-8EMT-1RKZ (partners/globex/people/dan.toml) not sent") {
		t.Errorf("refused recipient: exit %d\n%s%s", code, out, errs)
	}
	if b, _ := os.ReadFile(ledger2); bytes.Contains(b, []byte("27P7")) {
		t.Errorf("the refused notice is in the ledger:\n%s", b)
	}

	for _, tc := range []struct {
		args []string
		env  []string
		want string
	}{
		{[]string{"--send"}, env, "--send needs --ledger"},
		{[]string{"--send", "--dry-run", "--ledger", ledger}, env, "exclude each other"},
		{[]string{"--ledger", ledger}, env, "--ledger goes with --send or --dry-run"},
		{[]string{"--send", "--ledger", filepath.Join(root, "partners", "sent.jsonl")}, env, "inside the program's partners/ folder"},
		{[]string{"--send", "--ledger", filepath.Join(root, "sent.jsonl")}, env, "program's root"},
		{[]string{"--send", "--ledger", filepath.Join(t.TempDir(), "new.jsonl")}, nil, "set ACCREDIT_SMTP_URL"},
	} {
		_, errs, code := accreditCmd(t, root, tc.env, append([]string{"notices", "--as-of", "2024-03-31"}, tc.args...)...)
		if code != 2 || !strings.Contains(errs, tc.want) {
			t.Errorf("notices %q: exit %d, %s; want 2 and %q", tc.args, code, errs, tc.want)
		}
	}
}

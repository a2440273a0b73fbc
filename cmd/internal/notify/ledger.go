package notify

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"

	"github.com/accredit/accredit/cmd/internal/date"
)

// Ledger is the record of the notices sent: a file of JSON lines, one per
// notice the SMTP server accepted, appended to and never rewritten. It
// holds no e-mail address: the nightly workflow keeps it on a branch of
// its own, readable by whoever can read the repository.
type Ledger struct {
	path string
	sent map[string]bool
}

// Entry is one line of the ledger.
type Entry struct {
	Key        string    `json:"key"` // credential/notice
	Credential string    `json:"credential"`
	Notice     string    `json:"notice"`
	Due        date.Date `json:"due"`
	Sent       date.Date `json:"sent"` // the run's as-of date
}

// maxLedger caps the ledger: a line is about 120 bytes, so 64 MB holds
// half a million notices.
const maxLedger = 64 << 20

// OpenLedger reads the ledger at path; a missing file is an empty ledger.
// A line that is not an entry is an error naming it: a ledger that cannot
// be trusted must stop the sending, not restart it from nothing.
func OpenLedger(path string) (*Ledger, error) {
	l := &Ledger{path: path, sent: map[string]bool{}}
	fi, err := os.Lstat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return l, nil
	}
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("%s is not a regular file", path)
	}
	if fi.Size() > maxLedger {
		return nil, fmt.Errorf("%s is larger than %d MB", path, maxLedger>>20)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(nil, 1<<20)
	for n := 1; sc.Scan(); n++ {
		line := bytes.TrimSpace(sc.Bytes())
		if len(line) == 0 {
			continue
		}
		var e Entry
		dec := json.NewDecoder(bytes.NewReader(line))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&e); err != nil || e.Key == "" {
			return nil, fmt.Errorf("%s:%d: not a ledger entry", path, n)
		}
		l.sent[e.Key] = true
	}
	return l, sc.Err()
}

// Sent reports whether the ledger holds the notice.
func (l *Ledger) Sent(n Notice) bool { return l.sent[n.Key()] }

// Len is the number of notices recorded.
func (l *Ledger) Len() int { return len(l.sent) }

// Record appends a sent notice and syncs it to disk before returning, so
// that a run killed after it does not send the notice again.
func (l *Ledger) Record(n Notice, d date.Date) error {
	line, err := json.Marshal(Entry{Key: n.Key(), Credential: n.Cred.ID, Notice: n.Notice, Due: n.Due, Sent: d})
	if err != nil {
		return err
	}
	f, err := os.OpenFile(l.path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		return err
	}
	if _, err := f.Write(append(line, '\n')); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	l.sent[n.Key()] = true
	return f.Close()
}

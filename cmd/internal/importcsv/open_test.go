//go:build unix

package importcsv

import (
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestOpen: the CSV may be reached through a link (the user named it),
// but a FIFO or a device is refused before it is opened, and no more
// than the cap is read.
func TestOpen(t *testing.T) {
	dir := t.TempDir()
	csv := filepath.Join(dir, "r.csv")
	os.WriteFile(csv, []byte("email,exam\n"), 0o644)
	os.Symlink(csv, filepath.Join(dir, "link.csv"))
	syscall.Mkfifo(filepath.Join(dir, "fifo.csv"), 0o644)
	for _, tc := range []struct{ name, err string }{
		{csv, ""},
		{filepath.Join(dir, "link.csv"), ""},
		{filepath.Join(dir, "fifo.csv"), "is not a regular file"},
		{"/dev/zero", "is not a regular file"},
		{dir, "is a folder"},
		{filepath.Join(dir, "missing.csv"), "open " + filepath.Join(dir, "missing.csv") + ": no such file"},
	} {
		done := make(chan error, 1)
		go func() {
			f, err := Open(tc.name)
			if err == nil {
				_, err = io.ReadAll(f)
				f.Close()
			}
			done <- err
		}()
		var err error
		select {
		case err = <-done:
		case <-time.After(5 * time.Second):
			t.Fatalf("Open(%s): still waiting after 5 s", tc.name)
		}
		if tc.err == "" && err != nil || tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)) {
			t.Errorf("Open(%s) = %v, want %q", tc.name, err, tc.err)
		}
	}
	// A file that grows past the cap while read.
	f, _ := os.Open(csv)
	defer f.Close()
	_, err := io.ReadAll(&capped{f: f, name: "r.csv", left: 5, limit: 5})
	if err == nil || !strings.Contains(err.Error(), "r.csv is 6 bytes, over the 5 bytes cap") {
		t.Errorf("reading 11 bytes capped at 5: %v", err)
	}
	f.Seek(0, 0)
	if b, err := io.ReadAll(&capped{f: f, name: "r.csv", left: 11, limit: 11}); err != nil || len(b) != 11 {
		t.Errorf("reading 11 bytes capped at 11: %q, %v", b, err)
	}
}

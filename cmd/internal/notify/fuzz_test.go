package notify_test

import (
	"os"
	"path/filepath"
	"testing"

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

package load

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestMetrics: a partner's optional metrics.toml is read into its
// Metrics (integers as numbers, absent figures nil); a folder or a
// symbolic link in its place is refused and read no further; too large
// a file is refused.
func TestMetrics(t *testing.T) {
	root := base(t)
	put(t, root, "partners/acme/metrics.toml", "[[quarters]]\nquarter = \"2025-Q1\"\nwin_rate = 35\ncsat = 91.5\n")
	p, ds, err := Load(root)
	if err != nil || len(ds) != 0 {
		t.Fatalf("Load: %v %v", err, ds)
	}
	m := p.Partner("acme").Metrics
	if m == nil || len(m.Quarters) != 1 {
		t.Fatalf("metrics = %+v, want one quarter", m)
	}
	q := m.Quarters[0]
	if q.Quarter != "2025-Q1" || q.WinRate == nil || *q.WinRate != 35 || q.CSAT == nil || *q.CSAT != 91.5 || q.NPS != nil || q.Pos.Line != 1 {
		t.Errorf("quarter = %+v", q)
	}

	for _, tc := range []struct {
		name  string
		setup func(t *testing.T, root string)
		want  string
	}{
		{"folder", func(t *testing.T, root string) {
			os.MkdirAll(filepath.Join(root, "partners/acme/metrics.toml"), 0o755)
		}, "is a folder where a file belongs"},
		{"symbolic link", func(t *testing.T, root string) {
			secret := filepath.Join(t.TempDir(), "secret.toml")
			os.WriteFile(secret, []byte("[[quarters]]\nquarter = \"2025-Q1\"\n"), 0o644)
			link(t, secret, root, "partners/acme/metrics.toml")
		}, "is a symbolic link"},
		{"too large", func(t *testing.T, root string) {
			put(t, root, "partners/acme/metrics.toml", "# "+strings.Repeat("x", 300<<10)+"\n")
		}, "a metrics.toml may hold at most"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			root := base(t)
			tc.setup(t, root)
			p, ds, err := Load(root)
			if err != nil {
				t.Fatal(err)
			}
			if len(ds) != 1 || ds[0].File != "partners/acme/metrics.toml" || ds[0].Rule != "unreadable-file" || !strings.Contains(ds[0].Msg, tc.want) {
				t.Fatalf("diagnostics = %v, want one unreadable-file: %s", ds, tc.want)
			}
			if p.Partner("acme").Metrics != nil {
				t.Error("a refused metrics.toml was read")
			}
		})
	}
}

// TestNoticesFrom: [program] notices_from, the sender of notices, is an
// e-mail address.
func TestNoticesFrom(t *testing.T) {
	root := base(t)
	prog, err := os.ReadFile(filepath.Join(root, "programs/program.toml"))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ value, want string }{
		{`"certification@vendor.example"`, ""},
		{`"Certification <certification@vendor.example>"`, "is not an e-mail address"},
	} {
		s := strings.Replace(string(prog), "[program]\n", "[program]\nnotices_from = "+tc.value+"\n", 1)
		put(t, root, "programs/program.toml", s)
		p, ds, err := Load(root)
		if err != nil {
			t.Fatal(err)
		}
		switch {
		case tc.want == "" && (len(ds) != 0 || p.Info.NoticesFrom != "certification@vendor.example"):
			t.Errorf("%s: %v, sender %q", tc.value, ds, p.Info.NoticesFrom)
		case tc.want != "" && (len(ds) != 1 || ds[0].Rule != "invalid-value" || !strings.Contains(ds[0].Msg, tc.want)):
			t.Errorf("%s: %v, want invalid-value", tc.value, ds)
		}
	}
}

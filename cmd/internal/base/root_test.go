package base

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestFindRoot(t *testing.T) {
	top := t.TempDir()
	write := func(rel string) {
		p := filepath.Join(top, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("repo/programs/program.toml")
	write("repo/partners/acme/people/ann.toml")
	// A nested program is a root of its own: the nearest one wins.
	write("repo/content/nested/programs/program.toml")
	// A folder named program.toml is not a program.
	if err := os.MkdirAll(filepath.Join(top, "odd", "programs", "program.toml"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(top, "outside"), 0o755); err != nil {
		t.Fatal(err)
	}

	for _, tc := range []struct {
		dir, want string
	}{
		{"repo", "."},
		{"repo/programs", ".."},
		{"repo/partners/acme/people", "../../.."},
		{"repo/content/nested", "."},
		{"repo/content/nested/programs", ".."},
		{"repo/content", ".."},
	} {
		got, err := FindRoot(filepath.Join(top, filepath.FromSlash(tc.dir)))
		if err != nil {
			t.Errorf("FindRoot(%s): %v", tc.dir, err)
			continue
		}
		if got != filepath.FromSlash(tc.want) {
			t.Errorf("FindRoot(%s) = %q, want %q", tc.dir, got, tc.want)
		}
	}
	for _, dir := range []string{"outside", "odd"} {
		_, err := FindRoot(filepath.Join(top, dir))
		if err == nil || !strings.Contains(err.Error(), "no programs/program.toml in ") || !strings.Contains(err.Error(), "give --root DIR") {
			t.Errorf("FindRoot(%s): err = %v, want where it looked and what to do", dir, err)
		}
	}
}

package render

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"testing/fstest"
	"time"
)

func theme() fstest.MapFS {
	files := fstest.MapFS{
		"_base.html":      {Data: []byte(`<!doctype html>{{template "main" .}}`)},
		"assets/site.css": {Data: []byte("body{}")},
	}
	for _, k := range Kinds {
		files[k+".html"] = &fstest.MapFile{Data: []byte(`{{define "main"}}x{{end}}`)}
	}
	return files
}

// A program's layouts/ overrides the theme through safefs: links (to
// templates or assets, files or folders, inside or outside), FIFOs and
// files over their cap are errors naming the file, and nothing is read
// from them.
func TestLoadOverrideBoundary(t *testing.T) {
	outside := t.TempDir()
	secret := filepath.Join(outside, "shadow")
	os.WriteFile(secret, []byte("root:$6$secret"), 0o644)
	tests := []struct {
		name  string
		setup func(t *testing.T, layouts string)
		want  string // in the error; "" for none
	}{
		{"plain override", func(t *testing.T, l string) {
			os.MkdirAll(filepath.Join(l, "assets"), 0o755)
			os.WriteFile(filepath.Join(l, "assets", "extra.css"), []byte("p{}"), 0o644)
		}, ""},
		{"asset link", func(t *testing.T, l string) {
			os.MkdirAll(filepath.Join(l, "assets"), 0o755)
			os.Symlink(secret, filepath.Join(l, "assets", "shadow.css"))
		}, "assets/shadow.css: is a symbolic link"},
		{"asset link to /proc", func(t *testing.T, l string) {
			os.MkdirAll(filepath.Join(l, "assets"), 0o755)
			os.Symlink("/proc/self/environ", filepath.Join(l, "assets", "env.txt"))
		}, "assets/env.txt: is a symbolic link"},
		{"assets folder link", func(t *testing.T, l string) {
			os.Symlink(outside, filepath.Join(l, "assets"))
		}, "assets: is a symbolic link"},
		{"template link", func(t *testing.T, l string) {
			os.Symlink(secret, filepath.Join(l, "home.html"))
		}, "home.html: is a symbolic link"},
		{"asset FIFO", func(t *testing.T, l string) {
			os.MkdirAll(filepath.Join(l, "assets"), 0o755)
			if err := syscall.Mkfifo(filepath.Join(l, "assets", "p.css"), 0o644); err != nil {
				t.Skip("no FIFOs here:", err)
			}
		}, "assets/p.css: is not a regular file"},
		{"asset over its cap", func(t *testing.T, l string) {
			os.MkdirAll(filepath.Join(l, "assets"), 0o755)
			f, _ := os.Create(filepath.Join(l, "assets", "big.bin"))
			f.Truncate(maxAsset + 1)
			f.Close()
		}, "assets/big.bin: is 16.0 MB, over the 16 MB cap"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			layouts := filepath.Join(t.TempDir(), "layouts")
			os.Mkdir(layouts, 0o755)
			tc.setup(t, layouts)
			done := make(chan struct{})
			var th *Theme
			var err error
			go func() {
				th, err = Load(theme(), layouts)
				close(done)
			}()
			select {
			case <-done:
			case <-time.After(10 * time.Second):
				t.Fatal("Load hangs")
			}
			if tc.want == "" {
				if err != nil || th.Assets["assets/extra.css"] == nil {
					t.Errorf("Load = %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Load = %v, want an error with %q", err, tc.want)
			}
		})
	}
	// The layouts folder itself as a link.
	l := filepath.Join(t.TempDir(), "layouts")
	os.Symlink(outside, l)
	if _, err := Load(theme(), l); err == nil || !strings.Contains(err.Error(), "symbolic link") {
		t.Errorf("layouts as a link: %v", err)
	}
}

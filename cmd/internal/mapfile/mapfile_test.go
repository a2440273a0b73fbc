package mapfile

import (
	"bufio"
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

func TestRead(t *testing.T) {
	dir := t.TempDir()
	for name, data := range map[string][]byte{"empty": nil, "small": []byte("cache\n"), "large": bytes.Repeat([]byte("0123456789abcdef"), 1<<16)} {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		got, err := Read(p)
		if err != nil || !bytes.Equal(got, data) {
			t.Errorf("%s: got %d bytes, %v; want the file's %d", name, len(got), err, len(data))
		}
	}
	if _, err := Read(dir); err == nil {
		t.Errorf("a folder was read as a cache file")
	}
	if _, err := Read(filepath.Join(dir, "missing")); !os.IsNotExist(err) {
		t.Errorf("a missing file: %v, want not-exist", err)
	}
}

// TestReplace: the new content replaces the old whole, a mapping of the
// old file keeps what it mapped, and no temporary file is left behind.
func TestReplace(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "sub", "cache")
	if err := Replace(p, func(w *bufio.Writer) { w.WriteString("old") }); err != nil {
		t.Fatal(err)
	}
	old, err := Read(p)
	if err != nil {
		t.Fatal(err)
	}
	if err := Replace(p, func(w *bufio.Writer) { w.WriteString("new content") }); err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(p); string(got) != "new content" {
		t.Errorf("after Replace: %q", got)
	}
	if string(old) != "old" {
		t.Errorf("the mapping of the replaced file now reads %q", old)
	}
	es, _ := os.ReadDir(filepath.Dir(p))
	if len(es) != 1 {
		t.Errorf("left in the folder: %v", es)
	}
}

// TestSalt: the salt follows what entries depend on, and a module the
// binary does not link changes nothing.
func TestSalt(t *testing.T) {
	a, b := Salt([]byte("format-1\n")), Salt([]byte("format-2\n"))
	if a == b {
		t.Error("two formats share a salt")
	}
	if c := Salt([]byte("format-1\n"), "example.com/not/linked"); c != a {
		t.Error("a module the binary does not link changed the salt")
	}
	if a != Salt([]byte("format-1\n")) {
		t.Error("the salt is not the same twice")
	}
}

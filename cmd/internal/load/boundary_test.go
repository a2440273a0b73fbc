package load

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"testing/fstest"
	"time"

	"github.com/accredit/accredit/cmd/internal/diag"
)

// base copies the small valid program of package check's tests, with a
// page, into a new folder.
func base(t *testing.T) string {
	t.Helper()
	root := t.TempDir()
	src := "../check/testdata/base"
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(root, rel), 0o755)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(root, rel), b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	put(t, root, "content/about.md", "+++\ntitle = \"About\"\n+++\nAbout us.\n")
	return root
}

func put(t *testing.T, root, rel, data string) {
	t.Helper()
	p := filepath.Join(root, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}

func link(t *testing.T, target, root, rel string) {
	t.Helper()
	if err := os.Symlink(target, filepath.Join(root, filepath.FromSlash(rel))); err != nil {
		t.Fatal(err)
	}
}

// loadWithin loads root, failing the test if loading takes longer than d.
func loadWithin(t *testing.T, root string, d time.Duration) []diag.Diagnostic {
	t.Helper()
	type result struct {
		ds  []diag.Diagnostic
		err error
	}
	done := make(chan result, 1)
	go func() {
		_, ds, err := Load(root)
		done <- result{ds, err}
	}()
	select {
	case r := <-done:
		if r.err != nil {
			t.Fatal(r.err)
		}
		return r.ds
	case <-time.After(d):
		t.Fatalf("loading takes more than %v", d)
		return nil
	}
}

// errorsOf lists the errors as "file rule: msg".
func errorsOf(ds []diag.Diagnostic) []string {
	var out []string
	for _, d := range ds {
		if d.Severity == diag.Error {
			out = append(out, fmt.Sprintf("%s %s: %s", d.File, d.Rule, d.Msg))
		}
	}
	return out
}

// Every reader of the loader refuses links, special files and folders in
// place of files: once, at the file, as unreadable-file, with nothing read.
func TestBoundary(t *testing.T) {
	outside := t.TempDir()
	put(t, outside, "secret.toml", "name = \"root:x:0:0\"\n")
	put(t, outside, "secret.md", "+++\ntitle = \"root:x:0:0\"\n+++\n")
	put(t, outside, "partner/partner.md", "+++\nname = \"root:x:0:0\"\n+++\n")
	put(t, outside, "tracks/leak.toml", "name = \"root:x:0:0\"\n")
	secret := filepath.Join(outside, "secret.toml")

	tests := []struct {
		name  string
		setup func(t *testing.T, root string)
		file  string // where the one error is
		msg   string // in its message
	}{
		{"content/ link", func(t *testing.T, root string) {
			link(t, filepath.Join(outside, "secret.md"), root, "content/leak.md")
		}, "content/leak.md", "is a symbolic link"},
		{"content/ linked folder", func(t *testing.T, root string) {
			link(t, outside, root, "content/docs")
		}, "content/docs", "is a symbolic link"},
		{"content/ itself a link", func(t *testing.T, root string) {
			os.RemoveAll(filepath.Join(root, "content"))
			link(t, outside, root, "content")
		}, "content", "is a symbolic link"},
		{"partners/<id> linked folder", func(t *testing.T, root string) {
			link(t, filepath.Join(outside, "partner"), root, "partners/evil")
		}, "partners/evil", "is a symbolic link"},
		{"partners/<id>/partner.md link", func(t *testing.T, root string) {
			os.Remove(filepath.Join(root, "partners/acme/partner.md"))
			link(t, filepath.Join(outside, "partner/partner.md"), root, "partners/acme/partner.md")
		}, "partners/acme/partner.md", "is a symbolic link"},
		{"partners/<id>/people/ link", func(t *testing.T, root string) {
			link(t, secret, root, "partners/acme/people/bob.toml")
		}, "partners/acme/people/bob.toml", "is a symbolic link"},
		{"partners/<id>/people/ link inside the root", func(t *testing.T, root string) {
			link(t, "ann.toml", root, "partners/acme/people/ann2.toml")
		}, "partners/acme/people/ann2.toml", "is a symbolic link"},
		{"partners/<id>/people linked folder", func(t *testing.T, root string) {
			put(t, root, "partners/other/partner.md", "+++\nname = \"Other\"\n+++\n")
			link(t, outside, root, "partners/other/people")
		}, "partners/other/people", "is a symbolic link"},
		{"programs/tracks/ link", func(t *testing.T, root string) {
			link(t, filepath.Join(outside, "tracks/leak.toml"), root, "programs/tracks/leak.toml")
		}, "programs/tracks/leak.toml", "is a symbolic link"},
		{"programs/exams/ link", func(t *testing.T, root string) {
			link(t, secret, root, "programs/exams/leak.bank.toml")
		}, "programs/exams/leak.bank.toml", "is a symbolic link"},
		{"person file linked to /dev/zero", func(t *testing.T, root string) {
			link(t, "/dev/zero", root, "partners/acme/people/zero.toml")
		}, "partners/acme/people/zero.toml", "is a symbolic link"},
		{"FIFO person file", func(t *testing.T, root string) {
			if err := syscall.Mkfifo(filepath.Join(root, "partners/acme/people/fifo.toml"), 0o644); err != nil {
				t.Skip("no FIFOs here:", err)
			}
		}, "partners/acme/people/fifo.toml", "FIFO"},
		{"FIFO track file", func(t *testing.T, root string) {
			if err := syscall.Mkfifo(filepath.Join(root, "programs/tracks/fifo.toml"), 0o644); err != nil {
				t.Skip("no FIFOs here:", err)
			}
		}, "programs/tracks/fifo.toml", "FIFO"},
		{"device person file", func(t *testing.T, root string) {
			// /dev/zero's own numbers (1, 5): only root may make one.
			if err := syscall.Mknod(filepath.Join(root, "partners/acme/people/dev.toml"), syscall.S_IFCHR|0o644, 1<<8|5); err != nil {
				t.Skip("cannot make a device here:", err)
			}
		}, "partners/acme/people/dev.toml", "device"},
		{"folder as a person file", func(t *testing.T, root string) {
			os.MkdirAll(filepath.Join(root, "partners/acme/people/dir.toml/x"), 0o755)
		}, "partners/acme/people/dir.toml", "is a folder where a file belongs"},
		{"folder as a track file", func(t *testing.T, root string) {
			os.MkdirAll(filepath.Join(root, "programs/tracks/dir.toml"), 0o755)
		}, "programs/tracks/dir.toml", "is a folder where a file belongs"},
		{"folder as a bank", func(t *testing.T, root string) {
			os.MkdirAll(filepath.Join(root, "programs/exams/x.bank.toml"), 0o755)
		}, "programs/exams/x.bank.toml", "is a folder where a file belongs"},
		{"folder as partner.md", func(t *testing.T, root string) {
			os.Remove(filepath.Join(root, "partners/acme/partner.md"))
			os.MkdirAll(filepath.Join(root, "partners/acme/partner.md"), 0o755)
		}, "partners/acme/partner.md", "is a folder where a file belongs"},
		{"folder as a page", func(t *testing.T, root string) {
			put(t, root, "content/x.md/y.md", "+++\ntitle = \"Y\"\n+++\n")
		}, "content/x.md", "is a folder where a file belongs"},
		{"file as the people folder", func(t *testing.T, root string) {
			put(t, root, "partners/other/partner.md", "+++\nname = \"Other\"\n+++\n")
			put(t, root, "partners/other/people", "")
		}, "partners/other/people", "is not a folder"},
		{"person file over its cap", func(t *testing.T, root string) {
			put(t, root, "partners/acme/people/big.toml", "name = \"Big\"\n"+strings.Repeat("# padding\n", 30<<10))
		}, "partners/acme/people/big.toml", "a person file may hold at most 256 KB"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			root := base(t)
			tc.setup(t, root)
			got := errorsOf(loadWithin(t, root, 10*time.Second))
			if len(got) != 1 || !strings.HasPrefix(got[0], tc.file+" unreadable-file: ") || !strings.Contains(got[0], tc.msg) {
				t.Errorf("errors:\n%s\nwant one unreadable-file at %s saying %q", strings.Join(got, "\n"), tc.file, tc.msg)
			}
			for _, g := range got {
				if strings.Contains(g, "root:x") {
					t.Errorf("read from outside: %s", g)
				}
			}
		})
	}
}

// Nothing from a refused file reaches the program.
func TestBoundaryNothingRead(t *testing.T) {
	root := base(t)
	outside := t.TempDir()
	put(t, outside, "p.md", "+++\ntitle = \"Secret page\"\n+++\nroot:x:0:0\n")
	link(t, filepath.Join(outside, "p.md"), root, "content/leak.md")
	put(t, outside, "bob.toml", "name = \"Secret person\"\n")
	link(t, filepath.Join(outside, "bob.toml"), root, "partners/acme/people/bob.toml")
	p, _, err := Load(root)
	if err != nil {
		t.Fatal(err)
	}
	for _, pg := range p.Pages {
		if pg.Title == "Secret page" {
			t.Error("a linked page was loaded")
		}
	}
	for _, pa := range p.Partners {
		for _, pe := range pa.People {
			if pe.Name == "Secret person" {
				t.Error("a linked person was loaded")
			}
		}
	}
}

// deny is a file system whose partners/acme folder cannot be read, as a
// folder without read permission: a test that works as root too.
type deny struct{ fs.FS }

func (d deny) ReadDir(name string) ([]fs.DirEntry, error) {
	if name == "partners/acme" || strings.HasPrefix(name, "partners/acme/") {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrPermission}
	}
	return fs.ReadDir(d.FS, name)
}

func (d deny) Open(name string) (fs.File, error) {
	if strings.HasPrefix(name, "partners/acme/") {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrPermission}
	}
	return d.FS.Open(name)
}

// An unreadable partner folder is one error saying so, not "has no
// partner.md".
func TestUnreadableFolder(t *testing.T) {
	root := base(t)
	_, ds, err := LoadFS(deny{os.DirFS(root)}, "memory", Options{})
	if err != nil {
		t.Fatal(err)
	}
	got := errorsOf(ds)
	if want := `partners/acme unreadable-file: cannot read "acme": permission denied`; len(got) != 1 || got[0] != want {
		t.Errorf("errors:\n%s\nwant %s", strings.Join(got, "\n"), want)
	}
}

// The same on disk, for a user without the permission (root has it).
func TestUnreadableFolderDisk(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("root reads any folder; TestUnreadableFolder covers the case")
	}
	root := base(t)
	dir := filepath.Join(root, "partners/acme")
	os.Chmod(dir, 0)
	defer os.Chmod(dir, 0o755)
	got := errorsOf(loadWithin(t, root, 10*time.Second))
	if len(got) != 1 || !strings.Contains(got[0], "permission denied") || strings.Contains(got[0], "has no partner.md") {
		t.Errorf("errors:\n%s", strings.Join(got, "\n"))
	}
}

// A git revision (any fs.FS) with links is refused the same way.
func TestBoundaryFS(t *testing.T) {
	mem := fstest.MapFS{}
	root := base(t)
	filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			b, _ := os.ReadFile(p)
			rel, _ := filepath.Rel(root, p)
			mem[filepath.ToSlash(rel)] = &fstest.MapFile{Data: b}
		}
		return err
	})
	mem["partners/acme/people/bob.toml"] = &fstest.MapFile{Data: []byte("/etc/passwd"), Mode: fs.ModeSymlink}
	mem["programs/tracks/x.toml"] = &fstest.MapFile{Data: []byte("../../x"), Mode: fs.ModeSymlink}
	_, ds, err := LoadFS(mem, "memory", Options{})
	if err != nil {
		t.Fatal(err)
	}
	got := strings.Join(errorsOf(ds), "\n")
	for _, want := range []string{"partners/acme/people/bob.toml unreadable-file", "programs/tracks/x.toml unreadable-file"} {
		if !strings.Contains(got, want) {
			t.Errorf("errors:\n%s\nwant %s", got, want)
		}
	}
	if n := len(errorsOf(ds)); n != 2 {
		t.Errorf("%d errors, want 2", n)
	}
}

// A programs/ folder that is a link is no program at all.
func TestProgramsLink(t *testing.T) {
	root := base(t)
	other := t.TempDir()
	os.Rename(filepath.Join(root, "programs"), filepath.Join(other, "programs"))
	link(t, filepath.Join(other, "programs"), root, "programs")
	if _, _, err := Load(root); err == nil || !strings.Contains(err.Error(), "symbolic link") {
		t.Errorf("Load = %v, want an error naming the link", err)
	}
}

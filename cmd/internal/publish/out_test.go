package publish_test

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/accredit/accredit/cmd/internal/publish"
)

// TestGuard: an --out that is a file, the root in any spelling, a folder
// holding it, a folder inside the sources, or a folder of files without
// the marker is refused and left as it was; an absent, empty or marked
// folder is accepted.
func TestGuard(t *testing.T) {
	root := program(t, "")
	os.MkdirAll(filepath.Join(root, ".git", "objects"), 0o755)
	os.WriteFile(filepath.Join(root, "notes.txt"), []byte("mine"), 0o644)
	tmp := t.TempDir()
	link := func(name, to string) string {
		p := filepath.Join(tmp, name)
		if err := os.Symlink(to, p); err != nil {
			t.Fatal(err)
		}
		return p
	}
	unmarked := filepath.Join(tmp, "unmarked")
	os.MkdirAll(unmarked, 0o755)
	os.WriteFile(filepath.Join(unmarked, "a.txt"), []byte("a"), 0o644)
	empty := filepath.Join(tmp, "empty")
	os.Mkdir(empty, 0o755)
	marked := filepath.Join(tmp, "marked")
	os.Mkdir(marked, 0o755)
	os.WriteFile(filepath.Join(marked, publish.Marker), nil, 0o644)
	os.WriteFile(filepath.Join(marked, "index.html"), nil, 0o644)
	fakeMarker := filepath.Join(tmp, "fake")
	os.MkdirAll(filepath.Join(fakeMarker, publish.Marker), 0o755)
	os.WriteFile(filepath.Join(fakeMarker, "a.txt"), []byte("a"), 0o644)
	wd, _ := os.Getwd()
	relRoot, err := filepath.Rel(wd, root)
	if err != nil {
		t.Fatal(err)
	}
	rootLink := link("rootlink", root)

	for _, tc := range []struct {
		name, root, out string
		refused         string // a part of the reason; "" accepts
	}{
		{"file", root, filepath.Join(root, "notes.txt"), "it is a file"},
		{"root", root, root, "program's root"},
		{"root/.", root, root + "/.", "program's root"},
		{"root relative", root, relRoot, "program's root"},
		{"root from relative", relRoot, root, "program's root"},
		{"root's parent", root, filepath.Dir(root), "holds the program's root"},
		{"/", root, "/", "holds the program's root"},
		{"programs", root, filepath.Join(root, "programs"), "sources (programs/)"},
		{"inside partners", root, filepath.Join(root, "partners", "acme", "site"), "sources (partners/)"},
		{"content", root, filepath.Join(root, "content", "x"), "sources (content/)"},
		{"layouts", root, filepath.Join(root, "layouts"), "sources (layouts/)"},
		{".git", root, filepath.Join(root, ".git"), "sources (.git/)"},
		{".git/objects", root, filepath.Join(root, ".git", "objects"), "sources (.git/)"},
		{"dotdot into programs", root, filepath.Join(root, "build") + "/../programs/x", "sources (programs/)"},
		{"unmarked folder", root, unmarked, "accredit did not write"},
		{"marker that is a folder", root, fakeMarker, "accredit did not write"},
		{"symlink to root", root, link("toroot", root), "program's root"},
		{"symlink to root's parent", root, link("toparent", filepath.Dir(root)), "holds the program's root"},
		{"through a symlink into programs", root, filepath.Join(link("toprograms", filepath.Join(root, "programs")), "site"), "sources (programs/)"},
		{"root as a symlink", rootLink, filepath.Join(root, "partners"), "sources (partners/)"},
		{"dangling symlink", root, link("dangling", filepath.Join(tmp, "nothing")), "symlink to nothing"},
		{"absent", root, filepath.Join(tmp, "new", "site"), ""},
		{"build under root", root, filepath.Join(root, "build"), ""},
		{"empty folder", root, empty, ""},
		{"marked folder", root, marked, ""},
		{"symlink to a marked folder", root, link("tomarked", marked), ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := tree(t, tmp, root)
			got, err := publish.Guard(tc.root, tc.out)
			var ref *publish.RefusedError
			switch {
			case tc.refused == "" && err != nil:
				t.Fatalf("Guard(%s) = %v, want it accepted", tc.out, err)
			case tc.refused != "" && !errors.As(err, &ref):
				t.Fatalf("Guard(%s) = %q, %v; want refused (%s)", tc.out, got, err, tc.refused)
			case tc.refused != "" && !strings.Contains(err.Error(), tc.refused):
				t.Errorf("Guard(%s): %v; want the reason %q", tc.out, err, tc.refused)
			}
			if !slices.Equal(before, tree(t, tmp, root)) {
				t.Errorf("Guard(%s) changed files", tc.out)
			}
			if tc.refused == "" && !filepath.IsAbs(got) {
				t.Errorf("Guard(%s) = %s, not absolute", tc.out, got)
			}
		})
	}
	// Start, which knows no root, refuses what does not depend on it.
	for _, out := range []string{filepath.Join(root, "notes.txt"), unmarked, root} {
		if b, err := publish.Start(out, nil); err == nil {
			b.Abort()
			t.Errorf("Start(%s) accepted", out)
		}
	}
}

// tree lists every path under the dirs with its size, to tell that
// nothing changed.
func tree(t *testing.T, dirs ...string) []string {
	t.Helper()
	var out []string
	for _, dir := range dirs {
		filepath.Walk(dir, func(p string, fi os.FileInfo, err error) error {
			if err == nil {
				out = append(out, p+" "+strconv.FormatInt(fi.Size(), 10))
			}
			return nil
		})
	}
	return out
}

// deadPID is the pid of a process that has exited.
func deadPID(t *testing.T) int {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	if err := cmd.Run(); err != nil {
		t.Fatal(err)
	}
	return cmd.Process.Pid
}

// TestLeftovers: Guard removes what killed builds left beside out (a
// dead pid in the name, or the names of earlier versions) and leaves
// running builds' folders and anything else; when out is missing, the
// old site a build had moved aside is put back.
func TestLeftovers(t *testing.T) {
	root := program(t, "")
	dead := strconv.Itoa(deadPID(t))
	for _, missing := range []bool{false, true} {
		dir := t.TempDir()
		out := filepath.Join(dir, "site")
		mk := func(name string, marked bool) {
			os.MkdirAll(filepath.Join(dir, name, "verify"), 0o755)
			os.WriteFile(filepath.Join(dir, name, "index.html"), []byte(name), 0o644)
			if marked {
				os.WriteFile(filepath.Join(dir, name, publish.Marker), nil, 0o644)
			}
		}
		if !missing {
			mk("site", true)
		}
		gone := []string{".site.accredit-new-" + dead + "-11", ".site.new-123", ".site.new-456.old"}
		kept := []string{".site.accredit-new-1-12", ".site.accredit-new-" + strconv.Itoa(os.Getpid()) + "-13", ".site.accredit-junk", ".other.accredit-new-" + dead + "-14", "unrelated"}
		for _, name := range append(gone, kept...) {
			mk(name, false)
		}
		mk(".site.accredit-old-"+dead+"-15", true)
		if _, err := publish.Guard(root, out); err != nil {
			t.Fatal(err)
		}
		var names []string
		entries, _ := os.ReadDir(dir)
		for _, e := range entries {
			names = append(names, e.Name())
		}
		want := append([]string{"site"}, kept...)
		slices.Sort(want)
		if !slices.Equal(names, want) {
			t.Errorf("missing=%v: left %v, want %v", missing, names, want)
		}
		got, _ := os.ReadFile(filepath.Join(out, "index.html"))
		if wantIndex := map[bool]string{false: "site", true: ".site.accredit-old-" + dead + "-15"}[missing]; string(got) != wantIndex {
			t.Errorf("missing=%v: site/index.html = %q, want %q", missing, got, wantIndex)
		}
	}
}

// TestMarker: a build's site holds the marker, and a rebuild over it
// works; the marker is the same in every site.
func TestMarker(t *testing.T) {
	root := program(t, "")
	out := filepath.Join(t.TempDir(), "site")
	build(t, root, out, "2025-06-01")
	m1, err := os.ReadFile(filepath.Join(out, publish.Marker))
	if err != nil {
		t.Fatal(err)
	}
	build(t, root, out, "2025-06-02")
	m2, _ := os.ReadFile(filepath.Join(out, publish.Marker))
	if string(m1) != string(m2) || len(m1) == 0 {
		t.Errorf("markers %q and %q", m1, m2)
	}
}

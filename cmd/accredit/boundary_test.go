//go:build unix

package main

import (
	"bytes"
	"context"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestWritersRefuseLinks: grant, renew, revoke and import on a person
// file that is a symbolic link (to a file outside the program, to
// /dev/zero, to another person's file) or a FIFO refuse with exit 2 and
// an error naming the file; nothing is written, the link stays a link
// and what it points to is untouched. Before, the link was followed on
// reading (a FIFO hung the command) and replaced by a file on writing.
func TestWritersRefuseLinks(t *testing.T) {
	const ann = "partners/acme/people/ann.toml"
	commands := []struct {
		name, script string
		args         []string
	}{
		{"grant", "grant.txtar", []string{"grant", "--partner", "acme", "--person", "ann", "--track", "sales", "--level", "foundation", "--issued", "2025-02-01"}},
		{"renew", "renew.txtar", []string{"renew", "GPMS-7VMY-E8VW", "--issued", "2026-01-10"}},
		{"revoke", "revoke.txtar", []string{"revoke", "GPMS-7VMY-E8VW", "--reason", "Exam integrity breach", "--date", "2025-03-01"}},
		{"import-by-id", "import.txtar", []string{"import", "CSV"}},
		{"import-by-email", "import.txtar", []string{"import", "CSV"}},
	}
	csvs := map[string]string{
		"import-by-id":    "partner,person,exam,date,score\nacme,ann,sales-foundation,2025-03-02,82\n",
		"import-by-email": "email,exam,date,score\nann@acme.example,sales-foundation,2025-03-02,82\n",
	}
	for _, c := range commands {
		for _, kind := range []string{"outside", "devzero", "inside", "fifo"} {
			t.Run(c.name+"/"+kind, func(t *testing.T) {
				root := scriptProgram(t, c.script)
				p := filepath.Join(root, filepath.FromSlash(ann))
				old, err := os.ReadFile(p)
				if err != nil {
					t.Fatal(err)
				}
				os.Remove(p)
				target := ""
				switch kind {
				case "outside":
					target = filepath.Join(t.TempDir(), "ann.toml")
					os.WriteFile(target, old, 0o644)
				case "devzero":
					target = "/dev/zero"
				case "inside":
					// Another person's file, in the same folder.
					es, _ := os.ReadDir(filepath.Dir(p))
					for _, e := range es {
						if strings.HasSuffix(e.Name(), ".toml") {
							target = filepath.Join(filepath.Dir(p), e.Name())
							break
						}
					}
					if target == "" {
						t.Fatal("no other person file")
					}
				}
				if kind == "fifo" {
					err = syscall.Mkfifo(p, 0o644)
				} else {
					err = os.Symlink(target, p)
				}
				if err != nil {
					t.Fatal(err)
				}
				args := append([]string(nil), c.args...)
				for i, a := range args {
					if a == "CSV" {
						args[i] = filepath.Join(t.TempDir(), "results.csv")
						os.WriteFile(args[i], []byte(csvs[c.name]), 0o644)
					}
				}
				before := tree(t, root, target)
				ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
				defer cancel()
				cmd := exec.CommandContext(ctx, os.Args[0], append(args, "--root", root)...)
				cmd.Env = append(os.Environ(), asAccredit+"="+os.Args[0], "ACCREDIT_CACHE=off")
				var stdout, stderr bytes.Buffer
				cmd.Stdout, cmd.Stderr = &stdout, &stderr
				cmd.Run()
				if ctx.Err() != nil {
					t.Fatalf("still running after 20 s (the FIFO was opened?)\n%s", stderr.String())
				}
				why := "is a symbolic link"
				if kind == "fifo" {
					why = "is not a regular file"
				}
				if code := cmd.ProcessState.ExitCode(); code != 2 || !strings.Contains(stderr.String(), ann+" "+why) {
					t.Errorf("exit %d, want 2 and an error naming %s (%s):\n%s%s", code, ann, why, stdout.String(), stderr.String())
				}
				if after := tree(t, root, target); !equalTrees(before, after) {
					t.Errorf("files changed:\nbefore %q\nafter  %q", before, after)
				}
			})
		}
	}
}

// tree records every file under root, but accredit's state folder, and
// the link target when it is a regular file: a link's target, a file's
// content, a FIFO as such.
func tree(t *testing.T, root, target string) map[string]string {
	t.Helper()
	out := map[string]string{}
	filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		if d.IsDir() && d.Name() == ".accredit" {
			return filepath.SkipDir
		}
		switch {
		case d.Type()&fs.ModeSymlink != 0:
			l, _ := os.Readlink(p)
			out[p] = "link to " + l
		case d.Type()&fs.ModeNamedPipe != 0:
			out[p] = "fifo"
		case d.Type().IsRegular():
			b, _ := os.ReadFile(p)
			out[p] = string(b)
		}
		return nil
	})
	if fi, err := os.Stat(target); target != "" && err == nil && fi.Mode().IsRegular() {
		b, _ := os.ReadFile(target)
		out["target "+target] = string(b)
	}
	return out
}

func equalTrees(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

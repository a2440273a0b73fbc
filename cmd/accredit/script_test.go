package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/accredit/accredit/cmd/internal/base"
	"github.com/accredit/accredit/cmd/internal/credid"
)

// TestMain lets the test binary also act as the accredit command: testscript
// installs a copy of it named "accredit" in the scripts' $PATH, and running
// that copy runs main's run function with the real exit code.
func TestMain(m *testing.M) {
	if os.Getenv(asAccredit) != "" {
		waitBarrier(os.Getenv(asAccredit))
		os.Exit(run(base.DefaultEnv(), os.Args[1:]))
	}
	testscript.Main(m, map[string]func(){
		"accredit": func() { os.Exit(run(base.DefaultEnv(), os.Args[1:])) },
	})
}

// asAccredit, set to a file's path, makes the test binary run as the
// accredit command once that file exists: tests start several accredit
// processes and then release them at once (a barrier).
const asAccredit = "ACCREDIT_TEST_AS_COMMAND"

func waitBarrier(path string) {
	for {
		if _, err := os.Stat(path); err == nil {
			return
		}
		time.Sleep(200 * time.Microsecond)
	}
}

// TestScripts runs the scripts of testdata/script (PROGRAM-FORMAT.md
// section 11: exit 0 ok, 1 problems found, 2 usage or I/O error).
//
// Besides testscript's own commands, scripts can use
//
//	exitcode N command [args...]
//
// and
//
//	cmpid file golden
//
// which compares a file with a golden one in which XXXX-XXXX-XXXX stands
// for any valid credential id (grant writes a random one), so that the
// rest of the file is compared byte for byte.
//
// which runs command like exec, fails unless it exits with status N, and
// leaves its output for the stdout and stderr commands that follow. Plain
// "! exec" cannot tell "problems found" (1) from "usage error" (2).
//
// accredit runs as a subprocess rather than by calling run in-process:
// the flag values of every command are package globals that keep their
// values from one run to the next, testscript runs the scripts in parallel,
// and --root defaults to the process's working directory, which the
// script's "cd" does not change.
func TestScripts(t *testing.T) {
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	testdataDir = filepath.Join(wd, "testdata")
	testscript.Run(t, testscript.Params{
		Dir:                 "testdata/script",
		RequireExplicitExec: true,
		// UPDATE_SCRIPTS=1 go test rewrites the files that cmp compares
		// with stdout: read the diff before committing it.
		UpdateScripts: os.Getenv("UPDATE_SCRIPTS") != "",
		Setup: func(env *testscript.Env) error {
			// Characters a script cannot type: for file names and flag
			// values that try to steer the terminal (escape.txtar).
			env.Setenv("ESC", "\x1b")
			env.Setenv("RLO", "\u202e")
			return nil
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"exitcode":  cmdExitcode,
			"cmpid":     cmdCmpid,
			"perm":      cmdPerm,
			"ob3check":  cmdOB3Check,
			"grepall":   cmdGrepall,
			"unchanged": cmdUnchanged,
		},
	})
}

// cmdGrepall is "grepall REGEXP DIR": some file under DIR (.git aside)
// matches REGEXP; with !, none does, and the failure names each file
// that does, with its first match.
func cmdGrepall(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 2 {
		ts.Fatalf("usage: grepall REGEXP DIR")
	}
	re, err := regexp.Compile(args[0])
	ts.Check(err)
	var hits []string
	err = filepath.WalkDir(ts.MkAbs(args[1]), func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if d.Name() == ".git" {
				return filepath.SkipDir
			}
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if m := re.Find(b); m != nil {
			hits = append(hits, fmt.Sprintf("%s: %q", p, m))
		}
		return nil
	})
	ts.Check(err)
	switch {
	case neg && len(hits) > 0:
		ts.Fatalf("%d files match %s:\n%s", len(hits), args[0], strings.Join(hits, "\n"))
	case !neg && len(hits) == 0:
		ts.Fatalf("no file under %s matches %s", args[1], args[0])
	}
}

// cmdUnchanged is "unchanged save|check file...": save notes each file's
// inode and modification time, check fails unless a file still has
// those it had at save (a build kept it untouched).
func cmdUnchanged(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) < 2 || (args[0] != "save" && args[0] != "check") || (neg && args[0] == "save") {
		ts.Fatalf("usage: unchanged save|check file...")
	}
	for _, name := range args[1:] {
		fi, err := os.Lstat(ts.MkAbs(name))
		ts.Check(err)
		id := fmt.Sprintf("%d/%d", inode(fi), fi.ModTime().UnixNano())
		key := "UNCHANGED_" + strconv.Quote(name)
		if args[0] == "save" {
			ts.Setenv(key, id)
			continue
		}
		same := ts.Getenv(key) == id
		switch {
		case ts.Getenv(key) == "":
			ts.Fatalf("unchanged: %s was not saved", name)
		case same && neg:
			ts.Fatalf("%s is untouched", name)
		case !same && !neg:
			ts.Fatalf("%s was written again (inode/mtime %s, then %s)", name, ts.Getenv(key), id)
		}
	}
}

// cmdPerm is "perm MODE file": the file's permission bits are MODE
// (octal), as keygen must leave a private key (0600).
func cmdPerm(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: perm MODE file")
	}
	want, err := strconv.ParseUint(args[0], 8, 32)
	if err != nil {
		ts.Fatalf("perm: invalid mode %q", args[0])
	}
	fi, err := os.Stat(ts.MkAbs(args[1]))
	ts.Check(err)
	if got := uint64(fi.Mode().Perm()); got != want {
		ts.Fatalf("%s has mode %#o, want %#o", args[1], got, want)
	}
}

// testdataDir is the absolute path of testdata/, for commands that read
// files beside the scripts.
var testdataDir string

// placeholder stands for a fresh credential id in a golden file.
const placeholder = "XXXX-XXXX-XXXX"

func cmdCmpid(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: cmpid file golden")
	}
	got, want := ts.ReadFile(args[0]), ts.ReadFile(args[1])
	re := regexp.MustCompile("^" + strings.ReplaceAll(regexp.QuoteMeta(want), placeholder, "([0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4})") + "$")
	m := re.FindStringSubmatch(got)
	if m == nil {
		ts.Logf("got:\n%s", got)
		ts.Fatalf("%s does not match %s", args[0], args[1])
	}
	for _, id := range m[1:] {
		if err := credid.Validate(id); err != nil {
			ts.Fatalf("%s: %s: %v", args[0], id, err)
		}
	}
}

func cmdExitcode(ts *testscript.TestScript, neg bool, args []string) {
	if neg {
		ts.Fatalf("unsupported: ! exitcode")
	}
	if len(args) < 2 {
		ts.Fatalf("usage: exitcode N command [args...]")
	}
	want, err := strconv.Atoi(args[0])
	if err != nil || want < 0 {
		ts.Fatalf("exitcode: invalid status %q", args[0])
	}
	got := 0
	if err := ts.Exec(args[1], args[2:]...); err != nil {
		var ee *exec.ExitError
		if !errors.As(err, &ee) {
			ts.Fatalf("%s: %v", args[1], err)
		}
		got = ee.ExitCode()
	}
	if got != want {
		ts.Fatalf("%s exited with status %d, want %d", args[1], got, want)
	}
}

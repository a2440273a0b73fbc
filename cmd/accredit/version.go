package main

import (
	"fmt"
	"runtime"
	"runtime/debug"
	"strings"

	"github.com/accredit/accredit/cmd/internal/base"
)

var cmdVersion = &base.Command{
	UsageLine: "version",
	Short:     "print accredit's version",
	Long: `Version prints accredit's module version, the revision of the source it was
built from (with +dirty if that had uncommitted changes) and its commit
time, its platform and the Go release it was built with, on one line:

  accredit v1.2.0 (5f3c2a1e9b0d, 2026-11-20T09:14:02Z) linux/amd64 go1.26.8

A binary built by "go install ...@v1.2.0" knows its version but not the
revision (the module proxy has no git history); a build from a checkout
says devel, or the pseudo-version Go gives the commit, with the revision.
"accredit --version" is the same.`,
	Flag: base.NewFlagSet("version"),
}

func init() {
	cmdVersion.Run = runVersion
	register(cmdVersion)
}

func runVersion(env *base.Env, args []string) int {
	if len(args) > 0 {
		fmt.Fprintln(env.Stderr, "accredit version: takes no arguments")
		cmdVersion.ShortUsage(env.Stderr)
		return base.ExitUsage
	}
	fmt.Fprintf(env.Stdout, "accredit %s %s/%s %s\n", readBuild(), runtime.GOOS, runtime.GOARCH, runtime.Version())
	return base.ExitOK
}

// build is what a binary knows of the source it was built from.
type build struct {
	// Version is the main module's version: a release ("v1.2.0"), a
	// pseudo-version for a commit after one, or "" for a devel build.
	Version string
	// Revision is the VCS revision, "" when the build had none; Time is
	// its commit time (RFC 3339); Modified is true for a build from a
	// working tree with uncommitted changes.
	Revision, Time string
	Modified       bool
}

// readBuild reads the build info that the Go toolchain stamps into every
// binary: the module version since "go install pkg@version" and, for a
// build inside a git checkout, the vcs.* settings.
func readBuild() build {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return build{}
	}
	return buildOf(bi)
}

func buildOf(bi *debug.BuildInfo) build {
	var b build
	if v := bi.Main.Version; strings.HasPrefix(v, "v") {
		b.Version = v
	}
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			b.Revision = s.Value
		case "vcs.time":
			b.Time = s.Value
		case "vcs.modified":
			b.Modified = s.Value == "true"
		}
	}
	return b
}

// Release reports whether the binary is a tagged release, which a
// workflow can pin: not a devel build, a pseudo-version or a dirty tree.
func (b build) Release() bool {
	return b.Version != "" && !b.Modified && !strings.HasSuffix(b.Version, "+dirty") && !isPseudo(b.Version)
}

// isPseudo reports whether v is a pseudo-version such as
// v0.0.0-20261120091402-5f3c2a1e9b0d: its last part is 12 hex digits
// after a 14-digit time stamp.
func isPseudo(v string) bool {
	v, _, _ = strings.Cut(v, "+")
	i := strings.LastIndexByte(v, '-')
	if i < 15 || len(v)-i-1 != 12 {
		return false
	}
	stamp := v[i-14 : i]
	for _, c := range stamp {
		if c < '0' || c > '9' {
			return false
		}
	}
	return strings.Trim(v[i+1:], "0123456789abcdef") == ""
}

func (b build) String() string {
	s := b.Version
	if s == "" {
		s = "devel"
	}
	if b.Revision != "" {
		rev := b.Revision
		if len(rev) > 12 {
			rev = rev[:12]
		}
		if b.Modified {
			rev += "+dirty"
		}
		if b.Time != "" {
			rev += ", " + b.Time
		}
		s += " (" + rev + ")"
	}
	return s
}

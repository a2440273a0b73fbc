package main

import (
	"fmt"
	"runtime"
	"runtime/debug"

	"github.com/accredit/accredit/cmd/internal/base"
)

// version is the release; builds from a module add their module version.
const version = "0.1.0"

var cmdVersion = &base.Command{
	UsageLine: "version",
	Short:     "print accredit's version",
	Long:      `Version prints accredit's version and the Go version it was built with.`,
	Flag:      base.NewFlagSet("version"),
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
	v := version
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		v += " (" + bi.Main.Version + ")"
	}
	fmt.Fprintf(env.Stdout, "accredit %s %s/%s %s\n", v, runtime.GOOS, runtime.GOARCH, runtime.Version())
	return base.ExitOK
}

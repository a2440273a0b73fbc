// Command accredit turns a partner certification program kept in a git
// repository into checks and a published site. Run "accredit help".
package main

import (
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"github.com/accredit/accredit/cmd/internal/base"
)

// commands lists the subcommands; each file adds its own in an init func.
var commands []*base.Command

func register(c *base.Command) {
	commands = append(commands, c)
	slices.SortFunc(commands, func(a, b *base.Command) int { return strings.Compare(a.Name(), b.Name()) })
}

func lookup(name string) *base.Command {
	for _, c := range commands {
		if c.Name() == name {
			return c
		}
	}
	return nil
}

func main() {
	os.Exit(run(base.DefaultEnv(), os.Args[1:]))
}

// run runs one command line and returns the exit code.
func run(env *base.Env, args []string) int {
	if len(args) == 0 {
		usage(env.Stderr)
		return base.ExitUsage
	}
	switch args[0] {
	case "-h", "-help", "--help":
		usage(env.Stdout)
		return base.ExitOK
	}
	c := lookup(args[0])
	if c == nil {
		fmt.Fprintf(env.Stderr, "accredit: unknown command %q\n", args[0])
		usage(env.Stderr)
		return base.ExitUsage
	}
	rest, code, ok := c.Parse(env, args[1:])
	if !ok {
		return code
	}
	return c.Run(env, rest)
}

func usage(w io.Writer) {
	fmt.Fprint(w, `accredit keeps a partner certification program in a git repository:
it checks every record against the program's rules and publishes the site.

usage: accredit <command> [flags]

commands:
`)
	for _, c := range commands {
		fmt.Fprintf(w, "  %-10s %s\n", c.Name(), c.Short)
	}
	fmt.Fprint(w, "\nRun 'accredit help <command>' or 'accredit <command> --help' for details.\n")
}

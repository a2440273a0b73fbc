// Command accredit turns a partner certification program kept in a git
// repository into checks and a published site. Run "accredit help".
package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"github.com/accredit/accredit/cmd/internal/base"
	"github.com/accredit/accredit/cmd/internal/checkcache"
	"github.com/accredit/accredit/cmd/internal/diag"
	"github.com/accredit/accredit/cmd/internal/history"
	"github.com/accredit/accredit/cmd/internal/load"
	"github.com/accredit/accredit/cmd/internal/tomlrec"
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

// rootNotFound is why no program root was found above the working
// directory, for a command run without --root outside any program.
var rootNotFound error

// explainRoot replaces a "no programs/program.toml" error at a root the
// administrator did not name with where accredit looked for one.
func explainRoot(err error) error {
	if rootNotFound != nil && errors.Is(err, load.ErrNoProgram) {
		return rootNotFound
	}
	return err
}

// programFound reports, for a command that edits the program's files,
// whether a root was found, and says where accredit looked when not. It
// runs after the write lock is taken, so that an interrupted write in the
// working directory is still finished or undone first.
func programFound(env *base.Env, cmd *base.Command) bool {
	if rootNotFound != nil {
		env.Errorf(cmd, "%v", rootNotFound)
		return false
	}
	return true
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
	case "-version", "--version":
		args[0] = "version"
	}
	c := lookup(args[0])
	if c == nil {
		fmt.Fprintln(env.Stderr, diag.Printable(unknownCommand("accredit", args[0])))
		return base.ExitUsage
	}
	rest, code, ok := c.Parse(env, args[1:])
	if !ok {
		return code
	}
	rootNotFound = c.ResolveRoot()
	code = c.Run(env, rest)
	if env.Getenv != nil && env.Getenv("ACCREDIT_STATS") != "" {
		printStats(env.Stderr)
	}
	return code
}

// printStats says how the command's TOML files were decoded: the fast
// path is never taken or left silently.
func printStats(w io.Writer) {
	fast, slow := tomlrec.Stats()
	fmt.Fprintf(w, "accredit: %d TOML documents decoded by tomlrec, %d by BurntSushi/toml (outside tomlrec's subset, or with an error)\n", fast, slow)
	if s := history.Stats(); s != "" {
		fmt.Fprintf(w, "accredit: %s\n", s)
	}
	if s := load.Stats(); s != "" {
		fmt.Fprintf(w, "accredit: %s\n", s)
	}
	if s := checkcache.Stats(); s != "" {
		fmt.Fprintf(w, "accredit: %s\n", s)
	}
	if checkStats != "" {
		fmt.Fprintf(w, "accredit: check: %s\n", checkStats)
	}
}

// unknownCommand is the one line for a command accredit does not have:
// the nearest one, and where the list is; the whole help would push the
// mistake off the screen.
func unknownCommand(prefix, name string) string {
	var names []string
	for _, c := range commands {
		names = append(names, c.Name())
	}
	hint := "."
	if strings.HasPrefix(name, "-") {
		hint = "; flags come after the command, as in accredit check --root DIR."
	} else if s := diag.Suggest(name, names); s != "" {
		hint = fmt.Sprintf("; did you mean %q?", s)
	}
	return fmt.Sprintf("%s: unknown command %q%s Run 'accredit help' for the list.", prefix, name, hint)
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

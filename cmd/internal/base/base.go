// Package base wires the accredit subcommands, after cmd/go's base package:
// a small Command struct with its own flag.FlagSet and hand-written usage,
// and the exit codes every command shares.
//
// In: the command line. Out: the chosen command run with its flags parsed,
// and an exit code: 0 ok, 1 problems found, 2 usage or I/O error.
package base

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"regexp"
	"strings"
	"sync"

	"github.com/accredit/accredit/cmd/internal/diag"
)

// Exit codes.
const (
	ExitOK       = 0
	ExitProblems = 1
	ExitUsage    = 2
)

// Command is one accredit subcommand.
type Command struct {
	// UsageLine is the one-line usage, starting with the command's name.
	UsageLine string
	// Short is a one-line description for the command list.
	Short string
	// Long is the help text shown by "accredit help <command>".
	Long string
	// Flag holds the command's flags; Run sees them parsed.
	Flag *flag.FlagSet
	// Run runs the command and returns its exit code.
	Run func(env *Env, args []string) int
}

// Name is the first word of UsageLine.
func (c *Command) Name() string {
	name, _, _ := strings.Cut(c.UsageLine, " ")
	return name
}

// Env is what a command reads and writes besides its flags.
type Env struct {
	Stdout, Stderr io.Writer
	Getenv         func(string) string
}

// DefaultEnv is the process's own environment.
func DefaultEnv() *Env {
	return &Env{Stdout: os.Stdout, Stderr: os.Stderr, Getenv: os.Getenv}
}

// Errorf prints "accredit <cmd>: message" on stderr, as one line passed
// through diag.Printable: the message often names a path, a flag value or a
// wrapped error that quotes a file, and none of them may steer the terminal.
func (e *Env) Errorf(cmd *Command, format string, args ...any) {
	fmt.Fprintf(e.Stderr, "accredit %s: %s\n", cmd.Name(), diag.Printable(fmt.Sprintf(format, args...)))
}

// NewFlagSet returns a flag set for a command that reports errors instead
// of exiting, so Main can choose the exit code.
func NewFlagSet(name string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	return fs
}

// Usage writes the command's usage line and flags.
func (c *Command) Usage(w io.Writer) {
	fmt.Fprintf(w, "usage: accredit %s\n", c.UsageLine)
	if c.Flag != nil {
		var b strings.Builder
		c.Flag.SetOutput(&b)
		c.Flag.PrintDefaults()
		c.Flag.SetOutput(io.Discard)
		if b.Len() > 0 {
			fmt.Fprintf(w, "\nflags:%s", strings.ReplaceAll("\n"+b.String(), "\n  -", "\n  --"))
		}
	}
}

// ShortUsage writes the usage line and where to find more, for errors.
func (c *Command) ShortUsage(w io.Writer) {
	fmt.Fprintf(w, "usage: accredit %s\nRun 'accredit help %s' for details.\n", c.UsageLine, c.Name())
}

// Help writes the command's full help.
func (c *Command) Help(w io.Writer) {
	c.Usage(w)
	if c.Long != "" {
		fmt.Fprintf(w, "\n%s\n", strings.TrimSpace(c.Long))
	}
}

// Parse parses the command's flags. Flags may come before, between and
// after the arguments ("renew ID --dry-run", "search data --limit 3"), as
// the usage lines show them; "--" ends the flags. It reports whether to go
// on; when not, code is the exit code (0 after --help, 2 after a bad flag).
func (c *Command) Parse(env *Env, args []string) (rest []string, code int, ok bool) {
	if c.Flag == nil {
		c.Flag = NewFlagSet(c.Name())
	}
	for {
		err := c.Flag.Parse(args)
		if errors.Is(err, flag.ErrHelp) {
			c.Help(env.Stdout)
			return nil, ExitOK, false
		}
		if err != nil {
			c.flagError(env, err)
			return nil, ExitUsage, false
		}
		left := c.Flag.Args()
		consumed := len(args) - len(left)
		if len(left) == 0 || consumed > 0 && args[consumed-1] == "--" {
			return append(rest, left...), 0, true
		}
		// The flag package stops at the first argument: keep it and go on.
		rest, args = append(rest, left[0]), left[1:]
	}
}

// flagError reports a flag the command line got wrong, with the short
// usage. The flag package names flags with one dash and says little of
// why: accredit's usage writes them --long, so the message does too,
// with the nearest flag for one it does not know.
func (c *Command) flagError(env *Env, err error) {
	fmt.Fprintf(env.Stderr, "accredit %s: %s\n", c.Name(), diag.Printable(c.flagMessage(err)))
	c.ShortUsage(env.Stderr)
}

var (
	undefinedFlag = lazyRegexp(`^flag provided but not defined: -+(.*)$`)
	invalidValue  = lazyRegexp(`^invalid (boolean )?value (".*") for (?:flag )?-+([^:]+): (.*)$`)
	needsValue    = lazyRegexp(`^flag needs an argument: -+(.*)$`)
)

func (c *Command) flagMessage(err error) string {
	msg := err.Error()
	if m := undefinedFlag().FindStringSubmatch(msg); m != nil {
		var names []string
		c.Flag.VisitAll(func(f *flag.Flag) { names = append(names, f.Name) })
		if s := diag.Suggest(m[1], names); s != "" {
			return fmt.Sprintf("unknown flag --%s; did you mean --%s?", m[1], s)
		}
		return fmt.Sprintf("unknown flag --%s", m[1])
	}
	if m := invalidValue().FindStringSubmatch(msg); m != nil {
		reason := m[4]
		if m[1] != "" {
			reason = "want true or false, or leave the value out"
		}
		return fmt.Sprintf("invalid value %s for --%s: %s", m[2], m[3], reason)
	}
	if m := needsValue().FindStringSubmatch(msg); m != nil {
		return fmt.Sprintf("--%s needs a value", m[1])
	}
	return msg
}

// lazyRegexp compiles expr the first time it is used, not when the
// process starts: start-up is paid by every command, `version` too.
func lazyRegexp(expr string) func() *regexp.Regexp {
	return sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(expr) })
}

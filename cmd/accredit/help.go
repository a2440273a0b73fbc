package main

import (
	"fmt"

	"github.com/accredit/accredit/cmd/internal/base"
	"github.com/accredit/accredit/cmd/internal/diag"
)

var cmdHelp = &base.Command{
	UsageLine: "help [command]",
	Short:     "show help for accredit or one of its commands",
	Long: `Help prints the list of commands, or the usage, flags and
description of one command.`,
	Flag: base.NewFlagSet("help"),
}

func init() {
	cmdHelp.Run = runHelp
	register(cmdHelp)
}

func runHelp(env *base.Env, args []string) int {
	switch len(args) {
	case 0:
		usage(env.Stdout)
		return base.ExitOK
	case 1:
		if c := lookup(args[0]); c != nil {
			c.Help(env.Stdout)
			return base.ExitOK
		}
		fmt.Fprintln(env.Stderr, diag.Printable(unknownCommand("accredit help", args[0])))
		return base.ExitUsage
	default:
		fmt.Fprintln(env.Stderr, "accredit help: too many arguments")
	}
	cmdHelp.ShortUsage(env.Stderr)
	return base.ExitUsage
}

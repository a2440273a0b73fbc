package main

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"

	"github.com/accredit/accredit/cmd/internal/base"
	"github.com/accredit/accredit/cmd/internal/serve"
	"github.com/accredit/accredit/cmd/internal/site"
)

var cmdServe = &base.Command{
	UsageLine: "serve [--root DIR] [--as-of DATE] [--addr HOST:PORT]",
	Short:     "serve the site locally, rebuilding it as files change",
	Long: `Serve builds the program's site in memory and serves it at --addr
(default 127.0.0.1:1313), the way an administrator works: edit the files
in an editor, look at the result in a browser.

It watches programs/, partners/, content/ and layouts/ and rebuilds only
what an edit affects: a person's or a partner's file re-reads that partner
folder and recomputes its pages and the lists that show it; a content page
re-reads content/; a layout reloads the theme; a program file loads
everything again. The search index follows in the background. Open pages
reload by themselves after each rebuild and keep their scroll position.

While the program has errors, every page shows them (file:line, message
and the offending source line) instead of the site, and the server keeps
running: fixing the files brings the site back. Pages are exactly what
accredit build would write, with one script added that listens for
rebuilds.

Serve never writes the site to disk; use accredit build to publish.
Ctrl-C stops it.

Exit status: 0 stopped, 2 usage error, an unreadable root, or an address
that cannot be listened on.`,
	Flag: base.NewFlagSet("serve"),
}

var (
	serveProgram = addProgramFlags(cmdServe.Flag)
	serveAddr    = cmdServe.Flag.String("addr", "127.0.0.1:1313", "listen on `HOST:PORT` (port 0: any free port)")
)

func init() {
	cmdServe.Run = runServe
	register(cmdServe)
}

func runServe(env *base.Env, args []string) int {
	if len(args) > 0 {
		env.Errorf(cmdServe, "unexpected argument %q", args[0])
		cmdServe.ShortUsage(env.Stderr)
		return base.ExitUsage
	}
	root := serveProgram.root
	if fi, err := os.Stat(root); err != nil || !fi.IsDir() {
		env.Errorf(cmdServe, "cannot read the program at %s: not a directory", root)
		return base.ExitUsage
	}
	if _, err := os.Stat(filepath.Join(root, "programs", "program.toml")); err != nil {
		if rootNotFound != nil {
			env.Errorf(cmdServe, "%v", rootNotFound)
			return base.ExitUsage
		}
		env.Errorf(cmdServe, "%s has no programs/program.toml: is --root the program repository?", root)
		return base.ExitUsage
	}
	ln, err := net.Listen("tcp", *serveAddr)
	if err != nil {
		env.Errorf(cmdServe, "%v", err)
		return base.ExitUsage
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	srv := serve.New(serve.Options{Root: root, AsOf: serveProgram.date(), Cache: openCache(env, root), Log: env.Stderr,
		Grants: func() map[string]site.Grant { return grants(env, root, nil) }})
	printLine(env.Stderr, "serving %s at http://%s/ (as of %s; Ctrl-C stops)", root, ln.Addr(), serveProgram.date())
	if err := srv.Run(ctx, ln); err != nil {
		env.Errorf(cmdServe, "%v", err)
		return base.ExitUsage
	}
	fmt.Fprintln(env.Stderr, "stopped")
	return base.ExitOK
}

package base

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
)

// RootMarker is the file that makes a folder a program's root.
const RootMarker = "programs/program.toml"

// FindRoot returns the program root for a command run in dir: dir itself
// or the nearest folder above it that holds programs/program.toml, as git
// finds the .git of the repository it runs in. The root is returned
// relative to dir ("." or "../.."), so that what a command prints about
// it (an --out under it, the folder serve watches) reads from where the
// administrator stands; the paths of files inside the program stay
// relative to the root, as every stage names them.
//
// The error says where the search started and how to go on: it is the
// message for an administrator who ran accredit outside any program.
func FindRoot(dir string) (string, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	for p := abs; ; p = filepath.Dir(p) {
		if fi, err := os.Stat(filepath.Join(p, filepath.FromSlash(RootMarker))); err == nil && !fi.IsDir() {
			rel, err := filepath.Rel(abs, p)
			if err != nil {
				return p, nil
			}
			return rel, nil
		}
		if filepath.Dir(p) == p {
			break
		}
	}
	return "", fmt.Errorf("no %s in %s or any folder above it: run accredit inside a program repository, or give --root DIR", RootMarker, abs)
}

// ResolveRoot sets the command's --root flag, when it has one and the
// command line left it out, to the root FindRoot finds from the working
// directory. An explicit --root always wins, even one that names no
// program: the command reports that in its own words.
//
// When no folder holds a program, --root is set to the working directory,
// as it was before roots were searched for: the command still says what
// is wrong with its arguments first, and still finishes an interrupted
// write there. The error returned then is FindRoot's, for the command to
// report in place of "no programs/program.toml" (see load.ErrNoProgram).
func (c *Command) ResolveRoot() error {
	if c.Flag == nil || c.Flag.Lookup("root") == nil || FlagSet(c.Flag, "root") {
		return nil
	}
	root, err := ".", error(nil)
	if wd, werr := os.Getwd(); werr != nil {
		err = fmt.Errorf("cannot find the program: %v; give --root DIR", werr)
	} else if found, ferr := FindRoot(wd); ferr != nil {
		err = ferr
	} else {
		root = found
	}
	if serr := c.Flag.Set("root", root); serr != nil {
		return serr
	}
	return err
}

// FlagSet reports whether the command line set the flag name.
func FlagSet(fs *flag.FlagSet, name string) bool {
	set := false
	fs.Visit(func(f *flag.Flag) {
		if f.Name == name {
			set = true
		}
	})
	return set
}

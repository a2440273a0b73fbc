package main

import (
	"errors"
	"flag"
	"fmt"
	"strconv"
	"strings"

	"github.com/accredit/accredit/cmd/internal/date"
	"github.com/accredit/accredit/cmd/internal/diag"
	"github.com/accredit/accredit/cmd/internal/publish"
)

// programFlags are the flags every command that reads a program shares.
type programFlags struct {
	root string
	asOf dateFlag
}

func addProgramFlags(fs *flag.FlagSet) *programFlags {
	pf := &programFlags{}
	fs.StringVar(&pf.root, "root", "", rootUsage)
	fs.Var(&pf.asOf, "as-of", "compute statuses and tiers at `DATE` (YYYY-MM-DD; default today, UTC)")
	return pf
}

// rootUsage describes --root; the default is found by base.ResolveRoot
// before the command runs.
const rootUsage = "the program repository `DIR` (default: the nearest folder, here or above, that holds programs/program.toml)"

// rootFlag adds --root to a command that reads a program but not the
// as-of date.
func rootFlag(fs *flag.FlagSet) *string {
	return fs.String("root", "", rootUsage)
}

// date returns the as-of date: the flag's, or today in UTC.
func (pf *programFlags) date() date.Date {
	if pf.asOf.set {
		return pf.asOf.d
	}
	return date.Today()
}

// dateFlag is a YYYY-MM-DD flag.
type dateFlag struct {
	d   date.Date
	set bool
}

func (f *dateFlag) String() string {
	if !f.set {
		return ""
	}
	return f.d.String()
}

func (f *dateFlag) Set(s string) error {
	d, err := date.Parse(s)
	var pe *date.ParseError
	if errors.As(err, &pe) {
		// The flag error quotes the value already: the reason is enough.
		return errors.New(pe.Reason)
	}
	if err != nil {
		return err
	}
	f.d, f.set = d, true
	return nil
}

// choiceFlag is a string flag limited to some values.
type choiceFlag struct {
	value   string
	choices []string
}

func (f *choiceFlag) String() string { return f.value }

func (f *choiceFlag) Set(s string) error {
	for _, c := range f.choices {
		if s == c {
			f.value = s
			return nil
		}
	}
	return fmt.Errorf("%w%s", errInvalidChoice(f.choices), diag.DidYouMean(s, f.choices))
}

type errInvalidChoice []string

func (e errInvalidChoice) Error() string {
	s := "must be one of"
	for i, c := range e {
		if i > 0 {
			s += ","
		}
		s += " " + c
	}
	return s
}

// partFlag is build's --shard K/M: job K (from 0) of M.
type partFlag struct{ part publish.Part }

func (f *partFlag) String() string {
	if f.part.M == 0 {
		return ""
	}
	return fmt.Sprintf("%d/%d", f.part.K, f.part.M)
}

func (f *partFlag) Set(s string) error {
	k, m, ok := strings.Cut(s, "/")
	kn, err1 := strconv.Atoi(k)
	mn, err2 := strconv.Atoi(m)
	p := publish.Part{K: kn, M: mn}
	if !ok || err1 != nil || err2 != nil || mn < 1 || mn > maxParts || !p.Valid() {
		return fmt.Errorf("want K/M, job K of M jobs counted from 0 (0/4 to 3/4), with M from 1 to %d", maxParts)
	}
	f.part = p
	return nil
}

// maxParts bounds --shard's M: more jobs than shards would leave some
// with nothing to write (a million credentials are 4,096 shards).
const maxParts = 4096

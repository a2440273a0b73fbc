package gitindex

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// An index names a file's blob: what git add made of the file, which is
// the file's bytes only when git converted nothing on the way. Line
// endings (core.autocrlf, or the text and eol attributes), filters
// (git-crypt, Git LFS: the blob is a ciphertext or a pointer, the file
// is not), ident and working-tree-encoding all make the two differ, and
// the decode cache would then hand out what it decoded from other bytes
// (a pointer file's, or the ciphertext's of a clone not yet unlocked).
//
// Conversions need an attributes file or core.autocrlf; convertible
// refuses an index when either may be in effect. It is deliberately
// wider than git's rules (any attributes file at all, any config that
// includes another): a refusal only means the files are read.

// convertible returns why files of the worktree top, whose git
// directory is gitdir, may differ from their blobs; nil when nothing
// can convert them. rel is the program root's path below top (slashed,
// "" for top itself), entries the whole index.
func convertible(top, gitdir, rel string, entries []Entry) error {
	for i := range entries {
		if n := entries[i].Name; n == ".gitattributes" || strings.HasSuffix(n, "/.gitattributes") {
			return fmt.Errorf("%s: git attributes may convert files between their blobs and the worktree", n)
		}
	}
	// Attributes files not in the index: in the worktree from its top
	// to the root (the loader looks below it), the repository's own, the
	// user's.
	var attrs []string
	dir := top
	attrs = append(attrs, filepath.Join(dir, ".gitattributes"))
	if rel != "" {
		for _, part := range strings.Split(rel, "/") {
			dir = filepath.Join(dir, part)
			attrs = append(attrs, filepath.Join(dir, ".gitattributes"))
		}
	}
	common := commonDir(gitdir)
	attrs = append(attrs, filepath.Join(gitdir, "info", "attributes"), filepath.Join(common, "info", "attributes"))
	if x := userConfig("attributes"); x != "" {
		attrs = append(attrs, x)
	}
	for _, a := range attrs {
		if _, err := os.Lstat(a); !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("%s: git attributes may convert files between their blobs and the worktree", a)
		}
	}
	// Config given on the command line or in the environment of the git
	// that wrote the index is out of sight; the environment of this one
	// is not.
	if os.Getenv("GIT_CONFIG_PARAMETERS") != "" || os.Getenv("GIT_CONFIG_COUNT") != "" {
		return errors.New("git config given in the environment (GIT_CONFIG_PARAMETERS, GIT_CONFIG_COUNT) may convert files")
	}
	var configs []string
	if os.Getenv("GIT_CONFIG_NOSYSTEM") == "" {
		if x := os.Getenv("GIT_CONFIG_SYSTEM"); x != "" {
			configs = append(configs, x)
		} else {
			configs = append(configs, "/etc/gitconfig", "/usr/local/etc/gitconfig")
		}
	}
	if x := os.Getenv("GIT_CONFIG_GLOBAL"); x != "" {
		configs = append(configs, x)
	} else {
		if home, err := os.UserHomeDir(); err == nil {
			configs = append(configs, filepath.Join(home, ".gitconfig"))
		}
		if x := userConfig("config"); x != "" {
			configs = append(configs, x)
		}
	}
	configs = append(configs, filepath.Join(common, "config"), filepath.Join(gitdir, "config"), filepath.Join(gitdir, "config.worktree"))
	for _, c := range configs {
		data, err := os.ReadFile(c)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return fmt.Errorf("%s: %v", c, err)
		}
		if why := convertingConfig(data); why != "" {
			return fmt.Errorf("%s: %s may convert files between their blobs and the worktree", c, why)
		}
	}
	return nil
}

// commonDir is the git directory that holds a linked worktree's shared
// parts (its config, info/), or gitdir itself.
func commonDir(gitdir string) string {
	b, err := os.ReadFile(filepath.Join(gitdir, "commondir"))
	if err != nil {
		return gitdir
	}
	s := strings.TrimSpace(string(b))
	if s == "" {
		return gitdir
	}
	if !filepath.IsAbs(s) {
		s = filepath.Join(gitdir, s)
	}
	return s
}

// userConfig is a file of git's in the user's XDG config folder ("" when
// there is no home).
func userConfig(name string) string {
	if x := os.Getenv("XDG_CONFIG_HOME"); x != "" {
		return filepath.Join(x, "git", name)
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return ""
	}
	return filepath.Join(home, ".config", "git", name)
}

// convertingConfig says what in a git config file may make a file
// differ from its blob: core.autocrlf other than false, an attributes
// file of its own (core.attributesFile), or an include (whose file may
// set either); "" for none. Any key of those names counts, in whatever
// section: wider than git, never narrower.
func convertingConfig(data []byte) string {
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		line := strings.ToLower(strings.TrimSpace(sc.Text()))
		if line == "" || line[0] == '#' || line[0] == ';' {
			continue
		}
		if strings.HasPrefix(line, "[") {
			if strings.HasPrefix(line, "[include") {
				return "an include"
			}
			// git reads a key on the line of its section's header too.
			_, rest, _ := strings.Cut(line, "]")
			if line = strings.TrimSpace(rest); line == "" || line[0] == '#' || line[0] == ';' {
				continue
			}
		}
		key, value, hasValue := strings.Cut(line, "=")
		key = strings.TrimSpace(key)
		switch {
		case strings.Contains(key, "attributesfile"):
			return "core.attributesFile"
		case strings.Contains(key, "autocrlf"):
			if !hasValue {
				return "core.autocrlf" // a bare key is true
			}
			value, _, _ = strings.Cut(value, "#")
			value, _, _ = strings.Cut(value, ";")
			switch strings.Trim(strings.TrimSpace(value), `"`) {
			case "false", "no", "off", "0":
			default:
				return "core.autocrlf"
			}
		}
	}
	if sc.Err() != nil {
		return "an unreadable line"
	}
	return ""
}

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
// wider than git's rules (any attributes file at all; every file a
// config includes, whatever the include's condition; an include path it
// cannot read as git would): a refusal only means the files are read.

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
	// Each file and the files it includes, whatever the condition of
	// the include (read more, never fewer): actions/checkout keeps its
	// credentials in an included file.
	seen := map[string]bool{}
	for len(configs) > 0 {
		c := configs[0]
		configs = configs[1:]
		if seen[c] {
			continue
		}
		if seen[c] = true; len(seen) > maxConfigs {
			return fmt.Errorf("%s: more than %d git config files included", c, maxConfigs)
		}
		data, err := os.ReadFile(c)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return fmt.Errorf("%s: %v", c, err)
		}
		why, includes := convertingConfig(data)
		if why != "" {
			return fmt.Errorf("%s: %s may convert files between their blobs and the worktree", c, why)
		}
		for _, inc := range includes {
			switch {
			case strings.HasPrefix(inc, "~/"):
				home, err := os.UserHomeDir()
				if err != nil {
					return fmt.Errorf("%s: includes %s, and there is no home folder", c, inc)
				}
				inc = filepath.Join(home, inc[2:])
			case !filepath.IsAbs(inc):
				inc = filepath.Join(filepath.Dir(c), inc)
			}
			configs = append(configs, inc)
		}
	}
	return nil
}

// maxConfigs bounds the git config files read, includes and all.
const maxConfigs = 64

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
// differ from its blob: core.autocrlf other than false, or an attributes
// file of its own (core.attributesFile); "" for none. Any key of those
// names counts, in whatever section: wider than git, never narrower.
// includes are the paths of the files it includes (include.path and
// includeIf.<condition>.path), as written.
func convertingConfig(data []byte) (why string, includes []string) {
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(nil, 1<<20)
	include := false // in an [include] or [includeIf ...] section
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || line[0] == '#' || line[0] == ';' {
			continue
		}
		if strings.HasPrefix(line, "[") {
			header, rest, _ := strings.Cut(line, "]")
			name := strings.ToLower(strings.TrimSpace(strings.TrimPrefix(header, "[")))
			include = name == "include" || strings.HasPrefix(name, "includeif")
			// git reads a key on the line of its section's header too.
			if line = strings.TrimSpace(rest); line == "" || line[0] == '#' || line[0] == ';' {
				continue
			}
		}
		key, raw, hasValue := strings.Cut(line, "=")
		key = strings.ToLower(strings.TrimSpace(key))
		value, _, _ := strings.Cut(raw, "#")
		value, _, _ = strings.Cut(value, ";")
		value = strings.Trim(strings.TrimSpace(value), `"`)
		switch {
		case strings.Contains(key, "attributesfile"):
			return "core.attributesFile", nil
		case strings.Contains(key, "autocrlf"):
			if !hasValue {
				return "core.autocrlf", nil // a bare key is true
			}
			switch strings.ToLower(value) {
			case "false", "no", "off", "0":
			default:
				return "core.autocrlf", nil
			}
		case include && key == "path":
			// A path with quotes inside, escapes or comment signs is
			// one git may read otherwise than this: not followed.
			path := strings.TrimSpace(raw)
			if len(path) >= 2 && path[0] == '"' && path[len(path)-1] == '"' {
				path = path[1 : len(path)-1]
			}
			if path == "" || strings.ContainsAny(path, "#;\"\\") {
				return "an include accredit does not follow", nil
			}
			includes = append(includes, path)
		}
	}
	if sc.Err() != nil {
		return "an unreadable line", nil
	}
	return "", includes
}

// Package gitindextest is for tests that need package gitindex to trust
// a git index they wrote: it keeps the git configuration of the user
// and of the environment out, where core.autocrlf or git -c would
// rightly make gitindex refuse the index.
package gitindextest

import (
	"path/filepath"
	"testing"
)

// NoUserGit makes the test see no system, user or environment git
// configuration.
func NoUserGit(t testing.TB) {
	t.Helper()
	t.Setenv("GIT_CONFIG_NOSYSTEM", "1")
	t.Setenv("GIT_CONFIG_GLOBAL", filepath.Join(t.TempDir(), "none"))
	t.Setenv("XDG_CONFIG_HOME", t.TempDir())
	t.Setenv("GIT_CONFIG_PARAMETERS", "")
	t.Setenv("GIT_CONFIG_COUNT", "")
}

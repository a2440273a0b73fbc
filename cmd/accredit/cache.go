package main

import (
	"crypto/sha256"
	"encoding/hex"
	"io"
	"os"
	"path/filepath"
	"sync"

	"github.com/accredit/accredit/cmd/internal/base"
	"github.com/accredit/accredit/cmd/internal/load"
)

// openCache returns the decode cache of the program at root, in the user's
// cache directory (~/.cache/accredit on Linux), or nil when caching is off
// (ACCREDIT_CACHE=off) or there is no cache directory. Entries are keyed by
// the content of each file and of this binary, so an edited file, or
// another build of accredit, misses; a file whose size and modification
// time are unchanged is taken without reading it (see load.Cache).
func openCache(env *base.Env, root string) *load.Cache {
	path := cacheFile(env, root, ".cache")
	if path == "" {
		return nil
	}
	salt := binaryHash()
	if salt == nil {
		return nil
	}
	return load.OpenCache(path, salt)
}

// cacheFile returns the path of a cache file of the program at root with
// the extension ext, in the user's cache directory, or "" when caching is
// off (ACCREDIT_CACHE=off) or there is no cache directory.
func cacheFile(env *base.Env, root, ext string) string {
	if env.Getenv("ACCREDIT_CACHE") == "off" {
		return ""
	}
	dir, err := os.UserCacheDir()
	if err != nil {
		return ""
	}
	abs, err := filepath.Abs(root)
	if err != nil {
		return ""
	}
	key := sha256.Sum256([]byte(abs))
	return filepath.Join(dir, "accredit", hex.EncodeToString(key[:12])+ext)
}

// binaryHash identifies this build of accredit (read once a run: it
// hashes the whole executable).
var binaryHash = sync.OnceValue(hashBinary)

func hashBinary() []byte {
	exe, err := os.Executable()
	if err != nil {
		return nil
	}
	f, err := os.Open(exe)
	if err != nil {
		return nil
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return nil
	}
	return h.Sum(nil)[:16]
}

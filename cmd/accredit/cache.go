package main

import (
	"crypto/sha256"
	"debug/elf"
	"encoding/binary"
	"encoding/hex"
	"io"
	"os"
	"path/filepath"
	"strings"
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

// binaryHash identifies this build of accredit (worked out once a run).
var binaryHash = sync.OnceValue(hashBinary)

// hashBinary identifies the running executable: by the content ID the go
// command stamps into every binary it links (the last part of its build
// ID, the hash of the binary's own bytes), read from the ELF note in a
// fraction of a millisecond; else, for a binary without one (linked with
// -ldflags=-buildid=..., or not ELF), by hashing the whole executable,
// which takes some 35 ms for our 40 MB binary on every run.
func hashBinary() []byte {
	exe, err := os.Executable()
	if err != nil {
		return nil
	}
	if id := goBuildID(exe); id != "" {
		sum := sha256.Sum256([]byte("go build ID " + id))
		return sum[:16]
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

// goBuildID returns the build ID the go command wrote into the ELF
// binary at path, or "" when it has none of the form go build and go
// install write for an executable, four hashes:
// actionID(binary)/actionID(main.a)/contentID(main.a)/contentID(binary),
// the last that of the binary's own bytes (cmd/go/internal/work/buildid.go).
func goBuildID(path string) string {
	f, err := elf.Open(path)
	if err != nil {
		return ""
	}
	defer f.Close()
	s := f.Section(".note.go.buildid")
	if s == nil || s.Size > 1<<10 {
		return ""
	}
	note, err := s.Data()
	if err != nil {
		return ""
	}
	return parseBuildIDNote(note, f.ByteOrder)
}

// parseBuildIDNote reads the build ID from an ELF note: name size,
// description size and type (4, Go's build ID), the name "Go" padded to
// four bytes, then the ID.
func parseBuildIDNote(note []byte, order binary.ByteOrder) string {
	if len(note) < 16 || order.Uint32(note) != 4 || order.Uint32(note[8:]) != 4 || string(note[12:16]) != "Go\x00\x00" {
		return ""
	}
	n := order.Uint32(note[4:])
	if uint64(n) > uint64(len(note)-16) {
		return ""
	}
	id := string(note[16 : 16+n])
	parts := strings.Split(id, "/")
	if len(parts) != 4 {
		return ""
	}
	for _, p := range parts {
		// Each part is a hash, base64-encoded (20 characters).
		if len(p) < 16 || strings.Trim(p, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") != "" {
			return ""
		}
	}
	return id
}

package mapfile

import (
	"crypto/sha256"
	"runtime/debug"
)

// Salt is the salt a cache file starts with: SHA-256 of what its entries
// depend on besides their own content (its format, say), and of the
// versions this binary links of the modules that make them, so that a
// build with another version of one starts from an empty cache.
func Salt(depends []byte, modules ...string) [32]byte {
	h := sha256.New()
	h.Write(depends)
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, m := range bi.Deps {
			for _, path := range modules {
				if m.Path == path {
					h.Write([]byte(m.Version))
				}
			}
		}
	}
	var s [32]byte
	h.Sum(s[:0])
	return s
}

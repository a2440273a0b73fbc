//go:build !unix

package credential

import "os"

// readCache returns the content of a cache file.
func readCache(path string) ([]byte, error) { return os.ReadFile(path) }

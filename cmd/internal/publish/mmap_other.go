//go:build !unix

package publish

import "os"

// readCache returns the content of a cache file.
func readCache(path string) ([]byte, error) { return os.ReadFile(path) }

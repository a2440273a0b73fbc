//go:build !unix

package mapfile

import "os"

// Read returns the content of the file at path.
func Read(path string) ([]byte, error) { return os.ReadFile(path) }

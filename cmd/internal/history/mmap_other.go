//go:build !unix

package history

// mapFile maps nothing here: ReadAt serves the pack reader.
func mapFile(string, int64) []byte { return nil }

func unmapFile([]byte) {}

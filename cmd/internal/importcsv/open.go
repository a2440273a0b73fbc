package importcsv

import (
	"fmt"
	"io"
	"io/fs"
	"os"

	"github.com/accredit/accredit/cmd/internal/safefs"
)

// CSVLimit caps the CSV export an import reads: 64 MB is some 600,000
// rows, more than any program holds, and a bound on what a mistaken
// argument can make accredit read.
const CSVLimit = 64 << 20

// Open opens the CSV export the user named. It is the user's own file,
// outside the program, and may be reached through a link; but it must be
// a regular file (a FIFO would block the import, a device such as
// /dev/zero never ends), checked before it is opened, and reading more
// than CSVLimit bytes from it is an error.
func Open(name string) (io.ReadCloser, error) {
	fi, err := os.Stat(name)
	if pe, ok := err.(*fs.PathError); ok {
		pe.Op = "open" // what the user asked for: "open x.csv: no such file"
	}
	if err != nil {
		return nil, err
	}
	if err := safefs.Check(fi); err != nil {
		return nil, fmt.Errorf("%s %v", name, err)
	}
	if fi.Size() > CSVLimit {
		return nil, fmt.Errorf("%s %v", name, &safefs.TooLargeError{Size: fi.Size(), Limit: CSVLimit})
	}
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	// The file may have been swapped since the Stat, or may grow: the
	// cap holds on what is read, not on what the Stat said.
	if got, err := f.Stat(); err != nil || !os.SameFile(fi, got) {
		f.Close()
		return nil, fmt.Errorf("%s changed while it was opened", name)
	}
	return &capped{f: f, name: name, left: CSVLimit, limit: CSVLimit}, nil
}

// capped reads a file and fails past its cap.
type capped struct {
	f           *os.File
	name        string
	left, limit int64
}

func (c *capped) Read(p []byte) (int, error) {
	if c.left < 0 {
		return 0, fmt.Errorf("%s %v", c.name, &safefs.TooLargeError{Size: c.limit + 1, Limit: c.limit})
	}
	if int64(len(p)) > c.left+1 {
		p = p[:c.left+1]
	}
	n, err := c.f.Read(p)
	c.left -= int64(n)
	if c.left < 0 {
		return 0, fmt.Errorf("%s %v", c.name, &safefs.TooLargeError{Size: c.limit + 1, Limit: c.limit})
	}
	return n, err
}

func (c *capped) Close() error { return c.f.Close() }

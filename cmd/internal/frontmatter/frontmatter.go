// Package frontmatter splits a Markdown file into its TOML front matter,
// written between two lines that hold only "+++", and its body.
//
// In: the file's bytes. Out: the TOML block, the body, and the line
// offsets that turn a position inside each part into a line of the file.
// It is split by hand (not by a goldmark extension) so that the TOML is
// decoded strictly by BurntSushi/toml and every position stays right.
package frontmatter

import (
	"bytes"
	"errors"
)

// Doc is a split Markdown file.
type Doc struct {
	Front []byte // the TOML between the +++ lines
	Body  []byte // everything after the closing +++ line
	// FrontLine is the file line of Front's first line (2 when the file
	// starts with "+++"); BodyLine that of Body's first line.
	FrontLine, BodyLine int
}

// Errors returned by Split, each at a line of the file (Error.Line).
var (
	ErrNoOpening = errors.New(`the file must start with a line "+++" that opens the TOML front matter`)
	ErrNoClosing = errors.New(`the front matter is not closed by a line "+++"`)
)

// Error is a split error at a line.
type Error struct {
	Line int
	Err  error
}

func (e *Error) Error() string { return e.Err.Error() }
func (e *Error) Unwrap() error { return e.Err }

// Split separates front matter and body. A UTF-8 byte order mark and
// Windows line endings are accepted; trailing blanks on the +++ lines too.
func Split(src []byte) (Doc, error) {
	src = bytes.TrimPrefix(src, []byte("\xef\xbb\xbf"))
	first, _, n := cutLineAt(src, 0)
	rest := src[n:]
	if !isFence(first) {
		return Doc{}, &Error{Line: 1, Err: ErrNoOpening}
	}
	line := 2
	off := 0
	for off < len(rest) {
		l, _, n := cutLineAt(rest, off)
		if isFence(l) {
			return Doc{
				Front:     rest[:off],
				Body:      rest[off+n:],
				FrontLine: 2,
				BodyLine:  line + 1,
			}, nil
		}
		off += n
		line++
	}
	return Doc{}, &Error{Line: 1, Err: ErrNoClosing}
}

func isFence(l []byte) bool {
	return string(bytes.TrimRight(l, " \t\r")) == "+++"
}

// cutLineAt returns the line starting at off, whether it ended in a
// newline, and the number of bytes it takes including the newline.
func cutLineAt(b []byte, off int) (line []byte, nl bool, n int) {
	i := bytes.IndexByte(b[off:], '\n')
	if i < 0 {
		return b[off:], false, len(b) - off
	}
	return b[off : off+i], true, i + 1
}

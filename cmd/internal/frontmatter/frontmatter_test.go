package frontmatter

import (
	"bytes"
	"errors"
	"testing"
)

func TestSplit(t *testing.T) {
	tests := []struct {
		name, src, front, body string
		bodyLine               int
		err                    error
	}{
		{"basic", "+++\nname = \"x\"\n+++\nHello\n", "name = \"x\"\n", "Hello\n", 4, nil},
		{"crlf", "+++\r\nname = 1\r\n+++\r\nBody", "name = 1\r\n", "Body", 4, nil},
		{"bom", "\xef\xbb\xbf+++\na = 1\n+++\n", "a = 1\n", "", 4, nil},
		{"empty front", "+++\n+++\nbody", "", "body", 3, nil},
		{"no body newline", "+++\na = 1\n+++", "a = 1\n", "", 4, nil},
		{"plus in string", "+++\na = \"+++\"\n+++\nb", "a = \"+++\"\n", "b", 4, nil},
		{"trailing blanks", "+++  \na = 1\n+++ \t\nb", "a = 1\n", "b", 4, nil},
		{"no opening", "name = 1\n+++\n", "", "", 0, ErrNoOpening},
		{"empty", "", "", "", 0, ErrNoOpening},
		{"no closing", "+++\na = 1\n", "", "", 0, ErrNoClosing},
		{"yaml", "---\na: 1\n---\n", "", "", 0, ErrNoOpening},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := Split([]byte(tt.src))
			if !errors.Is(err, tt.err) {
				t.Fatalf("err = %v, want %v", err, tt.err)
			}
			if err != nil {
				return
			}
			if string(d.Front) != tt.front || string(d.Body) != tt.body || d.BodyLine != tt.bodyLine || d.FrontLine != 2 {
				t.Errorf("got front %q body %q bodyLine %d", d.Front, d.Body, d.BodyLine)
			}
		})
	}
}

func FuzzSplit(f *testing.F) {
	f.Add([]byte("+++\nname = \"x\"\n+++\nHello\n"))
	f.Add([]byte("+++\r\n+++\r\n"))
	f.Add([]byte("+++"))
	f.Fuzz(func(t *testing.T, src []byte) {
		d, err := Split(src)
		if err != nil {
			var e *Error
			if !errors.As(err, &e) || e.Line < 1 {
				t.Fatalf("error without a line: %v", err)
			}
			return
		}
		if !bytes.Contains(src, d.Front) || !bytes.HasSuffix(src, d.Body) {
			t.Fatal("parts are not taken from the input")
		}
		if got := 1 + bytes.Count(d.Front, []byte("\n")) + 1 + 1; d.BodyLine != got {
			t.Fatalf("BodyLine = %d, want %d", d.BodyLine, got)
		}
	})
}

package svg

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"

	"rsc.io/qr/coding"
)

var (
	moves = regexp.MustCompile(`([Mm])(\d+) (\d+)(?:\.5)?h(\d+)`)
	box   = regexp.MustCompile(`viewBox="0 0 (\d+) (\d+)"`)
)

// modules reads a QR SVG's path back into its dark modules, quiet zone
// removed.
func modules(t testing.TB, svg string) (size int, dark map[[2]int]bool) {
	t.Helper()
	m := box.FindStringSubmatch(svg)
	if m == nil {
		t.Fatalf("no viewBox in %s", svg)
	}
	size, _ = strconv.Atoi(m[1])
	size -= 8
	dark = map[[2]int]bool{}
	x, y := 0, 0
	for _, mv := range moves.FindAllStringSubmatch(svg, -1) {
		a, _ := strconv.Atoi(mv[2])
		b, _ := strconv.Atoi(mv[3])
		n, _ := strconv.Atoi(mv[4])
		if mv[1] == "M" {
			x, y = a-4, b-4
		} else {
			x += a
		}
		for range n {
			dark[[2]int{x, y}] = true
			x++
		}
	}
	return size, dark
}

// library is rsc.io/qr's own encoding of text as bytes (qr.Encode would
// pick a denser mode for digits), in the smallest version it fits, with
// mask 0, as QR draws it.
func library(text string) (*coding.Code, error) {
	enc := coding.String(text)
	for v := coding.Version(coding.MinVersion); v <= coding.MaxVersion; v++ {
		if enc.Bits(v) <= v.DataBytes(coding.M)*8 {
			p, err := coding.NewPlan(v, coding.M, 0)
			if err != nil {
				return nil, err
			}
			return p.Encode(enc)
		}
	}
	return nil, fmt.Errorf("too long")
}

// sameAsLibrary fails unless QR(text) draws exactly the modules of
// rsc.io/qr's own Plan.Encode.
func sameAsLibrary(t testing.TB, text string) {
	want, err := library(text)
	if err != nil {
		if _, err := QR(text); err == nil {
			t.Fatalf("%q: the library refuses it (%v), QR does not", text, err)
		}
		return
	}
	got, err := QR(text)
	if err != nil {
		t.Fatalf("%q: %v", text, err)
	}
	size, dark := modules(t, got)
	if size != want.Size {
		t.Fatalf("%q: %d modules wide, want %d", text, size, want.Size)
	}
	for y := range want.Size {
		for x := range want.Size {
			if dark[[2]int{x, y}] != want.Black(x, y) {
				t.Fatalf("%q: module (%d, %d) dark %v, want %v", text, x, y, dark[[2]int{x, y}], want.Black(x, y))
			}
		}
	}
}

// The compiled plan draws the same modules as rsc.io/qr's own Encode, at
// every size from one module version to the next and past the largest.
func TestQRMatchesLibrary(t *testing.T) {
	texts := []string{"https://partners.northwind.example/verify/7K3M-9Q2P-XW4T/", "x", "", strings.Repeat("https://a.example/", 8), "é ü <&> \x00\xff"}
	for n := 1; n < 3000; n += 37 {
		texts = append(texts, strings.Repeat("z", n))
	}
	for _, text := range texts {
		sameAsLibrary(t, text)
	}
}

// Codes drawn at once on many goroutines are each the library's.
func TestQRConcurrent(t *testing.T) {
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 200 {
				text := fmt.Sprintf("https://partners.example/verify/%d-%d/", g, i)
				want, _ := QR(text)
				if got, _ := QR(text); got != want {
					t.Errorf("%q: two different codes", text)
					return
				}
				sameAsLibrary(t, text)
			}
		})
	}
	wg.Wait()
}

func FuzzQR(f *testing.F) {
	f.Add("https://partners.northwind.example/verify/7K3M-9Q2P-XW4T/")
	f.Add("")
	f.Add(strings.Repeat("0123456789", 40))
	f.Fuzz(func(t *testing.T, text string) {
		if len(text) > 3000 {
			return
		}
		sameAsLibrary(t, text)
	})
}

func BenchmarkQR(b *testing.B) {
	for b.Loop() {
		QR("https://partners.northwind.example/verify/7K3M-9Q2P-XW4T/")
	}
}

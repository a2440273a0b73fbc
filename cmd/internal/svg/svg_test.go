package svg

import (
	"regexp"
	"strconv"
	"strings"
	"testing"

	"rsc.io/qr"
)

var runs = regexp.MustCompile(`h(\d+)`)

// The cached plan gives the same modules as rsc.io/qr's own Encode.
func TestQRMatchesLibrary(t *testing.T) {
	for _, text := range []string{"https://partners.northwind.example/verify/7K3M-9Q2P-XW4T/", "x", strings.Repeat("https://a.example/", 8)} {
		want, err := qr.Encode(text, qr.M)
		if err != nil {
			t.Fatal(err)
		}
		got, err := QR(text)
		if err != nil {
			t.Fatal(err)
		}
		dark := 0
		for _, m := range runs.FindAllStringSubmatch(got, -1) {
			n, _ := strconv.Atoi(m[1])
			dark += n
		}
		wantDark := 0
		for y := 0; y < want.Size; y++ {
			for x := 0; x < want.Size; x++ {
				if want.Black(x, y) {
					wantDark++
				}
			}
		}
		if dark != wantDark {
			t.Errorf("%q: %d dark modules, want %d", text, dark, wantDark)
		}
	}
}

func TestBadgeEscapes(t *testing.T) {
	s := BadgeSVG(Badge{Issuer: "A&B", Name: "<script>", Level: "Foundation", ID: "X"})
	if strings.Contains(s, "<script>") || !strings.Contains(s, "&lt;script&gt;") {
		t.Errorf("badge not escaped: %s", s)
	}
}

func BenchmarkQR(b *testing.B) {
	for b.Loop() {
		QR("https://partners.northwind.example/verify/7K3M-9Q2P-XW4T/")
	}
}

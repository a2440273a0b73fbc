package badge

import (
	"bytes"
	"encoding/xml"
	"flag"
	"image"
	"image/png"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/image/font"
	"golang.org/x/image/font/opentype"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// designs are the names the tests draw: the example program's, and the
// ones that must wrap, shrink or be cut.
var designs = []struct {
	name string
	d    PNGDesign
}{
	{"short", PNGDesign{Design{"Northwind", "Certified Marketing Advocate", "Associate"}, "Marketing", "partners.northwind.example"}},
	{"long", PNGDesign{Design{"Northwind", "Certified Technical Professional", "Professional"}, "Technical", "partners.northwind.example"}},
	{"longer", PNGDesign{Design{"Northwind Traders International", "Certified Cloud Infrastructure and Security Operations Architect", "Expert"}, "Cloud Infrastructure", "partners.northwind.example"}},
	{"endless", PNGDesign{Design{strings.Repeat("Issuer ", 12), strings.Repeat("Supercalifragilistic ", 12) + "Pneumonoultramicroscopicsilicovolcanoconiosis", strings.Repeat("Level ", 10)}, "Track", "example.com"}},
	{"hostile", PNGDesign{Design{`A&B "Co" <x>`, "</text><script>alert(1)</script>\x00\x1b", "Ünïcødé Grüße"}, "T", ""}},
}

func golden(t *testing.T, name string, got []byte) []byte {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		os.MkdirAll("testdata", 0o755)
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return got
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (go test -update writes it)", err)
	}
	return want
}

func TestSVGGolden(t *testing.T) {
	for _, tc := range designs {
		t.Run(tc.name, func(t *testing.T) {
			got := AppendSVG(nil, Credential{Design: tc.d.Design, Issued: "1 March 2025", Expires: "1 March 2027", ID: "GPMS-7VMY-E8VW"})
			if want := golden(t, tc.name+".svg", got); !bytes.Equal(got, want) {
				t.Errorf("%s differs from testdata/%s.svg (go test -update rewrites it):\n%s", tc.name, tc.name, got)
			}
			// Well-formed XML, whatever the names hold.
			dec := xml.NewDecoder(bytes.NewReader(got))
			for {
				_, err := dec.Token()
				if err == io.EOF {
					break
				}
				if err != nil {
					t.Fatalf("not well-formed: %v\n%s", err, got)
				}
			}
			if bytes.Contains(got, []byte("<script")) || bytes.Contains(got, []byte("class=")) || bytes.Contains(got, []byte("style")) {
				t.Errorf("the SVG has a script, a class or a style:\n%s", got)
			}
		})
	}
}

// Every line of the SVG badge, as measured with the Go fonts' advance
// widths, stays inside the badge's text area; a name wraps to at most
// three lines and loses no word that fits.
func TestSVGLinesStayInside(t *testing.T) {
	for _, tc := range designs {
		l := SVGLayout(tc.d.Design)
		lines := append([]Line{l.Issuer, l.Level}, l.Name...)
		if len(l.Name) < 1 || len(l.Name) > 3 {
			t.Errorf("%s: the name takes %d lines", tc.name, len(l.Name))
		}
		for _, ln := range lines {
			if ln.Width > svgWrap+0.01 {
				t.Errorf("%s: %q is %.1f px wide, the badge has room for %d", tc.name, ln.Text, ln.Width, svgText)
			}
			if ln.Y > svgH-50 {
				t.Errorf("%s: %q runs into the dates (baseline %.0f)", tc.name, ln.Text, ln.Y)
			}
		}
	}
	// The example's longest name, clipped once ("Certified Technical
	// Professiona"), wraps to two lines at full size.
	l := SVGLayout(designs[1].d.Design)
	if l.NameSize != 20 || len(l.Name) != 2 || l.Name[0].Text != "Certified Technical" || l.Name[1].Text != "Professional" {
		t.Errorf("Certified Technical Professional: %+v at %v px", l.Name, l.NameSize)
	}
}

func TestFit(t *testing.T) {
	for _, tc := range []struct {
		s        string
		width    float64
		maxLines int
		want     []string
		size     float64
	}{
		{"Certified Sales Expert", 320, 3, []string{"Certified Sales Expert"}, 20},
		{"Certified Technical Professional", 280, 3, []string{"Certified Technical", "Professional"}, 20},
		{"Certified Technical Professional", 280, 1, []string{"Certified Technical Professional"}, 18},
		{"", 320, 3, []string{""}, 20},
		{"   spaced    out   ", 320, 3, []string{"spaced out"}, 20},
		{"Supercalifragilisticexpialidocious", 100, 3, []string{"Supercalifr", "agilisticexp", "ialidocious"}, 18},
		{"Supercalifragilisticexpialidocious", 60, 2, []string{"Superc", "alifra…"}, 16},
	} {
		got, size := Fit(Text{S: tc.s, Metrics: Bold(), Size: 20, MinSize: 16, Width: tc.width, MaxLines: tc.maxLines})
		if strings.Join(got, "|") != strings.Join(tc.want, "|") || size != tc.size {
			t.Errorf("Fit(%q, %v, %d) = %q at %v, want %q at %v", tc.s, tc.width, tc.maxLines, got, size, tc.want, tc.size)
		}
	}
}

// The metrics table agrees with the fonts' own faces, which the PNGs are
// drawn with: advance widths without kerning, at any size.
func TestMetricsMatchFace(t *testing.T) {
	for _, m := range []*Metrics{Regular(), Bold()} {
		f := m.f
		face, err := opentype.NewFace(f, &opentype.FaceOptions{Size: 1000, DPI: 72, Hinting: font.HintingNone})
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range []string{"Certified Technical Professional", "ÄÖÜ ß ğ Ł", "漢字", "W", "→ ✓"} {
			var want float64
			for _, r := range s {
				a, _ := face.GlyphAdvance(r)
				want += float64(a) / 64
			}
			if got := m.Width(s, 1000, 0); abs(got-want) > 1*float64(utf8.RuneCountInString(s)) {
				t.Errorf("Width(%q) = %.1f, the face says %.1f", s, got, want)
			}
		}
	}
}

func abs(x float64) float64 { return max(x, -x) }

// The PNGs' lines, measured by the face they are drawn with (kerning
// included), stay within their room.
func TestPNGLinesStayInside(t *testing.T) {
	for _, tc := range designs {
		for _, room := range []struct {
			size, min, width float64
			lines            int
		}{{60, 40, OGWidth - 80 - 530, 3}, {38, 26, SquareSize - 72, 4}} {
			lines, size := Fit(Text{S: tc.d.Name, Metrics: Bold(), Size: room.size, MinSize: room.min, Width: room.width, MaxLines: room.lines})
			f, _ := fonts()
			face, _ := opentype.NewFace(f.bold, &opentype.FaceOptions{Size: size, DPI: 72, Hinting: font.HintingNone})
			for _, l := range lines {
				if w := float64(font.MeasureString(face, l)) / 64; w > room.width {
					t.Errorf("%s: %q is %.1f px wide in the PNG, room %.0f", tc.name, l, w, room.width)
				}
			}
		}
	}
}

func TestPNG(t *testing.T) {
	for _, tc := range designs {
		for kind, draw := range map[string]func(PNGDesign) ([]byte, error){"og": OGPNG, "square": SquarePNG} {
			t.Run(tc.name+"-"+kind, func(t *testing.T) {
				a, err := draw(tc.d)
				if err != nil {
					t.Fatal(err)
				}
				b, _ := draw(tc.d)
				if !bytes.Equal(a, b) {
					t.Fatal("two drawings of the same design differ")
				}
				img, err := png.Decode(bytes.NewReader(a))
				if err != nil {
					t.Fatal(err)
				}
				want := map[string]image.Point{"og": {OGWidth, OGHeight}, "square": {SquareSize, SquareSize}}[kind]
				if img.Bounds().Size() != want {
					t.Errorf("size %v, want %v", img.Bounds().Size(), want)
				}
				if tc.name == "endless" || tc.name == "hostile" {
					return // drawn for the checks above; no golden image
				}
				// Compared by pixels, not bytes: another zlib may compress
				// the same image differently, and other CPUs may round an
				// edge's coverage differently by a step or two.
				wb := golden(t, tc.name+"-"+kind+".png", a)
				wimg, err := png.Decode(bytes.NewReader(wb))
				if err != nil {
					t.Fatal(err)
				}
				if n := differ(img, wimg, 8); n > 0 {
					t.Errorf("%d pixels differ from testdata/%s-%s.png (go test -update rewrites it)", n, tc.name, kind)
				}
			})
		}
	}
}

// differ counts the pixels of a and b whose channels differ by more than tol.
func differ(a, b image.Image, tol uint32) int {
	if a.Bounds() != b.Bounds() {
		return a.Bounds().Dx() * a.Bounds().Dy()
	}
	n := 0
	r := a.Bounds()
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			ar, ag, ab, aa := a.At(x, y).RGBA()
			br, bg, bb, ba := b.At(x, y).RGBA()
			for _, d := range [][2]uint32{{ar, br}, {ag, bg}, {ab, bb}, {aa, ba}} {
				if max(d[0], d[1])-min(d[0], d[1]) > tol*257 {
					n++
					break
				}
			}
		}
	}
	return n
}

func FuzzFit(f *testing.F) {
	f.Add("Certified Technical Professional", 320.0, 3)
	f.Add("Supercalifragilisticexpialidocious", 40.0, 1)
	f.Fuzz(func(t *testing.T, s string, width float64, maxLines int) {
		if width < 30 || width > 2000 || maxLines < 1 || maxLines > 5 || len(s) > 500 {
			return
		}
		lines, size := Fit(Text{S: s, Metrics: Bold(), Size: 20, MinSize: 16, Width: width, MaxLines: maxLines})
		if len(lines) > maxLines || size < 16 {
			t.Fatalf("%d lines at %v", len(lines), size)
		}
		for _, l := range lines {
			// A single rune may be wider than a tiny width; anything
			// longer must fit.
			if utf8.RuneCountInString(l) > 2 && Bold().Width(l, size, 0) > width {
				t.Fatalf("%q is wider than %v", l, width)
			}
		}
	})
}

func BenchmarkAppendSVG(b *testing.B) {
	c := Credential{Design: designs[1].d.Design, Issued: "1 March 2025", Expires: "1 March 2027", ID: "GPMS-7VMY-E8VW"}
	buf := make([]byte, 0, 4096)
	b.ReportAllocs()
	for b.Loop() {
		buf = AppendSVG(buf[:0], c)
	}
}

func BenchmarkOGPNG(b *testing.B) {
	for b.Loop() {
		if _, err := OGPNG(designs[1].d); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkSquarePNG(b *testing.B) {
	for b.Loop() {
		if _, err := SquarePNG(designs[1].d); err != nil {
			b.Fatal(err)
		}
	}
}

// Whatever the names hold, the SVG is well-formed XML and no line of it
// is measured wider than its room.
func FuzzSVG(f *testing.F) {
	f.Add("Northwind", "Certified Technical Professional", "Professional", "GPMS-7VMY-E8VW")
	f.Add("A&B", "</text><script>", "\x00\xff\xfe", "]]>")
	f.Fuzz(func(t *testing.T, issuer, name, level, id string) {
		if len(issuer)+len(name)+len(level)+len(id) > 600 {
			return
		}
		d := Design{Issuer: issuer, Name: name, Level: level}
		b := AppendSVG(nil, Credential{Design: d, Issued: "1 March 2025", Expires: "1 March 2027", ID: id})
		dec := xml.NewDecoder(bytes.NewReader(b))
		for {
			_, err := dec.Token()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatalf("not well-formed: %v\n%s", err, b)
			}
		}
		l := SVGLayout(d)
		for _, ln := range append([]Line{l.Issuer, l.Level}, l.Name...) {
			if utf8.RuneCountInString(ln.Text) > 2 && ln.Width > svgWrap+0.01 {
				t.Fatalf("%q is %.1f px wide", ln.Text, ln.Width)
			}
		}
	})
}

package badge

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"strings"
	"sync"

	"golang.org/x/image/font"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"
	"golang.org/x/image/vector"
)

// Sizes of the PNGs.
const (
	OGWidth, OGHeight = 1200, 630 // a link preview's (og:image, twitter:card summary_large_image)
	SquareSize        = 400       // an e-mail signature's, shown at 100 to 120 CSS pixels
)

var (
	brand   = color.RGBA{0x0b, 0x3d, 0x5c, 0xff}
	gold    = color.RGBA{0xe0, 0xa5, 0x26, 0xff}
	white   = color.RGBA{0xff, 0xff, 0xff, 0xff}
	paleInk = color.RGBA{0xcf, 0xe3, 0xef, 0xff}
)

// PNGDesign is a design as the PNGs show it: the badge's texts, and the
// site's host, where any credential can be verified.
type PNGDesign struct {
	Design
	Track string // the track's name: "Technical"
	Site  string // "partners.northwind.example"
}

// OGPNG draws d's link preview image, OGWidth by OGHeight: a medallion
// with the level, and the issuer, the certification's name (wrapped to
// at most three lines) and its level and track.
func OGPNG(d PNGDesign) ([]byte, error) {
	c, err := newCanvas(OGWidth, OGHeight)
	if err != nil {
		return nil, err
	}
	c.fill(brand)
	c.roundRect(24, 24, OGWidth-24, OGHeight-24, 28, gold)
	c.roundRect(30, 30, OGWidth-30, OGHeight-30, 22, brand)
	c.medallion(300, 315, 170, d.Level)

	const x, right = 530, OGWidth - 80
	room := float64(right - x)
	issuer, isz := Fit(Text{S: strings.ToUpper(d.Issuer), Metrics: Bold(), Size: 30, MinSize: 20, Width: room, MaxLines: 1})
	c.text(issuer[0], x, 150, c.bold, isz, gold)
	name, nsz := Fit(Text{S: d.Name, Metrics: Bold(), Size: 60, MinSize: 40, Width: room, MaxLines: 3})
	y := 150 + 90.0
	for i, s := range name {
		if i > 0 {
			y += nsz * 1.15
		}
		c.text(s, x, y, c.bold, nsz, white)
	}
	sub := d.Level + " level"
	if d.Track != "" {
		sub += " · " + d.Track + " track"
	}
	subl, ssz := Fit(Text{S: sub, Metrics: Regular(), Size: 32, MinSize: 22, Width: room, MaxLines: 1})
	c.text(subl[0], x, y+60, c.regular, ssz, paleInk)
	if d.Site != "" {
		site, sz := Fit(Text{S: "Verify at " + d.Site, Metrics: Regular(), Size: 26, MinSize: 18, Width: room, MaxLines: 1})
		c.text(site[0], x, OGHeight-80, c.regular, sz, paleInk)
	}
	return c.png()
}

// SquarePNG draws d's square image, SquareSize wide, for e-mail
// signatures: the issuer, the name (at most four lines) and the level.
func SquarePNG(d PNGDesign) ([]byte, error) {
	const s = SquareSize
	c, err := newCanvas(s, s)
	if err != nil {
		return nil, err
	}
	c.fill(color.RGBA{})
	c.roundRect(0, 0, s, s, 36, gold)
	c.roundRect(8, 8, s-8, s-8, 30, brand)
	const x = 36
	room := float64(s - 2*x)
	issuer, isz := Fit(Text{S: strings.ToUpper(d.Issuer), Metrics: Bold(), Size: 22, MinSize: 14, Width: room, MaxLines: 1})
	c.text(issuer[0], x, 70, c.bold, isz, gold)
	name, nsz := Fit(Text{S: d.Name, Metrics: Bold(), Size: 38, MinSize: 26, Width: room, MaxLines: 4})
	y := 70 + 62.0
	for i, l := range name {
		if i > 0 {
			y += nsz * 1.15
		}
		c.text(l, x, y, c.bold, nsz, white)
	}
	lvl, lsz := Fit(Text{S: d.Level + " level", Metrics: Regular(), Size: 24, MinSize: 16, Width: room, MaxLines: 1})
	c.text(lvl[0], x, s-44, c.regular, lsz, paleInk)
	c.check(s-70, s-62, 22)
	return c.png()
}

// canvas is an image being drawn, with the Go fonts.
type canvas struct {
	img           *image.RGBA
	z             *vector.Rasterizer
	at            image.Rectangle // the pixels of the shape being drawn
	regular, bold *sfnt.Font
	faces         map[faceKey]font.Face
}

type faceKey struct {
	f    *sfnt.Font
	size float64
}

type fontPair struct{ regular, bold *sfnt.Font }

// fonts parses the embedded fonts once, on first use (every command links
// this package; only a build draws): the PNGs of every design share them
// (an sfnt.Font is safe for concurrent use; the faces made from it are
// not, and each canvas makes its own).
var fonts = sync.OnceValues(func() (fontPair, error) {
	regular, err := opentype.Parse(goregular.TTF)
	if err != nil {
		return fontPair{}, err
	}
	bold, err := opentype.Parse(gobold.TTF)
	return fontPair{regular, bold}, err
})

func newCanvas(w, h int) (*canvas, error) {
	f, err := fonts()
	if err != nil {
		return nil, fmt.Errorf("badge: the embedded Go fonts: %w", err)
	}
	// The rasterizer grows to each shape's bounds (begin).
	return &canvas{img: image.NewRGBA(image.Rect(0, 0, w, h)), z: vector.NewRasterizer(1, 1),
		regular: f.regular, bold: f.bold, faces: map[faceKey]font.Face{}}, nil
}

func (c *canvas) fill(col color.RGBA) {
	draw.Draw(c.img, c.img.Bounds(), image.NewUniform(col), image.Point{}, draw.Src)
}

// begin starts a shape within x0, y0, x1, y1: the rasterizer then
// covers those pixels alone, not the whole image (a rasterizer visits
// every pixel it covers).
func (c *canvas) begin(x0, y0, x1, y1 float32) {
	c.at = image.Rect(int(x0), int(y0), int(x1+1), int(y1+1)).Intersect(c.img.Bounds())
	c.z.Reset(c.at.Dx(), c.at.Dy())
}

func (c *canvas) moveTo(x, y float32) { c.z.MoveTo(x-float32(c.at.Min.X), y-float32(c.at.Min.Y)) }
func (c *canvas) lineTo(x, y float32) { c.z.LineTo(x-float32(c.at.Min.X), y-float32(c.at.Min.Y)) }
func (c *canvas) cubeTo(x1, y1, x2, y2, x, y float32) {
	ox, oy := float32(c.at.Min.X), float32(c.at.Min.Y)
	c.z.CubeTo(x1-ox, y1-oy, x2-ox, y2-oy, x-ox, y-oy)
}

// paint fills the shape's path with col.
func (c *canvas) paint(col color.RGBA) {
	c.z.ClosePath()
	c.z.DrawOp = draw.Over
	c.z.Draw(c.img, c.at, image.NewUniform(col), image.Point{})
}

// kappa places a cubic Bézier's control points to draw a quarter circle.
const kappa = 0.5522847

// roundRect fills a rectangle with corners of radius r. Its straight
// parts are whole pixels, filled directly; only the corners, quarter
// discs, go through the rasterizer, which would otherwise visit every
// pixel of the rectangle (three quarters of a build's drawing time).
// The corners are all of whole pixels too: x0, y0, x1, y1 and r must be
// integers.
func (c *canvas) roundRect(x0, y0, x1, y1, r float32, col color.RGBA) {
	u := image.NewUniform(col)
	rect := func(ax, ay, bx, by float32) {
		draw.Draw(c.img, image.Rect(int(ax), int(ay), int(bx), int(by)), u, image.Point{}, draw.Src)
	}
	rect(x0+r, y0, x1-r, y1)
	rect(x0, y0+r, x0+r, y1-r)
	rect(x1-r, y0+r, x1, y1-r)
	k := r * kappa
	corner := func(cx, cy, dx, dy float32) { // the corner's centre, and which way it points
		c.begin(min(cx, cx+dx*r), min(cy, cy+dy*r), max(cx, cx+dx*r), max(cy, cy+dy*r))
		c.moveTo(cx, cy)
		c.lineTo(cx+dx*r, cy)
		c.cubeTo(cx+dx*r, cy+dy*k, cx+dx*k, cy+dy*r, cx, cy+dy*r)
		c.paint(col)
	}
	corner(x0+r, y0+r, -1, -1)
	corner(x1-r, y0+r, 1, -1)
	corner(x0+r, y1-r, -1, 1)
	corner(x1-r, y1-r, 1, 1)
}

func (c *canvas) circle(cx, cy, r float32, col color.RGBA) {
	k := r * kappa
	c.begin(cx-r, cy-r, cx+r, cy+r)
	c.moveTo(cx+r, cy)
	c.cubeTo(cx+r, cy+k, cx+k, cy+r, cx, cy+r)
	c.cubeTo(cx-k, cy+r, cx-r, cy+k, cx-r, cy)
	c.cubeTo(cx-r, cy-k, cx-k, cy-r, cx, cy-r)
	c.cubeTo(cx+k, cy-r, cx+r, cy-k, cx+r, cy)
	c.paint(col)
}

// check draws a gold disc with a white check mark, r in radius.
func (c *canvas) check(cx, cy, r float32) {
	c.circle(cx, cy, r, gold)
	u := r / 10
	c.begin(cx-r, cy-r, cx+r, cy+r)
	c.moveTo(cx-5.5*u, cy+0.2*u)
	c.lineTo(cx-3.3*u, cy-2*u)
	c.lineTo(cx-1.2*u, cy+0.1*u)
	c.lineTo(cx+4.2*u, cy-5.3*u)
	c.lineTo(cx+6.4*u, cy-3.1*u)
	c.lineTo(cx-1.2*u, cy+4.5*u)
	c.paint(brand)
}

// medallion draws a gold-rimmed disc with "CERTIFIED", the level's name
// (two lines at most) and a check mark.
func (c *canvas) medallion(cx, cy, r float32, level string) {
	c.circle(cx, cy, r, gold)
	c.circle(cx, cy, r-14, brand)
	c.circle(cx, cy, r-22, gold)
	c.circle(cx, cy, r-26, brand)
	c.centered("CERTIFIED", float64(cx), float64(cy)-62, c.bold, 24, gold)
	room := float64(2 * (r - 50))
	lines, sz := Fit(Text{S: level, Metrics: Bold(), Size: 44, MinSize: 26, Width: room, MaxLines: 2})
	y := float64(cy) + 4
	if len(lines) == 2 {
		y -= sz * 0.55
	}
	for i, l := range lines {
		c.centered(l, float64(cx), y+float64(i)*sz*1.1, c.bold, sz, white)
	}
	c.check(cx, cy+r-66, 24)
}

func (c *canvas) face(f *sfnt.Font, size float64) font.Face {
	k := faceKey{f, size}
	if fc, ok := c.faces[k]; ok {
		return fc
	}
	fc, err := opentype.NewFace(f, &opentype.FaceOptions{Size: size, DPI: 72, Hinting: font.HintingNone})
	if err != nil {
		// Only for a size outside what a font may be drawn at: the sizes
		// here are constants and Fit's results between them.
		panic("badge: " + err.Error())
	}
	c.faces[k] = fc
	return fc
}

// text draws s with its baseline's left end at (x, y).
func (c *canvas) text(s string, x, y float64, f *sfnt.Font, size float64, col color.RGBA) {
	d := font.Drawer{Dst: c.img, Src: image.NewUniform(col), Face: c.face(f, size),
		Dot: fixed.Point26_6{X: fixed.Int26_6(x * 64), Y: fixed.Int26_6(y * 64)}}
	d.DrawString(s)
}

// centered draws s centred on cx.
func (c *canvas) centered(s string, cx, y float64, f *sfnt.Font, size float64, col color.RGBA) {
	w := font.MeasureString(c.face(f, size), s)
	c.text(s, cx-float64(w)/128, y, f, size, col)
}

func (c *canvas) png() ([]byte, error) {
	var b bytes.Buffer
	// The encoder writes the same bytes for the same image. Best
	// compression took seven times as long (200 ms for a link preview
	// image) for 3 % fewer bytes.
	enc := png.Encoder{CompressionLevel: png.DefaultCompression}
	if err := enc.Encode(&b, c.img); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

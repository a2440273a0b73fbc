package badge

import (
	"math"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"
)

// Design is what every badge of one certification shows.
type Design struct {
	Issuer string // the program's issuer: "Northwind"
	Name   string // the certification: "Certified Technical Professional"
	Level  string // the level's name: "Professional"
}

// Credential is one credential's badge: its design, dates and id.
type Credential struct {
	Design
	Issued, Expires string // as the page writes them: "15 September 2026"
	ID              string
}

// The SVG badge's size and layout, in its own pixels.
const (
	svgW, svgH = 360, 220
	svgPad     = 20
	svgText    = svgW - 2*svgPad // the room of a line
	// Lines wrap at svgWrap, short of svgText: most fonts a viewer may
	// have are no wider than Go's by more than that, and draw the line
	// in their own shapes. A line measured wider than svgStretchAt
	// carries its width as textLength: a font even 1.25 times as wide as
	// Go's is then squeezed to that width and cannot push the line past
	// the badge's edge.
	svgWrap      = 280
	svgStretchAt = 256

	fontStack = `'Go','Helvetica Neue',Helvetica,Arial,sans-serif`
	monoStack = `'Go Mono',ui-monospace,Menlo,Consolas,monospace`
)

// heads caches the part of the SVG that depends on the design alone:
// 200,000 credentials share a few dozen designs, and wrapping a name
// measures it many times.
var heads sync.Map // Design -> []byte

// AppendSVG appends the standalone SVG of c's badge to b. The SVG needs
// no stylesheet: every colour, font and size is an attribute.
func AppendSVG(b []byte, c Credential) []byte {
	h, ok := heads.Load(c.Design)
	if !ok {
		h, _ = heads.LoadOrStore(c.Design, svgHead(c.Design))
	}
	b = append(b, h.([]byte)...)
	// A line each: dates written as people read them ("15 September
	// 2026") do not fit two to a line.
	b = append(b, `<text x="20" y="171" font-size="12">Issued `...)
	b = appendXML(b, c.Issued)
	if c.Expires != "" {
		b = append(b, `</text><text x="20" y="187" font-size="12">Expires `...)
		b = appendXML(b, c.Expires)
	}
	b = append(b, `</text><text x="20" y="205" font-size="12" fill="#cfe3ef" font-family="`...)
	b = append(b, monoStack...)
	b = append(b, `">ID `...)
	b = appendXML(b, c.ID)
	return append(b, "</text></g></svg>\n"...)
}

// SVG returns AppendSVG(nil, c) as a string.
func SVG(c Credential) string { return string(AppendSVG(nil, c)) }

// Layout is where the lines of a design's texts go on the SVG badge.
type Layout struct {
	Issuer     Line
	IssuerSize float64
	Name       []Line
	NameSize   float64
	Level      Line
	LevelSize  float64
}

// Line is one line of text: its text, baseline, measured width, and
// whether it carries that width as textLength.
type Line struct {
	Text    string
	Y       float64
	Width   float64
	Stretch bool
}

// SVGLayout lays out d on the SVG badge.
func SVGLayout(d Design) Layout {
	var l Layout
	issuer, isize := Fit(Text{S: strings.ToUpper(d.Issuer), Metrics: Bold(), Size: 13, MinSize: 10, LetterSpacing: 1, Width: svgWrap, MaxLines: 1})
	l.Issuer, l.IssuerSize = line(issuer[0], 34, Bold(), isize, 1), isize
	name, size := Fit(Text{S: d.Name, Metrics: Bold(), Size: 20, MinSize: 16, Width: svgWrap, MaxLines: 3})
	l.NameSize = size
	y := 70.0
	for i, s := range name {
		if i > 0 {
			y += math.Round(size * 1.2)
		}
		l.Name = append(l.Name, line(s, y, Bold(), size, 0))
	}
	level, lsize := Fit(Text{S: d.Level + " level", Metrics: Regular(), Size: 14, MinSize: 11, Width: svgWrap, MaxLines: 1})
	l.Level, l.LevelSize = line(level[0], y+28, Regular(), lsize, 0), lsize
	return l
}

func line(s string, y float64, m *Metrics, size, spacing float64) Line {
	w := m.Width(s, size, spacing)
	return Line{Text: s, Y: y, Width: w, Stretch: w > svgStretchAt}
}

func svgHead(d Design) []byte {
	l := SVGLayout(d)
	var b []byte
	b = append(b, `<svg xmlns="http://www.w3.org/2000/svg" width="360" height="220" viewBox="0 0 360 220" role="img" aria-labelledby="badge-title">`...)
	b = append(b, `<title id="badge-title">`...)
	b = appendXML(b, d.Name)
	b = append(b, ", "...)
	b = appendXML(b, d.Level)
	b = append(b, " level, issued by "...)
	b = appendXML(b, d.Issuer)
	b = append(b, `</title>`...)
	b = append(b, `<rect x="1" y="1" width="358" height="218" rx="14" fill="#0b3d5c" stroke="#e0a526" stroke-width="2"/>`...)
	b = append(b, `<g font-family="`...)
	b = append(b, fontStack...)
	b = append(b, `" fill="#fff">`...)
	b = appendText(b, l.Issuer, ` fill="#e0a526" font-size="`+num(l.IssuerSize)+`" font-weight="600" letter-spacing="1"`)
	b = append(b, `<text font-size="`...)
	b = appendNum(b, l.NameSize)
	b = append(b, `" font-weight="700">`...)
	for _, ln := range l.Name {
		b = append(b, `<tspan x="20" y="`...)
		b = appendNum(b, ln.Y)
		b = appendStretch(b, ln)
		b = append(b, '>')
		b = appendXML(b, ln.Text)
		b = append(b, `</tspan>`...)
	}
	b = append(b, `</text>`...)
	b = appendText(b, l.Level, ` font-size="`+num(l.LevelSize)+`" fill="#cfe3ef"`)
	return b
}

// appendText appends a <text> element of one line with attrs.
func appendText(b []byte, ln Line, attrs string) []byte {
	b = append(b, `<text x="20" y="`...)
	b = appendNum(b, ln.Y)
	b = appendStretch(b, ln)
	b = append(b, attrs...)
	b = append(b, '>')
	b = appendXML(b, ln.Text)
	return append(b, `</text>`...)
}

func appendStretch(b []byte, ln Line) []byte {
	if !ln.Stretch {
		return append(b, '"')
	}
	b = append(b, `" textLength="`...)
	b = appendNum(b, math.Round(ln.Width*10)/10)
	return append(b, `" lengthAdjust="spacingAndGlyphs"`...)
}

func num(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

func appendNum(b []byte, v float64) []byte {
	return strconv.AppendFloat(b, v, 'f', -1, 64)
}

// appendXML appends s escaped as XML character data or an attribute
// value, without the control characters XML 1.0 forbids (one would make
// the whole image unreadable).
func appendXML(b []byte, s string) []byte {
	for _, r := range s {
		switch {
		case r == '<':
			b = append(b, "&lt;"...)
		case r == '>':
			b = append(b, "&gt;"...)
		case r == '&':
			b = append(b, "&amp;"...)
		case r == '"':
			b = append(b, "&#34;"...)
		case r == '\'':
			b = append(b, "&#39;"...)
		case r < 0x20 && r != '\t' && r != '\n' && r != '\r', r == 0xfffe, r == 0xffff:
		case r < utf8.RuneSelf:
			b = append(b, byte(r))
		default:
			b = utf8.AppendRune(b, r)
		}
	}
	return b
}

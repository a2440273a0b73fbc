package badge

import (
	"strings"
	"sync"
	"unicode/utf8"

	"golang.org/x/image/font"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"
)

// Metrics are a font's advance widths, in the font's units. Widths of
// the runes most names use (below U+0250: Latin, Latin-1, Latin
// Extended-A and -B) come from a table built once; others are asked of
// the font. A Metrics is safe for concurrent use.
type Metrics struct {
	f     *sfnt.Font
	upem  float64
	table [0x250]uint16
	bufs  sync.Pool // *sfnt.Buffer
}

var (
	regularOnce, boldOnce sync.Once
	regular, bold         *Metrics
)

// Regular returns the metrics of Go Regular.
func Regular() *Metrics {
	regularOnce.Do(func() { regular = mustMetrics(goregular.TTF) })
	return regular
}

// Bold returns the metrics of Go Bold.
func Bold() *Metrics {
	boldOnce.Do(func() { bold = mustMetrics(gobold.TTF) })
	return bold
}

// mustMetrics parses an embedded font: it cannot fail but for a broken
// x/image module.
func mustMetrics(ttf []byte) *Metrics {
	f, err := sfnt.Parse(ttf)
	if err != nil {
		panic("badge: embedded Go font: " + err.Error())
	}
	m := &Metrics{f: f, upem: float64(f.UnitsPerEm())}
	m.bufs.New = func() any { return new(sfnt.Buffer) }
	for r := range rune(len(m.table)) {
		m.table[r] = m.advance(r)
	}
	return m
}

// advance is r's advance width in font units, asked of the font. A rune
// the font lacks gets the width of its missing-glyph box, as a renderer
// with that font draws it.
func (m *Metrics) advance(r rune) uint16 {
	buf := m.bufs.Get().(*sfnt.Buffer)
	defer m.bufs.Put(buf)
	i, err := m.f.GlyphIndex(buf, r)
	if err != nil {
		i = 0
	}
	// At a size of one unit per em pixel, the advance is in font units.
	a, err := m.f.GlyphAdvance(buf, i, fixed.I(int(m.upem)), font.HintingNone)
	if err != nil || a < 0 {
		return 0
	}
	return uint16((a + 32) >> 6)
}

// Width returns the width of s at size px (the em size), plus
// letterSpacing after each rune, as an SVG renderer with this font lays
// it out without kerning.
func (m *Metrics) Width(s string, size, letterSpacing float64) float64 {
	units, n := 0, 0
	for _, r := range s {
		if r >= 0 && r < rune(len(m.table)) {
			units += int(m.table[r])
		} else {
			units += int(m.advance(r))
		}
		n++
	}
	return float64(units)*size/m.upem + float64(n)*letterSpacing
}

// Text is a text to fit into a width.
type Text struct {
	S             string
	Metrics       *Metrics
	Size, MinSize float64 // the em size to use, and the least it may shrink to
	LetterSpacing float64
	Width         float64 // the room each line has
	MaxLines      int
}

// Fit wraps t.S into at most t.MaxLines lines no wider than t.Width: at
// t.Size if it fits, else at the largest size down to t.MinSize (in
// steps of one) that does, else at t.MinSize with the last line cut
// short with an ellipsis. A word wider than a line is broken between
// runes. It returns the lines and the size.
func Fit(t Text) ([]string, float64) {
	size := t.Size
	for {
		lines, ok := wrap(t, size)
		if ok {
			return lines, size
		}
		if size-1 < t.MinSize {
			return ellipsize(t, lines, size), size
		}
		size--
	}
}

// wrap fills lines greedily, word by word; ok is false when it needs
// more than t.MaxLines (lines then holds them all).
func wrap(t Text, size float64) (lines []string, ok bool) {
	space := t.Metrics.Width(" ", size, t.LetterSpacing)
	var line strings.Builder
	w := 0.0
	flush := func() {
		if line.Len() > 0 {
			lines = append(lines, line.String())
			line.Reset()
			w = 0
		}
	}
	for _, word := range strings.Fields(t.S) {
		ww := t.Metrics.Width(word, size, t.LetterSpacing)
		switch {
		case line.Len() > 0 && w+space+ww <= t.Width:
			line.WriteByte(' ')
			line.WriteString(word)
			w += space + ww
			continue
		case line.Len() > 0:
			flush()
		}
		if ww <= t.Width {
			line.WriteString(word)
			w = ww
			continue
		}
		// Too wide for any line: break it between runes.
		for _, r := range word {
			rw := t.Metrics.Width(string(r), size, t.LetterSpacing)
			if line.Len() > 0 && w+rw > t.Width {
				flush()
			}
			line.WriteRune(r)
			w += rw
		}
	}
	flush()
	if len(lines) == 0 {
		lines = []string{""}
	}
	return lines, len(lines) <= max(t.MaxLines, 1)
}

// ellipsize keeps the first MaxLines lines, the last of them with what
// followed it cut to fit with "…".
func ellipsize(t Text, lines []string, size float64) []string {
	n := max(t.MaxLines, 1)
	if len(lines) <= n {
		return lines
	}
	last := strings.Join(lines[n-1:], " ")
	for last != "" && t.Metrics.Width(last+"…", size, t.LetterSpacing) > t.Width {
		_, sz := utf8.DecodeLastRuneInString(last)
		last = strings.TrimRight(last[:len(last)-sz], " ")
	}
	return append(lines[:n-1:n-1], last+"…")
}

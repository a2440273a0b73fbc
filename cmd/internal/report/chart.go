package report

import (
	"fmt"
	"html"
	"math"
	"strconv"
	"strings"
)

// The report's charts are drawn here as plain SVG rather than with
// gonum.org/v1/plot: four chart kinds (bars, lines, horizontal bars,
// points) take less code than adapting a plotting library, the markup is
// small (text is real <text> in the page's font, where vgsvg draws glyphs
// and embeds fonts) and byte-stable for the golden file, and the module
// gains no dependency.

// series is one named row of values.
type series struct {
	Name   string
	Values []float64
}

// palette: distinguishable colors that keep a 3:1 contrast on white.
var palette = []string{"#1f5fa8", "#c2571a", "#2e7d32", "#7b3fa0", "#a8324a", "#5d6b00", "#00707a"}

const (
	chartW, chartH = 640, 260
	padL, padR     = 48, 12
	padT, padB     = 28, 44
)

// chart starts an SVG of the standard size with an accessible name.
func chart(b *strings.Builder, title string) {
	fmt.Fprintf(b, `<svg class="chart" viewBox="0 0 %d %d" role="img" aria-label="%s"><title>%s</title>`,
		chartW, chartH, html.EscapeString(title), html.EscapeString(title))
}

// niceMax rounds m up to 1, 2 or 5 times a power of ten (at least 1).
func niceMax(m float64) float64 {
	if m <= 1 {
		return 1
	}
	p := math.Pow(10, math.Floor(math.Log10(m)))
	for _, f := range []float64{1, 2, 5, 10} {
		if m <= f*p {
			return f * p
		}
	}
	return 10 * p
}

func fnum(f float64) string { return strconv.FormatFloat(math.Round(f*10)/10, 'f', -1, 64) }

// axes draws the value grid (0, half, top) and the category labels, and
// returns the plot area's x of each category's slot start and its width.
func axes(b *strings.Builder, labels []string, top float64, unit string) (x0, slot float64) {
	plotW := float64(chartW - padL - padR)
	plotH := float64(chartH - padT - padB)
	for _, f := range []float64{0, 0.5, 1} {
		y := float64(padT) + plotH*(1-f)
		fmt.Fprintf(b, `<line x1="%d" x2="%d" y1="%s" y2="%s" class="grid"/>`, padL, chartW-padR, fnum(y), fnum(y))
		fmt.Fprintf(b, `<text x="%d" y="%s" class="tick" text-anchor="end">%s%s</text>`, padL-4, fnum(y+4), fnum(top*f), unit)
	}
	slot = plotW / math.Max(1, float64(len(labels)))
	// Label every k-th category so that labels never overlap.
	k := int(math.Ceil(float64(len(labels)) * 48 / plotW))
	for i, l := range labels {
		if k > 1 && i%k != 0 {
			continue
		}
		fmt.Fprintf(b, `<text x="%s" y="%d" class="tick" text-anchor="middle">%s</text>`,
			fnum(float64(padL)+slot*(float64(i)+0.5)), chartH-padB+16, html.EscapeString(l))
	}
	return padL, slot
}

// legend names the series above the plot.
func legend(b *strings.Builder, ss []series) {
	x := padL
	for i, s := range ss {
		fmt.Fprintf(b, `<rect x="%d" y="8" width="10" height="10" fill="%s"/><text x="%d" y="17" class="tick">%s</text>`,
			x, palette[i%len(palette)], x+14, html.EscapeString(s.Name))
		x += 24 + 7*len([]rune(s.Name))
	}
}

// barChart draws one bar per label and series, side by side or stacked.
func barChart(title string, labels []string, ss []series, stacked bool) string {
	var b strings.Builder
	chart(&b, title)
	top := 0.0
	for i := range labels {
		sum := 0.0
		for _, s := range ss {
			if stacked {
				sum += s.Values[i]
			} else {
				top = math.Max(top, s.Values[i])
			}
		}
		top = math.Max(top, sum)
	}
	top = niceMax(top)
	x0, slot := axes(&b, labels, top, "")
	legend(&b, ss)
	plotH := float64(chartH - padT - padB)
	bw := slot * 0.8
	if !stacked {
		bw /= math.Max(1, float64(len(ss)))
	}
	for i, l := range labels {
		base := float64(padT) + plotH
		for j, s := range ss {
			v := s.Values[i]
			h := plotH * v / top
			x := x0 + slot*float64(i) + slot*0.1
			y := base - h
			if stacked {
				base -= h
			} else {
				x += bw * float64(j)
				y = float64(padT) + plotH - h
			}
			if v > 0 {
				fmt.Fprintf(&b, `<rect x="%s" y="%s" width="%s" height="%s" fill="%s"><title>%s, %s: %s</title></rect>`,
					fnum(x), fnum(y), fnum(bw), fnum(h), palette[j%len(palette)], html.EscapeString(l), html.EscapeString(s.Name), fnum(v))
			}
		}
	}
	b.WriteString("</svg>")
	return b.String()
}

// lineChart draws each series as a line with a point per label.
func lineChart(title string, labels []string, ss []series) string {
	var b strings.Builder
	chart(&b, title)
	top := 0.0
	for _, s := range ss {
		for _, v := range s.Values {
			top = math.Max(top, v)
		}
	}
	top = niceMax(top)
	x0, slot := axes(&b, labels, top, "")
	legend(&b, ss)
	plotH := float64(chartH - padT - padB)
	for j, s := range ss {
		var pts []string
		for i, v := range s.Values {
			pts = append(pts, fnum(x0+slot*(float64(i)+0.5))+","+fnum(float64(padT)+plotH*(1-v/top)))
		}
		fmt.Fprintf(&b, `<polyline fill="none" stroke="%s" stroke-width="2" points="%s"/>`, palette[j%len(palette)], strings.Join(pts, " "))
		for i, v := range s.Values {
			fmt.Fprintf(&b, `<circle cx="%s" cy="%s" r="3" fill="%s"><title>%s, %s: %s</title></circle>`,
				fnum(x0+slot*(float64(i)+0.5)), fnum(float64(padT)+plotH*(1-v/top)), palette[j%len(palette)],
				html.EscapeString(labels[i]), html.EscapeString(s.Name), fnum(v))
		}
	}
	b.WriteString("</svg>")
	return b.String()
}

// hbarChart draws one horizontal bar per label, values from 0 to top;
// a NaN value (nothing to measure) draws no bar and says so.
func hbarChart(title string, labels []string, values []float64, top float64, unit string) string {
	const rowH, labelW = 22, 180
	h := padT + rowH*len(labels) + 8
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="chart" viewBox="0 0 %d %d" role="img" aria-label="%s"><title>%s</title>`,
		chartW, h, html.EscapeString(title), html.EscapeString(title))
	plotW := float64(chartW - labelW - 60)
	for i, l := range labels {
		y := padT + rowH*i
		fmt.Fprintf(&b, `<text x="%d" y="%d" class="tick" text-anchor="end">%s</text>`, labelW-6, y+14, html.EscapeString(l))
		v := values[i]
		if math.IsNaN(v) {
			fmt.Fprintf(&b, `<text x="%d" y="%d" class="tick">no attempts</text>`, labelW+4, y+14)
			continue
		}
		w := plotW * v / top
		fmt.Fprintf(&b, `<rect x="%d" y="%d" width="%s" height="16" fill="%s"/><text x="%s" y="%d" class="tick">%s%s</text>`,
			labelW, y+2, fnum(w), palette[0], fnum(float64(labelW)+w+4), y+14, fnum(v), unit)
	}
	b.WriteString("</svg>")
	return b.String()
}

// scatterChart draws one point per pair (x, y), with its name on hover.
func scatterChart(title, xName, yName string, names []string, xs, ys []float64) string {
	var b strings.Builder
	chart(&b, title)
	xmax, ymax := 0.0, 0.0
	xmin, ymin := 0.0, 0.0
	for i := range xs {
		xmax, ymax = math.Max(xmax, xs[i]), math.Max(ymax, ys[i])
		xmin, ymin = math.Min(xmin, xs[i]), math.Min(ymin, ys[i])
	}
	xmax, ymax = niceMax(xmax), niceMax(ymax)
	if xmin < 0 {
		xmin = -niceMax(-xmin)
	}
	if ymin < 0 {
		ymin = -niceMax(-ymin)
	}
	plotW := float64(chartW - padL - padR)
	plotH := float64(chartH - padT - padB)
	px := func(v float64) float64 { return float64(padL) + plotW*(v-xmin)/(xmax-xmin) }
	py := func(v float64) float64 { return float64(padT) + plotH*(1-(v-ymin)/(ymax-ymin)) }
	for _, f := range []float64{0, 0.5, 1} {
		y := float64(padT) + plotH*(1-f)
		fmt.Fprintf(&b, `<line x1="%d" x2="%d" y1="%s" y2="%s" class="grid"/>`, padL, chartW-padR, fnum(y), fnum(y))
		fmt.Fprintf(&b, `<text x="%d" y="%s" class="tick" text-anchor="end">%s</text>`, padL-4, fnum(y+4), fnum(ymin+(ymax-ymin)*f))
		x := float64(padL) + plotW*f
		fmt.Fprintf(&b, `<text x="%s" y="%d" class="tick" text-anchor="middle">%s</text>`, fnum(x), chartH-padB+16, fnum(xmin+(xmax-xmin)*f))
	}
	fmt.Fprintf(&b, `<text x="%d" y="%d" class="tick" text-anchor="middle">%s</text>`, padL+int(plotW/2), chartH-8, html.EscapeString(xName))
	fmt.Fprintf(&b, `<text x="%d" y="18" class="tick">%s</text>`, padL, html.EscapeString(yName))
	for i := range xs {
		fmt.Fprintf(&b, `<circle cx="%s" cy="%s" r="4" fill="%s" fill-opacity="0.7"><title>%s: %s, %s</title></circle>`,
			fnum(px(xs[i])), fnum(py(ys[i])), palette[0], html.EscapeString(names[i]), fnum(xs[i]), fnum(ys[i]))
	}
	b.WriteString("</svg>")
	return b.String()
}

// Package svg draws the verification page's QR code and the credential's
// badge as small inline SVG.
//
// In: a URL, or a credential's name, level, issuer, dates and id. Out: SVG
// markup. The QR code comes from rsc.io/qr's coding package with a plan
// cached per version, so that a build of 200,000 pages does not rebuild
// the same plan 200,000 times; its path joins each row's dark runs.
package svg

import (
	"fmt"
	"html"
	"strconv"
	"strings"
	"sync"
	"unsafe"

	"rsc.io/qr/coding"
)

var plans sync.Map // coding.Version -> *coding.Plan

const level = coding.M // 15 % of the code may be damaged and still read

// QR returns an SVG of text as a QR code with a quiet zone of four modules.
func QR(text string) (string, error) {
	enc := coding.String(text)
	v := coding.Version(coding.MinVersion)
	for ; v <= coding.MaxVersion; v++ {
		if enc.Bits(v) <= v.DataBytes(level)*8 {
			break
		}
	}
	if v > coding.MaxVersion {
		return "", fmt.Errorf("text too long for a QR code")
	}
	p, ok := plans.Load(v)
	if !ok {
		np, err := coding.NewPlan(v, level, 0)
		if err != nil {
			return "", err
		}
		p, _ = plans.LoadOrStore(v, np)
	}
	code, err := p.(*coding.Plan).Encode(enc)
	if err != nil {
		return "", err
	}
	// Each row is a line one module thick; each dark run a stroke along it,
	// written with relative moves so the path stays short (about 2 KB).
	// Appended to a []byte that becomes the string without a copy: there
	// is a code on each of 200,000 pages.
	const quiet = 4
	size := code.Size + 2*quiet
	b := make([]byte, 0, 2600)
	b = fmt.Appendf(b, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d %d" class="qr" role="img" aria-label="QR code of %s" shape-rendering="crispEdges"><path stroke="#000" d="`,
		size, size, html.EscapeString(text))
	for y := 0; y < code.Size; y++ {
		row := code.Bitmap[y*code.Stride : (y+1)*code.Stride]
		black := func(x int) bool { return row[x>>3]&(0x80>>(x&7)) != 0 }
		x0 := 0 // x where the pen is, relative to the row start
		first := true
		for x := 0; x < code.Size; {
			if !black(x) {
				x++
				continue
			}
			start := x
			for x < code.Size && black(x) {
				x++
			}
			if first {
				b = append(b, 'M')
				b = append(b, decimal(start+quiet)...)
				b = append(b, ' ')
				b = append(b, decimal(y+quiet)...)
				b = append(b, ".5"...)
				first = false
			} else {
				b = append(b, 'm')
				b = append(b, decimal(start-x0)...)
				b = append(b, " 0"...)
			}
			b = append(b, 'h')
			b = append(b, decimal(x-start)...)
			x0 = x
		}
	}
	b = append(b, `"/></svg>`...)
	// b is not written again: its bytes become the string without a copy
	// (as strings.Builder does).
	return unsafe.String(unsafe.SliceData(b), len(b)), nil
}

// decimals are the numbers a QR code's path uses (a version 40 code is
// 177 modules wide), written out once.
var decimals = func() (d [256]string) {
	for i := range d {
		d[i] = strconv.Itoa(i)
	}
	return d
}()

func decimal(i int) string {
	if uint(i) < uint(len(decimals)) {
		return decimals[i]
	}
	return strconv.Itoa(i)
}

// Badge is what a credential's badge shows.
type Badge struct {
	Issuer, Name, Level, Issued, Expires, ID, Status string
}

// BadgeSVG draws a badge.
func BadgeSVG(bd Badge) string {
	e := html.EscapeString
	var b strings.Builder
	b.Grow(1200)
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 360 200" class="badge" role="img" aria-label="%s, %s level, issued by %s">`, e(bd.Name), e(bd.Level), e(bd.Issuer))
	// Colours and fonts come from the page's stylesheet (.badge rules):
	// the markup stays small, and no inline style is needed under a strict
	// Content-Security-Policy.
	b.WriteString(`<rect x="1" y="1" width="358" height="198" rx="14"/>`)
	fmt.Fprintf(&b, `<text x="20" y="34" class="b-issuer">%s</text>`, e(strings.ToUpper(bd.Issuer)))
	fmt.Fprintf(&b, `<text x="20" y="76" class="b-name">%s</text>`, e(bd.Name))
	fmt.Fprintf(&b, `<text x="20" y="102" class="b-sub">%s level</text>`, e(bd.Level))
	fmt.Fprintf(&b, `<text x="20" y="146" class="b-dates">Issued %s · Expires %s</text>`, e(bd.Issued), e(bd.Expires))
	fmt.Fprintf(&b, `<text x="20" y="176" class="b-id">ID %s</text>`, e(bd.ID))
	b.WriteString(`</svg>`)
	return b.String()
}

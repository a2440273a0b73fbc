// Package svg draws the verification page's QR code as small inline SVG
// (the badge is package badge's).
//
// In: a URL. Out: SVG markup. The QR code's bits and check bytes come from rsc.io/qr's coding
// package, and its modules from the library's plan of the version,
// compiled once per version into a fixed bitmap and the module of each
// data bit: a build draws 200,000 codes. Its path joins each row's dark
// runs.
package svg

import (
	"fmt"
	"html"
	"math/bits"
	"strconv"
	"sync"
	"unsafe"

	"rsc.io/qr/coding"
	"rsc.io/qr/gf256"
)

var plans sync.Map // coding.Version -> *plan

const level = coding.M // 15 % of the code may be damaged and still read

// A plan is rsc.io/qr's plan of one version, compiled for speed: the
// bitmap of every module that does not depend on the text (finder,
// timing and alignment patterns, format and version bits, the mask over
// the data area) and, for each bit of the data and check bytes, the
// module it lands on. Encoding a text then takes its bits, its
// Reed-Solomon check bytes, and one flip per set bit, where the
// library's Plan.Encode visits every module and makes a new
// Reed-Solomon encoder each time.
type plan struct {
	p *coding.Plan
	// rs holds Reed-Solomon encoders: one keeps a scratch buffer between
	// calls, so each goroutine needs its own.
	rs     sync.Pool
	size   int    // modules per side
	stride int    // bytes per bitmap row
	base   []byte // the bitmap of a code whose data bits are all 0
	at     []int  // bit index in the bitmap of data bit n
}

func newPlan(v coding.Version) (*plan, error) {
	p, err := coding.NewPlan(v, level, 0)
	if err != nil {
		return nil, err
	}
	size := len(p.Pixel)
	pl := &plan{p: p, size: size, stride: (size + 7) / 8}
	pl.rs.New = func() any { return gf256.NewRSEncoder(coding.Field, p.CheckBytes/p.Blocks) }
	pl.base = make([]byte, pl.stride*size)
	pl.at = make([]int, 8*(p.DataBytes+p.CheckBytes))
	for y, row := range p.Pixel {
		for x, pix := range row {
			bit := y*pl.stride*8 + x
			if pix&coding.Black != 0 {
				pl.base[bit>>3] |= 0x80 >> (bit & 7)
			}
			switch pix.Role() {
			case coding.Data, coding.Check:
				pl.at[pix.Offset()] = bit
			}
		}
	}
	return pl, nil
}

// encode returns the bitmap of text's code: stride bytes per row, the
// first module in a row's first byte's highest bit. It is the bitmap of
// rsc.io/qr's Plan.Encode (TestQRMatchesLibrary), with a tighter stride.
func (pl *plan) encode(enc coding.Encoding) []byte {
	var b coding.Bits
	enc.Encode(&b, pl.p.Version)
	// The data bytes, padded as the standard says, then each block's
	// check bytes, as coding.Bits.AddCheckBytes does.
	b.Pad(pl.p.DataBytes*8 - b.Bits())
	data := b.Bytes()
	check := make([]byte, pl.p.CheckBytes/pl.p.Blocks)
	db := pl.p.DataBytes / pl.p.Blocks
	extra := pl.p.DataBytes % pl.p.Blocks
	rs := pl.rs.Get().(*gf256.RSEncoder)
	for i := range pl.p.Blocks {
		if i == pl.p.Blocks-extra {
			db++
		}
		rs.ECC(data[:db], check)
		b.Append(check)
		data = data[db:]
	}
	pl.rs.Put(rs)
	bitmap := make([]byte, len(pl.base))
	copy(bitmap, pl.base)
	for i, c := range b.Bytes() {
		for c != 0 {
			k := bits.LeadingZeros8(c)
			bit := pl.at[i*8+k]
			bitmap[bit>>3] ^= 0x80 >> (bit & 7)
			c &^= 0x80 >> k
		}
	}
	return bitmap
}

// QR returns an SVG of text as a QR code with a quiet zone of four modules.
func QR(text string) (string, error) {
	b, err := AppendQR(make([]byte, 0, 2600), text)
	if err != nil {
		return "", err
	}
	// b is not written again: its bytes become the string without a copy
	// (as strings.Builder does).
	return unsafe.String(unsafe.SliceData(b), len(b)), nil
}

// AppendQR appends QR(text) to b: a build draws its 200,000 codes into
// a few reused buffers.
func AppendQR(b []byte, text string) ([]byte, error) {
	enc := coding.String(text)
	v := coding.Version(coding.MinVersion)
	for ; v <= coding.MaxVersion; v++ {
		if enc.Bits(v) <= v.DataBytes(level)*8 {
			break
		}
	}
	if v > coding.MaxVersion {
		return b, fmt.Errorf("text too long for a QR code")
	}
	pl, ok := plans.Load(v)
	if !ok {
		np, err := newPlan(v)
		if err != nil {
			return b, err
		}
		pl, _ = plans.LoadOrStore(v, np)
	}
	p := pl.(*plan)
	bitmap := p.encode(enc)
	// Each row is a line one module thick; each dark run a stroke along it,
	// written with relative moves so the path stays short (about 2 KB).
	const quiet = 4
	size := p.size + 2*quiet
	b = append(b, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 `...)
	b = appendInt(b, size)
	b = append(b, ' ')
	b = appendInt(b, size)
	b = append(b, `" class="qr" role="img" aria-label="QR code of `...)
	b = append(b, html.EscapeString(text)...)
	b = append(b, `" shape-rendering="crispEdges"><path stroke="#000" d="`...)
	for y := range p.size {
		row := bitmap[y*p.stride : (y+1)*p.stride]
		x0 := 0 // x where the pen is, relative to the row start
		first := true
		for x := 0; ; {
			start := next(row, x, 0)
			if start >= p.size {
				break
			}
			x = min(next(row, start, 0xff), p.size)
			if first {
				b = append(b, 'M')
				b = appendInt(b, start+quiet)
				b = append(b, ' ')
				b = appendInt(b, y+quiet)
				b = append(b, ".5"...)
				first = false
			} else {
				b = append(b, 'm')
				b = appendInt(b, start-x0)
				b = append(b, " 0"...)
			}
			b = append(b, 'h')
			b = appendInt(b, x-start)
			x0 = x
		}
	}
	return append(b, `"/></svg>`...), nil
}

// next returns the first module at or after x in row that is dark (flip
// 0) or light (flip 0xff), or len(row)*8 when there is none. Modules past
// the code's edge are light.
func next(row []byte, x int, flip byte) int {
	i := x >> 3
	if i >= len(row) {
		return len(row) * 8
	}
	c := (row[i] ^ flip) & (0xff >> (x & 7))
	for c == 0 {
		i++
		if i == len(row) {
			return len(row) * 8
		}
		c = row[i] ^ flip
	}
	return i*8 + bits.LeadingZeros8(c)
}

// appendInt appends i in decimal: the numbers of a QR code's path are
// mostly one or two digits (a version 40 code is 177 modules wide), and
// a byte or two appended directly costs less than a call to copy them.
func appendInt(b []byte, i int) []byte {
	switch {
	case uint(i) < 10:
		return append(b, byte('0'+i))
	case uint(i) < 100:
		return append(b, byte('0'+i/10), byte('0'+i%10))
	}
	return strconv.AppendInt(b, int64(i), 10)
}

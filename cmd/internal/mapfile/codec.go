package mapfile

import (
	"bufio"
	"encoding/binary"
)

// Encoder writes the varints and length-prefixed strings the caches are
// made of.
type Encoder struct {
	W   *bufio.Writer
	buf [binary.MaxVarintLen64]byte
}

func (e *Encoder) Int(v int64)   { e.W.Write(binary.AppendVarint(e.buf[:0], v)) }
func (e *Encoder) Uint(v uint64) { e.W.Write(binary.AppendUvarint(e.buf[:0], v)) }
func (e *Encoder) Str(s string) {
	e.Uint(uint64(len(s)))
	e.W.WriteString(s)
}

func (e *Encoder) Strs(ss []string) {
	e.Uint(uint64(len(ss)))
	for _, s := range ss {
		e.Str(s)
	}
}

// Decoder reads what Encoder wrote from one string (ReadString's): every
// string it returns is a substring. Anything malformed sets Bad and
// reads zeros from there on.
type Decoder struct {
	S   string
	Bad bool
}

// Int reads a signed varint: zig-zag over Uint, as binary.Varint.
func (d *Decoder) Int() int64 {
	u := d.Uint()
	v := int64(u >> 1)
	if u&1 != 0 {
		v = ^v
	}
	return v
}

func (d *Decoder) Uint() uint64 {
	v, n := binary.Uvarint([]byte(d.S[:min(len(d.S), binary.MaxVarintLen64)]))
	if n <= 0 {
		d.Bad, d.S = true, ""
		return 0
	}
	d.S = d.S[n:]
	return v
}

// Count reads a number of items to come, each at least a byte long: a
// damaged count cannot ask for more than the file holds.
func (d *Decoder) Count() int {
	n := d.Uint()
	if n > uint64(len(d.S)) {
		d.Bad, d.S = true, ""
		return 0
	}
	return int(n)
}

// Raw reads the next n bytes.
func (d *Decoder) Raw(n int) string {
	if n > len(d.S) {
		d.Bad, d.S = true, ""
		return ""
	}
	s := d.S[:n]
	d.S = d.S[n:]
	return s
}

func (d *Decoder) Str() string { return d.Raw(d.Count()) }

// Strs reads what Encoder.Strs wrote; nil for none.
func (d *Decoder) Strs() []string {
	n := d.Count()
	if n == 0 {
		return nil
	}
	ss := make([]string, 0, n)
	for ; n > 0 && !d.Bad; n-- {
		ss = append(ss, d.Str())
	}
	return ss
}

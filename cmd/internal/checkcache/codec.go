package checkcache

import (
	"bufio"
	"encoding/binary"

	"github.com/accredit/accredit/cmd/internal/diag"
)

// encoder writes varints and length-prefixed strings.
type encoder struct {
	w   *bufio.Writer
	buf [binary.MaxVarintLen64]byte
}

func (e *encoder) int(v int64)   { e.w.Write(binary.AppendVarint(e.buf[:0], v)) }
func (e *encoder) uint(v uint64) { e.w.Write(binary.AppendUvarint(e.buf[:0], v)) }
func (e *encoder) str(s string) {
	e.uint(uint64(len(s)))
	e.w.WriteString(s)
}

func (e *encoder) strs(ss []string) {
	e.uint(uint64(len(ss)))
	for _, s := range ss {
		e.str(s)
	}
}

// decoder reads what encoder wrote from one string; every string it
// returns is a substring. Anything malformed sets bad and reads zeros.
type decoder struct {
	s   string
	bad bool
}

// int reads a signed varint: zig-zag over uint, as binary.Varint.
func (d *decoder) int() int64 {
	u := d.uint()
	v := int64(u >> 1)
	if u&1 != 0 {
		v = ^v
	}
	return v
}

func (d *decoder) uint() uint64 {
	v, n := binary.Uvarint([]byte(d.s[:min(len(d.s), binary.MaxVarintLen64)]))
	if n <= 0 {
		d.bad, d.s = true, ""
		return 0
	}
	d.s = d.s[n:]
	return v
}

// count reads a number of items to come, each at least a byte long: a
// damaged count cannot ask for more than the file holds.
func (d *decoder) count() int {
	n := d.uint()
	if n > uint64(len(d.s)) {
		d.bad, d.s = true, ""
		return 0
	}
	return int(n)
}

func (d *decoder) str() string {
	n := d.uint()
	if n > uint64(len(d.s)) {
		d.bad, d.s = true, ""
		return ""
	}
	s := d.s[:n]
	d.s = d.s[n:]
	return s
}

// strs reads what encoder.strs wrote; nil for none.
func (d *decoder) strs() []string {
	n := d.count()
	if n == 0 {
		return nil
	}
	ss := make([]string, 0, n)
	for ; n > 0 && !d.bad; n-- {
		ss = append(ss, d.str())
	}
	return ss
}

func (e *encoder) diags(ds []diag.Diagnostic) {
	e.uint(uint64(len(ds)))
	for _, d := range ds {
		e.str(d.File)
		e.int(int64(d.Line))
		e.int(int64(d.Col))
		e.int(int64(d.Severity))
		e.str(d.Rule)
		e.str(d.Msg)
		e.str(d.Cause)
	}
}

func (d *decoder) diags() []diag.Diagnostic {
	n := d.count()
	ds := make([]diag.Diagnostic, 0, n)
	for ; n > 0 && !d.bad; n-- {
		ds = append(ds, diag.Diagnostic{File: d.str(), Line: int(d.int()), Col: int(d.int()),
			Severity: diag.Severity(d.int()), Rule: d.str(), Msg: d.str(), Cause: d.str()})
	}
	return ds
}

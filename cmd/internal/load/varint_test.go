package load

import (
	"encoding/binary"
	"math"
	"testing"
)

// TestDecIntMatchesVarint: dec.int reads what binary.AppendVarint wrote,
// and refuses what binary.Varint refuses (truncated, overlong), leaving
// the rest of the input where binary.Varint would.
func TestDecIntMatchesVarint(t *testing.T) {
	var inputs [][]byte
	for _, v := range []int64{0, 1, -1, 63, -64, 64, 300, -300, 1 << 20, math.MaxInt32, math.MinInt32, math.MaxInt64, math.MinInt64} {
		b := binary.AppendVarint(nil, v)
		inputs = append(inputs, b, append(b, 7), b[:len(b)-1])
	}
	inputs = append(inputs, nil, []byte{0x80}, []byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02},
		[]byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01, 9}, []byte{0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01})
	for _, in := range inputs {
		want, n := binary.Varint(in)
		d := &dec{s: string(in)}
		got := d.int()
		if n <= 0 {
			if !d.bad {
				t.Errorf("% x: read %d, binary.Varint refuses it", in, got)
			}
			continue
		}
		if d.bad || int64(got) != want || d.s != string(in[n:]) {
			t.Errorf("% x: got %d (bad %v, rest % x), binary.Varint %d (rest % x)", in, got, d.bad, d.s, want, in[n:])
		}
	}
}

func FuzzDecInt(f *testing.F) {
	f.Add([]byte{0x80, 0x01})
	f.Fuzz(func(t *testing.T, in []byte) {
		want, n := binary.Varint(in)
		d := &dec{s: string(in)}
		got := d.int()
		if (n <= 0) != d.bad || (n > 0 && (int64(got) != want || d.s != string(in[n:]))) {
			t.Fatalf("% x: got %d bad %v; binary.Varint %d, %d", in, got, d.bad, want, n)
		}
	})
}

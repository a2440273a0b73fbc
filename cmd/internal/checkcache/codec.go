package checkcache

import (
	"github.com/accredit/accredit/cmd/internal/diag"
	"github.com/accredit/accredit/cmd/internal/mapfile"
)

func encodeDiags(e *mapfile.Encoder, ds []diag.Diagnostic) {
	e.Uint(uint64(len(ds)))
	for _, d := range ds {
		e.Str(d.File)
		e.Int(int64(d.Line))
		e.Int(int64(d.Col))
		e.Int(int64(d.Severity))
		e.Str(d.Rule)
		e.Str(d.Msg)
		e.Str(d.Cause)
	}
}

func decodeDiags(d *mapfile.Decoder) []diag.Diagnostic {
	n := d.Count()
	ds := make([]diag.Diagnostic, 0, n)
	for ; n > 0 && !d.Bad; n-- {
		ds = append(ds, diag.Diagnostic{File: d.Str(), Line: int(d.Int()), Col: int(d.Int()),
			Severity: diag.Severity(d.Int()), Rule: d.Str(), Msg: d.Str(), Cause: d.Str()})
	}
	return ds
}

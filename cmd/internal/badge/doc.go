// Package badge draws a certification's badge: the standalone SVG of
// each credential (verify/<ID>/badge.svg) and one PNG per certification
// design (badges/<track>-<level>.png for link previews,
// badges/<track>-<level>-square.png for e-mail signatures).
//
// In: what a badge shows (issuer, certification and level names, and for
// a credential its dates and id; never its holder: the PNGs are shared by
// every holder of a certification, and the SVG is a picture of the
// certification with the id that leads to the page). Out: SVG and PNG
// bytes, the same bytes for the same input.
//
// Long names wrap. Line widths are measured with the advance widths of
// the Go fonts (golang.org/x/image/font/gofont), which the PNGs are drawn
// with; an SVG cannot make a viewer use a font, so each SVG line that
// comes near the badge's edge carries its measured width as textLength,
// which makes any font the viewer picks fit that width exactly.
package badge

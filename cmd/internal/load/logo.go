package load

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"image/png"
	"io"
	"strings"

	"github.com/accredit/accredit/cmd/internal/program"
)

// A partner's logo, partners/<id>/logo.svg or logo.png, is published as
// it is and shown on the partner's card and page (documented in
// content/docs/format.md). Its caps:
const (
	// LogoMaxBytes caps the file: a logo drawn for a card needs far
	// less, and 10,000 partners' logos are kept in memory by a build.
	LogoMaxBytes = 100 << 10
	// LogoMaxPixels caps a PNG's width and height: cards show it 48
	// pixels high, partner pages 96; four times that covers any screen.
	LogoMaxPixels = 1024
)

// LogoNames are the file names of a logo, one format each.
var LogoNames = []string{"logo.svg", "logo.png"}

// logo checks a logo file's bytes and returns the logo, or nil with the
// problems reported.
func (f *file) logo(data []byte, name string) *program.Logo {
	lg := &program.Logo{File: name, Data: data}
	if strings.HasSuffix(name, ".png") {
		cfg, err := png.DecodeConfig(bytes.NewReader(data))
		if err != nil {
			f.add(f.rel, 1, 1, "invalid-value", "%s is not a PNG image: %v", name, err)
			return nil
		}
		if cfg.Width > LogoMaxPixels || cfg.Height > LogoMaxPixels {
			f.add(f.rel, 1, 1, "invalid-value", "%s is %d×%d pixels: a logo may be at most %d×%d; scale it down", name, cfg.Width, cfg.Height, LogoMaxPixels, LogoMaxPixels)
			return nil
		}
		// The whole image, not just its header: a logo that does not
		// decode would show as a broken image on every card.
		if _, err := png.Decode(bytes.NewReader(data)); err != nil {
			f.add(f.rel, 1, 1, "invalid-value", "%s is not a whole PNG image: %v", name, err)
			return nil
		}
		lg.Width, lg.Height = cfg.Width, cfg.Height
		return lg
	}
	if line, col, err := checkSVG(data); err != nil {
		f.add(f.rel, line, col, "invalid-value", "%s: %v", name, err)
		return nil
	}
	return lg
}

// svgElements are the elements a logo may use: shapes, text, paint
// servers, clipping and grouping. Nothing that runs (script, handlers,
// animation that could set a link), embeds (foreignObject, image) or
// reaches outside the file.
var svgElements = map[string]bool{
	"svg": true, "g": true, "defs": true, "symbol": true, "use": true, "title": true, "desc": true, "metadata": true,
	"path": true, "rect": true, "circle": true, "ellipse": true, "line": true, "polyline": true, "polygon": true,
	"text": true, "tspan": true, "textPath": true,
	"linearGradient": true, "radialGradient": true, "stop": true, "pattern": true,
	"clipPath": true, "mask": true, "style": true,
	"filter": true, "feGaussianBlur": true, "feOffset": true, "feBlend": true, "feFlood": true, "feComposite": true,
	"feColorMatrix": true, "feMerge": true, "feMergeNode": true,
}

const svgNS = "http://www.w3.org/2000/svg"

// checkSVG refuses an SVG logo that is not well-formed, or holds anything
// beyond a picture: a DOCTYPE (entities), a processing instruction other
// than the XML declaration, an element outside svgElements or outside
// the SVG namespace (editors' own, such as Inkscape's: export as plain
// SVG), an event handler attribute, a link (href) anywhere but to an
// element of the file itself ("#id"), or a url() or @import in a style
// that is not such a link. It refuses, never cleans: a logo published is
// the file as reviewed. It returns the line and column of the problem.
func checkSVG(data []byte) (line, col int, err error) {
	d := xml.NewDecoder(bytes.NewReader(data))
	d.Strict = true
	depth, root := 0, false
	inStyle := false
	fail := func(format string, args ...any) (int, int, error) {
		l, c := d.InputPos()
		return l, c, fmt.Errorf(format, args...)
	}
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			l, c := d.InputPos()
			var se *xml.SyntaxError
			if errors.As(err, &se) {
				return se.Line, 1, fmt.Errorf("not well-formed XML: %s", se.Msg)
			}
			return l, c, fmt.Errorf("not well-formed XML: %v", err)
		}
		switch t := tok.(type) {
		case xml.Directive:
			return fail("a DOCTYPE or other <!...> declaration is not allowed in a logo")
		case xml.ProcInst:
			if t.Target != "xml" {
				return fail("the processing instruction <?%s?> is not allowed in a logo", t.Target)
			}
		case xml.StartElement:
			if depth == 0 {
				if root {
					return fail("a logo has one root element")
				}
				if t.Name.Local != "svg" {
					return fail("the root element is <%s>, not <svg>", t.Name.Local)
				}
				root = true
			}
			depth++
			if t.Name.Space != svgNS || !svgElements[t.Name.Local] {
				return fail("<%s> is not allowed in a logo (allowed: shapes, text, gradients, patterns, clip paths, masks, filters, style; no script, foreignObject, image, animation or editor elements)", qname(t.Name))
			}
			inStyle = t.Name.Local == "style"
			for _, a := range t.Attr {
				name := strings.ToLower(a.Name.Local)
				switch {
				case a.Name.Space == "xmlns" || a.Name.Space == "" && name == "xmlns":
					// namespace declarations
				case strings.HasPrefix(name, "on"):
					return fail("the event handler %s= is not allowed in a logo", a.Name.Local)
				case name == "href":
					if !strings.HasPrefix(strings.TrimSpace(a.Value), "#") {
						return fail("%s=%q links outside the logo: only links to its own elements (\"#id\") are allowed", qname(a.Name), a.Value)
					}
				default:
					if msg := styleProblem(a.Value); msg != "" {
						return fail("attribute %s: %s", qname(a.Name), msg)
					}
				}
			}
		case xml.EndElement:
			depth--
			inStyle = false
		case xml.CharData:
			if inStyle {
				if msg := styleProblem(string(t)); msg != "" {
					return fail("<style>: %s", msg)
				}
			}
		}
	}
	if !root {
		return 1, 1, errors.New("no <svg> element")
	}
	return 0, 0, nil
}

// styleProblem says what in a style (or any attribute value) reaches
// outside the file or runs: @import, a url() other than url(#id), a
// javascript: URL; "" when nothing does.
func styleProblem(v string) string {
	low := strings.ToLower(v)
	if strings.Contains(low, "@import") {
		return "@import is not allowed in a logo"
	}
	if strings.Contains(low, "javascript:") {
		return "a javascript: URL is not allowed in a logo"
	}
	for rest := low; ; {
		i := strings.Index(rest, "url(")
		if i < 0 {
			break
		}
		rest = strings.TrimLeft(rest[i+4:], " \t\r\n\"'")
		if !strings.HasPrefix(rest, "#") {
			return "url() may only point to the logo's own elements, url(#id)"
		}
	}
	return ""
}

func qname(n xml.Name) string {
	if n.Space == "" || n.Space == svgNS {
		return n.Local
	}
	return n.Space + ":" + n.Local
}

package load

import (
	"bytes"
	"encoding/xml"
	"image"
	"image/color"
	"image/png"
	"strings"
	"testing"
)

func pngOf(t testing.TB, w, h int) string {
	t.Helper()
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	img.Set(0, 0, color.NRGBA{R: 200, A: 255})
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

const okSVG = `<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" viewBox="0 0 10 10">
<defs><linearGradient id="g"><stop offset="0" stop-color="#000"/></linearGradient><path id="p" d="M0 0h1"/></defs>
<style>.a { fill: url(#g); }</style>
<rect width="10" height="10" fill="url( '#g' )" class="a"/><use xlink:href="#p"/><use href="#p"/>
</svg>`

// TestLogo: a partner's logo.svg or logo.png is read into its Logo when
// it is a picture and nothing more, within the caps; anything else is
// one error at the file (and line, for an SVG), and no logo.
func TestLogo(t *testing.T) {
	for _, tc := range []struct {
		name, file, data string
		want             string // "" for a logo read; else a part of the one error
		line             int
	}{
		{"svg", "logo.svg", okSVG, "", 0},
		{"png", "logo.png", pngOf(t, 300, 100), "", 0},
		{"png too many pixels", "logo.png", pngOf(t, 1025, 10), "1025×10 pixels: a logo may be at most 1024×1024", 1},
		{"png not png", "logo.png", "GIF89a...", "is not a PNG image", 1},
		{"png cut short", "logo.png", pngOf(t, 64, 64)[:60], "PNG", 1},
		{"too large", "logo.svg", `<svg xmlns="http://www.w3.org/2000/svg"><!--` + strings.Repeat("x", 101<<10) + `--></svg>`, "a partner logo may hold at most 100 KB", 1},
		{"script", "logo.svg", "<svg xmlns=\"http://www.w3.org/2000/svg\">\n<script>alert(1)</script></svg>", "<script> is not allowed", 2},
		{"foreignObject", "logo.svg", `<svg xmlns="http://www.w3.org/2000/svg"><foreignObject><p>x</p></foreignObject></svg>`, "<foreignObject> is not allowed", 1},
		{"image", "logo.svg", `<svg xmlns="http://www.w3.org/2000/svg"><image href="https://x.test/a.png"/></svg>`, "<image> is not allowed", 1},
		{"animation", "logo.svg", `<svg xmlns="http://www.w3.org/2000/svg"><set attributeName="href" to="javascript:alert(1)"/></svg>`, "<set> is not allowed", 1},
		{"handler", "logo.svg", `<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>`, "event handler onload=", 1},
		{"handler upper case", "logo.svg", `<svg xmlns="http://www.w3.org/2000/svg"><rect ONCLICK="x"/></svg>`, "event handler ONCLICK=", 1},
		{"external use", "logo.svg", `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"><use xlink:href="https://x.test/s.svg#a"/></svg>`, "links outside the logo", 1},
		{"data href", "logo.svg", `<svg xmlns="http://www.w3.org/2000/svg"><use href="data:image/svg+xml,abc"/></svg>`, "links outside the logo", 1},
		{"external url in attribute", "logo.svg", `<svg xmlns="http://www.w3.org/2000/svg"><rect fill="url(https://x.test/f.svg#g)"/></svg>`, "url() may only point", 1},
		{"external url in style", "logo.svg", "<svg xmlns=\"http://www.w3.org/2000/svg\"><style>\nrect { fill: url( \"https://x.test/\" ) }</style></svg>", "url() may only point", 2},
		{"import", "logo.svg", `<svg xmlns="http://www.w3.org/2000/svg"><style>@import "https://x.test/a.css";</style></svg>`, "@import is not allowed", 1},
		{"javascript url", "logo.svg", `<svg xmlns="http://www.w3.org/2000/svg"><a href="#x"><rect style="behavior: JavaScript:x"/></a></svg>`, "<a> is not allowed", 1},
		{"doctype", "logo.svg", `<!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]><svg xmlns="http://www.w3.org/2000/svg">&x;</svg>`, "DOCTYPE", 1},
		{"processing instruction", "logo.svg", `<?xml-stylesheet href="https://x.test/a.css"?><svg xmlns="http://www.w3.org/2000/svg"/>`, "<?xml-stylesheet?>", 1},
		{"editor element", "logo.svg", `<svg xmlns="http://www.w3.org/2000/svg" xmlns:sodipodi="http://sodipodi.sourceforge.net/DTD/sodipodi-0.dtd"><sodipodi:namedview/></svg>`, "sodipodi-0.dtd:namedview> is not allowed", 1},
		{"no namespace", "logo.svg", `<svg><rect/></svg>`, "<svg> is not allowed", 1},
		{"html root", "logo.svg", `<html xmlns="http://www.w3.org/2000/svg"/>`, "the root element is <html>", 1},
		{"not xml", "logo.svg", "<svg xmlns=\"http://www.w3.org/2000/svg\">\n<rect></svg>", "not well-formed XML", 2},
		{"empty", "logo.svg", "", "no <svg> element", 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			root := base(t)
			put(t, root, "partners/acme/"+tc.file, tc.data)
			p, ds, err := Load(root)
			if err != nil {
				t.Fatal(err)
			}
			lg := p.Partner("acme").Logo
			if tc.want == "" {
				if len(ds) != 0 || lg == nil || lg.File != tc.file || string(lg.Data) != tc.data {
					t.Fatalf("diagnostics %v, logo %v: want the logo read", ds, lg)
				}
				return
			}
			if len(ds) != 1 || ds[0].File != "partners/acme/"+tc.file || !strings.Contains(ds[0].Msg, tc.want) || ds[0].Line != tc.line {
				t.Fatalf("diagnostics = %v, want one at %s:%d: %s", ds, tc.file, tc.line, tc.want)
			}
			if lg != nil {
				t.Error("a refused logo was read")
			}
		})
	}
	t.Run("two logos", func(t *testing.T) {
		root := base(t)
		put(t, root, "partners/acme/logo.svg", okSVG)
		put(t, root, "partners/acme/logo.png", pngOf(t, 10, 10))
		_, ds, err := Load(root)
		if err != nil {
			t.Fatal(err)
		}
		if len(ds) != 1 || !strings.Contains(ds[0].Msg, "a partner has one logo") {
			t.Fatalf("diagnostics = %v, want one: a partner has one logo", ds)
		}
	})
}

// FuzzCheckSVG: whatever the bytes, checkSVG answers without panicking,
// and in what it accepts, read again by a lenient decoder, no element
// is a script, foreignObject or image and no attribute is a handler or
// links outside.
func FuzzCheckSVG(f *testing.F) {
	f.Add([]byte(okSVG))
	f.Add([]byte(`<svg xmlns="http://www.w3.org/2000/svg" onload="x"/>`))
	f.Add([]byte(`<svg xmlns="http://www.w3.org/2000/svg"><style>a{b:url(x)}</style></svg>`))
	f.Fuzz(func(t *testing.T, data []byte) {
		if _, _, err := checkSVG(data); err != nil {
			return
		}
		d := xml.NewDecoder(bytes.NewReader(data))
		d.Strict = false
		for {
			tok, err := d.Token()
			if err != nil {
				return
			}
			el, ok := tok.(xml.StartElement)
			if !ok {
				continue
			}
			switch strings.ToLower(el.Name.Local) {
			case "script", "foreignobject", "image", "iframe", "set", "animate":
				t.Fatalf("accepted <%s>: %q", el.Name.Local, data)
			}
			for _, a := range el.Attr {
				n := strings.ToLower(a.Name.Local)
				if strings.HasPrefix(n, "on") || n == "href" && !strings.HasPrefix(strings.TrimSpace(a.Value), "#") {
					t.Fatalf("accepted the attribute %s=%q: %q", a.Name.Local, a.Value, data)
				}
			}
		}
	})
}

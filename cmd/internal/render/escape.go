package render

// The escapers of html/template that the fast executor (exec.go) calls
// directly. The code is Go's own, from src/html/template (html.go,
// url.go, content.go of Go 1.26), Copyright 2011 The Go Authors, under
// the BSD-style license of the Go source tree. Each returns ok=false for
// an input it does not handle exactly as html/template does (HTML inside
// an attribute, which html/template strips of its tags; JavaScript
// values other than template.JS): the page then renders on
// html/template. FuzzEscapers and TestExecutor compare them with
// html/template.

import (
	"fmt"
	"html/template"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"
)

const filterFailsafe = "ZgotmplZ"

type contentType uint8

const (
	contentTypePlain contentType = iota
	contentTypeCSS
	contentTypeHTML
	contentTypeHTMLAttr
	contentTypeJS
	contentTypeJSStr
	contentTypeURL
	contentTypeSrcset
	contentTypeJSValue    // a template.JS value itself
	contentTypeJSStrValue // a template.JSStr value itself
)

// escapers maps each escaper's name to its code, which takes the
// stringified value and its content type (see stringifyValue) and
// returns the escaped text, or ok=false.
var escapers = map[string]func(s string, t contentType) (string, bool){
	"_html_template_htmlescaper": func(s string, t contentType) (string, bool) {
		if t == contentTypeHTML {
			return s, true
		}
		return htmlReplacer(s, htmlReplacementTable, true), true
	},
	"_html_template_attrescaper": func(s string, t contentType) (string, bool) {
		if t == contentTypeHTML {
			return "", false // html/template strips the tags
		}
		return htmlReplacer(s, htmlReplacementTable, true), true
	},
	"_html_template_rcdataescaper": func(s string, t contentType) (string, bool) {
		if t == contentTypeHTML {
			return htmlReplacer(s, htmlNormReplacementTable, true), true
		}
		return htmlReplacer(s, htmlReplacementTable, true), true
	},
	"_html_template_nospaceescaper": func(s string, t contentType) (string, bool) {
		if s == "" {
			return filterFailsafe, true
		}
		if t == contentTypeHTML {
			return "", false
		}
		return htmlReplacer(s, htmlNospaceReplacementTable, false), true
	},
	"_html_template_htmlnamefilter": func(s string, t contentType) (string, bool) {
		if t == contentTypeHTMLAttr {
			return s, true
		}
		if s == "" {
			return filterFailsafe, true
		}
		return "", false // html/template knows the attribute types
	},
	"_html_template_commentescaper": func(string, contentType) (string, bool) { return "", true },
	"_html_template_urlfilter": func(s string, t contentType) (string, bool) {
		if t == contentTypeURL {
			return s, true
		}
		if !isSafeURL(s) {
			return "#" + filterFailsafe, true
		}
		return s, true
	},
	"_html_template_urlnormalizer": func(s string, t contentType) (string, bool) { return urlProcessor(true, s, t), true },
	"_html_template_urlescaper":    func(s string, t contentType) (string, bool) { return urlProcessor(false, s, t), true },
	"_html_template_jsvalescaper": func(s string, t contentType) (string, bool) {
		// Only what stringifyValue marks as JavaScript itself: a
		// template.JS or template.JSStr value, not behind a pointer
		// (html/template's indirection differs here).
		switch t {
		case contentTypeJSValue:
			return s, true
		case contentTypeJSStrValue:
			return `"` + s + `"`, true
		}
		return "", false // JSON encoding: html/template's
	},
}

var (
	stringType   = reflect.TypeFor[string]()
	htmlType     = reflect.TypeFor[template.HTML]()
	htmlAttrType = reflect.TypeFor[template.HTMLAttr]()
	jsType       = reflect.TypeFor[template.JS]()
	jsStrType    = reflect.TypeFor[template.JSStr]()
	urlType      = reflect.TypeFor[template.URL]()
)

// stringifyValue is stringify for a reflect.Value, without boxing the
// common types. The JavaScript types get their own content types, which
// only the JavaScript escaper tells from contentTypeJS and JSStr.
func stringifyValue(v reflect.Value) (string, contentType) {
	if !v.IsValid() {
		return "", contentTypePlain
	}
	switch v.Type() {
	case stringType:
		return v.String(), contentTypePlain
	case htmlType:
		return v.String(), contentTypeHTML
	case htmlAttrType:
		return v.String(), contentTypeHTMLAttr
	case urlType:
		return v.String(), contentTypeURL
	case jsType:
		return v.String(), contentTypeJSValue
	case jsStrType:
		return v.String(), contentTypeJSStrValue
	}
	// What fmt.Sprint would print, without it, for numbers and booleans
	// without methods and for values whose String method is all fmt
	// would call (dates, on every verification page).
	t := v.Type()
	if t.NumMethod() == 0 {
		switch v.Kind() {
		case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
			return strconv.FormatInt(v.Int(), 10), contentTypePlain
		case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
			return strconv.FormatUint(v.Uint(), 10), contentTypePlain
		case reflect.Bool:
			return strconv.FormatBool(v.Bool()), contentTypePlain
		}
	} else if v.Kind() != reflect.Pointer && v.Kind() != reflect.Interface && plainStringer(t) {
		if s, ok := callString(v.Interface().(fmt.Stringer)); ok {
			return s, contentTypePlain
		}
	}
	return stringify(v.Interface())
}

var plainStringers sync.Map // reflect.Type -> bool

// plainStringer reports whether fmt prints a value of type t (not a
// pointer) by its String method alone: t is a fmt.Stringer, and neither
// a fmt.Formatter nor an error, which fmt prefers.
func plainStringer(t reflect.Type) bool {
	if ok, found := plainStringers.Load(t); found {
		return ok.(bool)
	}
	ok := t.Implements(fmtStringerType) && !t.Implements(errorType) && !t.Implements(reflect.TypeFor[fmt.Formatter]())
	plainStringers.Store(t, ok)
	return ok
}

// callString calls String, or reports a panic, which fmt would print
// its own way: html/template's then.
func callString(s fmt.Stringer) (out string, ok bool) {
	defer func() {
		if recover() != nil {
			ok = false
		}
	}()
	return s.String(), true
}

// indirect returns the value, after dereferencing as many times
// as necessary to reach the base type (or nil).
func indirectAny(a any) any {
	if a == nil {
		return nil
	}
	if t := reflect.TypeOf(a); t.Kind() != reflect.Pointer {
		return a
	}
	v := reflect.ValueOf(a)
	for v.Kind() == reflect.Pointer && !v.IsNil() {
		v = v.Elem()
	}
	return v.Interface()
}

var fmtStringerType = reflect.TypeFor[fmt.Stringer]()

// indirectToStringerOrError returns the value, after dereferencing as many times
// as necessary to reach the base type (or nil) or an implementation of fmt.Stringer
// or error.
func indirectToStringerOrError(a any) any {
	if a == nil {
		return nil
	}
	v := reflect.ValueOf(a)
	for !v.Type().Implements(fmtStringerType) && !v.Type().Implements(errorType) && v.Kind() == reflect.Pointer && !v.IsNil() {
		v = v.Elem()
	}
	return v.Interface()
}

// stringify converts its argument to a string and the type of the
// content (html/template's stringify for one argument).
func stringify(a any) (string, contentType) {
	switch s := indirectAny(a).(type) {
	case string:
		return s, contentTypePlain
	case template.CSS:
		return string(s), contentTypeCSS
	case template.HTML:
		return string(s), contentTypeHTML
	case template.HTMLAttr:
		return string(s), contentTypeHTMLAttr
	case template.JS:
		return string(s), contentTypeJS
	case template.JSStr:
		return string(s), contentTypeJSStr
	case template.URL:
		return string(s), contentTypeURL
	case template.Srcset:
		return string(s), contentTypeSrcset
	}
	if a == nil {
		return "", contentTypePlain
	}
	return fmt.Sprint(indirectToStringerOrError(a)), contentTypePlain
}

// htmlReplacementTable contains the runes that need to be escaped
// inside a quoted attribute value or in a text node.
var htmlReplacementTable = []string{
	0:    "\uFFFD",
	'"':  "&#34;",
	'&':  "&amp;",
	'\'': "&#39;",
	'+':  "&#43;",
	'<':  "&lt;",
	'>':  "&gt;",
}

// htmlNormReplacementTable is like htmlReplacementTable but without '&' to
// avoid over-encoding existing entities.
var htmlNormReplacementTable = []string{
	0:    "\uFFFD",
	'"':  "&#34;",
	'\'': "&#39;",
	'+':  "&#43;",
	'<':  "&lt;",
	'>':  "&gt;",
}

// htmlNospaceReplacementTable contains the runes that need to be escaped
// inside an unquoted attribute value.
var htmlNospaceReplacementTable = []string{
	0:    "&#xfffd;",
	'\t': "&#9;",
	'\n': "&#10;",
	'\v': "&#11;",
	'\f': "&#12;",
	'\r': "&#13;",
	' ':  "&#32;",
	'"':  "&#34;",
	'&':  "&amp;",
	'\'': "&#39;",
	'+':  "&#43;",
	'<':  "&lt;",
	'=':  "&#61;",
	'>':  "&gt;",
	'`':  "&#96;",
}

// htmlReplacer returns s with runes replaced according to replacementTable
// and when badRunes is true, certain bad runes are allowed through unescaped.
func htmlReplacer(s string, replacementTable []string, badRunes bool) string {
	if badRunes && !needsReplacing(s, replacementTable) {
		return s
	}
	written, b := 0, new(strings.Builder)
	r, w := rune(0), 0
	for i := 0; i < len(s); i += w {
		// Cannot use 'for range s' because we need to preserve the width
		// of the runes in the input. If we see a decoding error, the input
		// width will not be utf8.Runelen(r) and we will overrun the buffer.
		r, w = utf8.DecodeRuneInString(s[i:])
		if int(r) < len(replacementTable) {
			if repl := replacementTable[r]; len(repl) != 0 {
				if written == 0 {
					b.Grow(len(s))
				}
				b.WriteString(s[written:i])
				b.WriteString(repl)
				written = i + w
			}
		} else if badRunes {
			// No-op.
			// IE does not allow these ranges in unquoted attrs.
		} else if 0xfdd0 <= r && r <= 0xfdef || 0xfff0 <= r && r <= 0xffff {
			if written == 0 {
				b.Grow(len(s))
			}
			fmt.Fprintf(b, "%s&#x%x;", s[written:i], r)
			written = i + w
		}
	}
	if written == 0 {
		return s
	}
	b.WriteString(s[written:])
	return b.String()
}

// needsReplacing reports whether htmlReplacer with badRunes set changes
// s: only bytes below len(table) are replaced then, and every rune
// below it is one byte long (the tables end before 0x80).
func needsReplacing(s string, table []string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; int(c) < len(table) && table[c] != "" {
			return true
		}
	}
	return false
}

func isSafeURL(s string) bool {
	if protocol, _, ok := strings.Cut(s, ":"); ok && !strings.Contains(protocol, "/") {
		if !strings.EqualFold(protocol, "http") && !strings.EqualFold(protocol, "https") && !strings.EqualFold(protocol, "mailto") {
			return false
		}
	}
	return true
}

func urlProcessor(norm bool, s string, t contentType) string {
	if t == contentTypeURL {
		norm = true
	}
	var b strings.Builder
	if processURLOnto(s, norm, &b) {
		return b.String()
	}
	return s
}

// processURLOnto appends a normalized URL corresponding to its input to b
// and reports whether the appended content differs from s.
func processURLOnto(s string, norm bool, b *strings.Builder) bool {
	written := 0
	for i, n := 0, len(s); i < n; i++ {
		c := s[i]
		switch c {
		case '!', '#', '$', '&', '*', '+', ',', '/', ':', ';', '=', '?', '@', '[', ']':
			if norm {
				continue
			}
		case '-', '.', '_', '~':
			continue
		case '%':
			// When normalizing do not re-encode valid escapes.
			if norm && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]) {
				continue
			}
		default:
			// Unreserved according to RFC 3986 sec 2.3
			if 'a' <= c && c <= 'z' {
				continue
			}
			if 'A' <= c && c <= 'Z' {
				continue
			}
			if '0' <= c && c <= '9' {
				continue
			}
		}
		if written == 0 {
			b.Grow(len(s) + 16)
		}
		b.WriteString(s[written:i])
		fmt.Fprintf(b, "%%%02x", c)
		written = i + 1
	}
	if written == 0 {
		return false
	}
	b.WriteString(s[written:])
	return true
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

package render

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"html/template"
	"math"
	"reflect"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"unsafe"
)

// partialCached renders a template of _base.html with its data once per
// build and returns the same HTML afterwards, for the same data (like
// Hugo's partialCached): the header, navigation and footer are the same
// on 200,000 pages, and html/template's escaping makes each action cost.
//
// "The same data" is the data's content, compared as a key that is a
// copy of it (keyEncoder): strings, numbers, slices, arrays, maps and
// structs by value, pointers and channels by identity (as ==). A copy,
// because a value may be a view of memory that its owner writes again
// later (package site draws the verification pages' QR codes into
// reused buffers): a map key that aliased it would change under the map.
// And a key can be made of any value, a slice or a map too, which == and
// so a map keyed on the data itself would refuse with a panic.
//
// The mutex guards the map only: it is never held while a partial
// renders, so a partial that fails or panics leaves it free, and a
// partial may call partialCached itself. It may call itself, too, on
// smaller data (a tree of links): maxPartialDepth bounds that, with an
// error, where Go would run out of stack.

// maxPartialDepth bounds partials that call partialCached.
const maxPartialDepth = 32

// maxKeyDepth bounds the nesting of values in a key (a slice that holds
// itself through an interface would be infinite).
const maxKeyDepth = 100

type partials struct {
	base string // _base.html's source

	// levels[d] is _base.html parsed with a partialCached that renders at
	// depth d+1: html/template binds functions to a template, and a
	// function has no other way to know how deep it runs. Levels are
	// parsed when first needed: one for the usual theme.
	levelMu sync.Mutex
	levels  []*template.Template

	mu     sync.Mutex
	cached map[string]partialEntry
}

type partialEntry struct {
	html template.HTML
	// keep holds the pointers whose addresses are in the key, so that no
	// other value takes one of their addresses while the key exists.
	keep []unsafe.Pointer
}

// parse parses _base.html with a partialCached that renders at depth
// d+1.
func (p *partials) parse(t *Theme, d int) (*template.Template, error) {
	call := func(name string, data any) (template.HTML, error) { return t.partialAt(d+1, name, data) }
	return template.New("_base.html").Funcs(template.FuncMap{"partialCached": call}).Parse(p.base)
}

// level returns the templates that render partials at depth d (1 for
// the partials a page calls).
func (p *partials) level(t *Theme, d int) (*template.Template, error) {
	p.levelMu.Lock()
	defer p.levelMu.Unlock()
	for len(p.levels) <= d {
		p.levels = append(p.levels, nil)
	}
	if p.levels[d] == nil {
		tpl, err := p.parse(t, d)
		if err != nil {
			return nil, err
		}
		p.levels[d] = tpl
	}
	return p.levels[d], nil
}

// partialCached is the template function, for a page.
func (t *Theme) partialCached(name string, data any) (template.HTML, error) {
	return t.partialAt(1, name, data)
}

// partialDepthError stops partials that nest too deep. It is passed up
// as is, not wrapped once per level, and says where the innermost call
// was.
type partialDepthError struct{ name, at string }

func (e *partialDepthError) Error() string {
	msg := fmt.Sprintf("partialCached %q: partials nest more than %d deep: does the partial call itself?", e.name, maxPartialDepth)
	if e.at != "" {
		msg += " (innermost: " + e.at + ")"
	}
	return msg
}

// partialAt renders the partial name at depth d.
func (t *Theme) partialAt(d int, name string, data any) (template.HTML, error) {
	if d > maxPartialDepth {
		return "", &partialDepthError{name: name}
	}
	p := &t.partials
	// The key of a pointer, the usual data (.Info on every page), on the
	// stack; any other in a pooled encoder.
	var kb [64]byte
	key := append(append(kb[:0], name...), 0)
	if v := reflect.ValueOf(data); v.Kind() == reflect.Pointer {
		key = binary.AppendUvarint(key, typeID(v.Type()))
		key = binary.LittleEndian.AppendUint64(key, uint64(uintptr(v.UnsafePointer())))
	} else {
		enc := encoders.Get().(*keyEncoder)
		defer encoders.Put(enc)
		enc.b = append(append(enc.b[:0], name...), 0)
		if err := enc.value(v, 0); err != nil {
			return "", fmt.Errorf("partialCached %q: %v", name, err)
		}
		key = enc.b
	}
	p.mu.Lock()
	e, ok := p.cached[string(key)]
	p.mu.Unlock()
	if ok {
		return e.html, nil
	}
	tpl, err := p.level(t, d)
	if err != nil {
		return "", err
	}
	var b bytes.Buffer
	if err := tpl.ExecuteTemplate(&b, name, data); err != nil {
		var de *partialDepthError
		if errors.As(err, &de) {
			if de.at == "" {
				msg := err.Error()
				if i := strings.Index(msg, ": error calling partialCached"); i >= 0 {
					msg = msg[:i]
				}
				de.at = msg
			}
			return "", de
		}
		return "", err
	}
	// The key again, now keeping its pointers: only on a miss.
	pinned := keyEncoder{b: make([]byte, 0, len(key)), pin: true}
	pinned.b = append(append(pinned.b, name...), 0)
	if err := pinned.value(reflect.ValueOf(data), 0); err != nil {
		return "", fmt.Errorf("partialCached %q: %v", name, err)
	}
	e = partialEntry{html: template.HTML(b.String()), keep: pinned.keep}
	p.mu.Lock()
	if p.cached == nil {
		p.cached = map[string]partialEntry{}
	}
	p.cached[string(pinned.b)] = e
	p.mu.Unlock()
	return e.html, nil
}

// Forget drops the parts partialCached keeps, for a site whose data
// changed in place (accredit serve after an edit to content/, which
// changes the navigation of every page).
func (t *Theme) Forget() {
	t.partials.mu.Lock()
	t.partials.cached = nil
	t.partials.mu.Unlock()
}

// keyEncoder writes a value as bytes that are equal for equal values:
// partialCached's key. Types are written where they can vary (at the top
// and inside interfaces) as small numbers.
type keyEncoder struct {
	b    []byte
	keep []unsafe.Pointer
	pin  bool
}

var encoders = sync.Pool{New: func() any { return new(keyEncoder) }}

var (
	typeIDs    sync.Map // reflect.Type -> uint64
	nextTypeID atomic.Uint64
)

func typeID(t reflect.Type) uint64 {
	if id, ok := typeIDs.Load(t); ok {
		return id.(uint64)
	}
	id, _ := typeIDs.LoadOrStore(t, nextTypeID.Add(1))
	return id.(uint64)
}

// value writes v with its type.
func (e *keyEncoder) value(v reflect.Value, depth int) error {
	if !v.IsValid() {
		e.b = append(e.b, 0)
		return nil
	}
	e.b = binary.AppendUvarint(e.b, typeID(v.Type()))
	return e.content(v, depth)
}

// content writes v, whose type the reader of the key knows.
func (e *keyEncoder) content(v reflect.Value, depth int) error {
	if depth > maxKeyDepth {
		return errors.New("its data nests too deep to be a key")
	}
	switch v.Kind() {
	case reflect.Bool:
		if v.Bool() {
			e.b = append(e.b, 1)
		} else {
			e.b = append(e.b, 0)
		}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		e.b = binary.AppendVarint(e.b, v.Int())
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		e.b = binary.AppendUvarint(e.b, v.Uint())
	case reflect.Float32, reflect.Float64:
		e.b = binary.LittleEndian.AppendUint64(e.b, math.Float64bits(v.Float()))
	case reflect.Complex64, reflect.Complex128:
		c := v.Complex()
		e.b = binary.LittleEndian.AppendUint64(e.b, math.Float64bits(real(c)))
		e.b = binary.LittleEndian.AppendUint64(e.b, math.Float64bits(imag(c)))
	case reflect.String:
		s := v.String()
		e.b = binary.AppendUvarint(e.b, uint64(len(s)))
		e.b = append(e.b, s...)
	case reflect.Pointer, reflect.UnsafePointer, reflect.Chan:
		p := v.UnsafePointer()
		e.b = binary.LittleEndian.AppendUint64(e.b, uint64(uintptr(p)))
		if e.pin && p != nil {
			e.keep = append(e.keep, p)
		}
	case reflect.Interface:
		return e.value(v.Elem(), depth+1)
	case reflect.Array:
		for i := range v.Len() {
			if err := e.content(v.Index(i), depth+1); err != nil {
				return err
			}
		}
	case reflect.Slice:
		if v.IsNil() {
			e.b = append(e.b, 0)
			break
		}
		e.b = binary.AppendUvarint(e.b, uint64(v.Len())+1)
		for i := range v.Len() {
			if err := e.content(v.Index(i), depth+1); err != nil {
				return err
			}
		}
	case reflect.Struct:
		for i := range v.NumField() {
			if err := e.content(v.Field(i), depth+1); err != nil {
				return err
			}
		}
	case reflect.Map:
		if v.IsNil() {
			e.b = append(e.b, 0)
			break
		}
		e.b = binary.AppendUvarint(e.b, uint64(v.Len())+1)
		// In the order of the keys' bytes: a map has none of its own.
		type entry struct{ k, kv []byte }
		var entries []entry
		for it := v.MapRange(); it.Next(); {
			sub := keyEncoder{pin: e.pin}
			if err := sub.content(it.Key(), depth+1); err != nil {
				return err
			}
			k := len(sub.b)
			if err := sub.content(it.Value(), depth+1); err != nil {
				return err
			}
			entries = append(entries, entry{sub.b[:k], sub.b})
			e.keep = append(e.keep, sub.keep...)
		}
		slices.SortFunc(entries, func(a, b entry) int { return bytes.Compare(a.k, b.k) })
		for _, en := range entries {
			e.b = append(e.b, en.kv...)
		}
	default:
		return fmt.Errorf("its data holds a %s, which cannot be a key", v.Type())
	}
	return nil
}

package tomlrec

import (
	"encoding"
	"reflect"
	"strings"
	"sync"

	"github.com/BurntSushi/toml"

	"github.com/accredit/accredit/cmd/internal/date"
)

// kind is how a field takes its value; unsupported fields decline when
// their key is written.
type kind uint8

const (
	unsupported kind = iota
	kString          // string: a basic or literal one-line string
	kBool            // bool
	kInt             // int, int64: a decimal integer
	kDate            // date.Date: a local date
	kStrings         // []string: an array of strings
	kInts            // map[string]int: a one-line inline table of integers
	kTable           // struct or *struct: a [name] header
	kTables          // []struct or []*struct: [[name]] headers
)

type field struct {
	name  string // the key: the toml tag, or the Go name when untagged
	index []int  // for FieldByIndex (embedded structs lend their keys)
	kind  kind
	ptr   bool    // kTable: *T; kTables: []*T
	sub   *schema // kTable, kTables: the table's own keys
}

// schema is the keys of a struct type.
type schema struct {
	fields []field
	// ok is false for a type this package never decodes: more than 64
	// keys (the defined-keys set is a bit mask) or a key named twice.
	ok bool
}

var (
	schemas   sync.Map // reflect.Type -> *schema, complete ones only
	schemaMu  sync.Mutex
	dateType  = reflect.TypeFor[date.Date]()
	tomlUnm   = reflect.TypeFor[toml.Unmarshaler]()
	textUnm   = reflect.TypeFor[encoding.TextUnmarshaler]()
	stringsTy = reflect.TypeFor[[]string]()
	intsTy    = reflect.TypeFor[map[string]int]()
)

// schemaOf returns the schema of struct type t, built once per type.
func schemaOf(t reflect.Type) *schema {
	if s, ok := schemas.Load(t); ok {
		return s.(*schema)
	}
	schemaMu.Lock()
	defer schemaMu.Unlock()
	if s, ok := schemas.Load(t); ok {
		return s.(*schema)
	}
	// Every type below t is built here and published only once all are
	// complete, so no decoder ever sees a schema half-filled.
	b := builder{}
	s := b.build(t)
	for t, s := range b {
		schemas.Store(t, s)
	}
	return s
}

// builder holds the schemas being built, so that a type that refers to
// itself finds its own instead of recursing.
type builder map[reflect.Type]*schema

func (b builder) build(t reflect.Type) *schema {
	if s, ok := schemas.Load(t); ok {
		return s.(*schema)
	}
	if s, ok := b[t]; ok {
		return s
	}
	s := &schema{ok: true}
	b[t] = s
	b.add(s, t, nil)
	seen := map[string]bool{}
	for _, f := range s.fields {
		if seen[f.name] {
			s.ok = false
		}
		seen[f.name] = true
	}
	if len(s.fields) > 64 {
		s.ok = false
	}
	return s
}

// add adds the keys of struct type t to s, as keys.go's fieldsOf names
// them and BurntSushi/toml fills them: an embedded struct without a tag
// lends its keys; a field tagged "-" or unexported has none.
func (b builder) add(s *schema, t reflect.Type, index []int) {
	for i := range t.NumField() {
		sf := t.Field(i)
		idx := append(append([]int(nil), index...), i)
		name, _, _ := strings.Cut(sf.Tag.Get("toml"), ",")
		if sf.Anonymous && name == "" && sf.Type.Kind() == reflect.Struct {
			b.add(s, sf.Type, idx)
			continue
		}
		if name == "-" || !sf.IsExported() {
			continue
		}
		if name == "" {
			name = sf.Name
		}
		f := field{name: name, index: idx}
		f.kind, f.ptr, f.sub = b.kindOf(sf.Type)
		s.fields = append(s.fields, f)
	}
}

// kindOf says how a value of type t is decoded, if this package can.
func (b builder) kindOf(t reflect.Type) (kind, bool, *schema) {
	if t == dateType {
		return kDate, false, nil
	}
	if decodesItself(t) {
		return unsupported, false, nil
	}
	// Scalars of named types (time.Duration, say) may be read in ways of
	// their own; the records' scalars are all plain.
	if t.PkgPath() != "" && t.Kind() != reflect.Struct {
		return unsupported, false, nil
	}
	switch t.Kind() {
	case reflect.String:
		return kString, false, nil
	case reflect.Bool:
		return kBool, false, nil
	case reflect.Int, reflect.Int64:
		return kInt, false, nil
	case reflect.Struct:
		return kTable, false, b.build(t)
	case reflect.Pointer:
		if e := t.Elem(); e.Kind() == reflect.Struct && !decodesItself(e) {
			return kTable, true, b.build(e)
		}
	case reflect.Map:
		if t == intsTy {
			return kInts, false, nil
		}
	case reflect.Slice:
		if t == stringsTy {
			return kStrings, false, nil
		}
		e := t.Elem()
		ptr := false
		if e.Kind() == reflect.Pointer {
			e, ptr = e.Elem(), true
		}
		if e.Kind() == reflect.Struct && !decodesItself(e) {
			return kTables, ptr, b.build(e)
		}
	}
	return unsupported, false, nil
}

// decodesItself reports a type BurntSushi/toml hands the raw value to.
func decodesItself(t reflect.Type) bool {
	p := reflect.PointerTo(t)
	return t.Implements(tomlUnm) || p.Implements(tomlUnm) || t.Implements(textUnm) || p.Implements(textUnm)
}

// find returns the field of key name and its number, or nil.
func (s *schema) find(name string) (*field, int) {
	for i := range s.fields {
		if s.fields[i].name == name {
			return &s.fields[i], i
		}
	}
	return nil, -1
}

package load

import (
	"maps"
	"reflect"
	"slices"
	"strings"
	"sync"

	"github.com/BurntSushi/toml"

	"github.com/accredit/accredit/cmd/internal/program"
	"github.com/accredit/accredit/cmd/internal/tomlpos"
)

// BurntSushi/toml matches a key to a struct field ignoring case, and a
// table holding both `id` and `ID` fills the field from whichever its Go
// map yields first: a random one of the two, from run to run, while the
// git audit reads the text and takes the last. So every key must be
// spelled as its canonical name, the field's toml tag, and a key written
// in two spellings makes the file unreadable rather than random.

// fields are the keys of a struct type: canonical name to the type below
// it, and lower-cased name to canonical name.
type fields struct {
	types  map[string]reflect.Type
	folded map[string]string
	names  []string // the canonical names, sorted: for "did you mean"
}

var fieldCache sync.Map // reflect.Type -> *fields

// fieldsOf returns the keys of struct type t, walking it once per type.
func fieldsOf(t reflect.Type) *fields {
	if f, ok := fieldCache.Load(t); ok {
		return f.(*fields)
	}
	f := &fields{types: map[string]reflect.Type{}, folded: map[string]string{}}
	f.add(t)
	f.names = slices.Sorted(maps.Keys(f.types))
	fieldCache.Store(t, f)
	return f
}

// add adds the keys of struct type t; an embedded struct without a tag
// lends its keys, as the decoder reads them (a certification's
// requirements are written in the [[certifications]] table itself).
func (f *fields) add(t reflect.Type) {
	for i := range t.NumField() {
		sf := t.Field(i)
		name, _, _ := strings.Cut(sf.Tag.Get("toml"), ",")
		if sf.Anonymous && name == "" && sf.Type.Kind() == reflect.Struct {
			f.add(sf.Type)
			continue
		}
		if name == "-" || !sf.IsExported() {
			continue
		}
		if name == "" {
			name = sf.Name
		}
		f.types[name] = sf.Type
		f.folded[strings.ToLower(name)] = name
	}
}

var unmarshaler = reflect.TypeFor[toml.Unmarshaler]()

// below returns the type that holds the keys of a value of type t: the
// struct behind pointers and slices, a map, or nil for a leaf (a string,
// a date, anything that decodes itself).
// Asked for every key of every file, it is remembered by type: asking
// a type whether it implements an interface walks its methods.
func below(t reflect.Type) reflect.Type {
	if b, ok := belowCache.Load(t); ok {
		b, _ := b.(reflect.Type)
		return b
	}
	b := belowOf(t)
	belowCache.Store(t, b)
	return b
}

var belowCache sync.Map // reflect.Type -> reflect.Type, or nil for a leaf

func belowOf(t reflect.Type) reflect.Type {
	for {
		if t.Implements(unmarshaler) || reflect.PointerTo(t).Implements(unmarshaler) {
			return nil
		}
		switch t.Kind() {
		case reflect.Pointer, reflect.Slice, reflect.Array:
			t = t.Elem()
		case reflect.Struct, reflect.Map:
			return t
		default:
			return nil
		}
	}
}

// spelling reports each key of md spelled other than its canonical name
// in v's type, at the key. It reports false when a table holds one key in
// two spellings: the decoded value is then a coin toss and must not be
// used.
func (f *file) spelling(md toml.MetaData, v any) bool {
	root := below(reflect.TypeOf(v))
	if root == nil {
		return true
	}
	ok := true
	var canon map[string]bool // canonical indexed paths of misspelled keys
	for _, k := range md.Keys() {
		t := root
		for i, seg := range k {
			if t == nil {
				break
			}
			if t.Kind() == reflect.Map { // any key names an entry
				t = below(t.Elem())
				continue
			}
			fs := fieldsOf(t)
			if ft, exact := fs.types[seg]; exact {
				t = below(ft)
				continue
			}
			name, folded := fs.folded[strings.ToLower(seg)]
			if !folded {
				break // unknown: the decoder leaves it undecoded
			}
			t = below(fs.types[name])
			if i < len(k)-1 {
				continue // reported where this segment is the key itself
			}
			e, found := f.nextEntry(k.String())
			path := k.String()
			if found {
				path = e.Path
			}
			c := canonicalPath(path, name)
			if canon == nil {
				canon = map[string]bool{}
			}
			twice := f.src.Has(c) || canon[c]
			canon[c] = true
			pos := f.src.At(path)
			if !found {
				pos = f.src.At("")
			}
			if twice {
				ok = false
				f.add(f.rel, pos.Line, pos.Col, "unknown-key", "%q is not a key; did you mean %q? The table has it twice, in two spellings, and is not read", seg, name)
			} else {
				f.add(f.rel, pos.Line, pos.Col, "unknown-key", "%q is not a key; did you mean %q?", seg, name)
			}
		}
	}
	return ok
}

// canonicalPath replaces the last segment of an indexed path with name:
// "certifications[0].ID" -> "certifications[0].id",
// "CERTIFICATIONS[1]" -> "certifications[1]".
func canonicalPath(path, name string) string {
	parent, last := "", path
	if i := strings.LastIndexByte(path, '.'); i >= 0 {
		parent, last = path[:i+1], path[i+1:]
	}
	idx := ""
	if i := strings.IndexByte(last, '['); i >= 0 {
		idx = last[i:]
	}
	return parent + name + idx
}

// nextEntry returns the first entry of the index, not returned before,
// whose path without indices is stripped: keys of arrays of tables come
// once per element, in document order, as the index lists them.
func (f *file) nextEntry(stripped string) (tomlpos.Entry, bool) {
	if f.byStripped == nil {
		f.byStripped = map[string][]int{}
		for i, e := range f.src.Index().Entries {
			s := tomlpos.StripIndices(e.Path)
			f.byStripped[s] = append(f.byStripped[s], i)
		}
	}
	is := f.byStripped[stripped]
	if len(is) == 0 {
		return tomlpos.Entry{}, false
	}
	f.byStripped[stripped] = is[1:]
	return f.src.Index().Entries[is[0]], true
}

// keysAt returns the keys the table at path may hold in v's type, sorted,
// or nil when the path leads to a map (any key) or to no table.
func keysAt(v any, path toml.Key) []string {
	t := below(reflect.TypeOf(v))
	for _, seg := range path {
		if t == nil || t.Kind() != reflect.Struct {
			return nil
		}
		fs := fieldsOf(t)
		ft, ok := fs.types[seg]
		if !ok {
			if ft, ok = fs.types[fs.folded[strings.ToLower(seg)]]; !ok {
				return nil
			}
		}
		t = below(ft)
	}
	if t == nil || t.Kind() != reflect.Struct {
		return nil
	}
	return fieldsOf(t).names
}

// FileKind is one kind of file of a program: the files it covers and the
// type the loader decodes them into, for tools that describe the files
// to an editor (accredit schema writes a JSON Schema of each).
type FileKind struct {
	Name  string   // "program", "track", "exam", "bank", "partner", "person", "page", "metrics"
	Globs []string // the files, relative to the root
	Not   []string // files the globs match that are of another kind
	Front bool     // TOML front matter of a Markdown file, not a TOML file
	Type  reflect.Type
}

// FileKinds lists the kinds of files the loader reads, with the very
// types it decodes each into: a key is known to an editor's schema
// exactly when the loader knows it.
func FileKinds() []FileKind {
	return []FileKind{
		{Name: "program", Globs: []string{"programs/program.toml"}, Type: reflect.TypeFor[programFile]()},
		{Name: "track", Globs: []string{"programs/tracks/*.toml"}, Type: reflect.TypeFor[program.Track]()},
		{Name: "exam", Globs: []string{"programs/exams/*.toml"}, Not: []string{"programs/exams/*.bank.toml"}, Type: reflect.TypeFor[program.Exam]()},
		{Name: "bank", Globs: []string{"programs/exams/*.bank.toml"}, Type: reflect.TypeFor[program.Bank]()},
		{Name: "partner", Globs: []string{"partners/*/partner.md"}, Front: true, Type: reflect.TypeFor[program.Partner]()},
		{Name: "person", Globs: []string{"partners/*/people/*.toml"}, Type: reflect.TypeFor[program.Person]()},
		{Name: "page", Globs: []string{"content/**/*.md"}, Front: true, Type: reflect.TypeFor[program.Page]()},
		{Name: "metrics", Globs: []string{"partners/*/metrics.toml"}, Type: reflect.TypeFor[program.Metrics]()},
	}
}

// Keys returns the keys a table of struct type t may hold, sorted, as the
// loader matches them (embedded structs lend theirs).
func Keys(t reflect.Type) []string { return fieldsOf(t).names }

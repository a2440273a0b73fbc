package program

import (
	"reflect"
	"strings"
	"testing"
	"unsafe"
)

// TestDetach fills every string of a Person (found by reflection, so a
// field added later is covered) with a cut of one text, and fails on any
// string that still points into the text after Detach.
func TestDetach(t *testing.T) {
	text := strings.Repeat("abcdefgh", 200)
	n := 0
	next := func() string { n++; return text[n : n+4] }
	p := &Person{}
	fill(reflect.ValueOf(p).Elem(), next, 0)
	p.Detach()
	lo := uintptr(unsafe.Pointer(unsafe.StringData(text)))
	hi := lo + uintptr(len(text))
	walk(reflect.ValueOf(p).Elem(), "Person", 0, func(path, s string) {
		if at := uintptr(unsafe.Pointer(unsafe.StringData(s))); at >= lo && at < hi {
			t.Errorf("%s = %q still points into the decoded text", path, s)
		}
	})
	if n < 20 {
		t.Fatalf("filled %d strings: the walk missed the record's fields", n)
	}
}

// fill sets every string reachable from v (through pointers, slices of
// one element, maps of one entry and structs, but not back to the
// partner) to next().
func fill(v reflect.Value, next func() string, depth int) {
	if depth > 8 {
		return
	}
	switch v.Kind() {
	case reflect.String:
		v.SetString(next())
	case reflect.Pointer:
		if v.Type() == reflect.TypeOf(&Partner{}) || v.Type() == reflect.TypeOf(&Person{}) || v.Type() == reflect.TypeOf(&Source{}) {
			return
		}
		v.Set(reflect.New(v.Type().Elem()))
		fill(v.Elem(), next, depth+1)
	case reflect.Slice:
		v.Set(reflect.MakeSlice(v.Type(), 1, 1))
		fill(v.Index(0), next, depth+1)
	case reflect.Map:
		m := reflect.MakeMap(v.Type())
		k := reflect.New(v.Type().Key()).Elem()
		fill(k, next, depth+1)
		m.SetMapIndex(k, reflect.New(v.Type().Elem()).Elem())
		v.Set(m)
	case reflect.Struct:
		if v.Type() == reflect.TypeOf(Pos{}) {
			return // set by the loader from the file's path, not the text
		}
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				fill(v.Field(i), next, depth+1)
			}
		}
	}
}

func walk(v reflect.Value, path string, depth int, f func(path, s string)) {
	if depth > 8 {
		return
	}
	switch v.Kind() {
	case reflect.String:
		f(path, v.String())
	case reflect.Pointer:
		if !v.IsNil() && v.Type() != reflect.TypeOf(&Partner{}) && v.Type() != reflect.TypeOf(&Person{}) && v.Type() != reflect.TypeOf(&Source{}) {
			walk(v.Elem(), path, depth+1, f)
		}
	case reflect.Slice:
		for i := range v.Len() {
			walk(v.Index(i), path+"[]", depth+1, f)
		}
	case reflect.Map:
		for _, k := range v.MapKeys() {
			walk(k, path+"{key}", depth+1, f)
		}
	case reflect.Struct:
		if v.Type() == reflect.TypeOf(Pos{}) {
			return
		}
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				walk(v.Field(i), path+"."+v.Type().Field(i).Name, depth+1, f)
			}
		}
	}
}

package search

import (
	"reflect"
	"testing"
)

// TestDocEqual changes each field of a document in turn, found by
// reflection so that a field added later is covered, and holds Doc.equal
// to reflect.DeepEqual for each change.
func TestDocEqual(t *testing.T) {
	base := func() *Doc {
		d := &Doc{Num: 1, Type: "partner", ID: "acme", Name: "Acme", Text: "crm", Rank: 2, Static: 3, key: "acme",
			Card: Card{Type: "partner", ID: "acme", Name: "Acme", URL: "/partners/acme/", Tier: "Gold", TierID: "gold",
				Partner: "p", Location: "Paris", Specialties: []string{"crm"}, Credentials: []string{"sales/foundation"}, Certified: 4}}
		for i := range d.Facets {
			d.Facets[i] = []string{"v"}
		}
		return d
	}
	var mutate func(v reflect.Value, path string)
	n := 0
	mutate = func(v reflect.Value, path string) {
		switch v.Kind() {
		case reflect.Struct:
			for i := range v.NumField() {
				mutate(v.Field(i), path+"."+v.Type().Field(i).Name)
			}
			return
		case reflect.Array:
			for i := range v.Len() {
				mutate(v.Index(i), path+"[]")
			}
			return
		}
		for _, change := range []func(reflect.Value){
			func(f reflect.Value) { // another value
				switch f.Kind() {
				case reflect.String:
					f.SetString(f.String() + "x")
				case reflect.Int:
					f.SetInt(f.Int() + 1)
				case reflect.Slice:
					f.Set(reflect.Append(f, reflect.ValueOf("y")))
				}
			},
			func(f reflect.Value) { // the zero value (nil for a slice)
				f.Set(reflect.Zero(f.Type()))
			},
			func(f reflect.Value) { // an empty, non-nil slice
				if f.Kind() == reflect.Slice {
					f.Set(reflect.MakeSlice(f.Type(), 0, 0))
				}
			},
		} {
			a, b := base(), base()
			change(fieldOf(reflect.ValueOf(b).Elem(), path))
			n++
			if got, want := a.equal(b), reflect.DeepEqual(a, b); got != want {
				t.Errorf("%s changed: equal = %v, DeepEqual = %v", path, got, want)
			}
		}
	}
	mutate(reflect.ValueOf(base()).Elem(), "")
	if n < 3*20 {
		t.Fatalf("%d changes: the walk missed fields", n)
	}
	if a, b := base(), base(); !a.equal(b) {
		t.Error("two equal documents are not equal")
	}
}

// fieldOf follows a path of .Name and [] (the first element) from v,
// which must be addressable, and returns the field made settable (an
// unexported one, such as key, through reflect.NewAt: a test's view).
func fieldOf(v reflect.Value, path string) reflect.Value {
	for path != "" {
		if path[0] == '.' {
			end := 1
			for end < len(path) && path[end] != '.' && path[end] != '[' {
				end++
			}
			v = v.FieldByName(path[1:end])
			path = path[end:]
		} else {
			v = v.Index(0)
			path = path[2:]
		}
	}
	return reflect.NewAt(v.Type(), v.Addr().UnsafePointer()).Elem()
}

package record

import (
	"fmt"
	"path"
	"reflect"
	"strconv"
	"strings"

	"github.com/accredit/accredit/cmd/internal/load"
	"github.com/accredit/accredit/cmd/internal/program"
)

// A Change is what an edit means to a person: KVs set on the record at
// Index of Table (an array of tables such as "certifications"), or on a
// new record appended to it when Index is -1. Table "" names the person's
// own top-level keys.
type Change struct {
	Table string
	Index int
	KVs   []KV
}

// VerifyPerson is the post-condition of every edit of a person file
// (grant, renew, revoke, import). The edits are textual and fast; this
// reads their result as the program will: it decodes data with the
// loader (load.Person, BurntSushi/toml underneath) and returns an error
// naming the file unless the person changed exactly as the changes say:
// the changed and new records hold the intended values, and every other
// record and key is equal to before's. before is the person decoded from
// the file before the edit, or nil for a file the edit creates.
//
// Values the loader does not keep (keys it reports as unknown) are not
// compared; an edit adds whole lines at one place, so it cannot change
// one of them without also failing to set the keys it adds.
func VerifyPerson(rel string, before *program.Person, data []byte, changes ...Change) error {
	after, ds := load.Person(rel, data)
	if after == nil {
		why := "it does not decode"
		if len(ds) > 0 {
			why = ds[0].String()
		}
		return fmt.Errorf("%s: the edited file would not load (%s); nothing written", rel, why)
	}
	if before == nil {
		before = &program.Person{ID: strings.TrimSuffix(path.Base(rel), ".toml")}
	}
	if err := compareRecord("", reflect.ValueOf(before).Elem(), reflect.ValueOf(after).Elem(), changes); err != nil {
		return fmt.Errorf("%s: the edit would not come out as intended (%v); nothing written", rel, err)
	}
	return nil
}

// compareRecord compares the decoded fields of two records (structs),
// the one after an edit against the one before with the changes for at
// (a record's path, "" for the person) applied.
func compareRecord(at string, before, after reflect.Value, changes []Change) error {
	set := map[string]any{}
	for _, c := range changes {
		if c.Table == at {
			for _, kv := range c.KVs {
				set[kv.Key] = kv.Value
			}
		}
	}
	t := before.Type()
	for i := range t.NumField() {
		f := t.Field(i)
		key, _, _ := strings.Cut(f.Tag.Get("toml"), ",")
		if key == "" || key == "-" || !f.IsExported() {
			continue
		}
		where := key
		if at != "" {
			where = at + "." + key
		}
		b, a := before.Field(i), after.Field(i)
		if isTable(f.Type) {
			if err := compareTable(where, b, a, changes); err != nil {
				return err
			}
			continue
		}
		want := b
		if v, ok := set[key]; ok {
			delete(set, key)
			want = reflect.ValueOf(v)
			if !want.Type().ConvertibleTo(f.Type) {
				return fmt.Errorf("%s cannot hold a %T", where, v) // a programming error
			}
			want = want.Convert(f.Type)
		}
		if !equal(want, a) {
			return fmt.Errorf("%s is %s, want %s", where, show(a), show(want))
		}
	}
	for k := range set {
		return fmt.Errorf("%s has no field %s", t.Name(), k) // a programming error
	}
	return nil
}

// compareTable compares an array of tables ([]*T): the records before,
// with the changes to them, then the records appended.
func compareTable(name string, before, after reflect.Value, changes []Change) error {
	var appended [][]KV
	for _, c := range changes {
		switch {
		case c.Table != name:
		case c.Index < 0:
			appended = append(appended, c.KVs)
		case c.Index >= before.Len():
			return fmt.Errorf("%s has no record %d to change", name, c.Index)
		}
	}
	if n := before.Len() + len(appended); after.Len() != n {
		return fmt.Errorf("%s has %d records, want %d", name, after.Len(), n)
	}
	for i := range after.Len() {
		at := name + "[" + strconv.Itoa(i) + "]"
		var b reflect.Value
		var mine []Change
		if i < before.Len() {
			b = before.Index(i).Elem()
			for _, c := range changes {
				if c.Table == name && c.Index == i {
					mine = append(mine, Change{Table: at, KVs: c.KVs})
				}
			}
		} else {
			b = reflect.New(before.Type().Elem().Elem()).Elem()
			mine = []Change{{Table: at, KVs: appended[i-before.Len()]}}
		}
		if err := compareRecord(at, b, after.Index(i).Elem(), mine); err != nil {
			return err
		}
	}
	return nil
}

// isTable reports an array of tables: a slice of pointers to structs.
func isTable(t reflect.Type) bool {
	return t.Kind() == reflect.Slice && t.Elem().Kind() == reflect.Pointer && t.Elem().Elem().Kind() == reflect.Struct
}

// equal compares two decoded values; a nil and an empty list are equal.
func equal(a, b reflect.Value) bool {
	if a.Kind() == reflect.Slice && a.Len() == 0 && b.Len() == 0 {
		return true
	}
	return reflect.DeepEqual(a.Interface(), b.Interface())
}

func show(v reflect.Value) string {
	if v.IsZero() {
		return "not set"
	}
	if v.Kind() == reflect.String {
		return strconv.Quote(v.String())
	}
	return fmt.Sprint(v.Interface())
}

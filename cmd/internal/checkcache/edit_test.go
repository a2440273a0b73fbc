package checkcache

import (
	"io/fs"
	"maps"
	"reflect"
	"slices"
	"testing"

	"github.com/accredit/accredit/cmd/internal/diag"
	"github.com/accredit/accredit/cmd/internal/safefs"
)

func set(ids ...string) map[string]bool {
	m := map[string]bool{}
	for _, id := range ids {
		m[id] = true
	}
	return m
}

// TestScope: the folders an edit makes check again are the changed ones
// and those holding or naming an id the changed ones held or named,
// before or after; those loaded are their closure by the ids they hold
// and name.
func TestScope(t *testing.T) {
	last := Result{Partners: []Partner{
		{ID: "a", Held: []string{"X"}},
		{ID: "b", Held: []string{"Y"}, Named: []string{"X"}}, // renews a's
		{ID: "c", Held: []string{"Z"}},
		{ID: "d", Held: []string{"X"}}, // a duplicate of a's
		{ID: "e", Held: []string{"V"}, Named: []string{"V"}},
	}}
	for _, tc := range []struct {
		name          string
		changed       []Partner
		recheck, load []string
	}{
		{"a as it was", []Partner{{ID: "a", Held: []string{"X"}}},
			[]string{"a", "b", "d"}, []string{"a", "b", "d"}},
		{"c now renews b's", []Partner{{ID: "c", Held: []string{"Z"}, Named: []string{"Y"}}},
			[]string{"b", "c"}, []string{"a", "b", "c", "d"}},
		{"c gone", []Partner{{ID: "c"}},
			[]string{"c"}, []string{"c"}},
		{"a new partner with e's id", []Partner{{ID: "f", Held: []string{"V"}}},
			[]string{"e", "f"}, []string{"e", "f"}},
		{"d drops its duplicate", []Partner{{ID: "d"}},
			[]string{"a", "b", "d"}, []string{"a", "b", "d"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			recheck, load := last.Scope(tc.changed)
			if got := slices.Sorted(maps.Keys(recheck)); !slices.Equal(got, tc.recheck) {
				t.Errorf("checked again: %v, want %v", got, tc.recheck)
			}
			if got := slices.Sorted(maps.Keys(load)); !slices.Equal(got, tc.load) {
				t.Errorf("loaded: %v, want %v", got, tc.load)
			}
		})
	}
}

// TestChangedPartners: a change inside partner folders names them; any
// other change, or a file or hidden name directly in partners/, asks for
// a full check.
func TestChangedPartners(t *testing.T) {
	partners := func(names []string, types []fs.FileMode, files ...Stamp) Folder {
		return Folder{Path: "partners", Listing: &safefs.Listing{Names: names, Types: types}, Files: files}
	}
	dirs := []fs.FileMode{fs.ModeDir, fs.ModeDir}
	last := &Manifest{Folders: []Folder{partners([]string{"a", "b"}, dirs)}}
	for _, tc := range []struct {
		name   string
		m      *Manifest
		want   []string
		wantOK bool
	}{
		{"a person's file", &Manifest{Folders: last.Folders, changed: []string{"partners/a/people"}}, []string{"a"}, true},
		{"two folders of one partner", &Manifest{Folders: last.Folders, changed: []string{"partners/b", "partners/b/people"}}, []string{"b"}, true},
		{"a partner added", &Manifest{Folders: []Folder{partners([]string{"a", "b", "c"}, append(dirs, fs.ModeDir))}, changed: []string{"partners", "partners/c"}}, []string{"c"}, true},
		{"a partner removed", &Manifest{Folders: []Folder{partners([]string{"a"}, dirs[:1])}, changed: []string{"partners", "partners/b"}}, []string{"b"}, true},
		{"a file in partners/", &Manifest{Folders: []Folder{partners([]string{"README", "a", "b"}, []fs.FileMode{0, fs.ModeDir, fs.ModeDir}, Stamp{Size: 1})}, changed: []string{"partners"}}, nil, false},
		{"a partner folder swapped for a link", &Manifest{Folders: []Folder{partners([]string{"a", "b"}, []fs.FileMode{fs.ModeDir, fs.ModeSymlink})}, changed: []string{"partners"}}, nil, false},
		{"a hidden folder", &Manifest{Folders: last.Folders, changed: []string{"partners/.git"}}, nil, false},
		{"a definition", &Manifest{Folders: last.Folders, changed: []string{"partners/a", "programs"}}, nil, false},
		{"a tree gone", &Manifest{Absent: []string{"content"}, Folders: last.Folders, changed: []string{"partners/a"}}, nil, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := tc.m.ChangedPartners(last)
			if ok != tc.wantOK || ok && !slices.Equal(got, tc.want) {
				t.Errorf("ChangedPartners = %v, %v; want %v, %v", got, ok, tc.want, tc.wantOK)
			}
		})
	}
}

// TestMerge: the diagnostics of the folders checked again are the fresh
// ones, the others the last result's; the files of folders not loaded
// are counted from the last result.
func TestMerge(t *testing.T) {
	d := func(file, msg string) diag.Diagnostic { return diag.Diagnostic{File: file, Line: 1, Msg: msg} }
	last := Result{
		Files:    10, // 2 definitions, 4 in a, 2 in b, 2 in c
		Diags:    []diag.Diagnostic{d("partners/a/people/x.toml", "old"), d("partners/b/partner.md", "kept"), d("programs/program.toml", "kept")},
		Partners: []Partner{{ID: "a", Files: 4}, {ID: "b", Files: 2, Held: []string{"B"}}, {ID: "c", Files: 2}},
	}
	fresh := []diag.Diagnostic{d("partners/a/people/y.toml", "new"), d("programs/program.toml", "again"), d("partners/c/partner.md", "not checked")}
	// a checked again (now 5 files), c loaded with it (2), b not loaded:
	// the load read 2 + 5 + 2 files.
	got := last.Merge(set("a"), set("a", "c"), fresh, 9, []Partner{{ID: "a", Files: 5}, {ID: "c", Files: 2}})
	want := Result{
		Files:    11,
		Diags:    []diag.Diagnostic{d("partners/a/people/y.toml", "new"), d("partners/b/partner.md", "kept"), d("programs/program.toml", "kept")},
		Partners: []Partner{{ID: "a", Files: 5}, {ID: "b", Files: 2, Held: []string{"B"}}, {ID: "c", Files: 2}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Merge =\n%+v\nwant\n%+v", got, want)
	}
}

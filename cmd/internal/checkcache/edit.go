package checkcache

import (
	"cmp"
	"io/fs"
	"slices"
	"strings"

	"github.com/accredit/accredit/cmd/internal/diag"
	"github.com/accredit/accredit/cmd/internal/program"
)

// An edit to a few partner folders is checked again in those folders
// only, and in the folders whose records it can change, with the rest
// of the last result kept. The scope follows what the rules read: a
// partner's records are checked against the program's definitions
// (programs/, content/, layouts/: any change there is checked in full)
// and against other partners' only through credential ids, by
// duplicate-id ("first defined at") and by renews, whose lookup
// (Program.Credential) is the first credential holding the id in file
// order. So the folders checked again are:
//
//   - the changed ones (new, gone, or with any file or name changed);
//   - any folder holding or naming an id that a changed folder held or
//     named before the edit or holds or names after it;
//
// and the folders loaded with them are those, and every folder holding
// an id that a loaded folder names or holds, until there is none more:
// each id then resolves to the credential a full load gives it, whose
// standing is computed from the same records (a person's standing
// depends on the credentials their renews resolve to, and on no one
// else's). check.RunPartners returns exactly the diagnostics a full
// check reports in the given partners' files; the differential test in
// cmd/accredit holds the result to a full check's, edit after edit.

// Partner is what a result keeps of one partner folder for that: how
// many files the load read in it and the credential ids its records
// hold and name.
type Partner struct {
	ID    string   // the folder's name
	Files int      // as Program.PartnerFiles
	Held  []string // the ids of its credentials, in file order
	Named []string // the ids its credentials' renews name
}

// Summaries returns the Partner of every folder of p, sorted by name.
func Summaries(p *program.Program) []Partner {
	out := make([]Partner, 0, len(p.PartnerFiles))
	seen := make(map[string]bool, len(p.Partners))
	for _, pa := range p.Partners {
		seen[pa.ID] = true
		out = append(out, SummaryOf(pa, p.PartnerFiles[pa.ID]))
	}
	// A folder whose partner.md could not be read has no partner, but
	// its files were read.
	for id, n := range p.PartnerFiles {
		if !seen[id] {
			out = append(out, Partner{ID: id, Files: n})
		}
	}
	slices.SortFunc(out, func(a, b Partner) int { return strings.Compare(a.ID, b.ID) })
	return out
}

// SummaryOf returns the Partner of pa, whose folder holds files files
// read.
func SummaryOf(pa *program.Partner, files int) Partner {
	s := Partner{ID: pa.ID, Files: files}
	for _, pe := range pa.People {
		for _, cr := range pe.Certifications {
			s.Held = append(s.Held, cr.ID)
			if cr.Renews != "" {
				s.Named = append(s.Named, cr.Renews)
			}
		}
	}
	return s
}

// ChangedPartners returns the partner folders in which m, taken by
// last.Refresh, differs from last; ok is false when anything else
// differs (a definition, a page, a layout, a file or link directly in
// partners/, a hidden folder), which only a full check can take in.
func (m *Manifest) ChangedPartners(last *Manifest) (ids []string, ok bool) {
	if !slices.Equal(m.Absent, last.Absent) {
		return nil, false
	}
	set := map[string]bool{}
	for _, rel := range m.changed {
		if rel == "partners" {
			names, ok := partnerNames(last.folder(rel), m.folder(rel))
			if !ok {
				return nil, false
			}
			for _, id := range names {
				set[id] = true
			}
			continue
		}
		rest, found := strings.CutPrefix(rel, "partners/")
		id, _, _ := strings.Cut(rest, "/")
		if !found || id == "" || strings.HasPrefix(id, ".") {
			return nil, false
		}
		set[id] = true
	}
	ids = make([]string, 0, len(set))
	for id := range set {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return ids, true
}

// folder returns the folder of m at rel, or nil.
func (m *Manifest) folder(rel string) *Folder {
	i, ok := slices.BinarySearchFunc(m.Folders, rel, func(f Folder, rel string) int { return strings.Compare(f.Path, rel) })
	if !ok {
		return nil
	}
	return &m.Folders[i]
}

// partnerNames compares two listings of partners/ and returns the
// partner folders added, removed or replaced; ok is false if anything
// but a partner folder differs: a file (its name or its stamp), a link,
// a hidden name.
func partnerNames(old, cur *Folder) (ids []string, ok bool) {
	if old == nil || cur == nil {
		return nil, false
	}
	type entry struct {
		typ   fs.FileMode
		stamp Stamp
	}
	entries := func(f *Folder) map[string]entry {
		es := make(map[string]entry, len(f.Listing.Names))
		k := 0 // Files holds a stamp per regular entry, in order
		for i, name := range f.Listing.Names {
			e := entry{typ: f.Listing.Types[i]}
			if f.Listing.Types[i].IsRegular() {
				if k >= len(f.Files) {
					return nil
				}
				e.stamp = f.Files[k]
				k++
			}
			es[name] = e
		}
		return es
	}
	was, is := entries(old), entries(cur)
	if was == nil || is == nil {
		return nil, false
	}
	for name, a := range was {
		b, bok := is[name]
		if bok && a == b {
			continue
		}
		if strings.HasPrefix(name, ".") || !a.typ.IsDir() || bok && !b.typ.IsDir() {
			return nil, false
		}
		ids = append(ids, name)
	}
	for name, b := range is {
		if _, aok := was[name]; aok {
			continue
		}
		if strings.HasPrefix(name, ".") || !b.typ.IsDir() {
			return nil, false
		}
		ids = append(ids, name)
	}
	return ids, true
}

// Scope returns the partner folders to check again after an edit to
// the folders of changed (their Partner as they are after it) and
// those to load with them, as the comment at the top of this file says.
func (r *Result) Scope(changed []Partner) (recheck, load map[string]bool) {
	cur := make(map[string]*Partner, len(r.Partners)+len(changed))
	for i := range r.Partners {
		cur[r.Partners[i].ID] = &r.Partners[i]
	}
	touched := map[string]bool{}
	mark := func(p *Partner) {
		for _, id := range p.Held {
			touched[id] = true
		}
		for _, id := range p.Named {
			touched[id] = true
		}
	}
	recheck = map[string]bool{}
	for i := range changed {
		p := &changed[i]
		if old := cur[p.ID]; old != nil {
			mark(old)
		}
		mark(p)
		cur[p.ID] = p
		recheck[p.ID] = true
	}
	delete(touched, "")
	for id, p := range cur {
		if !recheck[id] && (anyIn(p.Held, touched) || anyIn(p.Named, touched)) {
			recheck[id] = true
		}
	}
	// The closure: every holder of an id a loaded folder holds or names.
	load = map[string]bool{}
	needed := map[string]bool{}
	add := func(p *Partner) {
		load[p.ID] = true
		for _, id := range p.Held {
			needed[id] = true
		}
		for _, id := range p.Named {
			needed[id] = true
		}
	}
	for id := range recheck {
		add(cur[id])
	}
	delete(needed, "")
	for grew := true; grew; {
		grew = false
		for id, p := range cur {
			if !load[id] && anyIn(p.Held, needed) {
				add(p)
				grew = true
			}
		}
	}
	return recheck, load
}

func anyIn(ids []string, set map[string]bool) bool {
	for _, id := range ids {
		if set[id] {
			return true
		}
	}
	return false
}

// inFolders reports whether a diagnostic's file is one of the partner
// folders of set, or in one.
func inFolders(file string, set map[string]bool) bool {
	rest, ok := strings.CutPrefix(file, "partners/")
	if !ok {
		return false
	}
	id, _, _ := strings.Cut(rest, "/")
	return set[id]
}

// Merge returns the result of a check of the partners of recheck after
// an edit: r's diagnostics outside their folders and fresh's inside
// (fresh: what the load of the folders of loaded and a check of those
// of recheck reported), files counted with the load's (loadedFiles: the
// definitions' and the loaded folders') and r's of the folders not
// loaded, and the Partner of every loaded folder as it is now.
func (r *Result) Merge(recheck, loaded map[string]bool, fresh []diag.Diagnostic, loadedFiles int, now []Partner) Result {
	// The later days' results (Later) are not kept: they were computed
	// from the files before the edit.
	out := Result{Files: loadedFiles, AsOf: r.AsOf}
	for _, d := range r.Diags {
		if !inFolders(d.File, recheck) {
			out.Diags = append(out.Diags, d)
		}
	}
	for _, d := range fresh {
		if inFolders(d.File, recheck) {
			out.Diags = append(out.Diags, d)
		}
	}
	slices.SortFunc(out.Diags, diag.Compare)
	out.Diags = slices.Compact(out.Diags)
	for _, p := range r.Partners {
		if !loaded[p.ID] {
			out.Files += p.Files
			out.Partners = append(out.Partners, p)
		}
	}
	for _, p := range now {
		if loaded[p.ID] {
			out.Partners = append(out.Partners, p)
		}
	}
	slices.SortFunc(out.Partners, func(a, b Partner) int { return cmp.Compare(a.ID, b.ID) })
	return out
}

package history

import (
	"strconv"
	"strings"

	"github.com/BurntSushi/toml"

	"github.com/accredit/accredit/cmd/internal/program"
	"github.com/accredit/accredit/cmd/internal/tomlpos"
)

// The audit judges a change key by key, not file by file: who set the
// current value of each key of the program (or removed it) is what must
// be authorized. A key is named by one string:
//
//	"c|<id>|<key>"      a key of the certification record with that id,
//	                    wherever it is ("c|<id>|@" holds its file: a
//	                    record moved to another file or person changes it)
//	"f|<file>|<path>"   a key of any other TOML record ("levels[0].rank")
//	"f|<file>|"         a file that is not TOML (Markdown, theme, assets,
//	                    links), valued by its blob
//	"t|<file>"          the text of a file, valued by its blob: set by
//	                    every commit that changes the file, so that a
//	                    change no key shows (comments, spacing) is judged
//	                    too
//
// where "|" stands for a NUL byte, which no path or id holds.
// Records are keyed by credential id so that moving one, or renaming its
// partner's folder, is a change of its file key and nothing else.

// value is one key of a version of a file.
type value struct {
	key  string
	val  string
	role role
	file string // the file the key is in
}

const sep = "\x00"

// role is a set of administrator roles, as bits.
type role uint8

const (
	roleProgram role = 1 << iota
	roleContent
	roleGrants
	rolePartners
)

var roleNames = []struct {
	r    role
	name string
}{{roleProgram, program.RoleProgram}, {roleContent, program.RoleContent}, {roleGrants, program.RoleGrants}, {rolePartners, program.RolePartners}}

func (r role) String() string {
	var out []string
	for _, n := range roleNames {
		if r&n.r != 0 {
			out = append(out, n.name)
		}
	}
	return strings.Join(out, " and ")
}

// roles returns an administrator's roles as bits.
func roles(a *program.Administrator) role {
	var r role
	for _, n := range roleNames {
		if a.Has(n.name) {
			r |= n.r
		}
	}
	return r
}

// fileRole is the role that may change a file (a person file's records
// excepted: see valuesOf). content/docs/format.md lists this mapping.
func fileRole(file string) role {
	switch {
	case file == "programs/program.toml":
		return roleProgram
	case strings.HasPrefix(file, "programs/tracks/"), strings.HasPrefix(file, "programs/exams/"), strings.HasPrefix(file, "content/"):
		return roleContent
	case strings.HasPrefix(file, "partners/"):
		return rolePartners
	}
	return roleProgram // the rest of programs/, and the theme (layouts/)
}

// fileRoles is every role that valuesOf may give a key of file: a
// person file's certification records need grants, its other keys
// partners. A full audit reads a commit lean when its author has them
// all (lean.go).
func fileRoles(file string) role {
	if isPerson(file) {
		return rolePartners | roleGrants
	}
	return fileRole(file)
}

// isPerson reports whether file is a person file: partners/*/people/*.toml.
func isPerson(file string) bool {
	parts := strings.Split(file, "/")
	return len(parts) == 4 && parts[0] == "partners" && parts[2] == "people" && strings.HasSuffix(parts[3], ".toml")
}

// valuesOf lists the keys of one version of a file. Text that the scanner
// cannot read yields fewer keys, never an error: the "t" key still
// changes with the file, and such a version does not load either. With
// keep set, it lists only the keys keep keeps (lean.go), and makes no
// string of the others.
func valuesOf(file string, b []byte, special bool, h string, keep *leanKeys) []value {
	fr := fileRole(file)
	text := value{key: "t" + sep + file, val: h, role: fr, file: file}
	whole := keep.file(file) // the keys that name the file
	if special {
		text.val = "link " + h
		if !whole {
			return []value{text}
		}
		return []value{text, {key: "f" + sep + file + sep, val: text.val, role: fr, file: file}}
	}
	if !strings.HasSuffix(file, ".toml") {
		if !whole {
			return []value{text}
		}
		return []value{text, {key: "f" + sep + file + sep, val: h, role: fr, file: file}}
	}
	person := isPerson(file)
	out := []value{text}
	// The values of each certification record, by the record's table
	// path as written ("certifications[0]", or "CERTIFICATIONS[0]",
	// which the loader refuses but the audit must still see), as
	// written in b until the record's key is known.
	type raw struct {
		sub string
		raw []byte
	}
	type rec struct {
		ids  []string
		vals []raw
	}
	var recs []*rec
	byTable := map[string]*rec{}
	tomlpos.Values(b, func(p string, v []byte) {
		if !person {
			if whole {
				out = append(out, value{key: "f" + sep + file + sep + p, val: trimmed(v), role: fr, file: file})
			}
			return
		}
		table, sub, inRecord := certPath(p)
		if !inRecord {
			r := rolePartners
			if isCertifications(table) {
				r = roleGrants // the whole array written inline
			}
			if whole {
				out = append(out, value{key: "f" + sep + file + sep + p, val: trimmed(v), role: r, file: file})
			}
			return
		}
		rc := byTable[table]
		if rc == nil {
			rc = &rec{}
			byTable[table] = rc
			recs = append(recs, rc)
		}
		if strings.EqualFold(sub, "id") {
			if id, ok := tomlString(trimmed(v)); ok {
				rc.ids = append(rc.ids, id)
			}
		}
		rc.vals = append(rc.vals, raw{sub, v})
	})
	for i, rc := range recs {
		// A record is its id's only when it has one readable id: two
		// spellings of the key, or none, leave it to its file and index.
		var prefix, id string
		if len(rc.ids) == 1 && rc.ids[0] != "" && !strings.Contains(rc.ids[0], sep) {
			id = rc.ids[0]
			prefix = "c" + sep + id + sep
			out = append(out, value{key: prefix + "@", val: file, role: roleGrants, file: file})
		} else if whole {
			prefix = "f" + sep + file + sep + "record " + strconv.Itoa(i) + "."
		} else {
			continue
		}
		for _, v := range rc.vals {
			if id == "" || keep.credential(id, v.sub) {
				out = append(out, value{key: prefix + v.sub, val: trimmed(v.raw), role: roleGrants, file: file})
			}
		}
	}
	return out
}

// trimmed is a value's text as a key's value holds it.
func trimmed(raw []byte) string { return strings.TrimSpace(string(raw)) }

// certPath splits a person file's key path into its table and the key
// within a certification record: "certifications[2].revoked" ->
// "certifications[2]", "revoked", true. The table name is matched
// ignoring case, as the decoder matches it; the loader refuses any
// spelling but the canonical one.
func certPath(p string) (table, sub string, ok bool) {
	first, rest, _ := strings.Cut(p, ".")
	open := strings.IndexByte(first, '[')
	if open < 0 || !strings.HasSuffix(first, "]") {
		return first, "", false
	}
	if !isCertifications(first[:open]) || rest == "" {
		return first[:open], "", false
	}
	return first, rest, true
}

func isCertifications(name string) bool { return strings.EqualFold(name, "certifications") }

// tomlString decodes a TOML string value as written: one-line strings
// directly, anything else (multi-line, escapes) with the decoder, so that
// the audit reads an id exactly as the loader does.
func tomlString(raw string) (string, bool) {
	if s, ok := unquote(raw); ok {
		return s, true
	}
	if raw == "" || raw[0] != '"' && raw[0] != '\'' {
		return "", false
	}
	var v struct{ V string }
	if _, err := toml.Decode("V = "+raw, &v); err != nil {
		return "", false
	}
	return v.V, true
}

// keyParts splits a key into its kind ('c', 'f' or 't'), its id or file,
// and the key path within it ("" for a whole file).
func keyParts(key string) (kind byte, name, p string) {
	name, p, _ = strings.Cut(key[2:], sep)
	return key[0], name, p
}

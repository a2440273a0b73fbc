package obschema

import (
	"bytes"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/big"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

//go:embed schema/*.json
var files embed.FS

// Schema is a compiled schema: a tree of nodes, with $ref resolved.
type Schema struct {
	root *node
}

// node is one schema object. Absent keywords are zero: nil slices and
// maps, minItems -1.
type node struct {
	types    []string
	props    map[string]*node
	required []string
	// addProps is additionalProperties: nil allows any, noProps refuses.
	addProps *node
	noProps  bool
	items    *node   // items as one schema
	tuple    []*node // items as an array (positional)
	addItems *node   // additionalItems, after tuple
	minItems int
	contains *node
	enum     []any
	pattern  *regexp.Regexp
	format   string
	oneOf    []*node
	allOf    []*node
	ref      string
	target   *node // ref, resolved
}

// annotations are keywords that assert nothing.
var annotations = map[string]bool{
	"$schema": true, "$id": true, "$comment": true, "$defs": true,
	"title": true, "description": true, "default": true, "examples": true,
}

// achievementCredentialFile is the embedded AchievementCredential schema.
const achievementCredentialFile = "schema/achievementcredential.schema.json"

// AchievementCredential is the embedded AchievementCredential schema,
// built once a process, the first time it is asked for, from
// tree_gen.go: that file is the schema already compiled into Go, which
// TestGenerated keeps equal to Compile of the embedded JSON. Decoding
// and compiling the 63 KB document took about 3 ms, most of what
// checking one credential's shape costs a verify.
var AchievementCredential = sync.OnceValues(func() (*Schema, error) {
	return &Schema{root: achievementCredentialTree()}, nil
})

// Compile compiles one schema document whose $refs are all local.
func Compile(doc []byte) (*Schema, error) {
	v, err := decode(doc)
	if err != nil {
		return nil, fmt.Errorf("schema: %w", err)
	}
	c := &compiler{doc: v, byPtr: map[string]*node{}}
	root, err := c.compile(v, "")
	if err != nil {
		return nil, err
	}
	for _, n := range c.refs {
		t, err := c.resolve(n.ref)
		if err != nil {
			return nil, err
		}
		n.target = t
	}
	return &Schema{root: root}, nil
}

type compiler struct {
	doc   any
	byPtr map[string]*node
	refs  []*node
}

func (c *compiler) compile(v any, at string) (*node, error) {
	m, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("schema: %s: not an object", at)
	}
	if n, ok := c.byPtr[at]; ok {
		return n, nil
	}
	n := &node{minItems: -1}
	c.byPtr[at] = n
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	sub := func(k string, v any) (*node, error) { return c.compile(v, at+"/"+k) }
	for _, k := range keys {
		val := m[k]
		var err error
		switch k {
		case "type":
			switch t := val.(type) {
			case string:
				n.types = []string{t}
			case []any:
				for _, e := range t {
					s, ok := e.(string)
					if !ok {
						return nil, fmt.Errorf("schema: %s/type: not a string", at)
					}
					n.types = append(n.types, s)
				}
			default:
				return nil, fmt.Errorf("schema: %s/type: not a string or list", at)
			}
		case "properties":
			pm, ok := val.(map[string]any)
			if !ok {
				return nil, fmt.Errorf("schema: %s/properties: not an object", at)
			}
			n.props = map[string]*node{}
			for name, ps := range pm {
				if n.props[name], err = c.compile(ps, at+"/properties/"+escape(name)); err != nil {
					return nil, err
				}
			}
		case "required":
			list, ok := val.([]any)
			if !ok {
				return nil, fmt.Errorf("schema: %s/required: not a list", at)
			}
			for _, e := range list {
				s, ok := e.(string)
				if !ok {
					return nil, fmt.Errorf("schema: %s/required: not a string", at)
				}
				n.required = append(n.required, s)
			}
		case "additionalProperties":
			if b, ok := val.(bool); ok {
				n.noProps = !b
			} else if n.addProps, err = sub(k, val); err != nil {
				return nil, err
			}
		case "items":
			if list, ok := val.([]any); ok {
				for i, e := range list {
					s, err := c.compile(e, at+"/items/"+strconv.Itoa(i))
					if err != nil {
						return nil, err
					}
					n.tuple = append(n.tuple, s)
				}
			} else if n.items, err = sub(k, val); err != nil {
				return nil, err
			}
		case "additionalItems":
			if n.addItems, err = sub(k, val); err != nil {
				return nil, err
			}
		case "minItems":
			f, ok := val.(json.Number)
			i, err := strconv.Atoi(string(f))
			if !ok || err != nil || i < 0 {
				return nil, fmt.Errorf("schema: %s/minItems: not a count", at)
			}
			n.minItems = i
		case "contains":
			if n.contains, err = sub(k, val); err != nil {
				return nil, err
			}
		case "enum":
			list, ok := val.([]any)
			if !ok {
				return nil, fmt.Errorf("schema: %s/enum: not a list", at)
			}
			n.enum = list
		case "pattern":
			s, _ := val.(string)
			if n.pattern, err = regexp.Compile(s); err != nil {
				return nil, fmt.Errorf("schema: %s/pattern: %v", at, err)
			}
		case "format":
			s, _ := val.(string)
			if s != "date" && s != "date-time" {
				return nil, fmt.Errorf("schema: %s/format: %q is not supported", at, s)
			}
			n.format = s
		case "oneOf", "allOf":
			list, ok := val.([]any)
			if !ok {
				return nil, fmt.Errorf("schema: %s/%s: not a list", at, k)
			}
			var subs []*node
			for i, e := range list {
				s, err := c.compile(e, at+"/"+k+"/"+strconv.Itoa(i))
				if err != nil {
					return nil, err
				}
				subs = append(subs, s)
			}
			if k == "oneOf" {
				n.oneOf = subs
			} else {
				n.allOf = subs
			}
		case "$ref":
			s, _ := val.(string)
			if !strings.HasPrefix(s, "#") {
				return nil, fmt.Errorf("schema: %s/$ref: %q is not local", at, s)
			}
			n.ref = s
			c.refs = append(c.refs, n)
		case "$defs":
			dm, ok := val.(map[string]any)
			if !ok {
				return nil, fmt.Errorf("schema: %s/$defs: not an object", at)
			}
			for name, ds := range dm {
				if _, err := c.compile(ds, at+"/$defs/"+escape(name)); err != nil {
					return nil, err
				}
			}
		default:
			if !annotations[k] {
				return nil, fmt.Errorf("schema: %s: keyword %q is not supported", at, k)
			}
		}
	}
	return n, nil
}

// resolve finds a "#/…" JSON pointer among the compiled nodes.
func (c *compiler) resolve(ref string) (*node, error) {
	if n, ok := c.byPtr[strings.TrimPrefix(ref, "#")]; ok {
		return n, nil
	}
	return nil, fmt.Errorf("schema: $ref %q names no schema", ref)
}

func escape(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "~", "~0"), "/", "~1")
}

// decode reads one JSON value with numbers kept exact.
func decode(b []byte) (any, error) {
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		return nil, err
	}
	if _, err := d.Token(); err != io.EOF {
		return nil, errors.New("data after the JSON value")
	}
	return v, nil
}

// Problem is one place where a document does not validate.
type Problem struct {
	At  string // JSON pointer into the document
	Msg string
}

func (p Problem) String() string { return "at " + p.At + ": " + p.Msg }

// ValidateJSON decodes doc and validates it.
func (s *Schema) ValidateJSON(doc []byte) ([]Problem, error) {
	v, err := decode(doc)
	if err != nil {
		return nil, err
	}
	return s.Validate(v), nil
}

// Validate returns the problems of v (decoded with json.Number), none
// when it is valid.
func (s *Schema) Validate(v any) []Problem {
	var ps []Problem
	check(s.root, v, "", &ps, 0)
	return ps
}

// maxDepth bounds $ref recursion on a hostile document: the schemas
// nest a credential's endorsements inside credentials.
const maxDepth = 64

func check(n *node, v any, at string, ps *[]Problem, depth int) {
	add := func(where, format string, args ...any) {
		*ps = append(*ps, Problem{At: where, Msg: fmt.Sprintf(format, args...)})
	}
	if depth > maxDepth {
		add(at, "nested too deeply")
		return
	}
	if at == "" {
		at = "/"
	}
	child := func(seg string) string {
		if at == "/" {
			return "/" + escape(seg)
		}
		return at + "/" + escape(seg)
	}
	if n.target != nil {
		check(n.target, v, at, ps, depth+1)
	}
	if n.types != nil && !hasType(v, n.types) {
		add(at, "got %s, want %s", typeOf(v), strings.Join(n.types, " or "))
		return
	}
	if n.enum != nil {
		found := false
		for _, e := range n.enum {
			if equal(e, v) {
				found = true
				break
			}
		}
		if !found {
			add(at, "value must be one of %s", enumList(n.enum))
		}
	}
	switch x := v.(type) {
	case string:
		if n.pattern != nil && !n.pattern.MatchString(x) {
			add(at, "%q does not match pattern %q", x, n.pattern.String())
		}
		if n.format != "" {
			if err := checkFormat(n.format, x); err != nil {
				add(at, "%q is not valid %s: %v", x, n.format, err)
			}
		}
	case map[string]any:
		for _, r := range n.required {
			if _, ok := x[r]; !ok {
				add(at, "missing property %q", r)
			}
		}
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			if p, ok := n.props[k]; ok {
				check(p, x[k], child(k), ps, depth+1)
			} else if n.noProps {
				add(at, "additional property %q not allowed", k)
			} else if n.addProps != nil {
				check(n.addProps, x[k], child(k), ps, depth+1)
			}
		}
	case []any:
		if n.minItems >= 0 && len(x) < n.minItems {
			add(at, "minimum %d items required, but found %d", n.minItems, len(x))
		}
		for i, e := range x {
			switch {
			case n.tuple != nil && i < len(n.tuple):
				check(n.tuple[i], e, child(strconv.Itoa(i)), ps, depth+1)
			case n.tuple != nil && n.addItems != nil:
				check(n.addItems, e, child(strconv.Itoa(i)), ps, depth+1)
			case n.tuple == nil && n.items != nil:
				check(n.items, e, child(strconv.Itoa(i)), ps, depth+1)
			}
		}
		if n.contains != nil {
			found := false
			for _, e := range x {
				var sub []Problem
				check(n.contains, e, at, &sub, depth+1)
				if len(sub) == 0 {
					found = true
					break
				}
			}
			if !found {
				add(at, "no item matches contains")
			}
		}
	}
	for _, a := range n.allOf {
		check(a, v, at, ps, depth+1)
	}
	if n.oneOf != nil {
		matched := 0
		var first []Problem
		for _, o := range n.oneOf {
			var sub []Problem
			check(o, v, at, &sub, depth+1)
			if len(sub) == 0 {
				matched++
			} else if first == nil {
				first = sub
			}
		}
		switch {
		case matched == 0:
			*ps = append(*ps, first...)
			add(at, "oneOf failed, none matched")
		case matched > 1:
			add(at, "oneOf failed, %d matched", matched)
		}
	}
}

func typeOf(v any) string {
	switch x := v.(type) {
	case nil:
		return "null"
	case bool:
		return "boolean"
	case string:
		return "string"
	case json.Number:
		if isInt(x) {
			return "integer"
		}
		return "number"
	case []any:
		return "array"
	case map[string]any:
		return "object"
	}
	return fmt.Sprintf("%T", v)
}

func hasType(v any, types []string) bool {
	got := typeOf(v)
	for _, t := range types {
		if t == got || t == "number" && got == "integer" {
			return true
		}
	}
	return false
}

func isInt(n json.Number) bool {
	r, ok := new(big.Rat).SetString(string(n))
	return ok && r.IsInt()
}

// equal is JSON equality: numbers by value, objects by members.
func equal(a, b any) bool {
	switch x := a.(type) {
	case json.Number:
		y, ok := b.(json.Number)
		if !ok {
			return false
		}
		rx, ok1 := new(big.Rat).SetString(string(x))
		ry, ok2 := new(big.Rat).SetString(string(y))
		return ok1 && ok2 && rx.Cmp(ry) == 0
	case []any:
		y, ok := b.([]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for i := range x {
			if !equal(x[i], y[i]) {
				return false
			}
		}
		return true
	case map[string]any:
		y, ok := b.(map[string]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for k, xv := range x {
			yv, ok := y[k]
			if !ok || !equal(xv, yv) {
				return false
			}
		}
		return true
	default:
		return a == b
	}
}

func enumList(e []any) string {
	var s []string
	for _, v := range e {
		b, _ := json.Marshal(v)
		s = append(s, string(b))
	}
	return "[" + strings.Join(s, ", ") + "]"
}

// checkFormat asserts format date (RFC 3339 full-date) and date-time
// (RFC 3339 §5.6, leap second only at 23:59:60 UTC).
func checkFormat(format, s string) error {
	if format == "date" {
		_, err := time.Parse("2006-01-02", s)
		return err
	}
	if len(s) < 20 {
		return errors.New("less than 20 characters long")
	}
	if s[10] != 't' && s[10] != 'T' {
		return errors.New("11th character must be t or T")
	}
	if _, err := time.Parse("2006-01-02", s[:10]); err != nil {
		return err
	}
	return checkTime(s[11:])
}

func checkTime(s string) error {
	if len(s) < 9 {
		return errors.New("less than 9 characters long")
	}
	if s[2] != ':' || s[5] != ':' {
		return errors.New("missing colon in correct place")
	}
	var hms [3]int
	for i, tok := range strings.SplitN(s[:8], ":", 3) {
		n, err := strconv.Atoi(tok)
		if err != nil || n < 0 {
			return errors.New("invalid hour/min/sec")
		}
		hms[i] = n
	}
	h, m, sec := hms[0], hms[1], hms[2]
	if h > 23 || m > 59 || sec > 60 {
		return errors.New("hour/min/sec out of range")
	}
	s = s[8:]
	if rem, ok := strings.CutPrefix(s, "."); ok {
		digits := 0
		for digits < len(rem) && rem[digits] >= '0' && rem[digits] <= '9' {
			digits++
		}
		if digits == 0 {
			return errors.New("no digits in second fraction")
		}
		s = rem[digits:]
	}
	if s != "z" && s != "Z" {
		if len(s) != 6 {
			return errors.New("offset must be 6 characters long")
		}
		var sign int
		switch s[0] {
		case '+':
			sign = -1
		case '-':
			sign = +1
		default:
			return errors.New("offset must begin with plus/minus")
		}
		s = s[1:]
		if s[2] != ':' {
			return errors.New("missing colon in offset")
		}
		zh, err1 := strconv.Atoi(s[:2])
		zm, err2 := strconv.Atoi(s[3:])
		if err1 != nil || err2 != nil || zh < 0 || zm < 0 {
			return errors.New("invalid hour/min in offset")
		}
		if zh > 23 || zm > 59 {
			return errors.New("hour/min in offset out of range")
		}
		hm := h*60 + m + sign*(zh*60+zm)
		if hm < 0 {
			hm += 24 * 60
		}
		h, m = hm/60, hm%60
	}
	if sec >= 60 && (h != 23 || m != 59) {
		return errors.New("invalid leap second")
	}
	return nil
}

package record

// The differential test of the editor against the decoder it edits for
// (BurntSushi/toml, through the loader): random person files, written in
// every style a hand might use, take random edits; after each one the
// file decodes, the edited record has the new values and every other
// value is unchanged. A short run is part of go test; FuzzEdits runs
// longer:
//
//	go test ./cmd/internal/record -run XXX -fuzz FuzzEdits -fuzztime 10m
//
// Inputs that found a bug stay in testdata/fuzz.

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/BurntSushi/toml"

	"github.com/accredit/accredit/cmd/internal/load"
)

// choices drives the generator: from fuzzer bytes, then from a random
// source, or zeros (the smallest choice) when there is neither.
type choices struct {
	b []byte
	r *rand.Rand
}

func (c *choices) n(k int) int {
	switch {
	case len(c.b) > 0:
		v := int(c.b[0])
		c.b = c.b[1:]
		return v % k
	case c.r != nil:
		return c.r.IntN(k)
	}
	return 0
}

// texts are string contents that have fooled line-based editors.
var texts = []string{
	"plain", "", "# ticket CERT-123", "[[certifications]]", "a \"quote\" and \\", "revoked = 2020-01-01",
	"two\nlines", "ends in a comment\n# ticket CERT-123", "'''", "\"\"\"", "tab\there", "Kalniņa 日本",
}

// str writes s as a TOML string in one of the forms a person might use,
// falling back to a basic string where the form cannot hold s.
func str(c *choices, s string) string {
	switch c.n(5) {
	case 1:
		if !strings.ContainsAny(s, "'\n\r\t") {
			return "'" + s + "'"
		}
	case 2:
		if !strings.Contains(s, `"""`) && !strings.HasSuffix(s, `"`) && !strings.Contains(s, `\`) && !strings.ContainsAny(s, "\t") {
			return "\"\"\"\n" + s + "\"\"\""
		}
	case 3:
		if !strings.Contains(s, "'''") && !strings.HasSuffix(s, "'") && !strings.ContainsAny(s, "\t") {
			return "'''" + s + "\n'''"
		}
	}
	return Quote(s)
}

func dateText(c *choices) string {
	return fmt.Sprintf("20%02d-%02d-%02d", 10+c.n(20), 1+c.n(12), 1+c.n(28))
}

// personFile writes a random person file.
func personFile(c *choices) string {
	var b strings.Builder
	indent := []string{"", "", "  ", "\t"}[c.n(4)]
	tail := func() string {
		return []string{"\n", "\n", "  # a comment\n", " # revoked = 2020-01-01\n", "\n\n", "\n# a comment line\n"}[c.n(6)]
	}
	kv := func(k, v string) { b.WriteString(indent + k + " = " + v + tail()) }
	if c.n(4) == 0 {
		b.WriteString("# Kept by hand.\n")
	}
	kv("name", str(c, "Ann "+texts[c.n(len(texts))]))
	if c.n(2) == 0 {
		kv("email", str(c, "ann@acme.example"))
	}
	if c.n(2) == 0 {
		kv("public", []string{"true", "false"}[c.n(2)])
	}
	if c.n(4) == 0 { // a key the loader does not know, holding header-like lines
		kv("notes", "\"\"\"\n[[certifications]]\nid = \"X\"\n# ticket CERT-123\"\"\"")
	}
	for range c.n(7) {
		b.WriteString([]string{"\n", "", "\n# next\n", "\n\n"}[c.n(4)])
		switch c.n(5) {
		case 0:
			b.WriteString("[[training]]\n")
			kv("course", str(c, "sales-101"))
			kv("completed", dateText(c))
		case 1:
			b.WriteString("[[exams]]\n")
			kv("exam", str(c, "sales-foundation"))
			kv("date", dateText(c))
			kv("score", strconv.Itoa(c.n(101)))
			if c.n(2) == 0 {
				kv("proctoring", str(c, "live"))
			}
		case 2:
			b.WriteString("[[assessments]]\n")
			kv("assessment", str(c, "mock-pitch"))
			kv("date", dateText(c))
			kv("passed", "true")
			kv("reviewer", str(c, texts[c.n(len(texts))]))
		case 3:
			b.WriteString("[[evidence]]\n")
			kv("kind", str(c, "closed-deal"))
			kv("date", dateText(c))
			kv("title", str(c, texts[c.n(len(texts))]))
		default:
			b.WriteString("[[certifications]]" + []string{"", " # a credential"}[c.n(2)] + "\n")
			kv("id", str(c, "GPMS-7VMY-E8VW"))
			kv("track", str(c, "sales"))
			kv("level", str(c, "foundation"))
			kv("issued", dateText(c))
			if c.n(2) == 0 {
				kv("waive", []string{`["retake-limit"]`, "[\n  \"retake-limit\",\n  # why\n]", "[ 'retake-wait' , \"proctoring\" ]"}[c.n(3)])
				kv("waiver_reason", str(c, texts[c.n(len(texts))]))
			}
			if c.n(4) == 0 {
				kv("revoked", dateText(c))
				kv("revoked_reason", str(c, texts[c.n(len(texts))]))
			}
			if c.n(3) == 0 {
				kv("extra", "{ a = 1, b = \"# x\" }") // unknown to the loader
			}
		}
	}
	s := b.String()
	switch c.n(4) {
	case 1:
		s = strings.ReplaceAll(s, "\n", "\r\n")
	case 2:
		s = strings.TrimRight(s, "\n")
	}
	return s
}

// edit makes a random edit of src, whose person is before: a record
// appended or revoked keys inserted. It returns false for an edit the
// file cannot take (nothing to revoke).
func edit(c *choices, src []byte, before map[string]any) ([]byte, Change, bool) {
	text := texts[c.n(len(texts))]
	switch c.n(4) {
	case 0:
		kvs := []KV{{"exam", "sales-" + text}, {"date", d(dateText(c))}, {"score", c.n(101)}}
		return Append(src, "exams", kvs...), Change{Table: "exams", Index: -1, KVs: kvs}, true
	case 1:
		kvs := []KV{{"course", text}, {"completed", d(dateText(c))}}
		return Append(src, "training", kvs...), Change{Table: "training", Index: -1, KVs: kvs}, true
	case 2:
		kvs := []KV{{"id", "MJNR-BH8H-PZ1C"}, {"track", "sales"}, {"level", "foundation"}, {"issued", d(dateText(c))},
			{"waive", []string{"retake-limit", text}}, {"waiver_reason", text + "\n# ticket"}}
		return Append(src, "certifications", kvs...), Change{Table: "certifications", Index: -1, KVs: kvs}, true
	}
	certs, _ := before["certifications"].([]map[string]any)
	if len(certs) == 0 {
		return nil, Change{}, false
	}
	i := c.n(len(certs))
	if certs[i]["revoked"] != nil || certs[i]["revoked_reason"] != nil {
		return nil, Change{}, false
	}
	kvs := []KV{{"revoked", d(dateText(c))}, {"revoked_reason", text}}
	out, err := Insert(src, "certifications["+strconv.Itoa(i)+"]", kvs...)
	if err != nil {
		panic(fmt.Sprintf("Insert refused a credential without revoked keys: %v\n%s", err, src))
	}
	return out, Change{Table: "certifications", Index: i, KVs: kvs}, true
}

// checkEdits runs a few random edits on a random person file and reports
// the first disagreement with the decoder, or "".
func checkEdits(c *choices) string {
	const rel = "partners/acme/people/ann.toml"
	src := []byte(personFile(c))
	var doc map[string]any
	if _, err := toml.Decode(string(src), &doc); err != nil {
		return fmt.Sprintf("the generator wrote invalid TOML: %v\n%s", err, src)
	}
	for range 1 + c.n(4) {
		pe, _ := load.Person(rel, src)
		if pe == nil {
			return fmt.Sprintf("the person does not load:\n%s", src)
		}
		out, ch, ok := edit(c, src, doc)
		if !ok {
			continue
		}
		// One splice: every byte of the original is kept around it.
		k := 0
		for k < len(src) && src[k] == out[k] {
			k++
		}
		if !bytes.HasSuffix(out[k:], src[k:]) {
			return fmt.Sprintf("bytes of the original changed:\n%q\n%q", src, out)
		}
		// The loader's view: the post-condition the commands use.
		if err := VerifyPerson(rel, pe, out, ch); err != nil {
			return fmt.Sprintf("%v\nbefore:\n%s\nafter:\n%s", err, src, out)
		}
		// The decoder's whole view, keys the loader does not know
		// included: with the intended keys taken out, nothing changed.
		var after map[string]any
		if _, err := toml.Decode(string(out), &after); err != nil {
			return fmt.Sprintf("the result does not decode: %v\n%s", err, out)
		}
		if msg := undo(after, ch); msg != "" {
			return msg + "\n" + string(out)
		}
		if !reflect.DeepEqual(after, doc) {
			return fmt.Sprintf("other values changed:\n%v\n%v\nbefore:\n%s\nafter:\n%s", doc, after, src, out)
		}
		src, doc = out, nil
		toml.Decode(string(src), &doc)
	}
	return ""
}

// undo removes from a decoded document what the change added, checking
// that it is there.
func undo(doc map[string]any, ch Change) string {
	tables, _ := doc[ch.Table].([]map[string]any)
	i := ch.Index
	if i < 0 {
		i = len(tables) - 1
	}
	if i < 0 || i >= len(tables) {
		return fmt.Sprintf("no %s[%d] after the edit", ch.Table, i)
	}
	for _, kv := range ch.KVs {
		if _, ok := tables[i][kv.Key]; !ok {
			return fmt.Sprintf("%s[%d] has no %s after the edit", ch.Table, i, kv.Key)
		}
		delete(tables[i], kv.Key)
	}
	if ch.Index < 0 {
		if len(tables[i]) > 0 {
			return fmt.Sprintf("the appended %s[%d] has more keys: %v", ch.Table, i, tables[i])
		}
		if tables = tables[:i]; len(tables) == 0 {
			delete(doc, ch.Table)
		} else {
			doc[ch.Table] = tables
		}
	}
	return ""
}

func TestEditsAgainstDecoder(t *testing.T) {
	n := 2000
	if testing.Short() {
		n = 500
	}
	r := rand.New(rand.NewPCG(16, 4))
	for i := range n {
		if msg := checkEdits(&choices{r: r}); msg != "" {
			t.Fatalf("person %d: %s", i, msg)
		}
	}
}

func FuzzEdits(f *testing.F) {
	f.Add([]byte{})
	f.Add([]byte{0, 0, 0, 0, 0, 1, 0, 4, 4, 2, 1, 1, 1, 1, 1, 0, 0, 2, 3, 3, 0, 1, 3, 3})
	f.Fuzz(func(t *testing.T, b []byte) {
		if msg := checkEdits(&choices{b: b}); msg != "" {
			t.Fatal(msg)
		}
	})
}

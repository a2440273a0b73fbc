package record

import (
	"bytes"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/BurntSushi/toml"

	"github.com/accredit/accredit/cmd/internal/date"
)

func d(s string) date.Date {
	v, err := date.Parse(s)
	if err != nil {
		panic(err)
	}
	return v
}

func TestFormat(t *testing.T) {
	for _, tc := range []struct {
		v    any
		want string
	}{
		{"plain", `"plain"`},
		{`a "quote" and \ back`, `"a \"quote\" and \\ back"`},
		{"two\nlines\ttab\r", `"two\nlines\ttab\r"`},
		{"bell\x07 del\x7f", `"bell\u0007 del\u007F"`},
		{"Kalniņa 日本", `"Kalniņa 日本"`},
		{"bad \xff utf8", "\"bad \uFFFD utf8\""},
		{42, "42"},
		{true, "true"},
		{d("2025-06-01"), "2025-06-01"},
		{[]string{"retake-limit", "x\"y"}, `["retake-limit", "x\"y"]`},
		{[]string{}, `[]`},
	} {
		if got := Format(tc.v); got != tc.want {
			t.Errorf("Format(%#v) = %s, want %s", tc.v, got, tc.want)
		}
	}
	// Every string survives a round trip through the TOML decoder.
	for _, s := range []string{"a\"b", `c:\dir`, "x\x00y", "tab\there", "ünï"} {
		var v struct{ K string }
		if _, err := toml.Decode("K = "+Quote(s), &v); err != nil || v.K != s {
			t.Errorf("Quote(%q) decodes to %q, %v", s, v.K, err)
		}
	}
}

var cert = []KV{{"id", "SZ6Q-2GMA-HYPP"}, {"track", "sales"}, {"issued", d("2025-06-01")}}

const certLines = "[[certifications]]\nid = \"SZ6Q-2GMA-HYPP\"\ntrack = \"sales\"\nissued = 2025-06-01\n"

func TestAppend(t *testing.T) {
	for _, tc := range []struct {
		name, src, want string
	}{
		{"empty", "", certLines},
		{"blank line added", "name = \"Ann\"\n", "name = \"Ann\"\n\n" + certLines},
		{"no final newline", "name = \"Ann\"", "name = \"Ann\"\n\n" + certLines},
		{"blank line kept", "name = \"Ann\"\n\n", "name = \"Ann\"\n\n" + certLines},
		{"comment kept", "name = \"Ann\"  # the holder\n# end\n", "name = \"Ann\"  # the holder\n# end\n\n" + certLines},
		{"crlf", "name = \"Ann\"\r\n", "name = \"Ann\"\r\n\r\n" + strings.ReplaceAll(certLines, "\n", "\r\n")},
		{"crlf no final newline", "a = 1\r\nb = 2", "a = 1\r\nb = 2\r\n\r\n" + strings.ReplaceAll(certLines, "\n", "\r\n")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := string(Append([]byte(tc.src), "certifications", cert...))
			if got != tc.want {
				t.Errorf("got\n%q\nwant\n%q", got, tc.want)
			}
			if !strings.HasPrefix(got, tc.src) {
				t.Error("the original bytes are not kept")
			}
		})
	}
}

func TestInsert(t *testing.T) {
	rev := []KV{{"revoked", d("2025-09-01")}, {"revoked_reason", "Granted in error"}}
	const add = "revoked = 2025-09-01\nrevoked_reason = \"Granted in error\"\n"
	for _, tc := range []struct {
		name, src, path, want, err string
	}{
		{
			name: "last table",
			src:  "name = \"Ann\"\n\n[[certifications]]\nid = \"A\"\nissued = 2025-01-01\n",
			path: "certifications[0]",
			want: "name = \"Ann\"\n\n[[certifications]]\nid = \"A\"\nissued = 2025-01-01\n" + add,
		},
		{
			name: "before the next table, its comment and the blank line",
			src:  "[[certifications]]\nid = \"A\"   # first\n\n# the renewal\n[[certifications]]\nid = \"B\"\n",
			path: "certifications[0]",
			want: "[[certifications]]\nid = \"A\"   # first\n" + add + "\n# the renewal\n[[certifications]]\nid = \"B\"\n",
		},
		{
			name: "second of two",
			src:  "[[certifications]]\nid = \"A\"\n\n[[certifications]]\nid = \"B\"\n\n[[exams]]\nexam = \"x\"\n",
			path: "certifications[1]",
			want: "[[certifications]]\nid = \"A\"\n\n[[certifications]]\nid = \"B\"\n" + add + "\n[[exams]]\nexam = \"x\"\n",
		},
		{
			name: "no final newline",
			src:  "[[certifications]]\nid = \"A\"",
			path: "certifications[0]",
			want: "[[certifications]]\nid = \"A\"\n" + add,
		},
		{
			name: "indented keys, crlf",
			src:  "[[certifications]]\r\n  id = \"A\"\r\n  issued = 2025-01-01\r\n\r\n[[exams]]\r\n",
			path: "certifications[0]",
			want: "[[certifications]]\r\n  id = \"A\"\r\n  issued = 2025-01-01\r\n" +
				"  revoked = 2025-09-01\r\n  revoked_reason = \"Granted in error\"\r\n\r\n[[exams]]\r\n",
		},
		{
			name: "after a multi-line string that ends in blank and comment-like lines",
			src:  "[[certifications]]\nwaiver_reason = \"\"\"\n# not a comment\n\n\"\"\"\n\n[[exams]]\n",
			path: "certifications[0]",
			want: "[[certifications]]\nwaiver_reason = \"\"\"\n# not a comment\n\n\"\"\"\n" + add + "\n[[exams]]\n",
		},
		{
			name: "inline tables in arrays are not headers",
			src:  "[[certifications]]\nid = \"A\"\nx = [\n  {a = 1},\n]\n[[exams]]\n",
			path: "certifications[0]",
			want: "[[certifications]]\nid = \"A\"\nx = [\n  {a = 1},\n]\n" + add + "[[exams]]\n",
		},
		{
			// Issue 16: revoke exited 0 and wrote its keys inside the
			// string, whose last line looks like a comment.
			name: "multi-line string whose last line starts with #",
			src: "[[certifications]]\nid = \"A\"\nwaiver_reason = \"\"\"\nApproved by the board.\n# ticket CERT-123\"\"\"\n\n" +
				"[[certifications]]\nid = \"B\"\n",
			path: "certifications[0]",
			want: "[[certifications]]\nid = \"A\"\nwaiver_reason = \"\"\"\nApproved by the board.\n# ticket CERT-123\"\"\"\n" + add +
				"\n[[certifications]]\nid = \"B\"\n",
		},
		{
			name: "multi-line literal string with header-like lines",
			src:  "[[certifications]]\nnote = '''\n[[exams]]\n# x\n\n'''\n[[exams]]\n",
			path: "certifications[0]",
			want: "[[certifications]]\nnote = '''\n[[exams]]\n# x\n\n'''\n" + add + "[[exams]]\n",
		},
		{
			name: "array spanning lines that ends in a comment",
			src:  "[[certifications]]\nwaive = [\n  \"a\",\n  # the last\n\n]  # done\n\n[[exams]]\n",
			path: "certifications[0]",
			want: "[[certifications]]\nwaive = [\n  \"a\",\n  # the last\n\n]  # done\n" + add + "\n[[exams]]\n",
		},
		{
			name: "comment after the value that looks like a key",
			src:  "[[certifications]]\nid = \"A\" # revoked = 2020-01-01\n",
			path: "certifications[0]",
			want: "[[certifications]]\nid = \"A\" # revoked = 2020-01-01\n" + add,
		},
		{
			name: "crlf multi-line string at the end without a final line ending",
			src:  "[[certifications]]\r\nid = \"A\"\r\nw = \"\"\"\r\n# x\r\n\"\"\"",
			path: "certifications[0]",
			want: "[[certifications]]\r\nid = \"A\"\r\nw = \"\"\"\r\n# x\r\n\"\"\"\r\n" +
				"revoked = 2025-09-01\r\nrevoked_reason = \"Granted in error\"\r\n",
		},
		{
			name: "inline table over several lines (TOML 1.1)",
			src:  "[[certifications]]\nid = \"A\"\nx = {\n  a = 1,\n  # c\n}\n\n[[exams]]\n",
			path: "certifications[0]",
			want: "[[certifications]]\nid = \"A\"\nx = {\n  a = 1,\n  # c\n}\n" + add + "\n[[exams]]\n",
		},
		{
			name: "header at the end without a final newline",
			src:  "[[certifications]]",
			path: "certifications[0]",
			want: "[[certifications]]\n" + add,
		},
		{
			name: "before a sub-table",
			src:  "[[certifications]]\nid = \"A\"\n[certifications.sub]\na = 1\n",
			path: "certifications[0]",
			want: "[[certifications]]\nid = \"A\"\n" + add + "[certifications.sub]\na = 1\n",
		},
		{
			name: "key already there in another case",
			src:  "[[certifications]]\nid = \"A\"\nRevoked = 2025-01-01\n",
			path: "certifications[0]",
			err:  "already has a revoked key",
		},
		{
			name: "key already there as a sub-table",
			src:  "[[certifications]]\nid = \"A\"\n[[exams]]\n[certifications.revoked]\n",
			path: "certifications[0]",
			err:  "already has a revoked key",
		},
		{
			name: "key already there",
			src:  "[[certifications]]\nid = \"A\"\nrevoked = 2025-01-01\n",
			path: "certifications[0]",
			err:  "already has a revoked key",
		},
		{
			name: "no such table",
			src:  "[[certifications]]\nid = \"A\"\n",
			path: "certifications[1]",
			err:  "no table certifications[1]",
		},
		{
			name: "inline table is not a header",
			src:  "certifications = [{id = \"A\"}]\n",
			path: "certifications[0]",
			err:  "no table",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Insert([]byte(tc.src), tc.path, rev...)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Errorf("error %v, want %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tc.want {
				t.Errorf("got\n%q\nwant\n%q", got, tc.want)
			}
			// The decoder sees the keys in the table, and nothing else
			// changed.
			var before, after map[string]any
			if _, err := toml.Decode(tc.src, &before); err != nil {
				t.Fatalf("the test's document does not decode: %v", err)
			}
			if _, err := toml.Decode(string(got), &after); err != nil {
				t.Fatalf("the result does not decode: %v", err)
			}
			i, _ := strconv.Atoi(strings.TrimSuffix(strings.TrimPrefix(tc.path, "certifications["), "]"))
			rec := after["certifications"].([]map[string]any)[i]
			if rec["revoked_reason"] != "Granted in error" || rec["revoked"] == nil {
				t.Errorf("the keys are not in %s: %v", tc.path, rec)
			}
			delete(rec, "revoked")
			delete(rec, "revoked_reason")
			if !reflect.DeepEqual(before, after) {
				t.Errorf("other values changed:\n%v\n%v", before, after)
			}
		})
	}
}

// FuzzInsert: on any document, Insert either refuses or keeps every byte
// of the original around one splice point, and a document that decoded
// before still decodes, with the new keys in the table.
func FuzzInsert(f *testing.F) {
	f.Add([]byte("name = \"Ann\"\n\n[[certifications]]\nid = \"A\"\n\n# c\n[[exams]]\nexam = \"e\"\n"))
	f.Add([]byte("[[certifications]]\r\nid = 'A'\r\nw = \"\"\"\r\nx\r\n\"\"\""))
	f.Add([]byte("[[certifications]]\n[certifications.sub]\na = 1\n"))
	f.Add([]byte("\ufeff[[certifications]]\n  id = 1 # x\n"))
	f.Add([]byte("[[certifications]]\nw = \"\"\"\n# ticket CERT-123\"\"\"\n\n[[certifications]]\n"))
	f.Fuzz(func(t *testing.T, src []byte) {
		kvs := []KV{{"zz_revoked", d("2025-09-01")}, {"zz_reason", "r\"x"}}
		out, err := Insert(src, "certifications[0]", kvs...)
		if err != nil {
			return
		}
		k := 0 // the splice point: the longest common prefix
		for k < len(src) && k < len(out) && src[k] == out[k] {
			k++
		}
		if !bytes.HasSuffix(out, src[k:]) || len(out) <= len(src) {
			t.Fatalf("bytes of the original were changed:\n%q\n%q", src, out)
		}
		var before map[string]any
		if _, err := toml.Decode(string(src), &before); err != nil {
			return
		}
		certs, ok := before["certifications"].([]map[string]any)
		if !ok || len(certs) == 0 {
			return
		}
		var after map[string]any
		if _, err := toml.Decode(string(out), &after); err != nil {
			t.Fatalf("a valid document no longer decodes: %v\n%q\n%q", err, src, out)
		}
		got, _ := after["certifications"].([]map[string]any)
		if len(got) == 0 || got[0]["zz_reason"] != "r\"x" {
			t.Fatalf("the keys are not in the table: %v\n%q", after, out)
		}
	})
}

func TestAppendable(t *testing.T) {
	for src, want := range map[string]bool{
		"":                                    true,
		"name = \"A\"\n":                      true,
		"[[exams]]\nexam = \"e\"\n":           true,
		"notes = \"\"\"\nexams = 1\n\"\"\"\n": true,
		"exams = []\n":                        false,
		"exams = [{exam = \"e\"}]\n":          false,
		"\"exams\" = []\n":                    false,
		"[exams]\nexam = \"e\"\n":             false,
		"exams.first = 1\n":                   false,
		"[exams.sub]\n":                       false,
		"[[Exams]]\n":                         false,
		"EXAMS = []\n":                        false,
		"examsx = 1\n[[examsx]]\n":            true,
		"[[exams]]\n[exams.x]\n":              true,
	} {
		if got := Appendable([]byte(src), "exams"); got != want {
			t.Errorf("Appendable(%q) = %v, want %v", src, got, want)
		}
	}
}

// FuzzAppend: whenever a document decodes and Appendable says yes, the
// document with a block appended decodes too, with one more element.
func FuzzAppend(f *testing.F) {
	f.Add([]byte("name = \"Ann\"\n[[exams]]\nexam = \"e\"\n# end"))
	f.Add([]byte("exams = [1]\n"))
	f.Add([]byte("a = \"\"\"\n[[exams]]\n\"\"\"\r\n"))
	f.Add([]byte("[t]\nx = 1\n[[exams]]\n"))
	f.Fuzz(func(t *testing.T, src []byte) {
		var before map[string]any
		if _, err := toml.Decode(string(src), &before); err != nil || !Appendable(src, "exams") {
			return
		}
		n := 0
		if v, ok := before["exams"].([]map[string]any); ok {
			n = len(v)
		} else if before["exams"] != nil {
			t.Fatalf("Appendable, but exams is a %T", before["exams"])
		}
		out := Append(src, "exams", KV{"exam", "e\"x"}, KV{"date", d("2025-01-02")})
		var after map[string]any
		if _, err := toml.Decode(string(out), &after); err != nil {
			t.Fatalf("%v\n%q", err, out)
		}
		got, _ := after["exams"].([]map[string]any)
		if len(got) != n+1 || got[n]["exam"] != "e\"x" {
			t.Fatalf("exams = %v, want %d elements, the last ours", after["exams"], n+1)
		}
	})
}

package load

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

// hostile are generated inputs that once crashed, hung or exhausted
// check: each is decoded as the kind of file it targets.
func hostile() []struct {
	name string
	kind kind
	data []byte
} {
	rep := strings.Repeat
	deep := func(open, close string, n int) string { return rep(open, n) + rep(close, n) }
	var unknown strings.Builder
	unknown.WriteString("name = \"X\"\n")
	for i := range 20000 {
		fmt.Fprintf(&unknown, "k%d = 1\n", i)
	}
	var certs strings.Builder
	certs.WriteString("name = \"X\"\n")
	for certs.Len() < 250<<10 {
		certs.WriteString("[[certifications]]\nID = \"x\"\nbogus = 1\n")
	}
	var bank strings.Builder
	for bank.Len() < 1<<20 {
		fmt.Fprintf(&bank, "[[questions]]\nid = \"q%d\"\ntopic = \"t\"\ntext = \"x\"\nchoices = [\"a\", \"b\"]\nanswer = 0\nwhat = 1\n", bank.Len())
	}
	var prog strings.Builder
	prog.WriteString("[program]\nname = \"P\"\n")
	for i := 0; prog.Len() < 1<<20; i++ {
		fmt.Fprintf(&prog, "[[levels]]\nid = \"l%d\"\nname = \"L\"\nrank = %d\n[[tiers]]\nid = \"t%d\"\nname = \"T\"\nrank = %d\n[[tiers.requires]]\ntrack = \"s\"\nlevel = \"l%d\"\npeople = 2\n", i, i, i, i, i)
	}
	var track strings.Builder
	track.WriteString("name = \"T\"\n")
	for i := 0; track.Len() < 1<<20; i++ {
		fmt.Fprintf(&track, "[[courses]]\nid = \"c%d\"\ntitle = \"C\"\n[[certifications]]\nlevel = \"l%d\"\nname = \"N\"\nvalidity_months = 12\n[certifications.requirements]\ncourses = [\"c%d\"]\n", i, i, i)
	}
	return []struct {
		name string
		kind kind
		data []byte
	}{
		{"1 MB program of levels and tiers", kindProgram, []byte(prog.String())},
		{"1 MB track of certifications", kindTrack, []byte(track.String())},
		{"arrays 2M deep", kindTrack, []byte("x = " + deep("[", "]", 2_000_000))},
		{"inline tables 10k deep", kindTrack, []byte("x = " + rep("{a=", 10000) + "1" + rep("}", 10000))},
		{"arrays of inline tables 100k deep", kindTrack, []byte("x = " + rep("[{a=", 100000) + "1" + rep("}]", 100000))},
		{"header 100k segments", kindTrack, []byte("[" + rep("a.", 100000) + "a]\nx = 1\n")},
		{"dotted key 100k segments", kindTrack, []byte(rep("a.", 100000) + "a = 1\n")},
		{"20,000 unknown keys", kindPerson, []byte(unknown.String())},
		{"many tables with misspelled and unknown keys", kindPerson, []byte(certs.String())},
		{"1 MB bank with unknown keys", kindBank, []byte(bank.String())},
		{"1 MB array", kindTrack, []byte("x = [" + rep("1,", 500000) + "1]\n")},
		{"1 MB string", kindTrack, []byte("name = \"" + rep("a", 1<<20) + "\"\n")},
		{"1 MB of strings hiding brackets", kindTrack, []byte(rep("k = \"[[[{{{\"\n", 80000))},
	}
}

func decodeKind(f *file, k kind, data []byte) any {
	switch k {
	case kindTrack:
		return f.track(data, "x")
	case kindPerson:
		return f.person(data, "x")
	case kindBank:
		return f.bank(data)
	case kindProgram:
		return f.program(data)
	}
	panic("kind")
}

// No hostile input of up to a few MB allocates 256 MB or takes more than
// a few seconds; deep nesting is one syntax error at the place it goes
// too deep. The time bound is the harness's, several times the 2 s
// figure that BenchmarkHostile measures, so that a machine shared by
// many builds does not fail it while the quadratic cases it guards
// against (23-62 s) still would.
const hostileTime = 8 * time.Second

func TestHostileTOML(t *testing.T) {
	for _, tc := range hostile() {
		t.Run(tc.name, func(t *testing.T) {
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			start := time.Now()
			f := &file{rel: "x.toml"}
			done := make(chan struct{})
			go func() {
				defer close(done)
				decodeKind(f, tc.kind, tc.data)
			}()
			select {
			case <-done:
			case <-time.After(20 * time.Second):
				t.Fatal("decoding takes more than 20 s")
			}
			took := time.Since(start)
			if took > hostileTime { // a busy machine: the better of two runs
				start = time.Now()
				decodeKind(&file{rel: "x.toml"}, tc.kind, tc.data)
				took = min(took, time.Since(start))
			}
			runtime.ReadMemStats(&after)
			alloc := after.TotalAlloc - before.TotalAlloc // bounds the peak too
			t.Logf("%d bytes: %v, %d MB allocated, %d diagnostics", len(tc.data), took, alloc>>20, len(f.out))
			if took > hostileTime {
				t.Errorf("took %v, want at most %v", took, hostileTime)
			}
			if alloc > 256<<20 {
				t.Errorf("allocated %d MB, want at most 256 MB", alloc>>20)
			}
			if strings.Contains(tc.name, "deep") || strings.Contains(tc.name, "segments") {
				if len(f.out) != 1 || f.out[0].Rule != "syntax" || !strings.Contains(f.out[0].Msg, "nested deeper than 32") {
					t.Errorf("diagnostics %v, want one syntax error about nesting", f.out)
				}
			}
		})
	}
}

// The pre-scan's depth agrees with the format: every file of the example
// program passes, and nesting is counted through arrays, inline tables,
// headers and dotted keys alike, with strings and comments skipped.
func TestPrescan(t *testing.T) {
	files, _ := filepath.Glob("../../../programs/*/*.toml")
	more, _ := filepath.Glob("../../../partners/*/people/*.toml")
	for _, name := range append(files, more...) {
		data, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		if line, col, ok := prescan(data); !ok {
			t.Errorf("%s:%d:%d: refused", name, line, col)
		}
	}
	rep := strings.Repeat
	for _, tc := range []struct {
		src string
		ok  bool
	}{
		{"x = " + rep("[", 31) + rep("]", 31), true},
		{"x = " + rep("[", 32) + rep("]", 32), false},
		{"x = " + rep("{a=", 31) + "1" + rep("}", 31), true},
		{"x = " + rep("{a=", 32) + "1" + rep("}", 32), false},
		{"[" + rep("a.", 31) + "a]", true},
		{"[" + rep("a.", 32) + "a]", false},
		{"[[" + rep("a.", 30) + "a]]", true},
		{"[[" + rep("a.", 31) + "a]]", false},
		{rep("a.", 31) + "a = 1", true},
		{rep("a.", 32) + "a = 1", false},
		{"[" + rep("a.", 15) + "a]\n" + rep("b.", 15) + "b = 1", true},
		{"[" + rep("a.", 15) + "a]\n" + rep("b.", 15) + "b = [1]", false},
		{"x = \"" + rep("[", 100) + "\"", true},
		{"x = '" + rep("{", 100) + "'", true},
		{"x = \"\"\"\n" + rep("[", 100) + "\n\"\"\"", true},
		{"x = '''" + rep("[", 100) + "'''", true},
		{"# " + rep("[", 100), true},
		{"x = \"\\\"" + rep("[", 100) + "\"", true},
		{"x = [" + rep("[1], ", 1000) + "]", true},
		{"x = 1.5\ny = 2.5", true},
		{"x = [\n" + rep("{a = [1, 2], b = {c = 1}},\n", 1000) + "]", true},
	} {
		if _, _, ok := prescan([]byte(tc.src)); ok != tc.ok {
			t.Errorf("prescan(%.60q) = %v, want %v", tc.src, ok, tc.ok)
		}
	}
}

func FuzzPrescan(f *testing.F) {
	f.Add([]byte("x = [[1], {a = 2}]\n[a.b]\nc.d = '''x'''\n"))
	f.Add([]byte("x = \"\\\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		line, col, ok := prescan(data)
		if !ok && (line < 1 || col < 1) {
			t.Fatalf("refused at %d:%d", line, col)
		}
	})
}

// BenchmarkHostile is the figure of issue 15: no input of at most 1 MB
// takes check more than 2 s or 256 MB.
func BenchmarkHostile(b *testing.B) {
	for _, tc := range hostile() {
		b.Run(strings.ReplaceAll(tc.name, " ", "_"), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				decodeKind(&file{rel: "x.toml"}, tc.kind, tc.data)
			}
		})
	}
}

package check

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"reflect"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/accredit/accredit/cmd/internal/date"
	"github.com/accredit/accredit/cmd/internal/diag"
	"github.com/accredit/accredit/cmd/internal/load"
	"github.com/accredit/accredit/cmd/internal/standing"
)

// datedHelpers are functions that read the as-of date on behalf of a
// dated rule: only the dated rules' functions may call them.
var datedHelpers = map[string]bool{"contentReviewed": true}

// TestOnlyDatedRulesReadAsOf: in the package's code, the as-of date
// (Context.AsOf) is read only inside the functions of the rules listed
// in datedRules and in their helpers, which nothing else calls. A check
// result kept for later days (accredit check) relies on it: the other
// rules' diagnostics are reused as they are.
func TestOnlyDatedRulesReadAsOf(t *testing.T) {
	dated := map[string]bool{}
	for id := range datedRules {
		i := slices.IndexFunc(Rules, func(r Rule) bool { return r.ID == id })
		if i < 0 || Rules[i].Run == nil {
			t.Fatalf("datedRules names %q, which is no rule with a Run", id)
		}
		name := runtime.FuncForPC(reflect.ValueOf(Rules[i].Run).Pointer()).Name()
		dated[name[strings.LastIndexByte(name, '.')+1:]] = true
	}
	files, _ := filepath.Glob("*.go")
	fset := token.NewFileSet()
	reads := 0
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, decl := range f.Decls {
			fd, ok := decl.(*ast.FuncDecl)
			if !ok || fd.Body == nil {
				continue
			}
			fn := fd.Name.Name
			ast.Inspect(fd.Body, func(n ast.Node) bool {
				switch x := n.(type) {
				case *ast.SelectorExpr:
					if x.Sel.Name == "AsOf" {
						reads++
						if !dated[fn] && !datedHelpers[fn] {
							t.Errorf("%s: %s reads the as-of date but is not the function of a rule in datedRules", fset.Position(x.Pos()), fn)
						}
					}
					if datedHelpers[x.Sel.Name] && !dated[fn] {
						t.Errorf("%s: %s calls %s, which reads the as-of date for the dated rules only", fset.Position(x.Pos()), fn, x.Sel.Name)
					}
				case *ast.Ident:
					if datedHelpers[x.Name] && !dated[fn] && fn != x.Name {
						t.Errorf("%s: %s names %s, which reads the as-of date for the dated rules only", fset.Position(x.Pos()), fn, x.Name)
					}
				}
				return true
			})
		}
	}
	if reads == 0 {
		t.Fatal("no read of AsOf found: the test reads the wrong files")
	}
}

// TestRunSplit: the undated rules and the dated ones report, together,
// what Run reports, on days that change what the dated ones say.
func TestRunSplit(t *testing.T) {
	p, _, err := load.Load("../../..")
	if err != nil {
		t.Fatal(err)
	}
	st := standing.Compute(p)
	undated := RunUndated(p, st)
	var days []int
	for _, day := range []string{"2024-01-01", "2025-06-01", "2026-01-15", "2026-11-22", "2027-06-30"} {
		d, _ := date.Parse(day)
		var l diag.List
		l.Append(undated)
		l.Append(RunDated(p, st, d))
		got, want := l.Sorted(), Run(p, st, d)
		if !slices.Equal(got, want) {
			t.Errorf("at %s: undated + dated rules report %d diagnostics, Run %d", d, len(got), len(want))
		}
		days = append(days, len(RunDated(p, st, d)))
	}
	if slices.Min(days) == slices.Max(days) {
		t.Errorf("the dated rules report %d diagnostics on every day tried: the test shows nothing", days[0])
	}
}

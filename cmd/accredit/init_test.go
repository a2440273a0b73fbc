package main

import (
	"io/fs"
	"strings"
	"testing"

	"github.com/accredit/accredit"
)

// A new program has no accredit source: every workflow init writes must
// install accredit rather than build ./cmd/accredit, and must not read
// go.mod. When the example's workflows change how they get accredit,
// this fails until adaptWorkflow follows.
func TestInitWorkflows(t *testing.T) {
	files, err := fs.Glob(accredit.Example, ".github/workflows/*.yml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no workflows embedded: %v", err)
	}
	for _, f := range files {
		data, _ := fs.ReadFile(accredit.Example, f)
		got := string(adaptWorkflow(data))
		if strings.Contains(got, "./cmd/accredit") || strings.Contains(got, "go.mod") {
			t.Errorf("%s still builds accredit from source or reads go.mod:\n%s", f, got)
		}
		if strings.Contains(string(data), "$RUNNER_TEMP/accredit\" ./cmd/accredit") != strings.Contains(got, "go install github.com/accredit/accredit/cmd/accredit@") {
			t.Errorf("%s: the build step was not replaced by an install", f)
		}
	}
	if r := goRelease(); strings.Count(r, ".") != 1 {
		t.Errorf("goRelease() = %q, want major.minor", r)
	}
}

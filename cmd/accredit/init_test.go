package main

import (
	"io/fs"
	"strings"
	"testing"

	"github.com/accredit/accredit"
)

// A new program has no accredit source: every workflow init writes must
// install a pinned release rather than build ./cmd/accredit, and must
// not read go.mod or set up Go. When the example's workflows change how
// they get accredit, this fails until adaptWorkflow follows.
func TestInitWorkflows(t *testing.T) {
	files, err := fs.Glob(accredit.Example, ".github/workflows/*.yml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no workflows embedded: %v", err)
	}
	for _, f := range files {
		if toolOnly[f] {
			continue
		}
		data, _ := fs.ReadFile(accredit.Example, f)
		got := string(adaptWorkflow(data, "v1.2.0"))
		for _, bad := range []string{"./cmd/accredit", "go.mod", "setup-go", "$RUNNER_TEMP/accredit", "go install", "@latest"} {
			if strings.Contains(got, bad) {
				t.Errorf("%s still has %q after adaptWorkflow:\n%s", f, bad, got)
			}
		}
		builds := strings.Count(string(data), "name: Build accredit")
		installs := strings.Count(got, "uses: "+setupAction+"@v1.2.0\n        with:\n          version: v1.2.0\n")
		if builds != installs {
			t.Errorf("%s: %d builds of accredit, %d pinned installs", f, builds, installs)
		}
	}
}

func TestPinnedVersion(t *testing.T) {
	for _, tc := range []struct {
		b    build
		want string
	}{
		{build{Version: "v1.2.0"}, "v1.2.0"},
		{build{Version: "v1.2.0", Revision: "abc"}, "v1.2.0"},
		{build{Version: "v1.2.0", Revision: "abc", Modified: true}, unpinned},
		{build{Version: "v1.2.1-0.20261120091402-5f3c2a1e9b0d"}, unpinned},
		{build{}, unpinned},
	} {
		if got := pinnedVersion(tc.b); got != tc.want {
			t.Errorf("pinnedVersion(%+v) = %q, want %q", tc.b, got, tc.want)
		}
		note := pinNote(tc.b)
		if !strings.Contains(note, tc.want) {
			t.Errorf("pinNote(%+v) does not name %s:\n%s", tc.b, tc.want, note)
		}
	}
	data, err := fs.ReadFile(newProgram, "newprogram/README.md")
	if err != nil || !strings.Contains(string(data), pinMarker) {
		t.Errorf("newprogram/README.md has no %q for the pin note (%v)", pinMarker, err)
	}
}

// The example's workflows build accredit from source on every push and
// pull request. go build stamps the commit into a binary by default, and
// accredit's caches are keyed by the binary: a stamped build would miss
// them all at every commit. Every build but the release's is unstamped,
// written as buildStep, which adaptWorkflow replaces.
func TestWorkflowBuildsUnstamped(t *testing.T) {
	files, err := fs.Glob(accredit.Example, ".github/workflows/*.yml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no workflows embedded: %v", err)
	}
	for _, f := range files {
		data, _ := fs.ReadFile(accredit.Example, f)
		s := string(data)
		builds := strings.Count(s, "go build")
		if f == ".github/workflows/release.yml" {
			continue // releases are stamped: version reports their commit
		}
		if n := strings.Count(s, buildStep); n != builds {
			t.Errorf("%s: %d go build commands, %d of them as buildStep (-buildvcs=false)", f, builds, n)
		}
	}
}

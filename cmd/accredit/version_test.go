package main

import (
	"runtime/debug"
	"testing"
)

func TestBuildString(t *testing.T) {
	settings := func(kv ...string) []debug.BuildSetting {
		var out []debug.BuildSetting
		for i := 0; i < len(kv); i += 2 {
			out = append(out, debug.BuildSetting{Key: kv[i], Value: kv[i+1]})
		}
		return out
	}
	const rev = "5f3c2a1e9b0d77aa01234567890abcdef0123456"
	for _, tc := range []struct {
		name     string
		bi       debug.BuildInfo
		want     string
		released bool
	}{
		{"go install of a release", debug.BuildInfo{Main: debug.Module{Version: "v1.2.0"}}, "v1.2.0", true},
		{"release from its tag", debug.BuildInfo{Main: debug.Module{Version: "v1.2.0"},
			Settings: settings("vcs.revision", rev, "vcs.time", "2026-11-20T09:14:02Z", "vcs.modified", "false")},
			"v1.2.0 (5f3c2a1e9b0d, 2026-11-20T09:14:02Z)", true},
		{"dirty checkout", debug.BuildInfo{Main: debug.Module{Version: "v1.2.1-0.20261120091402-5f3c2a1e9b0d+dirty"},
			Settings: settings("vcs.revision", rev, "vcs.modified", "true")},
			"v1.2.1-0.20261120091402-5f3c2a1e9b0d+dirty (5f3c2a1e9b0d+dirty)", false},
		{"commit after a release", debug.BuildInfo{Main: debug.Module{Version: "v1.2.1-0.20261120091402-5f3c2a1e9b0d"}}, "v1.2.1-0.20261120091402-5f3c2a1e9b0d", false},
		{"no tag yet", debug.BuildInfo{Main: debug.Module{Version: "v0.0.0-20261120091402-5f3c2a1e9b0d"}}, "v0.0.0-20261120091402-5f3c2a1e9b0d", false},
		{"prerelease", debug.BuildInfo{Main: debug.Module{Version: "v1.3.0-rc.1"}}, "v1.3.0-rc.1", true},
		{"devel without vcs", debug.BuildInfo{Main: debug.Module{Version: "(devel)"}}, "devel", false},
		{"devel with vcs", debug.BuildInfo{Main: debug.Module{Version: "(devel)"}, Settings: settings("vcs.revision", "abc")}, "devel (abc)", false},
	} {
		b := buildOf(&tc.bi)
		if got := b.String(); got != tc.want {
			t.Errorf("%s: %q, want %q", tc.name, got, tc.want)
		}
		if b.Release() != tc.released {
			t.Errorf("%s: Release() = %v, want %v", tc.name, b.Release(), tc.released)
		}
	}
}

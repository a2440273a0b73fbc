package main

import (
	"encoding/binary"
	"os"
	"os/exec"
	"strings"
	"testing"
)

func TestParseBuildIDNote(t *testing.T) {
	const id = "WnryBB8WzfQOcLgZ01Hk/viSAbLOxXCXidFSVbd3J/1hgEg--TpSgKWXoFpTcX/1Q6v63oR2mYZftFtkx1o"
	note := func(name string, typ uint32, desc string) []byte {
		b := binary.LittleEndian.AppendUint32(nil, uint32(len(name)))
		b = binary.LittleEndian.AppendUint32(b, uint32(len(desc)))
		b = binary.LittleEndian.AppendUint32(b, typ)
		return append(append(b, name...), desc...)
	}
	for _, tc := range []struct {
		name string
		note []byte
		want string
	}{
		{"go build", note("Go\x00\x00", 4, id), id},
		{"padded", append(note("Go\x00\x00", 4, id), 0, 0), id},
		{"-buildid=redacted", note("Go\x00\x00", 4, "redacted"), ""},
		{"-buildid= empty", note("Go\x00\x00", 4, ""), ""},
		{"two parts (a package's)", note("Go\x00\x00", 4, "viSAbLOxXCXidFSVbd3J/1hgEg--TpSgKWXoFpTcX"), ""},
		{"five parts", note("Go\x00\x00", 4, id+"/1hgEg--TpSgKWXoFpTcX"), ""},
		{"an empty part", note("Go\x00\x00", 4, strings.Replace(id, "viSAbLOxXCXidFSVbd3J", "", 1)), ""},
		{"not base64", note("Go\x00\x00", 4, strings.Replace(id, "viSAbLOxXCXidFSVbd3J", "viSAbLOx XCXidFSVbd3", 1)), ""},
		{"another vendor's note", note("GNU\x00", 4, id), ""},
		{"another type", note("Go\x00\x00", 1, id), ""},
		{"description past the end", note("Go\x00\x00", 4, id)[:40], ""},
		{"short", []byte{4, 0, 0}, ""},
		{"empty", nil, ""},
	} {
		if got := parseBuildIDNote(tc.note, binary.LittleEndian); got != tc.want {
			t.Errorf("%s: got %q, want %q", tc.name, got, tc.want)
		}
	}
}

// The test binary is linked by the go command as accredit is: its build
// ID is found, and is the one go tool buildid reports.
func TestGoBuildIDOfThisBinary(t *testing.T) {
	exe, err := os.Executable()
	if err != nil {
		t.Skip(err)
	}
	out, err := exec.Command("go", "tool", "buildid", exe).Output()
	if err != nil {
		t.Skipf("go tool buildid: %v", err)
	}
	want := strings.TrimSpace(string(out))
	got := goBuildID(exe)
	if got != want {
		t.Fatalf("goBuildID = %q, go tool buildid says %q", got, want)
	}
	if got == "" {
		t.Fatal("no build ID in the test binary")
	}
	if goBuildID(exe+".missing") != "" {
		t.Error("a missing file has a build ID")
	}
}

package main

import (
	"archive/tar"
	"compress/gzip"
	"crypto/sha256"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// TestSetupAction runs the install script of the setup-accredit action
// (.github/actions/setup-accredit) against a release served from a
// folder: it installs an archive whose checksum matches, and refuses a
// tampered archive, a version that is not a tag and an unknown runner.
func TestSetupAction(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("the action's script is bash")
	}
	for _, tool := range []string{"bash", "curl", "tar", "awk"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("no %s: %v", tool, err)
		}
	}
	data, err := os.ReadFile("../../.github/actions/setup-accredit/action.yml")
	if err != nil {
		t.Fatal(err)
	}
	script := runScript(t, string(data))
	const download = `url="https://github.com/$REPOSITORY/releases/download/$VERSION"`
	if !strings.Contains(script, download) {
		t.Fatalf("the script no longer downloads from %s", download)
	}
	rel := t.TempDir()
	script = strings.Replace(script, download, `url="file://`+rel+`"`, 1)

	// A release of one archive whose accredit prints its version.
	const version = "v1.2.0"
	name := "accredit_" + version + "_linux_amd64"
	archive := filepath.Join(rel, name+".tar.gz")
	writeTarGz(t, archive, name+"/accredit", "#!/bin/sh\necho accredit "+version+"\n")
	sum, err := os.ReadFile(archive)
	if err != nil {
		t.Fatal(err)
	}
	sums := fmt.Sprintf("%x  %s.tar.gz\n%x  other.zip\n", sha256.Sum256(sum), name, sha256.Sum256(nil))
	if err := os.WriteFile(filepath.Join(rel, "SHA256SUMS"), []byte(sums), 0o644); err != nil {
		t.Fatal(err)
	}

	run := func(version, osName, arch string) (string, string, error) {
		tmp := t.TempDir()
		path, out := filepath.Join(tmp, "path"), filepath.Join(tmp, "output")
		cmd := exec.Command("bash", "-c", script)
		cmd.Env = append(os.Environ(), "RUNNER_TEMP="+tmp, "GITHUB_PATH="+path, "GITHUB_OUTPUT="+out,
			"VERSION="+version, "REPOSITORY=accredit/accredit", "OS="+osName, "ARCH="+arch)
		stdout, err := cmd.CombinedOutput()
		got, _ := os.ReadFile(out)
		return string(stdout), string(got), err
	}

	stdout, output, err := run(version, "Linux", "X64")
	if err != nil {
		t.Fatalf("install failed: %v\n%s", err, stdout)
	}
	if !strings.Contains(stdout, "accredit "+version) {
		t.Errorf("the installed binary was not run: %s", stdout)
	}
	if !strings.HasPrefix(output, "path=") || !strings.HasSuffix(strings.TrimSpace(output), name+"/accredit") {
		t.Errorf("output %q, want path=.../%s/accredit", output, name)
	}

	for _, tc := range []struct{ name, version, os, arch, want string }{
		{"latest", "latest", "Linux", "X64", "is not a release tag"},
		{"no archive", "v1.2.0", "macOS", "ARM64", "cannot download"},
		{"unknown arch", "v1.2.0", "Linux", "ARM", "no accredit release for runner architecture ARM"},
	} {
		stdout, output, err := run(tc.version, tc.os, tc.arch)
		if err == nil || !strings.Contains(stdout, tc.want) || output != "" {
			t.Errorf("%s: err %v, output %q, stdout %q; want a failure saying %q", tc.name, err, output, stdout, tc.want)
		}
	}

	// The same name with other bytes: refused before anything runs.
	writeTarGz(t, archive, name+"/accredit", "#!/bin/sh\necho tampered\n")
	stdout, output, err = run(version, "Linux", "X64")
	if err == nil || !strings.Contains(stdout, "but SHA256SUMS says") || strings.Contains(stdout, "tampered") || output != "" {
		t.Errorf("a tampered archive: err %v, output %q, stdout %q", err, output, stdout)
	}
}

// runScript returns the script of the action's one "run: |" step.
func runScript(t *testing.T, yml string) string {
	_, block, ok := strings.Cut(yml, "      run: |\n")
	if !ok {
		t.Fatal("action.yml has no run: | step")
	}
	var b strings.Builder
	for line := range strings.Lines(block) {
		if strings.TrimSpace(line) != "" && !strings.HasPrefix(line, "        ") {
			break
		}
		b.WriteString(strings.TrimPrefix(line, "        "))
	}
	return b.String()
}

func writeTarGz(t *testing.T, path, name, content string) {
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zw := gzip.NewWriter(f)
	tw := tar.NewWriter(zw)
	if err := tw.WriteHeader(&tar.Header{Name: name, Mode: 0o755, Size: int64(len(content)), Typeflag: tar.TypeReg}); err != nil {
		t.Fatal(err)
	}
	tw.Write([]byte(content))
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
}

package serve

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A person file linked to a file outside the program is an error on the
// error page, which shows no line of the link's target.
func TestServeLinkedFile(t *testing.T) {
	root, url, _ := running(t)
	secret := filepath.Join(t.TempDir(), "passwd")
	os.WriteFile(secret, []byte("name = \"root:x:0:0:secret\"\n"), 0o644)
	if err := os.Symlink(secret, filepath.Join(root, "partners/aster-nexus/people/evil.toml")); err != nil {
		t.Fatal(err)
	}
	body := waitFor(t, url+"/", func(status int, body string) bool { return status == http.StatusInternalServerError })
	for _, want := range []string{"partners/aster-nexus/people/evil.toml:1:1", "is a symbolic link", "[unreadable-file]"} {
		if !strings.Contains(body, want) {
			t.Errorf("the error page lacks %q:\n%s", want, body)
		}
	}
	if strings.Contains(body, "root:x:0:0") {
		t.Errorf("the error page shows the link's target:\n%s", body)
	}
}

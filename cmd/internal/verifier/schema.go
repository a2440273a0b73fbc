package verifier

import (
	"errors"
	"strings"

	"github.com/accredit/accredit/cmd/internal/credential"
	"github.com/accredit/accredit/cmd/internal/obschema"
)

// validate checks doc against 1EdTech's AchievementCredential schema;
// the error lists what does not validate, one place each, at most five.
func validate(doc []byte) error {
	sch, err := obschema.AchievementCredential()
	if err != nil {
		return err // the embedded schema: a build error, not input
	}
	ps, err := sch.ValidateJSON(doc)
	if err != nil {
		return err
	}
	if len(ps) == 0 {
		return nil
	}
	var leaves []string
	for _, p := range ps {
		leaves = append(leaves, p.String())
	}
	if len(leaves) > 5 {
		leaves = append(leaves[:5], "...")
	}
	return errors.New("does not validate against the AchievementCredential schema: " + strings.Join(leaves, "; "))
}

// Prepare builds ahead what the first Verify would: the compiled schema
// and the credential contexts (credential.Prepare). A command that
// verifies one credential runs it on another core while it reads its
// input; Verify is the same without it.
func Prepare() {
	obschema.AchievementCredential()
	credential.Prepare()
}

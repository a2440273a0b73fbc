package credential

import (
	"bytes"
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// The signed badge validates against 1EdTech's AchievementCredential
// schema (draft 2019-09), embedded under testdata/.
func TestBadgeValidatesAgainstSchema(t *testing.T) {
	sch := achievementSchema(t)
	signed := signBadge(t, testBadge(), testKey)
	if err := sch.Validate(decodeAny(t, signed)); err != nil {
		t.Fatalf("the badge does not validate:\n%v", err)
	}
	// A badge without an expiry or image validates too.
	b := testBadge()
	b.ValidUntil, b.Achievement.Image = b.ValidUntil.AddDays(0), ""
	if err := sch.Validate(decodeAny(t, signBadge(t, b, testKey))); err != nil {
		t.Fatal(err)
	}
	// The schema is not vacuous: a proof as an object, or no issuer, fails.
	var m map[string]any
	json.Unmarshal(signed, &m)
	m["proof"] = proof(m)
	if err := sch.Validate(m); err == nil {
		t.Error("a proof object (not an array) validated")
	}
	json.Unmarshal(signed, &m)
	delete(m, "issuer")
	if err := sch.Validate(m); err == nil {
		t.Error("a credential without issuer validated")
	}
}

func achievementSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	c := jsonschema.NewCompiler()
	for _, f := range []string{"achievementcredential.schema.json", "profile.schema.json"} {
		b, err := os.ReadFile("../obschema/schema/" + f)
		if err != nil {
			t.Fatal(err)
		}
		doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		if err := c.AddResource("file:///"+f, doc); err != nil {
			t.Fatal(err)
		}
	}
	c.AssertFormat()
	sch, err := c.Compile("file:///achievementcredential.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	return sch
}

func decodeAny(t *testing.T, b []byte) any {
	t.Helper()
	v, err := jsonschema.UnmarshalJSON(strings.NewReader(string(b)))
	if err != nil {
		t.Fatal(err)
	}
	return v
}

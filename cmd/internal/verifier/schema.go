package verifier

import (
	"bytes"
	"embed"
	"errors"
	"strings"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
)

var english = message.NewPrinter(language.English)

// schema/ holds 1EdTech's JSON Schemas of AchievementCredential and
// Profile (Open Badges 3.0), copied unchanged: they are never fetched.
//
//go:embed schema/*.json
var schemaFiles embed.FS

var achievementSchema = sync.OnceValues(func() (*jsonschema.Schema, error) {
	c := jsonschema.NewCompiler()
	for _, f := range []string{"achievementcredential.schema.json", "profile.schema.json"} {
		b, err := schemaFiles.ReadFile("schema/" + f)
		if err != nil {
			return nil, err
		}
		doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
		if err != nil {
			return nil, err
		}
		if err := c.AddResource("file:///"+f, doc); err != nil {
			return nil, err
		}
	}
	c.AssertFormat()
	return c.Compile("file:///achievementcredential.schema.json")
})

// validate checks doc against the AchievementCredential schema; the
// error lists what does not validate, one place per line.
func validate(doc []byte) error {
	sch, err := achievementSchema()
	if err != nil {
		return err // the embedded schema: a build error, not input
	}
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(doc))
	if err != nil {
		return err
	}
	err = sch.Validate(v)
	var ve *jsonschema.ValidationError
	if errors.As(err, &ve) {
		return errors.New(summary(ve))
	}
	return err
}

// summary is the leaves of a validation error: where and what, without
// the schema's internals.
func summary(ve *jsonschema.ValidationError) string {
	var leaves []string
	var walk func(e *jsonschema.ValidationError)
	walk = func(e *jsonschema.ValidationError) {
		if len(e.Causes) == 0 {
			at := "/" + strings.Join(e.InstanceLocation, "/")
			leaves = append(leaves, "at "+at+": "+e.ErrorKind.LocalizedString(english))
			return
		}
		for _, c := range e.Causes {
			walk(c)
		}
	}
	walk(ve)
	if len(leaves) > 5 {
		leaves = append(leaves[:5], "...")
	}
	return "does not validate against the AchievementCredential schema: " + strings.Join(leaves, "; ")
}

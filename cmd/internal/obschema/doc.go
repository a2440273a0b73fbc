// Package obschema checks a credential against 1EdTech's JSON Schema of
// the Open Badges 3.0 AchievementCredential, embedded unchanged in
// schema/.
//
// It interprets only the keywords those schemas use (draft 2019-09:
// type, properties, required, additionalProperties, items and
// additionalItems, minItems, contains, enum, pattern, format date and
// date-time, oneOf, allOf and local $ref) and refuses to compile a schema
// with any other assertion, so a new schema version cannot be checked
// half. It replaces santhosh-tekuri/jsonschema in the binary: that
// library compiles every draft's metaschema when the process starts
// (about 15 ms, on every command, even `accredit version`), which alone
// was most of a verify's time. A differential test runs both on the
// example's credentials and on mutations of them and requires the same
// verdict.
package obschema

package main

import (
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/accredit/accredit/cmd/internal/base"
	"github.com/accredit/accredit/cmd/internal/load"
	"github.com/accredit/accredit/cmd/internal/schema"
)

var cmdSchema = &base.Command{
	UsageLine: "schema [--root DIR] [--out DIR]",
	Short:     "write JSON Schemas of the program's files, for editors",
	Long: `Schema writes a JSON Schema (draft 2020-12) for every kind of file of the
program into --out (default schemas/ under the root):

  program.schema.json   programs/program.toml
  track.schema.json     programs/tracks/*.toml
  exam.schema.json      programs/exams/*.toml
  bank.schema.json      programs/exams/*.bank.toml
  partner.schema.json   the front matter of partners/*/partner.md
  person.schema.json    partners/*/people/*.toml
  page.schema.json      the front matter of content/**/*.md
  metrics.schema.json   partners/*/metrics.toml (a partner's scorecard)

They are generated from the types the loader decodes the files into, so
they know exactly its keys, and they list the program's own ids where a
key names one (tracks, levels, exams, courses, assessment and evidence
kinds, certifications), dates as YYYY-MM-DD and a scorecard's figures
with check's ranges: an editor completes them and marks a mistake as
you type. The .taplo.toml that init writes points TOML editors built on
Taplo (VS Code's Even Better TOML) at them. Run schema again after adding
or renaming a track, level, exam or course. accredit check remains the
judge: a schema cannot express every rule.

Exit status: 0 written, 2 usage or I/O error.`,
	Flag: base.NewFlagSet("schema"),
}

var (
	schemaRoot = rootFlag(cmdSchema.Flag)
	schemaOut  = cmdSchema.Flag.String("out", "", "write the schemas into `DIR` (default: schemas/ under the root)")
)

func init() {
	cmdSchema.Run = runSchema
	register(cmdSchema)
}

func runSchema(env *base.Env, args []string) int {
	if len(args) > 0 {
		env.Errorf(cmdSchema, "unexpected argument %q", args[0])
		cmdSchema.ShortUsage(env.Stderr)
		return base.ExitUsage
	}
	// The definitions only: the ids of the enums are all in programs/.
	p, _, err := load.LoadWith(*schemaRoot, load.Options{Only: func(string, string) bool { return false }})
	if err != nil {
		env.Errorf(cmdSchema, "%v", explainRoot(err))
		return base.ExitUsage
	}
	out := *schemaOut
	if out == "" {
		out = filepath.Join(*schemaRoot, defaultSchemaDir)
	}
	n, err := writeSchemas(out, schema.IDsOf(p))
	if err != nil {
		env.Errorf(cmdSchema, "%v", err)
		return base.ExitUsage
	}
	printLine(env.Stderr, "wrote %d schemas to %s", n, out)
	return base.ExitOK
}

// defaultSchemaDir is where schema writes, and where the .taplo.toml of
// init looks, relative to the root.
const defaultSchemaDir = "schemas"

// writeSchemas writes the schema of every kind of file into dir.
func writeSchemas(dir string, ids schema.IDs) (int, error) {
	files, err := schema.Generate(load.FileKinds(), ids)
	if err != nil {
		return 0, err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return 0, err
	}
	names := make([]string, 0, len(files))
	for name := range files {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		if err := os.WriteFile(filepath.Join(dir, name), files[name], 0o644); err != nil {
			return 0, err
		}
	}
	return len(names), nil
}

// taploConfig is the .taplo.toml init writes: the program's TOML files
// mapped to the schemas in schemas/.
func taploConfig() []byte {
	return schema.Taplo(load.FileKinds(), strings.TrimSuffix(defaultSchemaDir, "/"))
}

package report_test

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/accredit/accredit/cmd/internal/date"
	"github.com/accredit/accredit/cmd/internal/report"
)

// TestExport: one row per credential issued by D and one per person
// without any, checked by hand against testdata/small at 2024-03-31: bob's
// leap-day grant expires 2025-02-28 (clamped), cara's renewal carries on
// 052C, eve's is revoked, and gil's name, which a spreadsheet would read
// as a formula, is quoted.
func TestExport(t *testing.T) {
	d := day(t, "2024-03-31")
	_, _ = small(t, d) // the program has no errors
	rows := exportRows(t, d)
	var b bytes.Buffer
	if err := report.WriteExportCSV(&b, rows); err != nil {
		t.Fatal(err)
	}
	const want = `partner,partner_name,partner_tier,person,name,email,credential,track,level,certification,issued,expires,status,renews,renewed_by,revoked
acme,Acme Consulting,gold,ann,Ann Archer,ann@acme.example,MJKP-N451-22DE,sales,foundation,Sales Associate,2023-03-15,2024-03-15,grace,,,
acme,Acme Consulting,gold,bob,Bob Baker,bob@acme.example,GQJS-K30N-2HDW,sales,foundation,Sales Associate,2024-02-29,2025-02-28,active,,,
acme,Acme Consulting,gold,bob,Bob Baker,bob@acme.example,HR1R-J8V5-S261,sales,professional,Sales Professional,2024-03-10,2025-03-10,active,,,
globex,Globex Consulting,silver,cara,Cara Cruz,cara@globex.example,052C-YZ29-MJ5X,sales,foundation,Sales Associate,2022-03-31,2023-03-31,renewed,,DF0N-10GZ-FPPZ,
globex,Globex Consulting,silver,cara,Cara Cruz,cara@globex.example,DF0N-10GZ-FPPZ,sales,foundation,Sales Associate,2023-03-20,2024-03-31,grace,052C-YZ29-MJ5X,,
globex,Globex Consulting,silver,dan,Dan Diaz,dan@globex.example,27P7-8EMT-1RKZ,sales,foundation,Sales Associate,2023-01-31,2024-01-31,lapsed,,,
globex,Globex Consulting,silver,eve,Eve Evans,eve@globex.example,4S8X-WG33-WS38,sales,foundation,Sales Associate,2023-05-31,2024-05-31,revoked,,,2023-12-01
initech,Initech Consulting,registered,frank,Frank Fox,frank@initech.example,HNPA-BJ9X-P3AP,sales,foundation,Sales Associate,2022-10-01,2023-10-01,expired,,,
initech,Initech Consulting,registered,gil,'=Gil Green,gil@initech.example,,,,,,,,,,
`
	if b.String() != want {
		t.Errorf("CSV:\n%s\nwant:\n%s", b.String(), want)
	}

	// Before bob's grants and cara's renewal: they are not rows, and
	// 052C is not renewed yet.
	rows = exportRows(t, day(t, "2023-03-19"))
	for _, r := range rows {
		switch r.Credential {
		case "GQJS-K30N-2HDW", "HR1R-J8V5-S261", "DF0N-10GZ-FPPZ", "4S8X-WG33-WS38":
			t.Errorf("at 2023-03-19 the export lists %s, issued later", r.Credential)
		case "052C-YZ29-MJ5X":
			if r.Status != "active" || r.RenewedBy != "" {
				t.Errorf("052C at 2023-03-19 = %s renewed by %q, want active, not renewed", r.Status, r.RenewedBy)
			}
		}
	}

	b.Reset()
	if err := report.WriteExportJSON(&b, d, exportRows(t, d)); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		AsOf string           `json:"as_of"`
		Rows []map[string]any `json:"rows"`
	}
	if err := json.Unmarshal(b.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.AsOf != "2024-03-31" || len(doc.Rows) != 9 || len(doc.Rows[0]) != len(report.ExportColumns) || doc.Rows[8]["name"] != "=Gil Green" {
		t.Errorf("JSON = %s", b.String())
	}
}

func exportRows(t *testing.T, d date.Date) []report.Row {
	t.Helper()
	p, st := loadSmall(t)
	return report.Export(p, st, d)
}

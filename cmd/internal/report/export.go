package report

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"io"
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/accredit/accredit/cmd/internal/date"
	"github.com/accredit/accredit/cmd/internal/diag"
	"github.com/accredit/accredit/cmd/internal/program"
	"github.com/accredit/accredit/cmd/internal/standing"
)

// Row is one line of "accredit export": a credential with its holder and
// partner, or a person who holds none (credential fields empty). It is
// PRIVATE: it carries e-mail addresses. content/docs/reports.md documents
// the columns; ExportColumns gives their order.
type Row struct {
	Partner       string `json:"partner"`
	PartnerName   string `json:"partner_name"`
	PartnerTier   string `json:"partner_tier"` // at D; "" when it holds none
	Person        string `json:"person"`
	Name          string `json:"name"`
	Email         string `json:"email"`
	Credential    string `json:"credential"`
	Track         string `json:"track"`
	Level         string `json:"level"`
	Certification string `json:"certification"` // its name
	Issued        string `json:"issued"`
	Expires       string `json:"expires"`
	Status        string `json:"status"` // at D
	Renews        string `json:"renews"`
	RenewedBy     string `json:"renewed_by"`
	Revoked       string `json:"revoked"`
}

// ExportColumns are the CSV header, the JSON keys of a Row in order.
var ExportColumns = []string{"partner", "partner_name", "partner_tier", "person", "name", "email", "credential", "track", "level",
	"certification", "issued", "expires", "status", "renews", "renewed_by", "revoked"}

func (r Row) cells() []string {
	return []string{r.Partner, r.PartnerName, r.PartnerTier, r.Person, r.Name, r.Email, r.Credential, r.Track, r.Level,
		r.Certification, r.Issued, r.Expires, r.Status, r.Renews, r.RenewedBy, r.Revoked}
}

// Export lists every person of the program and every credential issued on
// or before D, in file order, with statuses and tiers at D.
func Export(p *program.Program, st *standing.Standing, d date.Date) []Row {
	parts := make([][]Row, len(p.Partners))
	var next atomic.Int64
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			for i := int(next.Add(1)) - 1; i < len(p.Partners); i = int(next.Add(1)) - 1 {
				parts[i] = exportPartner(p, st, p.Partners[i], d)
			}
		})
	}
	wg.Wait()
	var rows []Row
	for _, part := range parts {
		rows = append(rows, part...)
	}
	return rows
}

func exportPartner(p *program.Program, st *standing.Standing, pa *program.Partner, d date.Date) []Row {
	tier := ""
	if t := st.Tier(pa, d); t != nil {
		tier = t.ID
	}
	var rows []Row
	for _, pe := range pa.People {
		base := Row{Partner: pa.ID, PartnerName: pa.Name, PartnerTier: tier, Person: pe.ID, Name: pe.Name, Email: pe.Email}
		n := 0
		for _, c := range pe.Certifications {
			if c.Issued.After(d) {
				continue
			}
			n++
			cs := st.Of(c)
			row := base
			row.Credential, row.Track, row.Level = c.ID, c.Track, c.Level
			if cs.Cert != nil {
				row.Certification = cs.Cert.Name
			}
			row.Issued, row.Expires, row.Status = c.Issued.String(), cs.Expires.String(), string(st.Status(c, d))
			if cs.Renews != nil && st.Of(cs.Renews).RenewedBy == c {
				row.Renews = cs.Renews.ID
			}
			if cs.RenewedBy != nil && !cs.RenewedBy.Issued.After(d) {
				row.RenewedBy = cs.RenewedBy.ID
			}
			if c.Revoked.Valid() && !c.Revoked.After(d) {
				row.Revoked = c.Revoked.String()
			}
			rows = append(rows, row)
		}
		if n == 0 {
			rows = append(rows, base)
		}
	}
	return rows
}

// WriteExportCSV writes the rows under a header of ExportColumns; a cell
// a spreadsheet would read as a formula is quoted with a leading '.
func WriteExportCSV(w io.Writer, rows []Row) error {
	cw := csv.NewWriter(w)
	cw.Write(ExportColumns)
	for _, r := range rows {
		cells := r.cells()
		for i, c := range cells {
			cells[i] = safeCell(c)
		}
		cw.Write(cells)
	}
	cw.Flush()
	return cw.Error()
}

// WriteExportJSON writes {"as_of": D, "rows": [...]}.
func WriteExportJSON(w io.Writer, d date.Date, rows []Row) error {
	if rows == nil {
		rows = []Row{}
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(struct {
		AsOf date.Date `json:"as_of"`
		Rows []Row     `json:"rows"`
	}{d, rows}); err != nil {
		return err
	}
	_, err := w.Write(diag.PrintableJSON(buf.Bytes()))
	return err
}

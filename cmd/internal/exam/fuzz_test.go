package exam

import (
	"testing"

	"github.com/accredit/accredit/cmd/internal/program"
)

// FuzzCheckQTI feeds CheckQTI, the reader of what exam draw wrote, any
// manifest, test and item: it must never panic, and what it accepts must
// hold together (every test asks only items of the package).
func FuzzCheckQTI(f *testing.F) {
	e := &program.Exam{ID: "x", Title: "X", Questions: 1, DurationMinutes: 10}
	b := &program.Bank{Questions: []*program.Question{{ID: "a", Topic: "t", Text: "A & <b>?", Choices: []string{"yes", "no"}, Answer: 1}}}
	d, err := Draw(e, b, 1, 1)
	if err != nil {
		f.Fatal(err)
	}
	files, err := d.QTI()
	if err != nil || len(files) != 3 {
		f.Fatalf("%d files, %v", len(files), err)
	}
	m := fileMap(files)
	f.Add(m["imsmanifest.xml"], m["form-1.xml"], m["item-a.xml"])
	f.Add([]byte(`<manifest xmlns="http://www.imsglobal.org/xsd/imscp_v1p1"><resources><resource identifier="r" type="imsqti_test_xmlv2p1" href="form-1.xml"><file href="form-1.xml"/><dependency identifierref="r"/></resource></resources></manifest>`), m["form-1.xml"], []byte("<x"))
	f.Fuzz(func(t *testing.T, manifest, test, item []byte) {
		p, err := CheckQTI(map[string][]byte{"imsmanifest.xml": manifest, "form-1.xml": test, "item-a.xml": item})
		if err != nil {
			return
		}
		for _, tt := range p.Tests {
			if len(tt.Items) == 0 {
				t.Errorf("test %s accepted without items", tt.Identifier)
			}
			for _, id := range tt.Items {
				if _, ok := p.Items[id]; !ok {
					t.Errorf("test %s asks %s, not an item of the package", tt.Identifier, id)
				}
			}
		}
	})
}

package exam

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"strconv"
	"strings"

	"github.com/accredit/accredit/cmd/internal/program"
)

// IMS QTI 2.1 and IMS Content Packaging 1.1: the namespaces and schema
// locations Canvas, Moodle (with its QTI 2 import plugin) and Blackboard
// Learn expect of a QTI 2.1 package.
const (
	NSQTI       = "http://www.imsglobal.org/xsd/imsqti_v2p1"
	NSCP        = "http://www.imsglobal.org/xsd/imscp_v1p1"
	nsXSI       = "http://www.w3.org/2001/XMLSchema-instance"
	qtiSchema   = NSQTI + " http://www.imsglobal.org/xsd/qti/qtiv2p1/imsqti_v2p1.xsd"
	cpSchema    = NSCP + " http://www.imsglobal.org/xsd/qti/qtiv2p1/qtiv2p1_imscpv1p2_v1p0.xsd"
	matchTmpl   = "http://www.imsglobal.org/question/qti_v2p1/rptemplates/match_correct"
	typeItem    = "imsqti_item_xmlv2p1"
	typeTest    = "imsqti_test_xmlv2p1"
	manifestXML = "imsmanifest.xml"
)

// The elements below are the subset of QTI 2.1 and IMS CP a package of
// single-answer multiple-choice questions needs, in schema order (the
// order encoding/xml writes fields in).

type assessmentItem struct {
	XMLName        xml.Name            `xml:"http://www.imsglobal.org/xsd/imsqti_v2p1 assessmentItem"`
	XSI            string              `xml:"xmlns:xsi,attr,omitempty"`
	SchemaLocation string              `xml:"xsi:schemaLocation,attr,omitempty"`
	Identifier     string              `xml:"identifier,attr"`
	Title          string              `xml:"title,attr"`
	Adaptive       bool                `xml:"adaptive,attr"`
	TimeDependent  bool                `xml:"timeDependent,attr"`
	Response       responseDeclaration `xml:"responseDeclaration"`
	Outcome        outcomeDeclaration  `xml:"outcomeDeclaration"`
	Body           itemBody            `xml:"itemBody"`
	Processing     responseProcessing  `xml:"responseProcessing"`
}

type responseDeclaration struct {
	Identifier  string   `xml:"identifier,attr"`
	Cardinality string   `xml:"cardinality,attr"`
	BaseType    string   `xml:"baseType,attr"`
	Correct     []string `xml:"correctResponse>value"`
}

type outcomeDeclaration struct {
	Identifier  string  `xml:"identifier,attr"`
	Cardinality string  `xml:"cardinality,attr"`
	BaseType    string  `xml:"baseType,attr"`
	Default     *values `xml:"defaultValue"`
}

type values struct {
	Values []string `xml:"value"`
}

type itemBody struct {
	Choice choiceInteraction `xml:"choiceInteraction"`
}

type choiceInteraction struct {
	ResponseIdentifier string         `xml:"responseIdentifier,attr"`
	Shuffle            bool           `xml:"shuffle,attr"`
	MaxChoices         int            `xml:"maxChoices,attr"`
	Prompt             string         `xml:"prompt"`
	Choices            []simpleChoice `xml:"simpleChoice"`
}

type simpleChoice struct {
	Identifier string `xml:"identifier,attr"`
	Text       string `xml:",chardata"`
}

type responseProcessing struct {
	Template string `xml:"template,attr"`
}

type assessmentTest struct {
	XMLName        xml.Name           `xml:"http://www.imsglobal.org/xsd/imsqti_v2p1 assessmentTest"`
	XSI            string             `xml:"xmlns:xsi,attr,omitempty"`
	SchemaLocation string             `xml:"xsi:schemaLocation,attr,omitempty"`
	Identifier     string             `xml:"identifier,attr"`
	Title          string             `xml:"title,attr"`
	Outcome        outcomeDeclaration `xml:"outcomeDeclaration"`
	TimeLimits     *timeLimits        `xml:"timeLimits"`
	Part           testPart           `xml:"testPart"`
	Processing     *outcomeProcessing `xml:"outcomeProcessing"`
}

type timeLimits struct {
	MaxTime int `xml:"maxTime,attr"` // seconds
}

type testPart struct {
	Identifier     string            `xml:"identifier,attr"`
	NavigationMode string            `xml:"navigationMode,attr"`
	SubmissionMode string            `xml:"submissionMode,attr"`
	Section        assessmentSection `xml:"assessmentSection"`
}

type assessmentSection struct {
	Identifier string    `xml:"identifier,attr"`
	Title      string    `xml:"title,attr"`
	Visible    bool      `xml:"visible,attr"`
	Items      []itemRef `xml:"assessmentItemRef"`
}

type itemRef struct {
	Identifier string `xml:"identifier,attr"`
	Href       string `xml:"href,attr"`
}

// outcomeProcessing sums the items' SCORE into the test's.
type outcomeProcessing struct {
	Set struct {
		Identifier string `xml:"identifier,attr"`
		Sum        struct {
			Vars struct {
				Variable string `xml:"variableIdentifier,attr"`
			} `xml:"testVariables"`
		} `xml:"sum"`
	} `xml:"setOutcomeValue"`
}

type manifest struct {
	XMLName        xml.Name   `xml:"http://www.imsglobal.org/xsd/imscp_v1p1 manifest"`
	XSI            string     `xml:"xmlns:xsi,attr,omitempty"`
	SchemaLocation string     `xml:"xsi:schemaLocation,attr,omitempty"`
	Identifier     string     `xml:"identifier,attr"`
	Metadata       metadata   `xml:"metadata"`
	Organizations  struct{}   `xml:"organizations"`
	Resources      []resource `xml:"resources>resource"`
}

type metadata struct {
	Schema        string `xml:"schema"`
	SchemaVersion string `xml:"schemaversion"`
}

type resource struct {
	Identifier   string       `xml:"identifier,attr"`
	Type         string       `xml:"type,attr"`
	Href         string       `xml:"href,attr"`
	Files        []fileRef    `xml:"file"`
	Dependencies []dependency `xml:"dependency"`
}

type fileRef struct {
	Href string `xml:"href,attr"`
}

type dependency struct {
	IdentifierRef string `xml:"identifierref,attr"`
}

// A File is one file of a package: a name in the output folder (no
// folders) and its bytes.
type File struct {
	Name string
	Data []byte
}

// QTI returns the drawing as a QTI 2.1 content package: imsmanifest.xml
// first, then one assessmentTest per form (form-N.xml) and one
// assessmentItem per question used by some form (item-ID.xml), in bank
// order. Choices keep the bank's order (shuffle="false"): an author may
// write "none of the above" last.
func (d *Drawing) QTI() ([]File, error) {
	idents := d.identifiers()
	testID := ident(d.Exam.ID)
	m := manifest{XSI: nsXSI, SchemaLocation: cpSchema, Identifier: "MANIFEST-" + testID,
		Metadata: metadata{Schema: "QTIv2.1 Package", SchemaVersion: "1.0.0"}}
	var files []File
	for _, f := range d.Forms {
		name := fmt.Sprintf("form-%d.xml", f.Number)
		t := assessmentTest{XSI: nsXSI, SchemaLocation: qtiSchema,
			Identifier: fmt.Sprintf("%s-form-%d", testID, f.Number),
			Title:      fmt.Sprintf("%s, form %d of %d", d.Exam.Title, f.Number, len(d.Forms)),
			Outcome:    outcomeDeclaration{Identifier: "SCORE", Cardinality: "single", BaseType: "float"},
			Part: testPart{Identifier: "part-1", NavigationMode: "nonlinear", SubmissionMode: "simultaneous",
				Section: assessmentSection{Identifier: "section-1", Title: d.Exam.Title, Visible: true}},
			Processing: &outcomeProcessing{},
		}
		if d.Exam.DurationMinutes > 0 {
			t.TimeLimits = &timeLimits{MaxTime: d.Exam.DurationMinutes * 60}
		}
		t.Processing.Set.Identifier = "SCORE"
		t.Processing.Set.Sum.Vars.Variable = "SCORE"
		res := resource{Identifier: "RES-TEST-" + strconv.Itoa(f.Number), Type: typeTest, Href: name, Files: []fileRef{{name}}}
		for _, q := range f.Questions {
			id := idents[q]
			t.Part.Section.Items = append(t.Part.Section.Items, itemRef{Identifier: id, Href: itemFile(id)})
			res.Dependencies = append(res.Dependencies, dependency{"RES-ITEM-" + id})
		}
		data, err := encode(t)
		if err != nil {
			return nil, err
		}
		files = append(files, File{name, data})
		m.Resources = append(m.Resources, res)
	}
	for _, q := range d.used() {
		id := idents[q]
		it, err := item(q, id)
		if err != nil {
			return nil, err
		}
		data, err := encode(it)
		if err != nil {
			return nil, err
		}
		files = append(files, File{itemFile(id), data})
		m.Resources = append(m.Resources, resource{Identifier: "RES-ITEM-" + id, Type: typeItem, Href: itemFile(id), Files: []fileRef{{itemFile(id)}}})
	}
	data, err := encode(m)
	if err != nil {
		return nil, err
	}
	return append([]File{{manifestXML, data}}, files...), nil
}

func itemFile(id string) string { return "item-" + id + ".xml" }

// choiceID names a choice by its position: choice-1, choice-2, ...
func choiceID(i int) string { return "choice-" + strconv.Itoa(i+1) }

func item(q *program.Question, id string) (*assessmentItem, error) {
	if q.Answer < 0 || q.Answer >= len(q.Choices) {
		return nil, fmt.Errorf("question %q: answer %d is not one of its %d choices", q.ID, q.Answer, len(q.Choices))
	}
	it := &assessmentItem{XSI: nsXSI, SchemaLocation: qtiSchema, Identifier: id, Title: q.ID,
		Response: responseDeclaration{Identifier: "RESPONSE", Cardinality: "single", BaseType: "identifier",
			Correct: []string{choiceID(q.Answer)}},
		Outcome:    outcomeDeclaration{Identifier: "SCORE", Cardinality: "single", BaseType: "float", Default: &values{[]string{"0"}}},
		Body:       itemBody{Choice: choiceInteraction{ResponseIdentifier: "RESPONSE", MaxChoices: 1, Prompt: q.Text}},
		Processing: responseProcessing{Template: matchTmpl},
	}
	for i, c := range q.Choices {
		it.Body.Choice.Choices = append(it.Body.Choice.Choices, simpleChoice{choiceID(i), c})
	}
	return it, nil
}

func encode(v any) ([]byte, error) {
	var b bytes.Buffer
	b.WriteString(xml.Header)
	enc := xml.NewEncoder(&b)
	enc.Indent("", "  ")
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	b.WriteByte('\n')
	return b.Bytes(), nil
}

// used returns the questions some form asks, in bank order.
func (d *Drawing) used() []*program.Question {
	seen := map[*program.Question]bool{}
	for _, f := range d.Forms {
		for _, q := range f.Questions {
			seen[q] = true
		}
	}
	var qs []*program.Question
	for _, q := range d.bank() {
		if seen[q] {
			qs = append(qs, q)
		}
	}
	return qs
}

func (d *Drawing) bank() []*program.Question {
	if d.Bank == nil {
		return nil
	}
	return d.Bank.Questions
}

// identifiers gives each question of the bank a QTI identifier, which is
// also its file's name: its id where that is a valid identifier and a
// safe file name, else the id with every other character replaced by "_"
// (and "q_" before a leading digit, dot or hyphen), numbered on a clash.
// Bank ids are free text: "../x" must not name a file outside the folder.
func (d *Drawing) identifiers() map[*program.Question]string {
	ids := map[*program.Question]string{}
	taken := map[string]bool{}
	for _, q := range d.bank() {
		base := ident(q.ID)
		id := base
		for n := 2; taken[strings.ToLower(id)]; n++ {
			id = base + "_" + strconv.Itoa(n)
		}
		taken[strings.ToLower(id)] = true // file names clash ignoring case on some systems
		ids[q] = id
	}
	return ids
}

// ident makes s an NCName of ASCII letters, digits, "_", "-" and ".",
// at most 64 characters, that is also a plain file name.
func ident(s string) string {
	var b strings.Builder
	for _, r := range s {
		if b.Len() >= 64 {
			break
		}
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r == '_':
			b.WriteRune(r)
		case r >= '0' && r <= '9', r == '-', r == '.':
			if b.Len() == 0 {
				b.WriteString("q_")
			}
			b.WriteRune(r)
		default:
			b.WriteByte('_')
		}
	}
	if b.Len() == 0 {
		return "q_"
	}
	return b.String()
}

package exam

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"slices"
)

// A Package is what CheckQTI found in a QTI package: its tests in
// manifest order, each with the identifiers of its items in order.
type Package struct {
	Tests []Test
	Items map[string]string // item identifier -> file
}

// Test is one assessmentTest of a package.
type Test struct {
	Identifier string
	File       string
	Items      []string // item identifiers, in order
}

// CheckQTI reads a QTI 2.1 content package, given as its files by name,
// as an importer would and reports the first thing that would stop one:
// imsmanifest.xml must be an IMS CP manifest; every resource's href and
// file must be a file of the package and every file must be listed; every
// dependency must name an item resource; every item must parse as a QTI
// 2.1 assessmentItem whose choiceInteraction answers its
// responseDeclaration with declared choices; every test must parse as an
// assessmentTest whose item references name the package's items, each
// one a dependency of the test's resource and no other.
func CheckQTI(files map[string][]byte) (*Package, error) {
	data, ok := files[manifestXML]
	if !ok {
		return nil, errors.New("no " + manifestXML)
	}
	var m manifest
	if err := strictUnmarshal(data, &m); err != nil {
		return nil, fmt.Errorf("%s: %w", manifestXML, err)
	}
	res := map[string]*resource{}
	listed := map[string]bool{manifestXML: true}
	for i := range m.Resources {
		r := &m.Resources[i]
		if r.Identifier == "" || res[r.Identifier] != nil {
			return nil, fmt.Errorf("%s: resource identifier %q is empty or repeated", manifestXML, r.Identifier)
		}
		res[r.Identifier] = r
		if r.Type != typeItem && r.Type != typeTest {
			return nil, fmt.Errorf("%s: resource %q has type %q", manifestXML, r.Identifier, r.Type)
		}
		if _, ok := files[r.Href]; !ok || !slices.Contains(r.Files, fileRef{r.Href}) {
			return nil, fmt.Errorf("%s: resource %q: href %q is not a file of the package and of the resource", manifestXML, r.Identifier, r.Href)
		}
		for _, f := range r.Files {
			if _, ok := files[f.Href]; !ok {
				return nil, fmt.Errorf("%s: resource %q lists %q, which is not in the package", manifestXML, r.Identifier, f.Href)
			}
			listed[f.Href] = true
		}
	}
	for name := range files {
		if !listed[name] {
			return nil, fmt.Errorf("%s is in the package but not in %s", name, manifestXML)
		}
	}
	p := &Package{Items: map[string]string{}}
	itemOf := map[string]string{} // file -> item identifier
	for _, r := range m.Resources {
		if r.Type != typeItem {
			continue
		}
		var it assessmentItem
		if err := strictUnmarshal(files[r.Href], &it); err != nil {
			return nil, fmt.Errorf("%s: %w", r.Href, err)
		}
		if err := checkItem(&it); err != nil {
			return nil, fmt.Errorf("%s: %w", r.Href, err)
		}
		if _, dup := p.Items[it.Identifier]; dup {
			return nil, fmt.Errorf("%s: item identifier %q is repeated", r.Href, it.Identifier)
		}
		p.Items[it.Identifier] = r.Href
		itemOf[r.Href] = it.Identifier
	}
	for _, r := range m.Resources {
		if r.Type != typeTest {
			continue
		}
		var t assessmentTest
		if err := strictUnmarshal(files[r.Href], &t); err != nil {
			return nil, fmt.Errorf("%s: %w", r.Href, err)
		}
		if t.Identifier == "" || t.Part.Identifier == "" || t.Part.Section.Identifier == "" {
			return nil, fmt.Errorf("%s: a test, its testPart and its assessmentSection need identifiers", r.Href)
		}
		deps := map[string]bool{}
		for _, dep := range r.Dependencies {
			d := res[dep.IdentifierRef]
			if d == nil || d.Type != typeItem {
				return nil, fmt.Errorf("%s: resource %q depends on %q, which is no item resource", manifestXML, r.Identifier, dep.IdentifierRef)
			}
			deps[d.Href] = true
		}
		test := Test{Identifier: t.Identifier, File: r.Href}
		seen := map[string]bool{}
		for _, ref := range t.Part.Section.Items {
			id, ok := itemOf[ref.Href]
			switch {
			case !ok:
				return nil, fmt.Errorf("%s: item reference %q: %q is not an item of the package", r.Href, ref.Identifier, ref.Href)
			case id != ref.Identifier:
				return nil, fmt.Errorf("%s: item reference %q points to %s, whose item is %q", r.Href, ref.Identifier, ref.Href, id)
			case !deps[ref.Href]:
				return nil, fmt.Errorf("%s: item %q is not a dependency of the test's resource in %s", r.Href, id, manifestXML)
			case seen[id]:
				return nil, fmt.Errorf("%s: item %q is asked twice", r.Href, id)
			}
			seen[id] = true
			test.Items = append(test.Items, id)
		}
		if len(seen) != len(deps) {
			return nil, fmt.Errorf("%s: resource %q depends on %d items, the test asks %d", manifestXML, r.Identifier, len(deps), len(seen))
		}
		if len(test.Items) == 0 {
			return nil, fmt.Errorf("%s: the test asks no question", r.Href)
		}
		p.Tests = append(p.Tests, test)
	}
	return p, nil
}

func checkItem(it *assessmentItem) error {
	ci := it.Body.Choice
	if it.Identifier == "" {
		return errors.New("the item has no identifier")
	}
	if it.Response.Identifier == "" || ci.ResponseIdentifier != it.Response.Identifier {
		return fmt.Errorf("the choiceInteraction answers %q, the responseDeclaration declares %q", ci.ResponseIdentifier, it.Response.Identifier)
	}
	if it.Response.Cardinality != "single" || it.Response.BaseType != "identifier" || ci.MaxChoices != 1 {
		return errors.New("a single-answer question needs cardinality single, baseType identifier and maxChoices 1")
	}
	if len(ci.Choices) < 2 {
		return fmt.Errorf("the choiceInteraction offers %d choices", len(ci.Choices))
	}
	ids := map[string]bool{}
	for _, c := range ci.Choices {
		if c.Identifier == "" || ids[c.Identifier] {
			return fmt.Errorf("choice identifier %q is empty or repeated", c.Identifier)
		}
		ids[c.Identifier] = true
	}
	if len(it.Response.Correct) != 1 || !ids[it.Response.Correct[0]] {
		return fmt.Errorf("the correct response %q is not one choice of the interaction", it.Response.Correct)
	}
	return nil
}

// strictUnmarshal decodes one XML document into v, whose XMLName fixes
// the root element and its namespace; anything after the root element
// but white space is an error.
func strictUnmarshal(data []byte, v any) error {
	dec := xml.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(v); err != nil {
		return err
	}
	for {
		tok, err := dec.Token()
		if err != nil {
			if errors.Is(err, io.EOF) {
				return nil
			}
			return err
		}
		switch t := tok.(type) {
		case xml.CharData:
			if len(bytes.TrimSpace(t)) > 0 {
				return errors.New("text after the root element")
			}
		case xml.Comment, xml.ProcInst:
		default:
			return errors.New("content after the root element")
		}
	}
}

// matchesQTI checks a package read back against the drawing: one test per
// form, each asking the form's questions in order.
func (d *Drawing) matchesQTI(p *Package) error {
	if len(p.Tests) != len(d.Forms) {
		return fmt.Errorf("the package holds %d tests for %d forms", len(p.Tests), len(d.Forms))
	}
	idents := d.identifiers()
	for i, f := range d.Forms {
		t := p.Tests[i]
		if len(t.Items) != len(f.Questions) {
			return fmt.Errorf("%s asks %d questions; form %d has %d", t.File, len(t.Items), f.Number, len(f.Questions))
		}
		for j, q := range f.Questions {
			if t.Items[j] != idents[q] {
				return fmt.Errorf("%s: question %d is %q; form %d has %q", t.File, j+1, t.Items[j], f.Number, idents[q])
			}
		}
	}
	return nil
}

// checkJSON checks forms.json read back against the drawing.
func (d *Drawing) checkJSON(data []byte) error {
	var got jsonDrawing
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&got); err != nil {
		return fmt.Errorf("%s: %w", JSONFile, err)
	}
	if got.Exam != d.Exam.ID || got.Seed != d.Seed || len(got.Forms) != len(d.Forms) {
		return fmt.Errorf("%s: exam %q, seed %d, %d forms; drawn: exam %q, seed %d, %d forms", JSONFile, got.Exam, got.Seed, len(got.Forms), d.Exam.ID, d.Seed, len(d.Forms))
	}
	for i, f := range d.Forms {
		g := got.Forms[i]
		if g.Form != f.Number || len(g.Questions) != len(f.Questions) {
			return fmt.Errorf("%s: form %d does not match the drawing", JSONFile, f.Number)
		}
		for j, q := range f.Questions {
			gq := g.Questions[j]
			if gq.ID != q.ID || gq.Answer != q.Answer || gq.Text != q.Text || !slices.Equal(gq.Choices, q.Choices) {
				return fmt.Errorf("%s: form %d, question %d is not %q as drawn", JSONFile, f.Number, j+1, q.ID)
			}
		}
	}
	return nil
}

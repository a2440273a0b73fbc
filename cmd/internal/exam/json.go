package exam

import (
	"encoding/json"
	"fmt"
)

// JSONFile is the name of the json format's one file.
const JSONFile = "forms.json"

// jsonDrawing is the json format: the drawing with every question in
// full, answers included (the file is as private as the bank).
type jsonDrawing struct {
	Exam      string      `json:"exam"`
	Title     string      `json:"title"`
	Seed      uint64      `json:"seed"`
	Questions int         `json:"questions_per_form"`
	Blueprint []jsonShare `json:"blueprint"`
	Forms     []jsonForm  `json:"forms"`
}

type jsonShare struct {
	Topic   string `json:"topic"`
	Weight  int    `json:"weight"`
	PerForm int    `json:"per_form"`
}

type jsonForm struct {
	Form      int            `json:"form"`
	Questions []jsonQuestion `json:"questions"`
}

type jsonQuestion struct {
	ID      string   `json:"id"`
	Topic   string   `json:"topic"`
	Text    string   `json:"text"`
	Choices []string `json:"choices"`
	Answer  int      `json:"answer"`
	Author  string   `json:"author,omitempty"`
}

// JSON returns the drawing as one file, forms.json.
func (d *Drawing) JSON() ([]File, error) {
	out := jsonDrawing{Exam: d.Exam.ID, Title: d.Exam.Title, Seed: d.Seed, Questions: d.Exam.Questions,
		Blueprint: []jsonShare{}, Forms: []jsonForm{}}
	for _, s := range d.Topics {
		out.Blueprint = append(out.Blueprint, jsonShare{s.Topic, s.Weight, s.PerForm})
	}
	for _, f := range d.Forms {
		jf := jsonForm{Form: f.Number, Questions: []jsonQuestion{}}
		for _, q := range f.Questions {
			choices := q.Choices
			if choices == nil {
				choices = []string{}
			}
			jf.Questions = append(jf.Questions, jsonQuestion{q.ID, q.Topic, q.Text, choices, q.Answer, q.Author})
		}
		out.Forms = append(out.Forms, jf)
	}
	data, err := json.MarshalIndent(out, "", "  ")
	if err != nil {
		return nil, err
	}
	return []File{{JSONFile, append(data, '\n')}}, nil
}

// Formats are the values of --format.
var Formats = []string{"qti", "json"}

// Files returns the drawing's files in a format of Formats.
func (d *Drawing) Files(format string) ([]File, error) {
	switch format {
	case "qti":
		return d.QTI()
	case "json":
		return d.JSON()
	}
	return nil, fmt.Errorf("unknown format %q: use qti or json", format)
}

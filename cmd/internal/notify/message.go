package notify

import (
	htmltemplate "html/template"
	"io/fs"
	"strconv"
	"strings"
	texttemplate "text/template"

	"github.com/accredit/accredit/cmd/internal/date"
	"github.com/accredit/accredit/cmd/internal/program"
	"github.com/accredit/accredit/cmd/internal/safefs"
)

// Templates are the messages' plain-text and HTML templates.
type Templates struct {
	text *texttemplate.Template
	html *htmltemplate.Template
}

// The templates' paths under layouts/, and their cap.
const (
	TextTemplate = "email/notice.txt"
	HTMLTemplate = "email/notice.html"
	maxTemplate  = 256 << 10
)

// LoadTemplates reads each template from the program's layouts/ folder
// (through safefs: a link or special file is an error, never followed)
// when it has one, else from def (accredit's embedded layouts).
func LoadTemplates(def fs.FS, root string) (*Templates, error) {
	read := func(name string) (string, error) {
		b, err := safefs.ReadFileAt(root, "layouts/"+name, maxTemplate)
		if err == nil {
			return string(b), nil
		}
		if !isNotExist(err) {
			return "", err
		}
		b, err = fs.ReadFile(def, name)
		return string(b), err
	}
	src, err := read(TextTemplate)
	if err != nil {
		return nil, err
	}
	t := &Templates{}
	if t.text, err = texttemplate.New("notice.txt").Option("missingkey=error").Parse(src); err != nil {
		return nil, err
	}
	if src, err = read(HTMLTemplate); err != nil {
		return nil, err
	}
	if t.html, err = htmltemplate.New("notice.html").Option("missingkey=error").Parse(src); err != nil {
		return nil, err
	}
	return t, nil
}

// Message is one e-mail to one holder.
type Message struct {
	Notice     Notice
	To, ToName string
	Subject    string
	Text, HTML string
}

// Data is what the templates see.
type Data struct {
	Subject                  string
	Holder                   string
	Certification            string
	Credential, Track, Level string
	Status                   string // active, grace or lapsed
	Notice                   string
	DaysLeft                 int
	Expires                  string
	GraceEnds                string // the last day of grace
	LapsedOn                 string
	RenewBy                  string // the last day a renewal is allowed
	Issued, Revoked          string
	Renew                    []string
	VerifyURL                string
	Program, Issuer          string
	Contact                  string
}

// Compose renders the message of a notice at d.
func Compose(p *program.Program, t *Templates, n Notice, d date.Date) (Message, error) {
	c := n.Cred
	pol := p.Policy
	cert := p.CertificationOf(c)
	data := Data{Holder: c.Person.Name, Certification: cert.Name, Credential: c.ID, Track: c.Track, Level: c.Level,
		Status: string(n.Status), Notice: n.Notice, DaysLeft: n.Expires.Sub(d), Expires: n.Expires.String(),
		GraceEnds: n.Expires.AddDays(pol.GraceDays - 1).String(), LapsedOn: n.Expires.AddDays(pol.GraceDays).String(),
		RenewBy: n.Expires.AddDays(pol.StreamlinedDays - 1).String(), Renew: renewSteps(p, cert),
		VerifyURL: strings.TrimSuffix(p.Info.SiteURL, "/") + "/verify/" + c.ID + "/",
		Program:   p.Info.Name, Issuer: p.Info.Issuer, Contact: p.Info.ContactEmail,
		Issued: c.Issued.String(), Revoked: c.Revoked.String()}
	switch {
	case n.Notice == Issued:
		data.Subject = "You are now a " + cert.Name + ", valid until " + data.Expires
	case n.Notice == RenewedBy:
		data.Subject = "Your " + cert.Name + " is renewed until " + data.Expires
	case n.Notice == RevokedNote:
		data.Subject = "Your " + cert.Name + " was revoked on " + data.Revoked
	case n.Status == "active":
		data.Subject = "Your " + cert.Name + " expires on " + data.Expires
	case n.Status == "grace":
		data.Subject = "Your " + cert.Name + " has expired: renew by " + data.GraceEnds
	default:
		data.Subject = "Your " + cert.Name + " has lapsed: renew by " + data.RenewBy
	}
	var text, html strings.Builder
	if err := t.text.Execute(&text, data); err != nil {
		return Message{}, err
	}
	if err := t.html.Execute(&html, data); err != nil {
		return Message{}, err
	}
	return Message{Notice: n, To: c.Person.Email, ToName: c.Person.Name, Subject: data.Subject, Text: text.String(), HTML: html.String()}, nil
}

// renewSteps says each recertify option of a certification in words.
func renewSteps(p *program.Program, cert *program.Certification) []string {
	var out []string
	for _, o := range cert.Recertify {
		var parts []string
		for _, id := range o.Courses {
			title := id
			if c := p.Course(id); c != nil {
				title = c.Title
			}
			parts = append(parts, "complete the course "+title)
		}
		if o.Exam != "" {
			title := o.Exam
			if e := p.Exam(o.Exam); e != nil {
				title = e.Title
			}
			parts = append(parts, "pass the "+title)
		}
		for _, id := range o.Assessments {
			name := id
			if k := p.Assessment(id); k != nil {
				name = k.Name
			}
			parts = append(parts, "pass a "+name)
		}
		for _, id := range sortedKeys(o.Evidence) {
			name := id
			if k := p.EvidenceKind(id); k != nil {
				name = k.Name
			}
			parts = append(parts, "record "+strconv.Itoa(o.Evidence[id])+" × "+name)
		}
		if len(parts) > 0 {
			s := strings.Join(parts, ", then ")
			out = append(out, strings.ToUpper(s[:1])+s[1:])
		}
	}
	return out
}

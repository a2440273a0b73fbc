package check

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/accredit/accredit/cmd/internal/program"
)

// attempts checks each person's exam attempts: retake-limit, retake-wait
// and proctoring, reported at the attempt's [[exams]] header (proctoring
// at its proctoring key). Attempts of one exam form cycles that end at a
// pass. A certification relies on every attempt of a cycle that ends in a
// pass it could use; its waive silences those attempts' errors.
func attempts(c *Context) {
	c.eachPartner(func(c *Context) func(*program.Partner) {
		return func(pa *program.Partner) {
			for _, pe := range pa.People {
				c.personAttempts(pe)
			}
		}
	})
}

type violation struct {
	a         *program.Attempt
	rule, msg string
	cycle     int
	key       string // the attempt's key to report at; "": its header
}

func (c *Context) personAttempts(pe *program.Person) {
	if len(pe.Exams) == 0 {
		return
	}
	cycle := make([]int, len(pe.Exams)) // cycle number of each attempt, by Attempt.Index
	var vs []violation
	n := 0
	// The attempts by exam id, then by date, each exam's in file order on
	// the same date: one sorted slice, not a map per person.
	var sorted []*program.Attempt
	for _, a := range pe.Exams {
		if a.Date.Valid() && c.P.Exam(a.Exam) != nil {
			sorted = append(sorted, a)
		}
	}
	slices.SortStableFunc(sorted, func(x, y *program.Attempt) int {
		if c := strings.Compare(x.Exam, y.Exam); c != 0 {
			return c
		}
		return x.Date.Compare(y.Date)
	})
	for len(sorted) > 0 {
		id := sorted[0].Exam
		k := 1
		for k < len(sorted) && sorted[k].Exam == id {
			k++
		}
		as := sorted[:k]
		sorted = sorted[k:]
		e := c.P.Exam(id)
		l := c.P.Level(e.Level)
		if l == nil {
			continue
		}
		pass := c.P.PassingScore(e)
		inCycle := 0
		n++
		for i, a := range as {
			cycle[a.Index] = n
			inCycle++
			if l.AttemptsIncluded > 0 && inCycle > l.AttemptsIncluded {
				vs = append(vs, violation{a: a, rule: "retake-limit", cycle: n,
					msg: fmt.Sprintf("attempt %d of exam %q in one cycle: level %s includes %d attempts until a pass", inCycle, id, l.ID, l.AttemptsIncluded)})
			}
			if inCycle > 1 {
				prev := as[i-1]
				if gap := a.Date.Sub(prev.Date); gap < l.RetakeWaitDays {
					vs = append(vs, violation{a: a, rule: "retake-wait", cycle: n,
						msg: fmt.Sprintf("attempt of exam %q on %s is %d days after the previous one (%s): level %s requires %d days between attempts", id, a.Date, gap, prev.Date, l.ID, l.RetakeWaitDays)})
				}
			}
			if slices.Contains(program.ProctoringModes, a.Proctoring) && !l.Allows(a.Proctoring) {
				vs = append(vs, violation{a: a, rule: "proctoring", cycle: n, key: "proctoring",
					msg: fmt.Sprintf("exam %q proctored %s: level %s allows %s", id, a.Proctoring, l.ID, joinOr(l.Proctoring))})
			}
			if a.Proctoring == "self" && a.Monitoring != "" && len(l.Monitoring) > 0 && !slices.Contains(l.Monitoring, a.Monitoring) {
				vs = append(vs, violation{a: a, rule: "proctoring", cycle: n, key: "monitoring",
					msg: fmt.Sprintf("self-proctored attempt of exam %q monitored by %s: level %s requires %s", id, a.Monitoring, l.ID, joinOr(l.Monitoring))})
			}
			if a.Score >= pass {
				inCycle = 0
				n++
			}
		}
	}
	if len(vs) == 0 {
		return
	}
	// Which cycles each waiving certification relies on.
	type cycleRule struct {
		cycle int
		rule  string
	}
	waived := map[cycleRule]bool{}
	for _, cr := range pe.Certifications {
		if len(cr.Waive) == 0 || !cr.Issued.Valid() {
			continue
		}
		ce := c.S.Of(cr).Cert
		if ce == nil {
			continue
		}
		type use struct {
			exam string
			w    window
		}
		var uses []use
		if cr.Renews == "" {
			uses = append(uses, use{ce.Exam, grantWindow(cr.Issued, c.P.Policy.ResultValidDays)})
		} else if old := c.P.Credential(cr.Renews); old != nil {
			for _, opt := range ce.Recertify {
				uses = append(uses, use{opt.Exam, window{from: old.Issued, to: cr.Issued, renewal: true}})
			}
		}
		for _, u := range uses {
			e := c.P.Exam(u.exam)
			if e == nil {
				continue
			}
			for _, a := range pe.Exams {
				if a.Exam == e.ID && a.Score >= c.P.PassingScore(e) && u.w.result(a.Date) {
					for _, r := range cr.Waive {
						waived[cycleRule{cycle[a.Index], r}] = true
					}
				}
			}
		}
	}
	for _, v := range vs {
		if waived[cycleRule{v.cycle, v.rule}] {
			continue
		}
		pos := v.a.Pos
		if v.key != "" {
			pos = pe.Src.At("exams[" + strconv.Itoa(v.a.Index) + "]." + v.key)
		}
		c.report(pos, v.rule, "%s", v.msg)
	}
}

func joinOr(xs []string) string {
	switch len(xs) {
	case 0:
		return "no proctoring mode"
	case 1:
		return xs[0]
	}
	s := ""
	for i, x := range xs {
		switch {
		case i == 0:
		case i == len(xs)-1:
			s += " or "
		default:
			s += ", "
		}
		s += x
	}
	return s
}

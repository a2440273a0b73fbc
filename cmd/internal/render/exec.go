package render

import (
	"bytes"
	"errors"
	"fmt"
	"html/template"
	"reflect"
	"strings"
	"sync/atomic"
	"text/template/parse"
)

// This file runs html/template's templates faster than html/template
// itself, and to the byte the same.
//
// html/template parses a theme, works out the context of every action
// and rewrites each action's pipeline to end in the escaper that the
// context needs ({{.Title}} inside <title> becomes {{.Title |
// _html_template_rcdataescaper}}). All of that security analysis stays
// html/template's. What costs on 200,000 verification pages is the step
// after: text/template walks the rewritten tree with reflection for
// every field and calls every escaper through reflect.Value.Call, some
// 60 times a page. The executor below compiles each escaped tree once
// into Go closures, resolves fields once per type, and calls the
// escapers directly (escape.go holds them, copied from html/template).
//
// It handles what themes use: text, actions, if/with/range/else,
// variables, break and continue, template and block calls, field and
// map lookups, methods without arguments, the builtins and, or, not,
// len, eq and ne, partialCached, and the escapers of HTML text,
// attributes, RCDATA, URLs and JSON-LD. Anything else makes the page fall
// back to html/template, whole: a template the compiler does not know
// runs on html/template always; an odd value at run time (a nil pointer,
// an HTML string inside an attribute, a method that fails) sends that
// one page through html/template again, which then gives the same
// output or the same error it always gave. Tests render every page of
// the example program both ways and compare the bytes.

// fallbackError says the fast executor cannot render this page exactly
// as html/template would: the page renders on html/template. It says why
// and where, for accredit build --verbose.
type fallbackError struct {
	reason string
	at     string // template:line:col of the action, when known
}

func (e *fallbackError) Error() string {
	if e.at == "" {
		return "render: fall back to html/template: " + e.reason
	}
	return "render: fall back to html/template: " + e.at + ": " + e.reason
}

// fallback returns a fallbackError: only on the slow path, which the
// allocation does not slow further.
func fallback(format string, args ...any) error {
	return &fallbackError{reason: fmt.Sprintf(format, args...)}
}

// typeName names the type of v for a fallback's reason.
func typeName(v reflect.Value) string {
	if !v.IsValid() {
		return "nil"
	}
	return v.Type().String()
}

// escaperContext says where an escaper's value sits, for people.
func escaperContext(name string) string {
	switch strings.TrimPrefix(name, "_html_template_") {
	case "htmlescaper":
		return "HTML text"
	case "attrescaper":
		return "an attribute"
	case "nospaceescaper":
		return "an unquoted attribute"
	case "htmlnamefilter":
		return "an attribute name"
	case "rcdataescaper":
		return "<title> or <textarea>"
	case "commentescaper":
		return "an HTML comment"
	case "urlfilter", "urlnormalizer", "urlescaper":
		return "a URL"
	case "jsvalescaper", "jsstrescaper", "jsregexpescaper", "jstmpllitescaper":
		return "JavaScript (<script>, an on* attribute)"
	case "cssescaper", "cssvaluefilter":
		return "CSS (<style>, a style attribute)"
	case "srcsetescaper":
		return "a srcset attribute"
	}
	return name
}

// describeFunc names a function the executor does not know, for people:
// html/template's escapers by their context.
func describeFunc(name string) string {
	switch {
	case strings.HasPrefix(name, "_html_template_"):
		return "a value in " + escaperContext(name)
	case name == "_eval_args_":
		return "a pipeline html/template rewrites (an escaper given several arguments)"
	}
	return fmt.Sprintf("function %q", name)
}

var (
	errBreak    = errors.New("break")
	errContinue = errors.New("continue")
)

// maxDepth bounds nested template calls; deeper ones fall back to
// html/template, which reports its own limit.
const maxDepth = 1000

type variable struct {
	name  string
	value reflect.Value
}

type state struct {
	w     *bytes.Buffer
	vars  []variable
	depth int
	theme *Theme
}

type (
	walkFn func(s *state, dot reflect.Value) error
	evalFn func(s *state, dot, final reflect.Value) (reflect.Value, error)
)

// missing marks "no final argument" (text/template's missingVal).
type missingType struct{}

var missing = reflect.ValueOf(missingType{})

func isMissing(v reflect.Value) bool { return v.IsValid() && v.Type() == missing.Type() }

// compiled is one page kind's template set, compiled.
type compiled struct {
	tree  *parse.Tree // the first template's, for positions
	set   *template.Template
	funcs map[string]*compiledTemplate
	theme *Theme
}

type compiledTemplate struct {
	walk walkFn
}

// compile compiles the template name of set and every template it
// calls, or fails when any of them uses what the executor does not know.
func compile(theme *Theme, set *template.Template, name string) (*compiledTemplate, error) {
	c := &compiled{set: set, funcs: map[string]*compiledTemplate{}, theme: theme}
	return c.template(name)
}

func (c *compiled) template(name string) (*compiledTemplate, error) {
	if ct, ok := c.funcs[name]; ok {
		return ct, nil
	}
	t := c.set.Lookup(name)
	if t == nil || t.Tree == nil || t.Tree.Root == nil {
		return nil, fmt.Errorf("no template %q", name)
	}
	if c.tree == nil {
		c.tree = t.Tree
	}
	ct := &compiledTemplate{}
	c.funcs[name] = ct // before the body, for recursive templates
	w, err := c.list(t.Tree.Root)
	if err != nil {
		return nil, err
	}
	ct.walk = w
	return ct, nil
}

func (c *compiled) list(l *parse.ListNode) (walkFn, error) {
	if l == nil {
		return func(*state, reflect.Value) error { return nil }, nil
	}
	var fns []walkFn
	for _, n := range l.Nodes {
		f, err := c.node(n)
		if err != nil {
			return nil, err
		}
		if f != nil {
			fns = append(fns, f)
		}
	}
	return func(s *state, dot reflect.Value) error {
		for _, f := range fns {
			if err := f(s, dot); err != nil {
				return err
			}
		}
		return nil
	}, nil
}

// node compiles a node. An error says where; so does a fallback at run
// time, from the innermost action that met it.
func (c *compiled) node(n parse.Node) (walkFn, error) {
	f, err := c.node1(n)
	if err != nil {
		var ce *compileError
		if errors.As(err, &ce) {
			return nil, err
		}
		return nil, &compileError{at: c.where(n), err: err}
	}
	switch n.(type) {
	case *parse.ActionNode, *parse.IfNode, *parse.WithNode, *parse.RangeNode, *parse.TemplateNode:
		at := c.where(n)
		return func(s *state, dot reflect.Value) error {
			err := f(s, dot)
			if fe, ok := err.(*fallbackError); ok && fe.at == "" {
				fe.at = at
			}
			return err
		}, nil
	}
	return f, nil
}

// compileError is what the executor does not compile, and where.
type compileError struct {
	at  string
	err error
}

func (e *compileError) Error() string { return e.at + ": " + e.err.Error() }

// where is the position of n: template file:line:col.
func (c *compiled) where(n parse.Node) string {
	loc, _ := c.tree.ErrorContext(n)
	return loc
}

func (c *compiled) node1(n parse.Node) (walkFn, error) {
	switch n := n.(type) {
	case *parse.TextNode:
		text := n.Text
		return func(s *state, _ reflect.Value) error {
			s.w.Write(text)
			return nil
		}, nil
	case *parse.CommentNode:
		return nil, nil
	case *parse.ActionNode:
		if len(n.Pipe.Decl) > 0 {
			pipe, err := c.pipeline(n.Pipe)
			if err != nil {
				return nil, err
			}
			return func(s *state, dot reflect.Value) error {
				_, err := pipe(s, dot)
				return err
			}, nil
		}
		return c.print(n.Pipe)
	case *parse.IfNode:
		return c.ifOrWith(false, n.Pipe, n.List, n.ElseList)
	case *parse.WithNode:
		return c.ifOrWith(true, n.Pipe, n.List, n.ElseList)
	case *parse.RangeNode:
		return c.rangeNode(n)
	case *parse.BreakNode:
		return func(*state, reflect.Value) error { return errBreak }, nil
	case *parse.ContinueNode:
		return func(*state, reflect.Value) error { return errContinue }, nil
	case *parse.TemplateNode:
		return c.templateNode(n)
	}
	return nil, fmt.Errorf("unknown node %s", n)
}

// print compiles an action that prints: html/template ends each with the
// escapers its context needs, which run here on strings, straight into
// the page.
func (c *compiled) print(p *parse.PipeNode) (walkFn, error) {
	k := len(p.Cmds)
	var escs []string
	for k > 1 {
		id, ok := p.Cmds[k-1].Args[0].(*parse.IdentifierNode)
		if !ok || len(p.Cmds[k-1].Args) != 1 {
			break
		}
		if _, ok := escapers[id.Ident]; !ok {
			break
		}
		escs = append([]string{id.Ident}, escs...)
		k--
	}
	if len(escs) == 0 {
		return nil, errors.New("an action without an escaper")
	}
	var cmds []evalFn
	for _, cmd := range p.Cmds[:k] {
		f, err := c.command(cmd)
		if err != nil {
			return nil, err
		}
		cmds = append(cmds, f)
	}
	prefix, err := c.pipelineOf(&parse.PipeNode{}, cmds)
	if err != nil {
		return nil, err
	}
	chain := escaperChain(escs)
	return func(s *state, dot reflect.Value) error {
		v, err := prefix(s, dot)
		if err != nil {
			return err
		}
		out, ok := chain(v)
		if !ok {
			return fallback("a %s value in %s", typeName(v), escaperContext(escs[0]))
		}
		s.w.WriteString(out)
		return nil
	}, nil
}

// escaperChain applies the named escapers in turn to a value, as
// text/template's pipeline would: the first gets the value, each next
// one the string the one before returned.
func escaperChain(names []string) func(reflect.Value) (string, bool) {
	fns := make([]func(string, contentType) (string, bool), len(names))
	for i, n := range names {
		fns[i] = escapers[n]
	}
	return func(v reflect.Value) (string, bool) {
		s, t := stringifyValue(v)
		for _, f := range fns {
			var ok bool
			if s, ok = f(s, t); !ok {
				return "", false
			}
			t = contentTypePlain
		}
		return s, true
	}
}

// branches compiles the parts of an if, with or range: the pipeline, the
// body and the else part (nil when there is none).
func (c *compiled) branches(p *parse.PipeNode, list, elseList *parse.ListNode) (pipe func(*state, reflect.Value) (reflect.Value, error), body, otherwise walkFn, err error) {
	if pipe, err = c.pipeline(p); err != nil {
		return nil, nil, nil, err
	}
	if body, err = c.list(list); err != nil {
		return nil, nil, nil, err
	}
	if elseList != nil {
		if otherwise, err = c.list(elseList); err != nil {
			return nil, nil, nil, err
		}
	}
	return pipe, body, otherwise, nil
}

func (c *compiled) ifOrWith(with bool, p *parse.PipeNode, list, elseList *parse.ListNode) (walkFn, error) {
	pipe, then, otherwise, err := c.branches(p, list, elseList)
	if err != nil {
		return nil, err
	}
	return func(s *state, dot reflect.Value) error {
		mark := len(s.vars)
		defer func() { s.vars = s.vars[:mark] }()
		v, err := pipe(s, dot)
		if err != nil {
			return err
		}
		truth, ok := isTrue(indirectInterface(v))
		if !ok {
			return fallback("the truth of a %s value", typeName(v))
		}
		if truth {
			if with {
				return then(s, v)
			}
			return then(s, dot)
		}
		if otherwise != nil {
			return otherwise(s, dot)
		}
		return nil
	}, nil
}

func (c *compiled) rangeNode(r *parse.RangeNode) (walkFn, error) {
	pipe, body, otherwise, err := c.branches(r.Pipe, r.List, r.ElseList)
	if err != nil {
		return nil, err
	}
	decl, assign := r.Pipe.Decl, r.Pipe.IsAssign
	var names []string
	for _, d := range decl {
		names = append(names, d.Ident[0])
	}
	return func(s *state, dot reflect.Value) error {
		mark0 := len(s.vars)
		defer func() { s.vars = s.vars[:mark0] }()
		v, err := pipe(s, dot)
		if err != nil {
			return err
		}
		val, _ := indirect(v)
		mark := len(s.vars)
		one := func(index, elem reflect.Value) error {
			if len(names) > 0 {
				if assign {
					if len(names) > 1 {
						if !s.setVar(names[0], index) {
							return fallback("range assigns an undeclared variable")
						}
					} else if !s.setVar(names[0], elem) {
						return fallback("range assigns an undeclared variable")
					}
				} else {
					s.vars[len(s.vars)-1].value = elem
				}
			}
			if len(names) > 1 {
				if assign {
					if !s.setVar(names[1], elem) {
						return fallback("range assigns an undeclared variable")
					}
				} else {
					s.vars[len(s.vars)-2].value = index
				}
			}
			err := body(s, elem)
			s.vars = s.vars[:mark]
			if err == errContinue {
				err = nil
			}
			return err
		}
		switch val.Kind() {
		case reflect.Array, reflect.Slice:
			if val.Len() == 0 {
				break
			}
			for i := 0; i < val.Len(); i++ {
				if err := one(reflect.ValueOf(i), val.Index(i)); err != nil {
					if err == errBreak {
						return nil
					}
					return err
				}
			}
			return nil
		case reflect.Invalid:
			// A nil map and the like: empty.
		default:
			// Maps (sorted keys), numbers, channels and iterators:
			// html/template's.
			return fallback("range over a %s", val.Kind())
		}
		if otherwise != nil {
			// A break in the else part ends this range, whose else part
			// it is (text/template recovers it in walkRange), not an
			// enclosing one; a continue goes on to the enclosing range.
			if err := otherwise(s, dot); err != errBreak {
				return err
			}
		}
		return nil
	}, nil
}

func (c *compiled) templateNode(n *parse.TemplateNode) (walkFn, error) {
	t, err := c.template(n.Name)
	if err != nil {
		return nil, err
	}
	var pipe func(*state, reflect.Value) (reflect.Value, error)
	if n.Pipe != nil {
		if len(n.Pipe.Decl) > 0 {
			return nil, errors.New("declaration in a template call")
		}
		if pipe, err = c.pipeline(n.Pipe); err != nil {
			return nil, err
		}
	}
	return func(s *state, dot reflect.Value) error {
		if s.depth >= maxDepth {
			return fallback("template calls nested more than %d deep", maxDepth)
		}
		if pipe != nil {
			v, err := pipe(s, dot)
			if err != nil {
				return err
			}
			dot = v
		} else {
			dot = reflect.Value{}
		}
		ns := state{w: s.w, vars: []variable{{"$", dot}}, depth: s.depth + 1, theme: s.theme}
		err := t.walk(&ns, dot)
		if err == errBreak || err == errContinue {
			return fallback("break or continue out of a template call")
		}
		return err
	}, nil
}

func (s *state) setVar(name string, v reflect.Value) bool {
	for i := len(s.vars) - 1; i >= 0; i-- {
		if s.vars[i].name == name {
			s.vars[i].value = v
			return true
		}
	}
	return false
}

func (s *state) varValue(name string) (reflect.Value, bool) {
	for i := len(s.vars) - 1; i >= 0; i-- {
		if s.vars[i].name == name {
			return s.vars[i].value, true
		}
	}
	return reflect.Value{}, false
}

// pipeline compiles a pipeline: each command gets the previous one's
// value as its final argument; then the declarations take the value.
func (c *compiled) pipeline(p *parse.PipeNode) (func(*state, reflect.Value) (reflect.Value, error), error) {
	if p == nil {
		return func(*state, reflect.Value) (reflect.Value, error) { return reflect.Value{}, nil }, nil
	}
	var cmds []evalFn
	for _, cmd := range p.Cmds {
		f, err := c.command(cmd)
		if err != nil {
			return nil, err
		}
		cmds = append(cmds, f)
	}
	return c.pipelineOf(p, cmds)
}

// pipelineOf runs the compiled commands cmds of p.
func (c *compiled) pipelineOf(p *parse.PipeNode, cmds []evalFn) (func(*state, reflect.Value) (reflect.Value, error), error) {
	var names []string
	for _, d := range p.Decl {
		names = append(names, d.Ident[0])
	}
	assign := p.IsAssign
	return func(s *state, dot reflect.Value) (reflect.Value, error) {
		value := missing
		for _, cmd := range cmds {
			v, err := cmd(s, dot, value)
			if err != nil {
				return reflect.Value{}, err
			}
			// An interface{} value: the thing inside.
			if v.Kind() == reflect.Interface && v.Type().NumMethod() == 0 {
				v = reflect.ValueOf(v.Interface())
			}
			value = v
		}
		for _, name := range names {
			if assign {
				if !s.setVar(name, value) {
					return reflect.Value{}, fallback("assignment to an undeclared variable %s", name)
				}
			} else {
				s.vars = append(s.vars, variable{name, value})
			}
		}
		return value, nil
	}, nil
}

func (c *compiled) command(cmd *parse.CommandNode) (evalFn, error) {
	switch n := cmd.Args[0].(type) {
	case *parse.FieldNode:
		return c.fieldChain(dotValue, n.Ident, cmd.Args)
	case *parse.VariableNode:
		name := n.Ident[0]
		recv := func(s *state, _ reflect.Value) (reflect.Value, error) {
			v, ok := s.varValue(name)
			if !ok {
				return reflect.Value{}, fallback("undefined variable %s", name)
			}
			return v, nil
		}
		if len(n.Ident) == 1 {
			if len(cmd.Args) > 1 {
				return nil, errors.New("variable with arguments")
			}
			return valueCommand(recv), nil
		}
		return c.fieldChain(recv, n.Ident[1:], cmd.Args)
	case *parse.ChainNode:
		inner, err := c.arg(n.Node)
		if err != nil {
			return nil, err
		}
		return c.fieldChain(inner, n.Field, cmd.Args)
	case *parse.IdentifierNode:
		return c.function(n.Ident, cmd.Args[1:])
	case *parse.PipeNode:
		if len(cmd.Args) > 1 {
			return nil, errors.New("parenthesized pipeline with arguments")
		}
		pipe, err := c.pipeline(n)
		if err != nil {
			return nil, err
		}
		return valueCommand(pipe), nil
	}
	if len(cmd.Args) > 1 {
		return nil, errors.New("constant with arguments")
	}
	v, err := c.arg(cmd.Args[0])
	if err != nil {
		return nil, err
	}
	return valueCommand(v), nil
}

// valueCommand is a command that is a value, not a call: a pipeline
// cannot give it a final argument (text/template's "can't give argument
// to non-function").
func valueCommand(v func(*state, reflect.Value) (reflect.Value, error)) evalFn {
	return func(s *state, dot, final reflect.Value) (reflect.Value, error) {
		if !isMissing(final) {
			return reflect.Value{}, fallback("an argument given to a value that is not a function")
		}
		return v(s, dot)
	}
}

func dotValue(_ *state, dot reflect.Value) (reflect.Value, error) { return dot, nil }

// arg compiles an argument of a function: a value, not a call.
func (c *compiled) arg(n parse.Node) (func(*state, reflect.Value) (reflect.Value, error), error) {
	switch n := n.(type) {
	case *parse.DotNode:
		return dotValue, nil
	case *parse.StringNode:
		v := reflect.ValueOf(n.Text)
		return func(*state, reflect.Value) (reflect.Value, error) { return v, nil }, nil
	case *parse.BoolNode:
		v := reflect.ValueOf(n.True)
		return func(*state, reflect.Value) (reflect.Value, error) { return v, nil }, nil
	case *parse.NumberNode:
		var v reflect.Value
		switch {
		case n.IsComplex:
			return nil, errors.New("complex constant")
		case n.IsFloat && !isHexInt(n.Text) && !isRuneInt(n.Text) && strings.ContainsAny(n.Text, ".eEpP"):
			v = reflect.ValueOf(n.Float64)
		case n.IsInt:
			if int64(int(n.Int64)) != n.Int64 {
				return nil, errors.New("integer overflow")
			}
			v = reflect.ValueOf(int(n.Int64))
		default:
			return nil, errors.New("number")
		}
		return func(*state, reflect.Value) (reflect.Value, error) { return v, nil }, nil
	case *parse.PipeNode:
		return c.pipeline(n)
	case *parse.FieldNode, *parse.VariableNode, *parse.ChainNode:
		cmd, err := c.command(&parse.CommandNode{NodeType: parse.NodeCommand, Args: []parse.Node{n}})
		if err != nil {
			return nil, err
		}
		return func(s *state, dot reflect.Value) (reflect.Value, error) { return cmd(s, dot, missing) }, nil
	}
	return nil, fmt.Errorf("argument %s", n)
}

// isRuneInt and isHexInt are text/template's, for numbers as it reads
// them.
func isRuneInt(s string) bool { return len(s) > 0 && s[0] == '\'' }

func isHexInt(s string) bool {
	return len(s) > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X') && !strings.ContainsAny(s, "pP")
}

// fieldChain compiles .A.B.C on the receiver recv: every step but the
// last takes no arguments.
func (c *compiled) fieldChain(recv func(*state, reflect.Value) (reflect.Value, error), idents []string, args []parse.Node) (evalFn, error) {
	if len(args) > 1 {
		return nil, errors.New("field with arguments")
	}
	fields := make([]*fieldRef, len(idents))
	for i, name := range idents {
		fields[i] = &fieldRef{name: name}
	}
	return func(s *state, dot, final reflect.Value) (reflect.Value, error) {
		if !isMissing(final) {
			return reflect.Value{}, fallback("an argument given to a field")
		}
		v, err := recv(s, dot)
		if err != nil {
			return reflect.Value{}, err
		}
		for _, f := range fields {
			if v, err = f.eval(v); err != nil {
				return reflect.Value{}, err
			}
		}
		return v, nil
	}, nil
}

// fieldRef is one step .Name, with what the name resolved to on the type
// it last met.
type fieldRef struct {
	name  string
	cache atomic.Pointer[fieldRes]
}

type fieldRes struct {
	typ    reflect.Type
	addr   bool
	kind   int // resField, resMethod, resMap
	index  []int
	method int
	ptr    bool // the method is on the pointer
}

const (
	resField = iota
	resMethod
	resMap
	resFail
)

func (f *fieldRef) eval(receiver reflect.Value) (reflect.Value, error) {
	if !receiver.IsValid() {
		return reflect.Value{}, nil // text/template: the zero value
	}
	receiver, isNil := indirect(receiver)
	if isNil {
		return reflect.Value{}, fallback(".%s of a nil pointer", f.name)
	}
	typ, addr := receiver.Type(), receiver.CanAddr()
	r := f.cache.Load()
	if r == nil || r.typ != typ || r.addr != addr {
		r = resolve(typ, addr, f.name)
		f.cache.Store(r)
	}
	switch r.kind {
	case resField:
		v, err := receiver.FieldByIndexErr(r.index)
		if err != nil {
			return reflect.Value{}, fallback(".%s through a nil embedded pointer", f.name)
		}
		return v, nil
	case resMap:
		return receiver.MapIndex(reflect.ValueOf(f.name).Convert(typ.Key())), nil
	case resMethod:
		m := receiver
		if r.ptr && receiver.Kind() != reflect.Pointer {
			m = receiver.Addr()
		}
		return callMethod(m.Method(r.method))
	}
	return reflect.Value{}, fallback("no field, key or method .%s on %s", f.name, typ)
}

// resolve finds what .name means on a value of type typ, as
// text/template does: a method first (of *T when the value is
// addressable), then a struct field or a map key.
func resolve(typ reflect.Type, addr bool, name string) *fieldRes {
	r := &fieldRes{typ: typ, addr: addr, kind: resFail}
	ptr := typ
	if typ.Kind() != reflect.Interface && typ.Kind() != reflect.Pointer && addr {
		ptr = reflect.PointerTo(typ)
	}
	if m, ok := ptr.MethodByName(name); ok {
		r.kind, r.method, r.ptr = resMethod, m.Index, ptr != typ
		return r
	}
	switch typ.Kind() {
	case reflect.Struct:
		if sf, ok := typ.FieldByName(name); ok && sf.IsExported() {
			r.kind, r.index = resField, sf.Index
		}
	case reflect.Map:
		if typ.Key().Kind() == reflect.String && typ.Key() == reflect.TypeFor[string]() {
			r.kind = resMap
		}
	}
	return r
}

var errorType = reflect.TypeFor[error]()

// callMethod calls a method that takes no arguments and returns a value,
// or a value and an error.
func callMethod(m reflect.Value) (reflect.Value, error) {
	t := m.Type()
	if t.NumIn() != 0 || t.NumOut() == 0 || t.NumOut() > 2 || (t.NumOut() == 2 && t.Out(1) != errorType) {
		return reflect.Value{}, fallback("a method of type %s", t)
	}
	var out []reflect.Value
	panicked := func() (p bool) {
		defer func() {
			if recover() != nil {
				p = true
			}
		}()
		out = m.Call(nil)
		return false
	}()
	if panicked || (len(out) == 2 && !out[1].IsNil()) {
		return reflect.Value{}, fallback("a method that failed or panicked")
	}
	return out[0], nil
}

// function compiles a call of a named function: a builtin, an escaper or
// partialCached.
func (c *compiled) function(name string, argNodes []parse.Node) (evalFn, error) {
	args := make([]func(*state, reflect.Value) (reflect.Value, error), len(argNodes))
	for i, n := range argNodes {
		a, err := c.arg(n)
		if err != nil {
			return nil, err
		}
		args[i] = a
	}
	// withFinal gathers the arguments, the final one last.
	withFinal := func(s *state, dot, final reflect.Value) ([]reflect.Value, error) {
		vs := make([]reflect.Value, 0, len(args)+1)
		for _, a := range args {
			v, err := a(s, dot)
			if err != nil {
				return nil, err
			}
			vs = append(vs, v)
		}
		if !isMissing(final) {
			vs = append(vs, final)
		}
		for _, v := range vs {
			if !v.IsValid() {
				// text/template: "invalid value; expected ..."
				return nil, fallback("an invalid value as an argument")
			}
		}
		return vs, nil
	}
	if _, ok := escapers[name]; ok {
		if len(args) > 0 {
			return nil, errors.New("escaper with arguments")
		}
		chain := escaperChain([]string{name})
		return func(s *state, dot, final reflect.Value) (reflect.Value, error) {
			if isMissing(final) {
				return reflect.Value{}, fallback("%s without a value", escaperContext(name))
			}
			out, ok := chain(final)
			if !ok {
				return reflect.Value{}, fallback("a %s value in %s", typeName(final), escaperContext(name))
			}
			return reflect.ValueOf(out), nil
		}, nil
	}
	switch name {
	case "partialCached":
		if c.theme == nil {
			return nil, errors.New("partialCached without a theme")
		}
		return func(s *state, dot, final reflect.Value) (reflect.Value, error) {
			vs, err := withFinal(s, dot, final)
			if err != nil {
				return reflect.Value{}, err
			}
			if len(vs) != 2 || !vs[0].IsValid() || vs[0].Kind() != reflect.String {
				return reflect.Value{}, fallback("partialCached with %d arguments", len(vs))
			}
			var data any
			if vs[1].IsValid() {
				data = vs[1].Interface()
			}
			h, err := s.theme.partialCached(vs[0].String(), data)
			if err != nil {
				return reflect.Value{}, fallback("partialCached: %v", err)
			}
			return reflect.ValueOf(h), nil
		}, nil
	case "not":
		return func(s *state, dot, final reflect.Value) (reflect.Value, error) {
			vs, err := withFinal(s, dot, final)
			if err != nil {
				return reflect.Value{}, err
			}
			if len(vs) != 1 {
				return reflect.Value{}, fallback("not with %d arguments", len(vs))
			}
			t, ok := isTrue(indirectInterface(vs[0]))
			if !ok {
				return reflect.Value{}, fallback("not of a %s value", typeName(vs[0]))
			}
			return reflect.ValueOf(!t), nil
		}, nil
	case "and", "or":
		// Arguments are evaluated only as far as needed (text/template
		// since Go 1.18).
		and := name == "and"
		return func(s *state, dot, final reflect.Value) (reflect.Value, error) {
			n := len(args)
			if !isMissing(final) {
				n++
			}
			if n == 0 {
				return reflect.Value{}, fallback("%s without arguments", name)
			}
			var v reflect.Value
			for i := 0; i < n; i++ {
				if i < len(args) {
					var err error
					if v, err = args[i](s, dot); err != nil {
						return reflect.Value{}, err
					}
				} else {
					v = final
				}
				if !v.IsValid() {
					return reflect.Value{}, fallback("%s of an invalid value", name)
				}
				t, ok := isTrue(indirectInterface(v))
				if !ok {
					return reflect.Value{}, fallback("%s of a %s value", name, typeName(v))
				}
				if t != and {
					return v, nil
				}
			}
			return v, nil
		}, nil
	case "len":
		return func(s *state, dot, final reflect.Value) (reflect.Value, error) {
			vs, err := withFinal(s, dot, final)
			if err != nil {
				return reflect.Value{}, err
			}
			if len(vs) != 1 {
				return reflect.Value{}, fallback("len with %d arguments", len(vs))
			}
			v, isNil := indirect(vs[0])
			if isNil {
				return reflect.Value{}, fallback("len of a nil pointer")
			}
			switch v.Kind() {
			case reflect.Array, reflect.Chan, reflect.Map, reflect.Slice, reflect.String:
				return reflect.ValueOf(v.Len()), nil
			}
			return reflect.Value{}, fallback("len of a %s", v.Kind())
		}, nil
	case "eq", "ne":
		ne := name == "ne"
		return func(s *state, dot, final reflect.Value) (reflect.Value, error) {
			vs, err := withFinal(s, dot, final)
			if err != nil {
				return reflect.Value{}, err
			}
			if len(vs) != 2 {
				return reflect.Value{}, fallback("%s with %d arguments", name, len(vs))
			}
			eq, ok := basicEqual(vs[0], vs[1])
			if !ok {
				return reflect.Value{}, fallback("%s of a %s and a %s", name, typeName(vs[0]), typeName(vs[1]))
			}
			return reflect.ValueOf(eq != ne), nil
		}, nil
	}
	return nil, errors.New(describeFunc(name))
}

// basicEqual compares two values of the same basic kind; other cases
// are html/template's.
func basicEqual(a, b reflect.Value) (eq, ok bool) {
	a, b = indirectInterface(a), indirectInterface(b)
	if !a.IsValid() || !b.IsValid() || a.Kind() != b.Kind() {
		return false, false
	}
	switch a.Kind() {
	case reflect.Bool:
		return a.Bool() == b.Bool(), true
	case reflect.String:
		return a.String() == b.String(), true
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return a.Int() == b.Int(), true
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return a.Uint() == b.Uint(), true
	}
	return false, false
}

// indirect follows pointers and interfaces to the value, as text/template
// does.
func indirect(v reflect.Value) (rv reflect.Value, isNil bool) {
	for ; v.Kind() == reflect.Pointer || v.Kind() == reflect.Interface; v = v.Elem() {
		if v.IsNil() {
			return v, true
		}
	}
	return v, false
}

func indirectInterface(v reflect.Value) reflect.Value {
	if v.Kind() != reflect.Interface {
		return v
	}
	if v.IsNil() {
		return reflect.Value{}
	}
	return v.Elem()
}

// isTrue is text/template's truth: non-zero numbers, non-empty
// collections and strings, non-nil pointers, every struct.
func isTrue(val reflect.Value) (truth, ok bool) {
	if !val.IsValid() {
		return false, true
	}
	switch val.Kind() {
	case reflect.Array, reflect.Map, reflect.Slice, reflect.String:
		truth = val.Len() > 0
	case reflect.Bool:
		truth = val.Bool()
	case reflect.Complex64, reflect.Complex128:
		truth = val.Complex() != 0
	case reflect.Chan, reflect.Func, reflect.Pointer, reflect.UnsafePointer, reflect.Interface:
		truth = !val.IsNil()
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		truth = val.Int() != 0
	case reflect.Float32, reflect.Float64:
		truth = val.Float() != 0
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		truth = val.Uint() != 0
	case reflect.Struct:
		truth = true
	default:
		return
	}
	return truth, true
}

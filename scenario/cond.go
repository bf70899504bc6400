package scenario

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/parser"
	"github.com/expr-lang/expr/vm"
)

// Condition is a compiled boolean expression over the chat's variables
// and the built-in facts (see Builtins). The language is expr-lang/expr:
// safe, side-effect free, with no access to anything but its environment.
type Condition struct {
	src     string
	prog    *vm.Program
	idents  []string // names the expression reads
	facts   bool     // reads schedule or queue facts
	service string   // the queue whose facts it reads ("" = the chat's)
}

// Builtins are the names conditions may use besides the chat's variables.
var Builtins = map[string]any{
	"within_schedule":  false, // the entry's hours of operation are open
	"after_hours":      false, // the opposite
	"queue_length":     0,     // chats waiting in the service's queue
	"agents_ready":     0,     // agents of the service ready for chats
	"agents_logged_in": 0,     // agents of the service not offline
	"estimated_wait":   0,     // seconds a new chat would wait
	"hour":             0,     // local hour (schedule's timezone), 0–23
	"minute":           0,     // local minute
	"weekday":          "",    // "mon" … "sun"
	"time_of_day":      "",    // "HH:MM", compares as text: time_of_day >= "09:00"
	"today":            "",    // "YYYY-MM-DD"
	"vars":             map[string]string{},
}

// factNames are the built-ins that need the runtime to look something up.
var factNames = map[string]bool{
	"within_schedule": true, "after_hours": true, "queue_length": true, "agents_ready": true,
	"agents_logged_in": true, "estimated_wait": true, "hour": true, "minute": true,
	"weekday": true, "time_of_day": true, "today": true,
}

// CompileCondition checks and compiles src.
func CompileCondition(src string) (*Condition, error) {
	tree, err := parser.Parse(src)
	if err != nil {
		return nil, fmt.Errorf("bad expression: %s", firstLine(err.Error()))
	}
	prog, err := expr.Compile(src, expr.Env(Builtins), expr.AllowUndefinedVariables(), expr.AsBool())
	if err != nil {
		return nil, fmt.Errorf("bad expression: %s", firstLine(err.Error()))
	}
	c := &Condition{src: src, prog: prog}
	v := &identVisitor{seen: map[string]bool{}}
	ast.Walk(&tree.Node, v)
	c.idents = v.names
	for _, n := range c.idents {
		c.facts = c.facts || factNames[n]
	}
	return c, nil
}

type identVisitor struct {
	seen  map[string]bool
	names []string
}

func (v *identVisitor) Visit(n *ast.Node) {
	if id, ok := (*n).(*ast.IdentifierNode); ok && !v.seen[id.Value] {
		v.seen[id.Value] = true
		v.names = append(v.names, id.Value)
	}
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	return s
}

// Eval evaluates the condition for the chat.
func (c *Condition) Eval(ctx context.Context, x *Exec) (bool, error) {
	env := make(map[string]any, len(c.idents)+4)
	for _, n := range c.idents {
		if _, builtin := Builtins[n]; !builtin {
			env[n] = x.Vars[n] // a variable never set reads as ""
		}
	}
	env["vars"] = x.Vars
	if c.facts {
		if err := c.addFacts(ctx, x, env); err != nil {
			return false, err
		}
	}
	out, err := expr.Run(c.prog, env)
	if err != nil {
		return false, fmt.Errorf("condition %q: %w", c.src, err)
	}
	b, _ := out.(bool)
	return b, nil
}

func (c *Condition) addFacts(ctx context.Context, x *Exec, env map[string]any) error {
	open, local := true, x.Now
	var q QueueInfo
	if e, ok := environment(x); ok {
		var err error
		if open, local, err = e.Schedule(ctx, x.Chat, x.Now); err != nil {
			return err
		}
		if q, err = e.Queue(ctx, x.Chat, Expand(c.service, x.Vars)); err != nil {
			return err
		}
	}
	env["within_schedule"], env["after_hours"] = open, !open
	env["queue_length"], env["agents_ready"], env["agents_logged_in"] = q.Length, q.AgentsReady, q.AgentsLoggedIn
	env["estimated_wait"] = int(q.EstimatedWait / time.Second)
	env["hour"], env["minute"] = local.Hour(), local.Minute()
	env["weekday"] = strings.ToLower(local.Weekday().String()[:3])
	env["time_of_day"], env["today"] = local.Format("15:04"), local.Format(time.DateOnly)
	return nil
}

// ifBlock leaves through the exit of the first branch whose condition
// holds, or through its default exit.
type ifBlock struct {
	branches []branch
}

type branch struct {
	name string
	cond *Condition
}

func newIf(p *Params) Block {
	b := &ifBlock{}
	service := p.String("service", false)
	seen := map[string]bool{}
	for i, bp := range p.Maps("branches") {
		br := branch{name: bp.String("name", false), cond: nil}
		if br.name == "" {
			br.name = "branch" + strconv.Itoa(i+1)
		}
		when := bp.String("when", true)
		bp.done()
		if seen[br.name] || br.name == DefaultExit {
			bp.Failf("name", "duplicate exit name %q", br.name)
		}
		seen[br.name] = true
		if when != "" {
			c, err := CompileCondition(when)
			if err != nil {
				bp.Failf("when", "%v", err)
			} else {
				c.service = service
				br.cond = c
			}
		}
		b.branches = append(b.branches, br)
	}
	if len(b.branches) == 0 {
		p.Failf("branches", "required: at least one branch with a name and a when condition")
	}
	return b
}

// Exits lists the branch names; each needs a target in exits.
func (b *ifBlock) Exits() []string {
	out := make([]string, len(b.branches))
	for i, br := range b.branches {
		out[i] = br.name
	}
	return out
}

func (b *ifBlock) Run(ctx context.Context, x *Exec) (Step, error) {
	for _, br := range b.branches {
		if br.cond == nil {
			continue
		}
		ok, err := br.cond.Eval(ctx, x)
		if err != nil {
			return Step{}, fmt.Errorf("if: %w", err)
		}
		if ok {
			return Step{Exit: br.name}, nil
		}
	}
	return Step{}, nil
}

// readsHours reports whether a branch's condition reads the hours of
// operation.
func (b *ifBlock) readsHours() bool {
	for _, br := range b.branches {
		if br.cond != nil && slices.ContainsFunc(br.cond.idents, func(n string) bool { return n == "within_schedule" || n == "after_hours" }) {
			return true
		}
	}
	return false
}
